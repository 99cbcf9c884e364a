package test;

import static dev.kiln.runtime.Memory.FLOAT;

import dev.kiln.runtime.Checks;
import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.Parameter;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.blas.Blas;
import dev.kiln.runtime.blas.Blases;
import dev.kiln.runtime.init.Initializers;
import dev.kiln.runtime.ops.Activations;
import dev.kiln.runtime.ops.Losses;
import dev.kiln.spec.Activation;
import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.Init;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import java.lang.foreign.MemorySegment;
import java.util.List;
import javax.annotation.processing.Generated;

/**
 * The network declared by {@link Binary}, compiled by Kiln.
 *
 * <p>Layers: Sigmoid(2), Dense(2 -> 1), Sigmoid(1); loss: BINARY_CROSS_ENTROPY; at most 4 samples per batch.
 * A new instance has all parameters zero: call {@link #initialize(long)} or load weights.
 */
@Generated("dev.kiln.processor.KilnProcessor")
public final class KilnBinary implements Model {
    /**
     * The declaration this class was generated from.
     */
    public static final NetworkSpec SPEC = new NetworkSpec("Binary", List.of(2), List.of(
            new ActivationSpec(Activation.SIGMOID, 0.0, "Binary.squash"),
            new DenseSpec(1, true, Init.AUTO, 0.01, "Binary.out"),
            new ActivationSpec(Activation.SIGMOID, 0.0, "Binary.out")),
            Loss.BINARY_CROSS_ENTROPY, 4);

    /**
     * Features per input sample.
     */
    public static final int INPUT_SIZE = 2;

    /**
     * Features per output sample.
     */
    public static final int OUTPUT_SIZE = 1;

    /**
     * The largest batch the buffers hold.
     */
    public static final int MAX_BATCH = 4;

    /**
     * The number of parameters.
     */
    public static final int PARAMETER_COUNT = 3;

    /**
     * Floats in the one allocation: parameters, gradients and every buffer.
     */
    private static final long MEMORY_SIZE = 54L;

    /**
     * Offset of out.weight, shape [1, 2].
     */
    private static final int OUT_WEIGHT = 0;

    /**
     * Offset of out.bias, shape [1].
     */
    private static final int OUT_BIAS = 2;

    private static final List<Parameter> LAYOUT = List.of(
            new Parameter("out.weight", OUT_WEIGHT, List.of(1, 2)),
            new Parameter("out.bias", OUT_BIAS, List.of(1)));

    private final Blas blas = Blases.get();

    /**
     * Everything the network holds, in one off-heap allocation; the slices below.
     */
    private final MemorySegment memory = Memory.allocate(MEMORY_SIZE);

    /**
     * Every parameter, at the offsets above: PARAMETER_COUNT floats from 0.
     */
    private final MemorySegment params = Memory.slice(memory, 0L, PARAMETER_COUNT);

    /**
     * The gradient of each parameter: PARAMETER_COUNT floats from 3.
     */
    private final MemorySegment grads = Memory.slice(memory, 3L, PARAMETER_COUNT);

    /**
     * The input of the last forward pass, copied in: MAX_BATCH * INPUT_SIZE floats from 6.
     */
    private final MemorySegment x = Memory.slice(memory, 6L, MAX_BATCH * INPUT_SIZE);

    /**
     * The targets of the last loss, copied in: MAX_BATCH * OUTPUT_SIZE floats from 14.
     */
    private final MemorySegment t = Memory.slice(memory, 14L, MAX_BATCH * OUTPUT_SIZE);

    /**
     * Layer 1 output: MAX_BATCH * 2 floats from 18.
     */
    private final MemorySegment out1 = Memory.slice(memory, 18L, MAX_BATCH * 2);

    /**
     * Gradient of the loss w.r.t. layer 1 output: MAX_BATCH * 2 floats from 26.
     */
    private final MemorySegment dOut1 = Memory.slice(memory, 26L, MAX_BATCH * 2);

    /**
     * Layer 2 output: MAX_BATCH * 1 floats from 34.
     */
    private final MemorySegment out2 = Memory.slice(memory, 34L, MAX_BATCH * 1);

    /**
     * Gradient of the loss w.r.t. layer 2 output: MAX_BATCH * 1 floats from 38.
     */
    private final MemorySegment dOut2 = Memory.slice(memory, 38L, MAX_BATCH * 1);

    /**
     * Layer 3 output: MAX_BATCH * 1 floats from 42.
     */
    private final MemorySegment out3 = Memory.slice(memory, 42L, MAX_BATCH * 1);

    /**
     * Gradient of the loss w.r.t. the input: MAX_BATCH * INPUT_SIZE floats from 46.
     */
    private final MemorySegment dx = Memory.slice(memory, 46L, MAX_BATCH * INPUT_SIZE);

    /**
     * Layer 2's parameters, out weight then bias: 3 floats of {@code params} from OUT_WEIGHT.
     */
    private final MemorySegment outParams = Memory.slice(params, OUT_WEIGHT, 3);

    /**
     * Their gradients.
     */
    private final MemorySegment outGrads = Memory.slice(grads, OUT_WEIGHT, 3);

    /**
     * Layer 2's parameters (and in backward its gradients), copied for its unrolled code.
     */
    private final float[] outWeights = new float[3];

    /**
     * The rows layer 2 reads, copied; backward writes its input gradient here.
     */
    private final float[] outIn = new float[MAX_BATCH * 2];

    /**
     * Layer 2's outputs.
     */
    private final float[] outZ = new float[MAX_BATCH * 1];

    /**
     * The outputs of layer 3, the activation fused into layer 2.
     */
    private final float[] outA = new float[MAX_BATCH * 1];

    /**
     * The gradient that reaches layer 2, copied.
     */
    private final float[] outDy = new float[MAX_BATCH * 1];

    /**
     * What {@link #forward} returns: the last layer's output, copied out.
     */
    private final float[] output = new float[MAX_BATCH * OUTPUT_SIZE];

    /**
     * What {@link #inputGradient()} returns: {@code dx}, copied out when enabled.
     */
    private final float[] inputGradient = new float[MAX_BATCH * INPUT_SIZE];

    /**
     * Samples in the last forward pass; 0 before the first.
     */
    private int batch;

    /**
     * Whether {@link #loss} ran after the last forward pass.
     */
    private boolean lossReady;

    private boolean inputGradientEnabled;

    /**
     * Whether training mode was asked for; this network has no dropout, so both modes compute the same.
     */
    private boolean training;

    /**
     * Whether frozen dropout masks were asked for; this network has none.
     */
    private boolean dropoutMaskFrozen;

    /**
     * A network whose parameters are all zero.
     */
    public KilnBinary() {
    }

    /**
     * A network initialized by {@link #initialize(long)} with {@code seed}.
     */
    public KilnBinary(long seed) {
        initialize(seed);
    }

    @Override
    public NetworkSpec spec() {
        return SPEC;
    }

    @Override
    public int inputSize() {
        return INPUT_SIZE;
    }

    @Override
    public int outputSize() {
        return OUTPUT_SIZE;
    }

    @Override
    public int maxBatch() {
        return MAX_BATCH;
    }

    @Override
    public List<Parameter> parameterLayout() {
        return LAYOUT;
    }

    @Override
    public MemorySegment parameters() {
        return params;
    }

    @Override
    public MemorySegment gradients() {
        return grads;
    }

    @Override
    public void initialize(long seed) {
        Rng rng = new Rng(seed);
        // layer 2: Dense(2 -> 1), from Binary.out: weights XAVIER_UNIFORM (AUTO), bias zeros
        Initializers.fill(params, OUT_WEIGHT, 2, Init.XAVIER_UNIFORM, 0.01, 2, 1, rng);
        Initializers.zeros(params, OUT_BIAS, 1);
    }

    @Override
    public float[] forward(float[] input, int offset, int batch) {
        Checks.forwardArguments("Binary", input, offset, batch, INPUT_SIZE, MAX_BATCH);
        Memory.copy(input, offset, x, 0, batch * INPUT_SIZE);
        this.batch = batch;
        this.lossReady = false;
        // layer 1: Sigmoid(2), from Binary.squash
        Activations.sigmoidForward(x, 0, out1, 0, batch * 2);
        // layer 2: Dense(2 -> 1), from Binary.out, and layer 3: Sigmoid(1); unrolled (2 weights)
        outForward(batch);
        Memory.copy(out3, 0, output, 0, batch * OUTPUT_SIZE);
        return output;
    }

    @Override
    public float loss(float[] target, int offset) {
        if (batch == 0) {
            throw new IllegalStateException("Binary: loss() needs a forward() first");
        }
        Checks.targetArguments("Binary", target, offset, batch, OUTPUT_SIZE);
        Memory.copy(target, offset, t, 0, batch * OUTPUT_SIZE);
        // BINARY_CROSS_ENTROPY absorbs layer 3 (sigmoid): it reads the logits and its gradient skips that layer
        float loss = Losses.binaryCrossEntropyWithLogits(out2, 0, t, 0, dOut2, 0, batch, 1);
        lossReady = true;
        return loss;
    }

    @Override
    public void backward() {
        if (!lossReady) {
            throw new IllegalStateException("Binary: backward() needs loss() after the last forward()");
        }
        lossReady = false;
        // layer 2: Dense(2 -> 1), from Binary.out
        outBackward(batch);
        // layer 1: Sigmoid(2), from Binary.squash
        if (inputGradientEnabled) {
            Activations.sigmoidBackward(x, 0, out1, 0, dOut1, 0, dx, 0, batch * 2);
        }
        if (inputGradientEnabled) {
            Memory.copy(dx, 0, inputGradient, 0, batch * INPUT_SIZE);
        }
    }

    @Override
    public void zeroGradients() {
        grads.fill((byte) 0);
    }

    @Override
    public void setInputGradientEnabled(boolean enabled) {
        inputGradientEnabled = enabled;
    }

    @Override
    public float[] inputGradient() {
        return inputGradient;
    }

    @Override
    public void setTraining(boolean training) {
        this.training = training;
    }

    @Override
    public boolean training() {
        return training;
    }

    @Override
    public void setDropoutMaskFrozen(boolean frozen) {
        this.dropoutMaskFrozen = frozen;
    }

    @Override
    public boolean dropoutMaskFrozen() {
        return dropoutMaskFrozen;
    }

    @Override
    public void seedDropout(long seed) {
        // no dropout layer: nothing is drawn
    }

    /**
     * Layer 2's forward pass and layer 3's, unrolled.
     */
    private void outForward(int batch) {
        float[] p = outWeights;
        Memory.copy(outParams, 0L, p, 0, 3);
        float w0_0 = p[0], w0_1 = p[1];
        float b0 = p[2];
        float[] in = outIn;
        float[] z = outZ;
        float[] a = outA;
        Memory.copy(out1, 0L, in, 0, batch * 2);
        for (int s = 0; s < batch; s++) {
            int i = s * 2;
            int o = s * 1;
            float x0 = in[i], x1 = in[i + 1];
            float z0 = b0 + w0_0 * x0 + w0_1 * x1;
            z[o] = z0;
            a[o] = Activations.sigmoid(z0);
        }
        Memory.copy(z, 0, out2, 0L, batch * 1);
        Memory.copy(a, 0, out3, 0L, batch * 1);
    }

    /**
     * Layer 2's backward pass, unrolled: adds its parameters' gradients and writes its input's.
     */
    private void outBackward(int batch) {
        float[] p = outWeights;
        Memory.copy(outParams, 0L, p, 0, 2);
        float w0_0 = p[0], w0_1 = p[1];
        float gw0_0 = 0f, gw0_1 = 0f;
        float gb0 = 0f;
        float[] in = outIn;
        float[] dy = outDy;
        Memory.copy(out1, 0L, in, 0, batch * 2);
        Memory.copy(dOut2, 0L, dy, 0, batch * 1);
        for (int s = 0; s < batch; s++) {
            int i = s * 2;
            int o = s * 1;
            float x0 = in[i], x1 = in[i + 1];
            float dz0 = dy[o];
            gb0 += dz0;
            gw0_0 += dz0 * x0; gw0_1 += dz0 * x1;
            in[i] = dz0 * w0_0;
            in[i + 1] = dz0 * w0_1;
        }
        Memory.copy(in, 0, dOut1, 0L, batch * 2);
        Memory.copy(outGrads, 0L, p, 0, 3);
        p[0] += gw0_0; p[1] += gw0_1;
        p[2] += gb0;
        Memory.copy(p, 0, outGrads, 0L, 3);
    }
}
