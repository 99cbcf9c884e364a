package dev.kiln.spec;

import java.util.Objects;

/**
 * Inverted dropout (Srivastava et al., 2014) with rate {@code p}: in training mode each value is dropped
 * (set to 0) with probability {@code p} and otherwise kept and scaled by {@code 1 / (1 - p)}, so that its
 * expected value is unchanged; in inference mode the layer is the identity, and a model serves with the
 * weights it was trained with, unscaled. Its backward pass multiplies the gradient by the same mask. No
 * parameters. The rate must be in {@code [0, 1)}; 0 drops nothing. Dropout cannot be a network's last
 * layer, whose outputs the loss reads.
 *
 * @param rate   the probability {@code p} of dropping each value, in {@code [0, 1)}
 * @param source where it was declared
 */
public record DropoutSpec(double rate, String source) implements LayerSpec {

    public DropoutSpec {
        Objects.requireNonNull(source, "source");
    }

    /** The factor a kept value is multiplied by in training mode, {@code 1 / (1 - rate)}. */
    public double scale() {
        return 1 / (1 - rate);
    }

    @Override
    public DropoutSpec withSource(String source) {
        return new DropoutSpec(rate, source);
    }

    /** Element-wise: the shape is kept. */
    @Override
    public java.util.List<Integer> outputShape(java.util.List<Integer> inputShape) {
        return inputShape;
    }

    /** {@code Dropout(6x28x28, p=0.5)} on an image. */
    @Override
    public String describe(java.util.List<Integer> inputShape) {
        return "Dropout(" + Shapes.describe(inputShape) + ", p=" + rate + ")";
    }

    @Override
    public String describe(int inputSize) {
        return "Dropout(" + inputSize + ", p=" + rate + ")";
    }

    @Override
    public int outputSize(int inputSize) {
        return inputSize;
    }
}
