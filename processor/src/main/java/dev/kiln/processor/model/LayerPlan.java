package dev.kiln.processor.model;

import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.Tier;

/**
 * One layer of the generated class: its shapes, the buffers it reads and writes, its parameters.
 *
 * @param number         1-based position, as in the generated comments
 * @param spec           the layer
 * @param inputSize      features in
 * @param outputSize     features out
 * @param input          the buffer it reads ({@code x}, the network's input, for the first layer)
 * @param output         the buffer it writes
 * @param outputGradient the gradient of its output, or null when no gradient reaches it (a layer
 *                       that the loss absorbs, or a network without loss)
 * @param inputGradient  where its backward pass writes the gradient of its input ({@code dx}, the
 *                       network's input gradient, for the first layer, written only when enabled), or
 *                       null for a network without loss
 * @param weight         its weight, or null
 * @param bias           its bias, or null
 * @param tensors        the name of its parameters' slices ({@code <tensors>Params}, {@code <tensors>Grads}:
 *                       weight then bias, from the weight's offset), or null without parameters
 * @param tier           for a Dense layer, how it is computed ({@link Tier#UNROLLED}, {@link Tier#LOOPS}
 *                       or {@link Tier#BLAS}, never {@link Tier#AUTO}); null for other layers
 * @param fused          for an activation, whether it is computed in the code of the Dense layer before
 *                       it (forward, and backward unless the loss absorbs it)
 * @param batchSwitch    for a Dense layer of {@link Tier#UNROLLED} that the planner chose, whether the
 *                       generated code also has the {@link Tier#BLAS} path and takes it for batches
 *                       larger than {@link Planner#unrolledMaxBatch} of its weights (false when the
 *                       network's maxBatch is not larger)
 * @param mask           for a dropout layer, its mask ({@code maxBatch * outputSize} values, 0 for a dropped
 *                       value and {@code 1 / (1 - p)} for a kept one); null for other layers
 */
public record LayerPlan(
        int number,
        LayerSpec spec,
        int inputSize,
        int outputSize,
        Buffer input,
        Buffer output,
        Buffer outputGradient,
        Buffer inputGradient,
        ParameterPlan weight,
        ParameterPlan bias,
        String tensors,
        Tier tier,
        boolean fused,
        boolean batchSwitch,
        Buffer mask) {

    /** Its parameters' size in floats: the weight and, if any, the bias. */
    public int parameterCount() {
        return weight == null ? 0 : weight.size() + (bias == null ? 0 : bias.size());
    }

    /** For a layer with {@link #batchSwitch}, the largest batch it computes unrolled. */
    public int unrolledMaxBatch() {
        return Planner.unrolledMaxBatch((long) inputSize * outputSize);
    }

    /** Where its bias starts within its parameters' slice. */
    public int biasWithinLayer() {
        return bias.offset() - weight.offset();
    }

    /** Whether this layer reads the network's input (and so writes the network's input gradient). */
    public boolean first() {
        return number == 1;
    }

    /** The comment that introduces the layer in generated code, e.g. {@code layer 1: Dense(4 -> 16), from Iris.hidden}. */
    public String title() {
        return "layer " + number + ": " + spec.describe(inputSize) + ", from " + spec.source();
    }
}
