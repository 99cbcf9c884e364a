package dev.kiln.spec;

import java.util.Objects;

/**
 * A fully connected layer: {@code y = x W^T + b}, with {@code W} of shape (units, inputs) as PyTorch
 * stores it.
 *
 * @param units  output features, positive
 * @param bias   whether the layer adds a learned bias
 * @param init   how the weights start ({@link Init#AUTO} is resolved by {@link NetworkSpec#initOf})
 * @param scale  the scale of {@link Init#UNIFORM} and {@link Init#NORMAL}
 * @param source where it was declared
 * @param tier   how generated code computes it ({@link Tier#AUTO}: the planner decides)
 */
public record DenseSpec(int units, boolean bias, Init init, double scale, String source, Tier tier)
        implements LayerSpec {

    /** The scale used when none is given. */
    public static final double DEFAULT_SCALE = 0.01;

    public DenseSpec {
        Objects.requireNonNull(init, "init");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(tier, "tier");
    }

    /** A layer whose tier the planner picks ({@link Tier#AUTO}). */
    public DenseSpec(int units, boolean bias, Init init, double scale, String source) {
        this(units, bias, init, scale, source, Tier.AUTO);
    }

    /** Features: {@code [units]}; a sequence {@code [steps, features]}: the layer on every step, {@code [steps, units]}. */
    @Override
    public java.util.List<Integer> outputShape(java.util.List<Integer> inputShape) {
        return inputShape.size() == 2 ? java.util.List.of(inputShape.getFirst(), units) : java.util.List.of(units);
    }

    @Override
    public DenseSpec withSource(String source) {
        return new DenseSpec(units, bias, init, scale, source, tier);
    }

    @Override
    public String describe(int inputSize) {
        return "Dense(" + inputSize + " -> " + units + (bias ? "" : ", no bias") + ")";
    }

    @Override
    public int outputSize(int inputSize) {
        return units;
    }
}
