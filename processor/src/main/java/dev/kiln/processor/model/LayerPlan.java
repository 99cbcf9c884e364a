package dev.kiln.processor.model;

import dev.kiln.spec.LayerSpec;

/**
 * One layer of the generated class: its shapes, the buffers it reads and writes, its parameters.
 *
 * @param number         1-based position, as in the generated comments
 * @param spec           the layer
 * @param inputSize      features in
 * @param outputSize     features out
 * @param input          the buffer it reads, or null for the network's input
 * @param output         the buffer it writes
 * @param outputGradient the gradient of its output, or null when no gradient reaches it (a layer
 *                       that the loss absorbs)
 * @param inputGradient  where its backward pass writes the gradient of its input, or null for the
 *                       network's input gradient (written only when enabled)
 * @param weight         its weight, or null
 * @param bias           its bias, or null
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
        ParameterPlan bias) {

    /** The comment that introduces the layer in generated code, e.g. {@code layer 1: Dense(4 -> 16), from Iris.hidden}. */
    public String title() {
        return "layer " + number + ": " + spec.describe(inputSize) + ", from " + spec.source();
    }
}
