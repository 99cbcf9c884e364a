package dev.kiln.runtime.interpret;

import dev.kiln.spec.LayerSpec;

/**
 * The arrays one layer works on, chosen once when the model is built: each layer writes its own output
 * buffer and reads the previous layer's, so the backward pass can read every layer's input and output.
 *
 * @param number         1-based position of the layer, as in generated comments
 * @param layer          the layer
 * @param inputSize      features in, per sample
 * @param outputSize     features out, per sample
 * @param input          what the layer reads: the previous layer's output, or the network's input
 * @param output         the buffer it writes, {@code maxBatch * outputSize} values
 * @param outputGradient the gradient of the loss with respect to its output, or {@code null} when no
 *                       gradient reaches it (a last activation that the loss absorbs)
 * @param inputGradient  where its backward pass writes the gradient of its input: the previous layer's
 *                       output gradient, or the network's input gradient
 */
record Wiring(int number, LayerSpec layer, int inputSize, int outputSize, Slot input, float[] output,
              float[] outputGradient, Slot inputGradient) {
}
