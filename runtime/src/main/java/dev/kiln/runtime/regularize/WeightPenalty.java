package dev.kiln.runtime.regularize;

import static dev.kiln.runtime.Memory.FLOAT;

import dev.kiln.runtime.Model;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The elastic-net penalty {@code λ1 Σ|w| + (λ2 / 2) Σ w²} over a selection of a model's parameters, of
 * which L1 ({@code λ2 = 0}) and L2 ({@code λ1 = 0}) are the special cases; made by
 * {@link Regularizers#l1}, {@link Regularizers#l2} and {@link Regularizers#elasticNet}.
 *
 * <p>Its gradient, added to each selected parameter's, is {@code λ1 sign(w) + λ2 w}, with
 * {@code sign(0) = 0}: at a weight of exactly zero, where {@code |w|} has no derivative, L1 adds nothing
 * (the subgradient of least magnitude). The L2 part is therefore exactly what SGD's weight decay adds:
 * {@code Regularizers.l2(λ).includingBiases()} with {@code new Sgd(lr)} moves the parameters exactly as
 * {@code new Sgd(lr, 0, λ)}, with the difference that the penalty can be reported with the loss, and
 * that by default it spares the biases.
 *
 * <p>By default it acts on every layer's weights, the tensors of two or more dimensions (a Dense layer's
 * {@code (outputs, inputs)} matrix), and not on biases: {@link #only} chooses layers by name and
 * {@link #includingBiases()} adds the one-dimensional tensors. Both return a new penalty; this one is
 * unchanged. The coefficients are held as floats, as the optimizers' hyper-parameters are; the penalty is
 * summed in double and the gradient computed in float.
 *
 * <p>On its first call with a model it finds the selected tensors in the model's
 * {@link Model#parameterLayout()} (and throws if a named layer is missing); after that, calls with the
 * same model allocate nothing. Not thread-safe.
 */
public final class WeightPenalty implements Regularizer {

    private final String factory;
    private final float l1;
    private final float l2;
    private final Selection selection;

    /** The model {@link #tensors} was resolved for, or null. */
    private Model resolvedFor;
    private Selection.Tensors tensors;

    WeightPenalty(String factory, float l1, float l2, Selection selection) {
        this.factory = factory;
        this.l1 = l1;
        this.l2 = l2;
        this.selection = selection;
    }

    /**
     * This penalty on the named layers only (their weights, or all their tensors after
     * {@link #includingBiases()}), replacing any layers named before. A layer's name is the part of its
     * tensors' names before the dot, the name of the field or {@code named(...)} block that declared it:
     * {@code hidden} for {@code hidden.weight} and {@code hidden.bias}. The names are checked against the
     * model on first use.
     *
     * @throws IllegalArgumentException if no name is given or a name is blank
     * @throws NullPointerException     if a name is null
     */
    public WeightPenalty only(String... layers) {
        return new WeightPenalty(factory, l1, l2, selection.only(this + ".only", layers));
    }

    /** This penalty on the selected layers' one-dimensional tensors (biases) too, not only their weights. */
    public WeightPenalty includingBiases() {
        return new WeightPenalty(factory, l1, l2, selection.withVectors());
    }

    /** The L1 coefficient {@code λ1} (0 for L2). */
    public float l1() {
        return l1;
    }

    /** The L2 coefficient {@code λ2} (0 for L1): the penalty is {@code (λ2 / 2) Σ w²}. */
    public float l2() {
        return l2;
    }

    /**
     * {@code λ1 Σ|w| + (λ2 / 2) Σ w²} over the selected parameters, summed in double.
     *
     * @throws IllegalArgumentException if a layer named by {@link #only} is not in the model, or has no
     *     weight and biases are not included
     */
    @Override
    public double penalty(Model model) {
        Selection.Tensors selected = tensors(model);
        MemorySegment w = model.parameters();
        double absolute = 0;
        double squares = 0;
        for (int i = 0; i < selected.count(); i++) {
            long end = (long) selected.offsets()[i] + selected.sizes()[i];
            for (long j = selected.offsets()[i]; j < end; j++) {
                double v = w.getAtIndex(FLOAT, j);
                absolute += Math.abs(v);
                squares += v * v;
            }
        }
        return l1 * absolute + 0.5 * l2 * squares;
    }

    /**
     * Adds {@code λ1 sign(w) + λ2 w} to each selected parameter's gradient, in float:
     * {@code g = g + λ1 * sign(w)} and then {@code g = g + λ2 * w}, each step only where its coefficient is
     * not zero.
     *
     * @throws IllegalArgumentException if a layer named by {@link #only} is not in the model, or has no
     *     weight and biases are not included
     */
    @Override
    public void addGradient(Model model) {
        Selection.Tensors selected = tensors(model);
        MemorySegment w = model.parameters();
        MemorySegment g = model.gradients();
        for (int i = 0; i < selected.count(); i++) {
            long start = selected.offsets()[i];
            long end = start + selected.sizes()[i];
            if (l1 != 0 && l2 != 0) {
                for (long j = start; j < end; j++) {
                    float v = w.getAtIndex(FLOAT, j);
                    g.setAtIndex(FLOAT, j, g.getAtIndex(FLOAT, j) + l1 * Math.signum(v) + l2 * v);
                }
            } else if (l1 != 0) {
                for (long j = start; j < end; j++) {
                    g.setAtIndex(FLOAT, j, g.getAtIndex(FLOAT, j) + l1 * Math.signum(w.getAtIndex(FLOAT, j)));
                }
            } else if (l2 != 0) {
                for (long j = start; j < end; j++) {
                    g.setAtIndex(FLOAT, j, g.getAtIndex(FLOAT, j) + l2 * w.getAtIndex(FLOAT, j));
                }
            }
        }
    }

    private Selection.Tensors tensors(Model model) {
        Objects.requireNonNull(model, "model");
        if (model != resolvedFor) {
            tensors = selection.resolve(model, toString(), selection.vectors() ? ""
                    : "; to penalize those, call includingBiases()");
            resolvedFor = model;
        }
        return tensors;
    }

    /** The calls that make this penalty, e.g. {@code l2(1.0E-4).only("hidden").includingBiases()}. */
    @Override
    public String toString() {
        String arguments = switch (factory) {
            case "l1" -> Float.toString(l1);
            case "l2" -> Float.toString(l2);
            default -> l1 + ", " + l2;
        };
        return factory + "(" + arguments + ")" + selection.describe()
                + (selection.vectors() ? ".includingBiases()" : "");
    }
}
