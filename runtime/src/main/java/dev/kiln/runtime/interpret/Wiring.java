package dev.kiln.runtime.interpret;

import dev.kiln.spec.LayerSpec;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The memory one layer works on, chosen once when the model is built: each layer writes its own output
 * buffer and reads the previous layer's (the first reads the copy of the network's input), so the
 * backward pass can read every layer's input and output. Every buffer is a slice of the model's one
 * allocation, laid out as in the generated class, except that a one-hot layer's output is written out in
 * full here (the generated class looks the ids up) and a recurrent layer's state, sequence and workspace
 * follow the buffers.
 *
 * @param number         1-based position of the layer, as in generated comments
 * @param layer          the layer
 * @param inputSize      features in, per sample
 * @param outputSize     features out, per sample
 * @param input          what the layer reads: the previous layer's output, or the network's input
 * @param output         the buffer it writes, {@code maxBatch * outputSize} values
 * @param outputGradient the gradient of the loss with respect to its output, or {@code null} when no
 *                       gradient reaches it (a last activation that the loss absorbs, or a network
 *                       without loss)
 * @param inputGradient  where its backward pass writes the gradient of its input: the previous layer's
 *                       output gradient, or the network's input gradient; {@code null} without loss
 * @param inputShape     the shape of one input sample
 * @param outputShape    the shape of one output sample
 */
record Wiring(int number, LayerSpec layer, int inputSize, int outputSize, MemorySegment input,
              MemorySegment output, MemorySegment outputGradient, MemorySegment inputGradient,
              List<Integer> inputShape, List<Integer> outputShape) {

    /**
     * The rows of each sample a row-wise layer (Dense, softmax) works on: a sequence's steps, else 1; such
     * a layer sees {@code batch * rowsPerSample()} rows of {@link #rowInputs()} values.
     */
    int rowsPerSample() {
        return inputShape.size() == 2 ? inputShape.getFirst() : 1;
    }

    /** The values of one row of the input: the features of a step of a sequence, else all. */
    int rowInputs() {
        return inputShape.size() == 2 ? inputShape.getLast() : inputSize;
    }

    /** The values of one row of the output. */
    int rowOutputs() {
        return outputShape.size() == 2 ? outputShape.getLast() : outputSize;
    }

    /** Whether this layer reads the network's input, and so writes the network's input gradient. */
    boolean first() {
        return number == 1;
    }
}
