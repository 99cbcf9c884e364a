package dev.kiln.runtime.optim;

/**
 * Updates a model's parameters from their gradients, in place. An optimizer keeps its own state (such
 * as momentum) for one parameter array, allocated on the first {@link #step} and reused afterwards, so
 * it serves one model; {@code step} allocates nothing after the first call.
 */
public interface Optimizer {

    /**
     * Moves {@code parameters} one step against {@code gradients} (both the same length, the same length
     * on every call).
     *
     * @throws IllegalArgumentException if the arrays differ in length, or differ from the first call's
     */
    void step(float[] parameters, float[] gradients);

    /** The current learning rate. */
    float learningRate();

    /**
     * Changes the learning rate for the following steps, e.g. from a schedule.
     *
     * @throws IllegalArgumentException if {@code learningRate} is not positive and finite
     */
    void setLearningRate(float learningRate);
}
