package dev.kiln.runtime.regularize;

import dev.kiln.runtime.Model;

/**
 * A condition the parameters must satisfy, enforced by changing them after each optimizer step (a
 * projection): training then moves only among parameters that satisfy it. Factories are in
 * {@link Constraints}, e.g. {@link Constraints#maxNorm(double)}.
 *
 * <p>A trainer calls {@link #apply} after every {@code optimizer.step(...)}. Implementations allocate
 * nothing per call once they have seen the model (they may prepare themselves on the first call), and are
 * not thread-safe.
 */
public interface Constraint {

    /**
     * Changes {@link Model#parameters()} in place so that they satisfy the constraint.
     *
     * @throws IllegalArgumentException if the constraint does not fit the model (e.g. it names a layer the
     *     model does not have)
     */
    void apply(Model model);
}
