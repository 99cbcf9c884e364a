package dev.kiln.runtime.regularize;

import static dev.kiln.runtime.Memory.FLOAT;

import dev.kiln.runtime.Model;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The max-norm constraint: the weights coming into each unit have an L2 norm of at most {@code c}. Made by
 * {@link Constraints#maxNorm(double)}.
 *
 * <p>A unit's incoming weights are one row of its layer's {@code (outputs, inputs)} weight matrix (for a
 * weight of more dimensions, everything under one index of the first: one output unit's, or one
 * filter's). After each optimizer step, every row whose norm {@code ‖w‖} exceeds {@code c} is rescaled to
 * norm {@code c}, {@code w ← w · c / ‖w‖} (the norm and the factor in double, the product rounded to
 * float, so the new norm is {@code c} within float rounding); rows within the bound, and biases, are left
 * exactly as they are. That is the projection onto the set of allowed weights, so training never leaves
 * it; with dropout it lets a high learning rate be used without weights growing without bound (Srivastava
 * et al., "Dropout", 2014).
 *
 * <p>It acts on every layer's weights (tensors of two or more dimensions) unless {@link #only} names the
 * layers. On its first call with a model it finds those tensors in the model's
 * {@link Model#parameterLayout()}; after that, calls with the same model allocate nothing. Not thread-safe.
 */
public final class MaxNorm implements Constraint {

    private final double maxNorm;
    private final Selection selection;

    private Model resolvedFor;
    private Selection.Tensors tensors;

    MaxNorm(double maxNorm, Selection selection) {
        this.maxNorm = maxNorm;
        this.selection = selection;
    }

    /**
     * This constraint on the named layers' weights only, replacing any layers named before; a layer's name
     * is the part of its tensors' names before the dot ({@code hidden} for {@code hidden.weight}). The
     * names are checked against the model on first use.
     *
     * @throws IllegalArgumentException if no name is given or a name is blank
     * @throws NullPointerException     if a name is null
     */
    public MaxNorm only(String... layers) {
        return new MaxNorm(maxNorm, selection.only(this + ".only", layers));
    }

    /** The largest norm a unit's incoming weights may have. */
    public double maxNorm() {
        return maxNorm;
    }

    /**
     * Rescales every selected weight row whose L2 norm exceeds {@link #maxNorm()} to that norm.
     *
     * @throws IllegalArgumentException if a layer named by {@link #only} is not in the model, or has no
     *     weight
     */
    @Override
    public void apply(Model model) {
        Selection.Tensors selected = tensors(model);
        MemorySegment w = model.parameters();
        for (int i = 0; i < selected.count(); i++) {
            int rows = selected.rows()[i];
            int width = selected.sizes()[i] / rows;
            for (int r = 0; r < rows; r++) {
                long start = selected.offsets()[i] + (long) r * width;
                double squares = 0;
                for (long j = start; j < start + width; j++) {
                    double v = w.getAtIndex(FLOAT, j);
                    squares += v * v;
                }
                double norm = Math.sqrt(squares);
                if (norm > maxNorm) {
                    double factor = maxNorm / norm;
                    for (long j = start; j < start + width; j++) {
                        w.setAtIndex(FLOAT, j, (float) (w.getAtIndex(FLOAT, j) * factor));
                    }
                }
            }
        }
    }

    private Selection.Tensors tensors(Model model) {
        Objects.requireNonNull(model, "model");
        if (model != resolvedFor) {
            tensors = selection.resolve(model, toString(), "; max-norm constrains weight rows, not biases");
            resolvedFor = model;
        }
        return tensors;
    }

    /** The calls that make this constraint, e.g. {@code maxNorm(3.0).only("hidden")}. */
    @Override
    public String toString() {
        return "maxNorm(" + maxNorm + ")" + selection.describe();
    }
}
