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
 * The network declared by {@link Outer.Regressor}, compiled by Kiln.
 *
 * <p>Layers: Dense(3 -> 5), LeakyReLU(5, alpha=0.2), Dense(5 -> 5), ELU(5, alpha=0.5), Dense(5 -> 1); loss: MSE; at most 8 samples per batch.
 * A new instance has all parameters zero: call {@link #initialize(long)} or load weights.
 */
@Generated("dev.kiln.processor.KilnProcessor")
public final class KilnOuter_Regressor implements Model {
    /**
     * The declaration this class was generated from.
     */
    public static final NetworkSpec SPEC = new NetworkSpec("Outer.Regressor", List.of(3), List.of(
            new DenseSpec(5, true, Init.UNIFORM, 0.1, "Outer.Regressor.first"),
            new ActivationSpec(Activation.LEAKY_RELU, 0.2, "Outer.Regressor.first"),
            new DenseSpec(5, true, Init.AUTO, 0.01, "Outer.Regressor.second"),
            new ActivationSpec(Activation.ELU, 0.5, "Outer.Regressor.second"),
            new DenseSpec(1, true, Init.AUTO, 0.01, "Outer.Regressor.value")),
            Loss.MSE, 8);

    /**
     * Features per input sample.
     */
    public static final int INPUT_SIZE = 3;

    /**
     * Features per output sample.
     */
    public static final int OUTPUT_SIZE = 1;

    /**
     * The largest batch the buffers hold.
     */
    public static final int MAX_BATCH = 8;

    /**
     * The number of parameters.
     */
    public static final int PARAMETER_COUNT = 56;

    /**
     * Floats in the one allocation: parameters, gradients and every buffer.
     */
    private static final long MEMORY_SIZE = 504L;

    /**
     * Offset of first.weight, shape [5, 3].
     */
    private static final int FIRST_WEIGHT = 0;

    /**
     * Offset of first.bias, shape [5].
     */
    private static final int FIRST_BIAS = 15;

    /**
     * Offset of second.weight, shape [5, 5].
     */
    private static final int SECOND_WEIGHT = 20;

    /**
     * Offset of second.bias, shape [5].
     */
    private static final int SECOND_BIAS = 45;

    /**
     * Offset of value.weight, shape [1, 5].
     */
    private static final int VALUE_WEIGHT = 50;

    /**
     * Offset of value.bias, shape [1].
     */
    private static final int VALUE_BIAS = 55;

    private static final List<Parameter> LAYOUT = List.of(
            new Parameter("first.weight", FIRST_WEIGHT, List.of(5, 3)),
            new Parameter("first.bias", FIRST_BIAS, List.of(5)),
            new Parameter("second.weight", SECOND_WEIGHT, List.of(5, 5)),
            new Parameter("second.bias", SECOND_BIAS, List.of(5)),
            new Parameter("value.weight", VALUE_WEIGHT, List.of(1, 5)),
            new Parameter("value.bias", VALUE_BIAS, List.of(1)));

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
     * The gradient of each parameter: PARAMETER_COUNT floats from 56.
     */
    private final MemorySegment grads = Memory.slice(memory, 56L, PARAMETER_COUNT);

    /**
     * The input of the last forward pass, copied in: MAX_BATCH * INPUT_SIZE floats from 112.
     */
    private final MemorySegment x = Memory.slice(memory, 112L, MAX_BATCH * INPUT_SIZE);

    /**
     * The targets of the last loss, copied in: MAX_BATCH * OUTPUT_SIZE floats from 136.
     */
    private final MemorySegment t = Memory.slice(memory, 136L, MAX_BATCH * OUTPUT_SIZE);

    /**
     * Layer 1 output: MAX_BATCH * 5 floats from 144.
     */
    private final MemorySegment out1 = Memory.slice(memory, 144L, MAX_BATCH * 5);

    /**
     * Gradient of the loss w.r.t. layer 1 output: MAX_BATCH * 5 floats from 184.
     */
    private final MemorySegment dOut1 = Memory.slice(memory, 184L, MAX_BATCH * 5);

    /**
     * Layer 2 output: MAX_BATCH * 5 floats from 224.
     */
    private final MemorySegment out2 = Memory.slice(memory, 224L, MAX_BATCH * 5);

    /**
     * Gradient of the loss w.r.t. layer 2 output: MAX_BATCH * 5 floats from 264.
     */
    private final MemorySegment dOut2 = Memory.slice(memory, 264L, MAX_BATCH * 5);

    /**
     * Layer 3 output: MAX_BATCH * 5 floats from 304.
     */
    private final MemorySegment out3 = Memory.slice(memory, 304L, MAX_BATCH * 5);

    /**
     * Gradient of the loss w.r.t. layer 3 output: MAX_BATCH * 5 floats from 344.
     */
    private final MemorySegment dOut3 = Memory.slice(memory, 344L, MAX_BATCH * 5);

    /**
     * Layer 4 output: MAX_BATCH * 5 floats from 384.
     */
    private final MemorySegment out4 = Memory.slice(memory, 384L, MAX_BATCH * 5);

    /**
     * Gradient of the loss w.r.t. layer 4 output: MAX_BATCH * 5 floats from 424.
     */
    private final MemorySegment dOut4 = Memory.slice(memory, 424L, MAX_BATCH * 5);

    /**
     * Layer 5 output: MAX_BATCH * 1 floats from 464.
     */
    private final MemorySegment out5 = Memory.slice(memory, 464L, MAX_BATCH * 1);

    /**
     * Gradient of the loss w.r.t. layer 5 output: MAX_BATCH * 1 floats from 472.
     */
    private final MemorySegment dOut5 = Memory.slice(memory, 472L, MAX_BATCH * 1);

    /**
     * Gradient of the loss w.r.t. the input: MAX_BATCH * INPUT_SIZE floats from 480.
     */
    private final MemorySegment dx = Memory.slice(memory, 480L, MAX_BATCH * INPUT_SIZE);

    /**
     * Layer 1's parameters, first weight then bias: 20 floats of {@code params} from FIRST_WEIGHT.
     */
    private final MemorySegment firstParams = Memory.slice(params, FIRST_WEIGHT, 20);

    /**
     * Their gradients.
     */
    private final MemorySegment firstGrads = Memory.slice(grads, FIRST_WEIGHT, 20);

    /**
     * Layer 3's parameters, second weight then bias: 30 floats of {@code params} from SECOND_WEIGHT.
     */
    private final MemorySegment secondParams = Memory.slice(params, SECOND_WEIGHT, 30);

    /**
     * Their gradients.
     */
    private final MemorySegment secondGrads = Memory.slice(grads, SECOND_WEIGHT, 30);

    /**
     * Layer 5's parameters, value weight then bias: 6 floats of {@code params} from VALUE_WEIGHT.
     */
    private final MemorySegment valueParams = Memory.slice(params, VALUE_WEIGHT, 6);

    /**
     * Their gradients.
     */
    private final MemorySegment valueGrads = Memory.slice(grads, VALUE_WEIGHT, 6);

    /**
     * Layer 1's parameters (and in backward its gradients), copied for its unrolled code.
     */
    private final float[] firstWeights = new float[20];

    /**
     * The rows layer 1 reads, copied; backward writes its input gradient here.
     */
    private final float[] firstIn = new float[MAX_BATCH * 3];

    /**
     * Layer 1's outputs.
     */
    private final float[] firstZ = new float[MAX_BATCH * 5];

    /**
     * The outputs of layer 2, the activation fused into layer 1.
     */
    private final float[] firstA = new float[MAX_BATCH * 5];

    /**
     * The gradient that reaches layer 1, copied.
     */
    private final float[] firstDy = new float[MAX_BATCH * 5];

    /**
     * Layer 3's parameters (and in backward its gradients), copied for its unrolled code.
     */
    private final float[] secondWeights = new float[30];

    /**
     * The rows layer 3 reads, copied; backward writes its input gradient here.
     */
    private final float[] secondIn = new float[MAX_BATCH * 5];

    /**
     * Layer 3's outputs.
     */
    private final float[] secondZ = new float[MAX_BATCH * 5];

    /**
     * The outputs of layer 4, the activation fused into layer 3.
     */
    private final float[] secondA = new float[MAX_BATCH * 5];

    /**
     * The gradient that reaches layer 3, copied.
     */
    private final float[] secondDy = new float[MAX_BATCH * 5];

    /**
     * Layer 5's parameters (and in backward its gradients), copied for its unrolled code.
     */
    private final float[] valueWeights = new float[6];

    /**
     * The rows layer 5 reads, copied; backward writes its input gradient here.
     */
    private final float[] valueIn = new float[MAX_BATCH * 5];

    /**
     * Layer 5's outputs.
     */
    private final float[] valueZ = new float[MAX_BATCH * 1];

    /**
     * The gradient that reaches layer 5, copied.
     */
    private final float[] valueDy = new float[MAX_BATCH * 1];

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
    public KilnOuter_Regressor() {
    }

    /**
     * A network initialized by {@link #initialize(long)} with {@code seed}.
     */
    public KilnOuter_Regressor(long seed) {
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
        // layer 1: Dense(3 -> 5), from Outer.Regressor.first: weights UNIFORM, bias zeros
        Initializers.fill(params, FIRST_WEIGHT, 15, Init.UNIFORM, 0.1, 3, 5, rng);
        Initializers.zeros(params, FIRST_BIAS, 5);
        // layer 3: Dense(5 -> 5), from Outer.Regressor.second: weights HE_NORMAL (AUTO), bias zeros
        Initializers.fill(params, SECOND_WEIGHT, 25, Init.HE_NORMAL, 0.01, 5, 5, rng);
        Initializers.zeros(params, SECOND_BIAS, 5);
        // layer 5: Dense(5 -> 1), from Outer.Regressor.value: weights XAVIER_UNIFORM (AUTO), bias zeros
        Initializers.fill(params, VALUE_WEIGHT, 5, Init.XAVIER_UNIFORM, 0.01, 5, 1, rng);
        Initializers.zeros(params, VALUE_BIAS, 1);
    }

    @Override
    public float[] forward(float[] input, int offset, int batch) {
        Checks.forwardArguments("Outer.Regressor", input, offset, batch, INPUT_SIZE, MAX_BATCH);
        Memory.copy(input, offset, x, 0, batch * INPUT_SIZE);
        this.batch = batch;
        this.lossReady = false;
        // layer 1: Dense(3 -> 5), from Outer.Regressor.first, and layer 2: LeakyReLU(5, alpha=0.2); unrolled (15 weights)
        firstForward(batch);
        // layer 3: Dense(5 -> 5), from Outer.Regressor.second, and layer 4: ELU(5, alpha=0.5); unrolled (25 weights)
        secondForward(batch);
        // layer 5: Dense(5 -> 1), from Outer.Regressor.value; unrolled (5 weights)
        valueForward(batch);
        Memory.copy(out5, 0, output, 0, batch * OUTPUT_SIZE);
        return output;
    }

    @Override
    public float loss(float[] target, int offset) {
        if (batch == 0) {
            throw new IllegalStateException("Outer.Regressor: loss() needs a forward() first");
        }
        Checks.targetArguments("Outer.Regressor", target, offset, batch, OUTPUT_SIZE);
        Memory.copy(target, offset, t, 0, batch * OUTPUT_SIZE);
        float loss = Losses.meanSquaredError(out5, 0, t, 0, dOut5, 0, batch, 1);
        lossReady = true;
        return loss;
    }

    @Override
    public void backward() {
        if (!lossReady) {
            throw new IllegalStateException("Outer.Regressor: backward() needs loss() after the last forward()");
        }
        lossReady = false;
        // layer 5: Dense(5 -> 1), from Outer.Regressor.value
        valueBackward(batch);
        // layer 3: Dense(5 -> 5), from Outer.Regressor.second, and layer 4: ELU(5, alpha=0.5)
        secondBackward(batch);
        // layer 1: Dense(3 -> 5), from Outer.Regressor.first, and layer 2: LeakyReLU(5, alpha=0.2)
        firstBackward(batch);
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
     * Layer 1's forward pass and layer 2's, unrolled.
     */
    private void firstForward(int batch) {
        float[] p = firstWeights;
        Memory.copy(firstParams, 0L, p, 0, 20);
        float w0_0 = p[0], w0_1 = p[1], w0_2 = p[2];
        float w1_0 = p[3], w1_1 = p[4], w1_2 = p[5];
        float w2_0 = p[6], w2_1 = p[7], w2_2 = p[8];
        float w3_0 = p[9], w3_1 = p[10], w3_2 = p[11];
        float w4_0 = p[12], w4_1 = p[13], w4_2 = p[14];
        float b0 = p[15], b1 = p[16], b2 = p[17], b3 = p[18], b4 = p[19];
        float[] in = firstIn;
        float[] z = firstZ;
        float[] a = firstA;
        Memory.copy(x, 0L, in, 0, batch * 3);
        for (int s = 0; s < batch; s++) {
            int i = s * 3;
            int o = s * 5;
            float x0 = in[i], x1 = in[i + 1], x2 = in[i + 2];
            float z0 = b0 + w0_0 * x0 + w0_1 * x1 + w0_2 * x2;
            float z1 = b1 + w1_0 * x0 + w1_1 * x1 + w1_2 * x2;
            float z2 = b2 + w2_0 * x0 + w2_1 * x1 + w2_2 * x2;
            float z3 = b3 + w3_0 * x0 + w3_1 * x1 + w3_2 * x2;
            float z4 = b4 + w4_0 * x0 + w4_1 * x1 + w4_2 * x2;
            z[o] = z0; z[o + 1] = z1; z[o + 2] = z2; z[o + 3] = z3; z[o + 4] = z4;
            a[o] = z0 > 0 ? z0 : 0.2f * z0;
            a[o + 1] = z1 > 0 ? z1 : 0.2f * z1;
            a[o + 2] = z2 > 0 ? z2 : 0.2f * z2;
            a[o + 3] = z3 > 0 ? z3 : 0.2f * z3;
            a[o + 4] = z4 > 0 ? z4 : 0.2f * z4;
        }
        Memory.copy(z, 0, out1, 0L, batch * 5);
        Memory.copy(a, 0, out2, 0L, batch * 5);
    }

    /**
     * Layer 1's backward pass and layer 2's, unrolled: adds its parameters' gradients and writes its input's.
     */
    private void firstBackward(int batch) {
        float[] p = firstWeights;
        Memory.copy(firstParams, 0L, p, 0, 15);
        float w0_0 = p[0], w0_1 = p[1], w0_2 = p[2];
        float w1_0 = p[3], w1_1 = p[4], w1_2 = p[5];
        float w2_0 = p[6], w2_1 = p[7], w2_2 = p[8];
        float w3_0 = p[9], w3_1 = p[10], w3_2 = p[11];
        float w4_0 = p[12], w4_1 = p[13], w4_2 = p[14];
        float gw0_0 = 0f, gw0_1 = 0f, gw0_2 = 0f;
        float gw1_0 = 0f, gw1_1 = 0f, gw1_2 = 0f;
        float gw2_0 = 0f, gw2_1 = 0f, gw2_2 = 0f;
        float gw3_0 = 0f, gw3_1 = 0f, gw3_2 = 0f;
        float gw4_0 = 0f, gw4_1 = 0f, gw4_2 = 0f;
        float gb0 = 0f, gb1 = 0f, gb2 = 0f, gb3 = 0f, gb4 = 0f;
        float[] in = firstIn;
        float[] dy = firstDy;
        Memory.copy(x, 0L, in, 0, batch * 3);
        Memory.copy(dOut2, 0L, dy, 0, batch * 5);
        float[] z = firstZ;
        Memory.copy(out1, 0L, z, 0, batch * 5);
        boolean wantDx = inputGradientEnabled;
        for (int s = 0; s < batch; s++) {
            int i = s * 3;
            int o = s * 5;
            float x0 = in[i], x1 = in[i + 1], x2 = in[i + 2];
            float dz0 = z[o] > 0 ? dy[o] : 0.2f * dy[o];
            float dz1 = z[o + 1] > 0 ? dy[o + 1] : 0.2f * dy[o + 1];
            float dz2 = z[o + 2] > 0 ? dy[o + 2] : 0.2f * dy[o + 2];
            float dz3 = z[o + 3] > 0 ? dy[o + 3] : 0.2f * dy[o + 3];
            float dz4 = z[o + 4] > 0 ? dy[o + 4] : 0.2f * dy[o + 4];
            gb0 += dz0; gb1 += dz1; gb2 += dz2; gb3 += dz3; gb4 += dz4;
            gw0_0 += dz0 * x0; gw0_1 += dz0 * x1; gw0_2 += dz0 * x2;
            gw1_0 += dz1 * x0; gw1_1 += dz1 * x1; gw1_2 += dz1 * x2;
            gw2_0 += dz2 * x0; gw2_1 += dz2 * x1; gw2_2 += dz2 * x2;
            gw3_0 += dz3 * x0; gw3_1 += dz3 * x1; gw3_2 += dz3 * x2;
            gw4_0 += dz4 * x0; gw4_1 += dz4 * x1; gw4_2 += dz4 * x2;
            if (wantDx) {
                in[i] = dz0 * w0_0 + dz1 * w1_0 + dz2 * w2_0 + dz3 * w3_0 + dz4 * w4_0;
                in[i + 1] = dz0 * w0_1 + dz1 * w1_1 + dz2 * w2_1 + dz3 * w3_1 + dz4 * w4_1;
                in[i + 2] = dz0 * w0_2 + dz1 * w1_2 + dz2 * w2_2 + dz3 * w3_2 + dz4 * w4_2;
            }
        }
        if (wantDx) {
            Memory.copy(in, 0, dx, 0L, batch * 3);
        }
        Memory.copy(firstGrads, 0L, p, 0, 20);
        p[0] += gw0_0; p[1] += gw0_1; p[2] += gw0_2;
        p[3] += gw1_0; p[4] += gw1_1; p[5] += gw1_2;
        p[6] += gw2_0; p[7] += gw2_1; p[8] += gw2_2;
        p[9] += gw3_0; p[10] += gw3_1; p[11] += gw3_2;
        p[12] += gw4_0; p[13] += gw4_1; p[14] += gw4_2;
        p[15] += gb0; p[16] += gb1; p[17] += gb2; p[18] += gb3; p[19] += gb4;
        Memory.copy(p, 0, firstGrads, 0L, 20);
    }

    /**
     * Layer 3's forward pass and layer 4's, unrolled.
     */
    private void secondForward(int batch) {
        float[] p = secondWeights;
        Memory.copy(secondParams, 0L, p, 0, 30);
        float w0_0 = p[0], w0_1 = p[1], w0_2 = p[2], w0_3 = p[3], w0_4 = p[4];
        float w1_0 = p[5], w1_1 = p[6], w1_2 = p[7], w1_3 = p[8], w1_4 = p[9];
        float w2_0 = p[10], w2_1 = p[11], w2_2 = p[12], w2_3 = p[13], w2_4 = p[14];
        float w3_0 = p[15], w3_1 = p[16], w3_2 = p[17], w3_3 = p[18], w3_4 = p[19];
        float w4_0 = p[20], w4_1 = p[21], w4_2 = p[22], w4_3 = p[23], w4_4 = p[24];
        float b0 = p[25], b1 = p[26], b2 = p[27], b3 = p[28], b4 = p[29];
        float[] in = secondIn;
        float[] z = secondZ;
        float[] a = secondA;
        Memory.copy(out2, 0L, in, 0, batch * 5);
        for (int s = 0; s < batch; s++) {
            int i = s * 5;
            int o = s * 5;
            float x0 = in[i], x1 = in[i + 1], x2 = in[i + 2], x3 = in[i + 3], x4 = in[i + 4];
            float z0 = b0 + w0_0 * x0 + w0_1 * x1 + w0_2 * x2 + w0_3 * x3 + w0_4 * x4;
            float z1 = b1 + w1_0 * x0 + w1_1 * x1 + w1_2 * x2 + w1_3 * x3 + w1_4 * x4;
            float z2 = b2 + w2_0 * x0 + w2_1 * x1 + w2_2 * x2 + w2_3 * x3 + w2_4 * x4;
            float z3 = b3 + w3_0 * x0 + w3_1 * x1 + w3_2 * x2 + w3_3 * x3 + w3_4 * x4;
            float z4 = b4 + w4_0 * x0 + w4_1 * x1 + w4_2 * x2 + w4_3 * x3 + w4_4 * x4;
            z[o] = z0; z[o + 1] = z1; z[o + 2] = z2; z[o + 3] = z3; z[o + 4] = z4;
            a[o] = z0 > 0 ? z0 : 0.5f * (float) Math.expm1(z0);
            a[o + 1] = z1 > 0 ? z1 : 0.5f * (float) Math.expm1(z1);
            a[o + 2] = z2 > 0 ? z2 : 0.5f * (float) Math.expm1(z2);
            a[o + 3] = z3 > 0 ? z3 : 0.5f * (float) Math.expm1(z3);
            a[o + 4] = z4 > 0 ? z4 : 0.5f * (float) Math.expm1(z4);
        }
        Memory.copy(z, 0, out3, 0L, batch * 5);
        Memory.copy(a, 0, out4, 0L, batch * 5);
    }

    /**
     * Layer 3's backward pass and layer 4's, unrolled: adds its parameters' gradients and writes its input's.
     */
    private void secondBackward(int batch) {
        float[] p = secondWeights;
        Memory.copy(secondParams, 0L, p, 0, 25);
        float w0_0 = p[0], w0_1 = p[1], w0_2 = p[2], w0_3 = p[3], w0_4 = p[4];
        float w1_0 = p[5], w1_1 = p[6], w1_2 = p[7], w1_3 = p[8], w1_4 = p[9];
        float w2_0 = p[10], w2_1 = p[11], w2_2 = p[12], w2_3 = p[13], w2_4 = p[14];
        float w3_0 = p[15], w3_1 = p[16], w3_2 = p[17], w3_3 = p[18], w3_4 = p[19];
        float w4_0 = p[20], w4_1 = p[21], w4_2 = p[22], w4_3 = p[23], w4_4 = p[24];
        float gw0_0 = 0f, gw0_1 = 0f, gw0_2 = 0f, gw0_3 = 0f, gw0_4 = 0f;
        float gw1_0 = 0f, gw1_1 = 0f, gw1_2 = 0f, gw1_3 = 0f, gw1_4 = 0f;
        float gw2_0 = 0f, gw2_1 = 0f, gw2_2 = 0f, gw2_3 = 0f, gw2_4 = 0f;
        float gw3_0 = 0f, gw3_1 = 0f, gw3_2 = 0f, gw3_3 = 0f, gw3_4 = 0f;
        float gw4_0 = 0f, gw4_1 = 0f, gw4_2 = 0f, gw4_3 = 0f, gw4_4 = 0f;
        float gb0 = 0f, gb1 = 0f, gb2 = 0f, gb3 = 0f, gb4 = 0f;
        float[] in = secondIn;
        float[] dy = secondDy;
        Memory.copy(out2, 0L, in, 0, batch * 5);
        Memory.copy(dOut4, 0L, dy, 0, batch * 5);
        float[] z = secondZ;
        Memory.copy(out3, 0L, z, 0, batch * 5);
        float[] a = secondA;
        Memory.copy(out4, 0L, a, 0, batch * 5);
        for (int s = 0; s < batch; s++) {
            int i = s * 5;
            int o = s * 5;
            float x0 = in[i], x1 = in[i + 1], x2 = in[i + 2], x3 = in[i + 3], x4 = in[i + 4];
            float dz0 = z[o] > 0 ? dy[o] : (a[o] + 0.5f) * dy[o];
            float dz1 = z[o + 1] > 0 ? dy[o + 1] : (a[o + 1] + 0.5f) * dy[o + 1];
            float dz2 = z[o + 2] > 0 ? dy[o + 2] : (a[o + 2] + 0.5f) * dy[o + 2];
            float dz3 = z[o + 3] > 0 ? dy[o + 3] : (a[o + 3] + 0.5f) * dy[o + 3];
            float dz4 = z[o + 4] > 0 ? dy[o + 4] : (a[o + 4] + 0.5f) * dy[o + 4];
            gb0 += dz0; gb1 += dz1; gb2 += dz2; gb3 += dz3; gb4 += dz4;
            gw0_0 += dz0 * x0; gw0_1 += dz0 * x1; gw0_2 += dz0 * x2; gw0_3 += dz0 * x3; gw0_4 += dz0 * x4;
            gw1_0 += dz1 * x0; gw1_1 += dz1 * x1; gw1_2 += dz1 * x2; gw1_3 += dz1 * x3; gw1_4 += dz1 * x4;
            gw2_0 += dz2 * x0; gw2_1 += dz2 * x1; gw2_2 += dz2 * x2; gw2_3 += dz2 * x3; gw2_4 += dz2 * x4;
            gw3_0 += dz3 * x0; gw3_1 += dz3 * x1; gw3_2 += dz3 * x2; gw3_3 += dz3 * x3; gw3_4 += dz3 * x4;
            gw4_0 += dz4 * x0; gw4_1 += dz4 * x1; gw4_2 += dz4 * x2; gw4_3 += dz4 * x3; gw4_4 += dz4 * x4;
            in[i] = dz0 * w0_0 + dz1 * w1_0 + dz2 * w2_0 + dz3 * w3_0 + dz4 * w4_0;
            in[i + 1] = dz0 * w0_1 + dz1 * w1_1 + dz2 * w2_1 + dz3 * w3_1 + dz4 * w4_1;
            in[i + 2] = dz0 * w0_2 + dz1 * w1_2 + dz2 * w2_2 + dz3 * w3_2 + dz4 * w4_2;
            in[i + 3] = dz0 * w0_3 + dz1 * w1_3 + dz2 * w2_3 + dz3 * w3_3 + dz4 * w4_3;
            in[i + 4] = dz0 * w0_4 + dz1 * w1_4 + dz2 * w2_4 + dz3 * w3_4 + dz4 * w4_4;
        }
        Memory.copy(in, 0, dOut2, 0L, batch * 5);
        Memory.copy(secondGrads, 0L, p, 0, 30);
        p[0] += gw0_0; p[1] += gw0_1; p[2] += gw0_2; p[3] += gw0_3; p[4] += gw0_4;
        p[5] += gw1_0; p[6] += gw1_1; p[7] += gw1_2; p[8] += gw1_3; p[9] += gw1_4;
        p[10] += gw2_0; p[11] += gw2_1; p[12] += gw2_2; p[13] += gw2_3; p[14] += gw2_4;
        p[15] += gw3_0; p[16] += gw3_1; p[17] += gw3_2; p[18] += gw3_3; p[19] += gw3_4;
        p[20] += gw4_0; p[21] += gw4_1; p[22] += gw4_2; p[23] += gw4_3; p[24] += gw4_4;
        p[25] += gb0; p[26] += gb1; p[27] += gb2; p[28] += gb3; p[29] += gb4;
        Memory.copy(p, 0, secondGrads, 0L, 30);
    }

    /**
     * Layer 5's forward pass, unrolled.
     */
    private void valueForward(int batch) {
        float[] p = valueWeights;
        Memory.copy(valueParams, 0L, p, 0, 6);
        float w0_0 = p[0], w0_1 = p[1], w0_2 = p[2], w0_3 = p[3], w0_4 = p[4];
        float b0 = p[5];
        float[] in = valueIn;
        float[] z = valueZ;
        Memory.copy(out4, 0L, in, 0, batch * 5);
        for (int s = 0; s < batch; s++) {
            int i = s * 5;
            int o = s * 1;
            float x0 = in[i], x1 = in[i + 1], x2 = in[i + 2], x3 = in[i + 3], x4 = in[i + 4];
            float z0 = b0 + w0_0 * x0 + w0_1 * x1 + w0_2 * x2 + w0_3 * x3 + w0_4 * x4;
            z[o] = z0;
        }
        Memory.copy(z, 0, out5, 0L, batch * 1);
    }

    /**
     * Layer 5's backward pass, unrolled: adds its parameters' gradients and writes its input's.
     */
    private void valueBackward(int batch) {
        float[] p = valueWeights;
        Memory.copy(valueParams, 0L, p, 0, 5);
        float w0_0 = p[0], w0_1 = p[1], w0_2 = p[2], w0_3 = p[3], w0_4 = p[4];
        float gw0_0 = 0f, gw0_1 = 0f, gw0_2 = 0f, gw0_3 = 0f, gw0_4 = 0f;
        float gb0 = 0f;
        float[] in = valueIn;
        float[] dy = valueDy;
        Memory.copy(out4, 0L, in, 0, batch * 5);
        Memory.copy(dOut5, 0L, dy, 0, batch * 1);
        for (int s = 0; s < batch; s++) {
            int i = s * 5;
            int o = s * 1;
            float x0 = in[i], x1 = in[i + 1], x2 = in[i + 2], x3 = in[i + 3], x4 = in[i + 4];
            float dz0 = dy[o];
            gb0 += dz0;
            gw0_0 += dz0 * x0; gw0_1 += dz0 * x1; gw0_2 += dz0 * x2; gw0_3 += dz0 * x3; gw0_4 += dz0 * x4;
            in[i] = dz0 * w0_0;
            in[i + 1] = dz0 * w0_1;
            in[i + 2] = dz0 * w0_2;
            in[i + 3] = dz0 * w0_3;
            in[i + 4] = dz0 * w0_4;
        }
        Memory.copy(in, 0, dOut4, 0L, batch * 5);
        Memory.copy(valueGrads, 0L, p, 0, 6);
        p[0] += gw0_0; p[1] += gw0_1; p[2] += gw0_2; p[3] += gw0_3; p[4] += gw0_4;
        p[5] += gb0;
        Memory.copy(p, 0, valueGrads, 0L, 6);
    }
}
