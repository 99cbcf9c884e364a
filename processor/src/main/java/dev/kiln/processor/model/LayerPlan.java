package dev.kiln.processor.model;

import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.Shapes;
import dev.kiln.spec.Tier;
import java.util.List;

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
 * @param inputShape     the shape of one input sample ({@code [features]} or {@code [channels, height, width]})
 * @param outputShape    the shape of one output sample
 * @param geometry       for a convolution or pooling layer, the name of the constant that holds its shapes
 *                       ({@code CONV1_GEOMETRY}); null for other layers
 * @param workspace      for a convolution, the name of its workspace slice ({@code conv1Work}), whose size the
 *                       runtime decides; for batch norm, the buffer of the batch statistics that training-mode
 *                       passes keep (as a {@link Buffer}, in {@link #saved}); null otherwise
 * @param saved          for batch norm, the buffer of the batch mean and inverse deviation of the last
 *                       training-mode pass ({@code 2 * channels} floats); null for other layers
 * @param runningMean    for batch norm, its running mean in the model's state; null for other layers
 * @param runningVar     for batch norm, its running variance in the model's state; null for other layers
 * @param steps          for a Dense layer or softmax on a sequence {@code [steps, features]}, the steps it is
 *                       applied to (its rows are {@code batch x steps}); 1 otherwise
 * @param recurrent      for a recurrent layer, its other tensors, state and sequence; null for other layers
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
        Buffer mask,
        List<Integer> inputShape,
        List<Integer> outputShape,
        String geometry,
        String workspace,
        Buffer saved,
        ParameterPlan runningMean,
        ParameterPlan runningVar,
        int steps,
        RecurrentPlan recurrent) {

    /** Batch norm's channels: an image's channels, or a flat input's features. */
    public int channels() {
        return inputShape.size() == 3 ? inputShape.getFirst() : Shapes.size(inputShape);
    }

    /** Batch norm's values per sample and channel: an image's positions, or 1. */
    public int spatial() {
        return inputShape.size() == 3 ? inputShape.get(1) * inputShape.get(2) : 1;
    }

    /** Its parameters' size in floats: the weight and, if any, the bias (a recurrent layer's four tensors). */
    public int parameterCount() {
        if (recurrent != null) {
            return weight.size() + recurrent.weightHh().size() + bias.size() + recurrent.biasHh().size();
        }
        return weight == null ? 0 : weight.size() + (bias == null ? 0 : bias.size());
    }

    /** The rows its kernels see: {@code batch}, or {@code batch * steps} for a layer applied on every step. */
    public String rows() {
        return steps == 1 ? "batch" : "batch * " + steps;
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
        return "layer " + number + ": " + spec.describe(inputShape) + ", from " + spec.source();
    }
}
