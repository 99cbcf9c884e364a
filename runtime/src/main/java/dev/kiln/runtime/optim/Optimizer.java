package dev.kiln.runtime.optim;

import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * Updates a model's parameters from their gradients, in place. An optimizer keeps its own state (such
 * as momentum) for one set of parameters, allocated on the first {@link #step} and reused afterwards, so
 * it serves one model; {@code step} allocates nothing after the first call. Parameters and gradients are
 * segments of floats, as models hold them ({@link dev.kiln.runtime.Model#parameters()}); with the Vector
 * API available, native segments are updated with vector instructions.
 *
 * <p>For a checkpoint, an optimizer describes itself ({@link #kind()}, {@link #hyperparameters()}) and
 * exports its state as named float tensors ({@link #state()}); {@link #restoreState} puts such a state
 * back, after which the optimizer continues exactly, bit for bit, as the one that exported it would have.
 * The names follow PyTorch's optimizer {@code state_dict} ({@code momentum_buffer}, {@code exp_avg},
 * {@code exp_avg_sq}, {@code step}, ...), each tensor holding one value per parameter in the order of
 * {@link dev.kiln.runtime.Model#parameters()} (PyTorch keeps one such tensor per parameter tensor; the
 * model's {@link dev.kiln.runtime.Model#parameterLayout()} says how to cut them), except {@code step}, one
 * value.
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

    /** The kind of optimizer, for a checkpoint's metadata: its class's simple name, e.g. {@code Adam}. */
    String kind();

    /**
     * Every hyper-parameter, for a checkpoint's metadata: names as the constructors call them, values as
     * {@link Float#toString(float)} and {@link Boolean#toString(boolean)} write them (so they parse back
     * exactly), in the order documented by each optimizer, the current learning rate first; unmodifiable.
     */
    Map<String, String> hyperparameters();

    /**
     * Copies of the optimizer's state tensors, in the order and under the names its class documents;
     * empty before the first step (and always, for an optimizer that holds no state). The map is
     * unmodifiable; its arrays are new and the caller's to keep.
     */
    Map<String, float[]> state();

    /**
     * Replaces the optimizer's state with {@code state}, as exported by {@link #state()} from an optimizer
     * of the same kind and hyper-parameters, for {@code parameterCount} parameters. An empty map restores
     * the state before the first step. The arrays are copied; the learning rate is not part of the state.
     *
     * @throws IllegalArgumentException listing every mismatch: an expected tensor missing, a tensor this
     *     optimizer does not hold, a length that differs from {@code parameterCount} (or 1 for
     *     {@code step}), a step count that is not a whole number in {@code [0, 2^24]}
     */
    void restoreState(Map<String, float[]> state, long parameterCount);
}
