package dev.kiln.runtime.optim;

import java.lang.foreign.MemorySegment;

/**
 * Updates a model's parameters from their gradients, in place. An optimizer keeps its own state (such
 * as momentum) for one set of parameters, allocated on the first {@link #step} and reused afterwards, so
 * it serves one model; {@code step} allocates nothing after the first call. Parameters and gradients are
 * segments of floats, as models hold them ({@link dev.kiln.runtime.Model#parameters()}); with the Vector
 * API available, native segments are updated with vector instructions.
 */
public interface Optimizer {

    /**
     * Moves {@code parameters} one step against {@code gradients} (both the same length, the same length
     * on every call).
     *
     * @throws IllegalArgumentException if the segments differ in length, or differ from the first call's
     */
    void step(MemorySegment parameters, MemorySegment gradients);

    /** {@link #step(MemorySegment, MemorySegment)} on arrays. */
    default void step(float[] parameters, float[] gradients) {
        step(MemorySegment.ofArray(parameters), MemorySegment.ofArray(gradients));
    }

    /** The current learning rate. */
    float learningRate();

    /**
     * Changes the learning rate for the following steps, e.g. from a schedule.
     *
     * @throws IllegalArgumentException if {@code learningRate} is not positive and finite
     */
    void setLearningRate(float learningRate);
}
