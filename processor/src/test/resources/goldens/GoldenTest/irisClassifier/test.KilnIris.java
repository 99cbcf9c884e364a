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
import dev.kiln.runtime.ops.DenseOps;
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
 * The network declared by {@link Iris}, compiled by Kiln.
 *
 * <p>Layers: Dense(4 -> 16), ReLU(16), Dense(16 -> 3); loss: SOFTMAX_CROSS_ENTROPY; at most 128 samples per batch.
 * A new instance has all parameters zero: call {@link #initialize(long)} or load weights.
 */
@Generated("dev.kiln.processor.KilnProcessor")
public final class KilnIris implements Model {
    /**
     * The declaration this class was generated from.
     */
    public static final NetworkSpec SPEC = new NetworkSpec("Iris", List.of(4), List.of(
            new DenseSpec(16, true, Init.AUTO, 0.01, "Iris.hidden"),
            new ActivationSpec(Activation.RELU, 0.0, "Iris.hidden"),
            new DenseSpec(3, true, Init.AUTO, 0.01, "Iris.out")),
            Loss.SOFTMAX_CROSS_ENTROPY, 128);

    /**
     * Features per input sample.
     */
    public static final int INPUT_SIZE = 4;

    /**
     * Features per output sample.
     */
    public static final int OUTPUT_SIZE = 3;

    /**
     * The largest batch the buffers hold.
     */
    public static final int MAX_BATCH = 128;

    /**
     * The number of parameters.
     */
    public static final int PARAMETER_COUNT = 131;

    /**
     * Floats in the one allocation: parameters, gradients and every buffer.
     */
    private static final long MEMORY_SIZE = 10630L;

    /**
     * Offset of hidden.weight, shape [16, 4].
     */
    private static final int HIDDEN_WEIGHT = 0;

    /**
     * Offset of hidden.bias, shape [16].
     */
    private static final int HIDDEN_BIAS = 64;

    /**
     * Offset of out.weight, shape [3, 16].
     */
    private static final int OUT_WEIGHT = 80;

    /**
     * Offset of out.bias, shape [3].
     */
    private static final int OUT_BIAS = 128;

    private static final List<Parameter> LAYOUT = List.of(
            new Parameter("hidden.weight", HIDDEN_WEIGHT, List.of(16, 4)),
            new Parameter("hidden.bias", HIDDEN_BIAS, List.of(16)),
            new Parameter("out.weight", OUT_WEIGHT, List.of(3, 16)),
            new Parameter("out.bias", OUT_BIAS, List.of(3)));

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
     * The gradient of each parameter: PARAMETER_COUNT floats from 131.
     */
    private final MemorySegment grads = Memory.slice(memory, 131L, PARAMETER_COUNT);

    /**
     * The input of the last forward pass, copied in: MAX_BATCH * INPUT_SIZE floats from 262.
     */
    private final MemorySegment x = Memory.slice(memory, 262L, MAX_BATCH * INPUT_SIZE);

    /**
     * The targets of the last loss, copied in: MAX_BATCH * OUTPUT_SIZE floats from 774.
     */
    private final MemorySegment t = Memory.slice(memory, 774L, MAX_BATCH * OUTPUT_SIZE);

    /**
     * Layer 1 output: MAX_BATCH * 16 floats from 1158.
     */
    private final MemorySegment out1 = Memory.slice(memory, 1158L, MAX_BATCH * 16);

    /**
     * Gradient of the loss w.r.t. layer 1 output: MAX_BATCH * 16 floats from 3206.
     */
    private final MemorySegment dOut1 = Memory.slice(memory, 3206L, MAX_BATCH * 16);

    /**
     * Layer 2 output: MAX_BATCH * 16 floats from 5254.
     */
    private final MemorySegment out2 = Memory.slice(memory, 5254L, MAX_BATCH * 16);

    /**
     * Gradient of the loss w.r.t. layer 2 output: MAX_BATCH * 16 floats from 7302.
     */
    private final MemorySegment dOut2 = Memory.slice(memory, 7302L, MAX_BATCH * 16);

    /**
     * Layer 3 output: MAX_BATCH * 3 floats from 9350.
     */
    private final MemorySegment out3 = Memory.slice(memory, 9350L, MAX_BATCH * 3);

    /**
     * Gradient of the loss w.r.t. layer 3 output: MAX_BATCH * 3 floats from 9734.
     */
    private final MemorySegment dOut3 = Memory.slice(memory, 9734L, MAX_BATCH * 3);

    /**
     * Gradient of the loss w.r.t. the input: MAX_BATCH * INPUT_SIZE floats from 10118.
     */
    private final MemorySegment dx = Memory.slice(memory, 10118L, MAX_BATCH * INPUT_SIZE);

    /**
     * Layer 1's parameters, hidden weight then bias: 80 floats of {@code params} from HIDDEN_WEIGHT.
     */
    private final MemorySegment hiddenParams = Memory.slice(params, HIDDEN_WEIGHT, 80);

    /**
     * Their gradients.
     */
    private final MemorySegment hiddenGrads = Memory.slice(grads, HIDDEN_WEIGHT, 80);

    /**
     * Layer 3's parameters, out weight then bias: 51 floats of {@code params} from OUT_WEIGHT.
     */
    private final MemorySegment outParams = Memory.slice(params, OUT_WEIGHT, 51);

    /**
     * Their gradients.
     */
    private final MemorySegment outGrads = Memory.slice(grads, OUT_WEIGHT, 51);

    /**
     * Layer 1's parameters (and in backward its gradients), copied for its unrolled code.
     */
    private final float[] hiddenWeights = new float[80];

    /**
     * The rows layer 1 reads, copied; backward writes its input gradient here.
     */
    private final float[] hiddenIn = new float[MAX_BATCH * 4];

    /**
     * Layer 1's outputs.
     */
    private final float[] hiddenZ = new float[MAX_BATCH * 16];

    /**
     * The outputs of layer 2, the activation fused into layer 1.
     */
    private final float[] hiddenA = new float[MAX_BATCH * 16];

    /**
     * The gradient that reaches layer 1, copied.
     */
    private final float[] hiddenDy = new float[MAX_BATCH * 16];

    /**
     * Layer 3's parameters (and in backward its gradients), copied for its unrolled code.
     */
    private final float[] outWeights = new float[51];

    /**
     * The rows layer 3 reads, copied; backward writes its input gradient here.
     */
    private final float[] outIn = new float[MAX_BATCH * 16];

    /**
     * Layer 3's outputs.
     */
    private final float[] outZ = new float[MAX_BATCH * 3];

    /**
     * The gradient that reaches layer 3, copied.
     */
    private final float[] outDy = new float[MAX_BATCH * 3];

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
    public KilnIris() {
    }

    /**
     * A network initialized by {@link #initialize(long)} with {@code seed}.
     */
    public KilnIris(long seed) {
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
        // layer 1: Dense(4 -> 16), from Iris.hidden: weights HE_NORMAL (AUTO), bias zeros
        Initializers.fill(params, HIDDEN_WEIGHT, 64, Init.HE_NORMAL, 0.01, 4, 16, rng);
        Initializers.zeros(params, HIDDEN_BIAS, 16);
        // layer 3: Dense(16 -> 3), from Iris.out: weights XAVIER_UNIFORM (AUTO), bias zeros
        Initializers.fill(params, OUT_WEIGHT, 48, Init.XAVIER_UNIFORM, 0.01, 16, 3, rng);
        Initializers.zeros(params, OUT_BIAS, 3);
    }

    @Override
    public float[] forward(float[] input, int offset, int batch) {
        Checks.forwardArguments("Iris", input, offset, batch, INPUT_SIZE, MAX_BATCH);
        Memory.copy(input, offset, x, 0, batch * INPUT_SIZE);
        this.batch = batch;
        this.lossReady = false;
        // layer 1: Dense(4 -> 16), from Iris.hidden, and layer 2: ReLU(16); unrolled for batches up to 16, else matrix products through the Blas backend (64 weights)
        if (batch <= 16) {
            hiddenForward(batch);
        } else {
            // (batch, 4) x (16, 4)^T -> (batch, 16), then the bias and ReLU in one pass
            blas.sgemm(false, true, batch, 16, 4, 1f, x, 0, 4, hiddenParams, 0, 4, 0f, out1, 0, 16);
            for (int s = 0; s < batch; s++) {
                for (int o = 0; o < 16; o++) {
                    long at = s * 16L + o;
                    float z = out1.getAtIndex(FLOAT, at) + hiddenParams.getAtIndex(FLOAT, 64 + o);
                    out1.setAtIndex(FLOAT, at, z);
                    out2.setAtIndex(FLOAT, at, Math.max(0f, z));
                }
            }
        }
        // layer 3: Dense(16 -> 3), from Iris.out; unrolled for batches up to 21, else matrix products through the Blas backend (48 weights)
        if (batch <= 21) {
            outForward(batch);
        } else {
            // (batch, 16) x (3, 16)^T + (3) -> (batch, 3)
            DenseOps.forward(blas, out2, 0, outParams, 0, 48, out3, 0, batch, 16, 3);
        }
        Memory.copy(out3, 0, output, 0, batch * OUTPUT_SIZE);
        return output;
    }

    @Override
    public float loss(float[] target, int offset) {
        if (batch == 0) {
            throw new IllegalStateException("Iris: loss() needs a forward() first");
        }
        Checks.targetArguments("Iris", target, offset, batch, OUTPUT_SIZE);
        Memory.copy(target, offset, t, 0, batch * OUTPUT_SIZE);
        float loss = Losses.softmaxCrossEntropyWithLogits(out3, 0, t, 0, dOut3, 0, batch, 3);
        lossReady = true;
        return loss;
    }

    @Override
    public void backward() {
        if (!lossReady) {
            throw new IllegalStateException("Iris: backward() needs loss() after the last forward()");
        }
        lossReady = false;
        // layer 3: Dense(16 -> 3), from Iris.out
        if (batch <= 21) {
            outBackward(batch);
        } else {
            DenseOps.backward(blas, out2, 0, outParams, 0, dOut3, 0, outGrads, 0, 48, dOut2, 0, batch, 16, 3);
        }
        // layer 1: Dense(4 -> 16), from Iris.hidden, and layer 2: ReLU(16)
        if (batch <= 16) {
            hiddenBackward(batch);
        } else {
            // ReLU's derivative and the bias gradient in one pass, then the products
            for (int s = 0; s < batch; s++) {
                for (int o = 0; o < 16; o++) {
                    long at = s * 16L + o;
                    float g = dOut2.getAtIndex(FLOAT, at);
                    float dz = out1.getAtIndex(FLOAT, at) > 0 ? g : 0f;
                    dOut1.setAtIndex(FLOAT, at, dz);
                    hiddenGrads.setAtIndex(FLOAT, 64 + o, hiddenGrads.getAtIndex(FLOAT, 64 + o) + dz);
                }
            }
            // dW += dz^T x: (16, batch) x (batch, 4)
            blas.sgemm(true, false, 16, 4, batch, 1f, dOut1, 0, 16, x, 0, 4, 1f, hiddenGrads, 0, 4);
            // dx = dz W: (batch, 16) x (16, 4)
            if (inputGradientEnabled) {
                blas.sgemm(false, false, batch, 4, 16, 1f, dOut1, 0, 16, hiddenParams, 0, 4, 0f, dx, 0, 4);
            }
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
     * Layer 1's forward pass and layer 2's, unrolled.
     */
    private void hiddenForward(int batch) {
        float[] p = hiddenWeights;
        Memory.copy(hiddenParams, 0L, p, 0, 80);
        float w0_0 = p[0], w0_1 = p[1], w0_2 = p[2], w0_3 = p[3];
        float w1_0 = p[4], w1_1 = p[5], w1_2 = p[6], w1_3 = p[7];
        float w2_0 = p[8], w2_1 = p[9], w2_2 = p[10], w2_3 = p[11];
        float w3_0 = p[12], w3_1 = p[13], w3_2 = p[14], w3_3 = p[15];
        float w4_0 = p[16], w4_1 = p[17], w4_2 = p[18], w4_3 = p[19];
        float w5_0 = p[20], w5_1 = p[21], w5_2 = p[22], w5_3 = p[23];
        float w6_0 = p[24], w6_1 = p[25], w6_2 = p[26], w6_3 = p[27];
        float w7_0 = p[28], w7_1 = p[29], w7_2 = p[30], w7_3 = p[31];
        float w8_0 = p[32], w8_1 = p[33], w8_2 = p[34], w8_3 = p[35];
        float w9_0 = p[36], w9_1 = p[37], w9_2 = p[38], w9_3 = p[39];
        float w10_0 = p[40], w10_1 = p[41], w10_2 = p[42], w10_3 = p[43];
        float w11_0 = p[44], w11_1 = p[45], w11_2 = p[46], w11_3 = p[47];
        float w12_0 = p[48], w12_1 = p[49], w12_2 = p[50], w12_3 = p[51];
        float w13_0 = p[52], w13_1 = p[53], w13_2 = p[54], w13_3 = p[55];
        float w14_0 = p[56], w14_1 = p[57], w14_2 = p[58], w14_3 = p[59];
        float w15_0 = p[60], w15_1 = p[61], w15_2 = p[62], w15_3 = p[63];
        float b0 = p[64], b1 = p[65], b2 = p[66], b3 = p[67], b4 = p[68], b5 = p[69], b6 = p[70], b7 = p[71];
        float b8 = p[72], b9 = p[73], b10 = p[74], b11 = p[75], b12 = p[76], b13 = p[77], b14 = p[78], b15 = p[79];
        float[] in = hiddenIn;
        float[] z = hiddenZ;
        float[] a = hiddenA;
        Memory.copy(x, 0L, in, 0, batch * 4);
        for (int s = 0; s < batch; s++) {
            int i = s * 4;
            int o = s * 16;
            float x0 = in[i], x1 = in[i + 1], x2 = in[i + 2], x3 = in[i + 3];
            float z0 = b0 + w0_0 * x0 + w0_1 * x1 + w0_2 * x2 + w0_3 * x3;
            float z1 = b1 + w1_0 * x0 + w1_1 * x1 + w1_2 * x2 + w1_3 * x3;
            float z2 = b2 + w2_0 * x0 + w2_1 * x1 + w2_2 * x2 + w2_3 * x3;
            float z3 = b3 + w3_0 * x0 + w3_1 * x1 + w3_2 * x2 + w3_3 * x3;
            float z4 = b4 + w4_0 * x0 + w4_1 * x1 + w4_2 * x2 + w4_3 * x3;
            float z5 = b5 + w5_0 * x0 + w5_1 * x1 + w5_2 * x2 + w5_3 * x3;
            float z6 = b6 + w6_0 * x0 + w6_1 * x1 + w6_2 * x2 + w6_3 * x3;
            float z7 = b7 + w7_0 * x0 + w7_1 * x1 + w7_2 * x2 + w7_3 * x3;
            float z8 = b8 + w8_0 * x0 + w8_1 * x1 + w8_2 * x2 + w8_3 * x3;
            float z9 = b9 + w9_0 * x0 + w9_1 * x1 + w9_2 * x2 + w9_3 * x3;
            float z10 = b10 + w10_0 * x0 + w10_1 * x1 + w10_2 * x2 + w10_3 * x3;
            float z11 = b11 + w11_0 * x0 + w11_1 * x1 + w11_2 * x2 + w11_3 * x3;
            float z12 = b12 + w12_0 * x0 + w12_1 * x1 + w12_2 * x2 + w12_3 * x3;
            float z13 = b13 + w13_0 * x0 + w13_1 * x1 + w13_2 * x2 + w13_3 * x3;
            float z14 = b14 + w14_0 * x0 + w14_1 * x1 + w14_2 * x2 + w14_3 * x3;
            float z15 = b15 + w15_0 * x0 + w15_1 * x1 + w15_2 * x2 + w15_3 * x3;
            z[o] = z0; z[o + 1] = z1; z[o + 2] = z2; z[o + 3] = z3; z[o + 4] = z4; z[o + 5] = z5; z[o + 6] = z6; z[o + 7] = z7;
            z[o + 8] = z8; z[o + 9] = z9; z[o + 10] = z10; z[o + 11] = z11; z[o + 12] = z12; z[o + 13] = z13; z[o + 14] = z14; z[o + 15] = z15;
            a[o] = Math.max(0f, z0);
            a[o + 1] = Math.max(0f, z1);
            a[o + 2] = Math.max(0f, z2);
            a[o + 3] = Math.max(0f, z3);
            a[o + 4] = Math.max(0f, z4);
            a[o + 5] = Math.max(0f, z5);
            a[o + 6] = Math.max(0f, z6);
            a[o + 7] = Math.max(0f, z7);
            a[o + 8] = Math.max(0f, z8);
            a[o + 9] = Math.max(0f, z9);
            a[o + 10] = Math.max(0f, z10);
            a[o + 11] = Math.max(0f, z11);
            a[o + 12] = Math.max(0f, z12);
            a[o + 13] = Math.max(0f, z13);
            a[o + 14] = Math.max(0f, z14);
            a[o + 15] = Math.max(0f, z15);
        }
        Memory.copy(z, 0, out1, 0L, batch * 16);
        Memory.copy(a, 0, out2, 0L, batch * 16);
    }

    /**
     * Layer 1's backward pass and layer 2's, unrolled: adds its parameters' gradients and writes its input's.
     */
    private void hiddenBackward(int batch) {
        float[] p = hiddenWeights;
        Memory.copy(hiddenParams, 0L, p, 0, 64);
        float w0_0 = p[0], w0_1 = p[1], w0_2 = p[2], w0_3 = p[3];
        float w1_0 = p[4], w1_1 = p[5], w1_2 = p[6], w1_3 = p[7];
        float w2_0 = p[8], w2_1 = p[9], w2_2 = p[10], w2_3 = p[11];
        float w3_0 = p[12], w3_1 = p[13], w3_2 = p[14], w3_3 = p[15];
        float w4_0 = p[16], w4_1 = p[17], w4_2 = p[18], w4_3 = p[19];
        float w5_0 = p[20], w5_1 = p[21], w5_2 = p[22], w5_3 = p[23];
        float w6_0 = p[24], w6_1 = p[25], w6_2 = p[26], w6_3 = p[27];
        float w7_0 = p[28], w7_1 = p[29], w7_2 = p[30], w7_3 = p[31];
        float w8_0 = p[32], w8_1 = p[33], w8_2 = p[34], w8_3 = p[35];
        float w9_0 = p[36], w9_1 = p[37], w9_2 = p[38], w9_3 = p[39];
        float w10_0 = p[40], w10_1 = p[41], w10_2 = p[42], w10_3 = p[43];
        float w11_0 = p[44], w11_1 = p[45], w11_2 = p[46], w11_3 = p[47];
        float w12_0 = p[48], w12_1 = p[49], w12_2 = p[50], w12_3 = p[51];
        float w13_0 = p[52], w13_1 = p[53], w13_2 = p[54], w13_3 = p[55];
        float w14_0 = p[56], w14_1 = p[57], w14_2 = p[58], w14_3 = p[59];
        float w15_0 = p[60], w15_1 = p[61], w15_2 = p[62], w15_3 = p[63];
        float gw0_0 = 0f, gw0_1 = 0f, gw0_2 = 0f, gw0_3 = 0f;
        float gw1_0 = 0f, gw1_1 = 0f, gw1_2 = 0f, gw1_3 = 0f;
        float gw2_0 = 0f, gw2_1 = 0f, gw2_2 = 0f, gw2_3 = 0f;
        float gw3_0 = 0f, gw3_1 = 0f, gw3_2 = 0f, gw3_3 = 0f;
        float gw4_0 = 0f, gw4_1 = 0f, gw4_2 = 0f, gw4_3 = 0f;
        float gw5_0 = 0f, gw5_1 = 0f, gw5_2 = 0f, gw5_3 = 0f;
        float gw6_0 = 0f, gw6_1 = 0f, gw6_2 = 0f, gw6_3 = 0f;
        float gw7_0 = 0f, gw7_1 = 0f, gw7_2 = 0f, gw7_3 = 0f;
        float gw8_0 = 0f, gw8_1 = 0f, gw8_2 = 0f, gw8_3 = 0f;
        float gw9_0 = 0f, gw9_1 = 0f, gw9_2 = 0f, gw9_3 = 0f;
        float gw10_0 = 0f, gw10_1 = 0f, gw10_2 = 0f, gw10_3 = 0f;
        float gw11_0 = 0f, gw11_1 = 0f, gw11_2 = 0f, gw11_3 = 0f;
        float gw12_0 = 0f, gw12_1 = 0f, gw12_2 = 0f, gw12_3 = 0f;
        float gw13_0 = 0f, gw13_1 = 0f, gw13_2 = 0f, gw13_3 = 0f;
        float gw14_0 = 0f, gw14_1 = 0f, gw14_2 = 0f, gw14_3 = 0f;
        float gw15_0 = 0f, gw15_1 = 0f, gw15_2 = 0f, gw15_3 = 0f;
        float gb0 = 0f, gb1 = 0f, gb2 = 0f, gb3 = 0f, gb4 = 0f, gb5 = 0f, gb6 = 0f, gb7 = 0f;
        float gb8 = 0f, gb9 = 0f, gb10 = 0f, gb11 = 0f, gb12 = 0f, gb13 = 0f, gb14 = 0f, gb15 = 0f;
        float[] in = hiddenIn;
        float[] dy = hiddenDy;
        Memory.copy(x, 0L, in, 0, batch * 4);
        Memory.copy(dOut2, 0L, dy, 0, batch * 16);
        float[] z = hiddenZ;
        Memory.copy(out1, 0L, z, 0, batch * 16);
        boolean wantDx = inputGradientEnabled;
        for (int s = 0; s < batch; s++) {
            int i = s * 4;
            int o = s * 16;
            float x0 = in[i], x1 = in[i + 1], x2 = in[i + 2], x3 = in[i + 3];
            float dz0 = z[o] > 0 ? dy[o] : 0f;
            float dz1 = z[o + 1] > 0 ? dy[o + 1] : 0f;
            float dz2 = z[o + 2] > 0 ? dy[o + 2] : 0f;
            float dz3 = z[o + 3] > 0 ? dy[o + 3] : 0f;
            float dz4 = z[o + 4] > 0 ? dy[o + 4] : 0f;
            float dz5 = z[o + 5] > 0 ? dy[o + 5] : 0f;
            float dz6 = z[o + 6] > 0 ? dy[o + 6] : 0f;
            float dz7 = z[o + 7] > 0 ? dy[o + 7] : 0f;
            float dz8 = z[o + 8] > 0 ? dy[o + 8] : 0f;
            float dz9 = z[o + 9] > 0 ? dy[o + 9] : 0f;
            float dz10 = z[o + 10] > 0 ? dy[o + 10] : 0f;
            float dz11 = z[o + 11] > 0 ? dy[o + 11] : 0f;
            float dz12 = z[o + 12] > 0 ? dy[o + 12] : 0f;
            float dz13 = z[o + 13] > 0 ? dy[o + 13] : 0f;
            float dz14 = z[o + 14] > 0 ? dy[o + 14] : 0f;
            float dz15 = z[o + 15] > 0 ? dy[o + 15] : 0f;
            gb0 += dz0; gb1 += dz1; gb2 += dz2; gb3 += dz3; gb4 += dz4; gb5 += dz5; gb6 += dz6; gb7 += dz7;
            gb8 += dz8; gb9 += dz9; gb10 += dz10; gb11 += dz11; gb12 += dz12; gb13 += dz13; gb14 += dz14; gb15 += dz15;
            gw0_0 += dz0 * x0; gw0_1 += dz0 * x1; gw0_2 += dz0 * x2; gw0_3 += dz0 * x3;
            gw1_0 += dz1 * x0; gw1_1 += dz1 * x1; gw1_2 += dz1 * x2; gw1_3 += dz1 * x3;
            gw2_0 += dz2 * x0; gw2_1 += dz2 * x1; gw2_2 += dz2 * x2; gw2_3 += dz2 * x3;
            gw3_0 += dz3 * x0; gw3_1 += dz3 * x1; gw3_2 += dz3 * x2; gw3_3 += dz3 * x3;
            gw4_0 += dz4 * x0; gw4_1 += dz4 * x1; gw4_2 += dz4 * x2; gw4_3 += dz4 * x3;
            gw5_0 += dz5 * x0; gw5_1 += dz5 * x1; gw5_2 += dz5 * x2; gw5_3 += dz5 * x3;
            gw6_0 += dz6 * x0; gw6_1 += dz6 * x1; gw6_2 += dz6 * x2; gw6_3 += dz6 * x3;
            gw7_0 += dz7 * x0; gw7_1 += dz7 * x1; gw7_2 += dz7 * x2; gw7_3 += dz7 * x3;
            gw8_0 += dz8 * x0; gw8_1 += dz8 * x1; gw8_2 += dz8 * x2; gw8_3 += dz8 * x3;
            gw9_0 += dz9 * x0; gw9_1 += dz9 * x1; gw9_2 += dz9 * x2; gw9_3 += dz9 * x3;
            gw10_0 += dz10 * x0; gw10_1 += dz10 * x1; gw10_2 += dz10 * x2; gw10_3 += dz10 * x3;
            gw11_0 += dz11 * x0; gw11_1 += dz11 * x1; gw11_2 += dz11 * x2; gw11_3 += dz11 * x3;
            gw12_0 += dz12 * x0; gw12_1 += dz12 * x1; gw12_2 += dz12 * x2; gw12_3 += dz12 * x3;
            gw13_0 += dz13 * x0; gw13_1 += dz13 * x1; gw13_2 += dz13 * x2; gw13_3 += dz13 * x3;
            gw14_0 += dz14 * x0; gw14_1 += dz14 * x1; gw14_2 += dz14 * x2; gw14_3 += dz14 * x3;
            gw15_0 += dz15 * x0; gw15_1 += dz15 * x1; gw15_2 += dz15 * x2; gw15_3 += dz15 * x3;
            if (wantDx) {
                in[i] = dz0 * w0_0 + dz1 * w1_0 + dz2 * w2_0 + dz3 * w3_0 + dz4 * w4_0 + dz5 * w5_0
                        + dz6 * w6_0 + dz7 * w7_0 + dz8 * w8_0 + dz9 * w9_0 + dz10 * w10_0
                        + dz11 * w11_0 + dz12 * w12_0 + dz13 * w13_0 + dz14 * w14_0 + dz15 * w15_0;
                in[i + 1] = dz0 * w0_1 + dz1 * w1_1 + dz2 * w2_1 + dz3 * w3_1 + dz4 * w4_1
                        + dz5 * w5_1 + dz6 * w6_1 + dz7 * w7_1 + dz8 * w8_1 + dz9 * w9_1
                        + dz10 * w10_1 + dz11 * w11_1 + dz12 * w12_1 + dz13 * w13_1 + dz14 * w14_1
                        + dz15 * w15_1;
                in[i + 2] = dz0 * w0_2 + dz1 * w1_2 + dz2 * w2_2 + dz3 * w3_2 + dz4 * w4_2
                        + dz5 * w5_2 + dz6 * w6_2 + dz7 * w7_2 + dz8 * w8_2 + dz9 * w9_2
                        + dz10 * w10_2 + dz11 * w11_2 + dz12 * w12_2 + dz13 * w13_2 + dz14 * w14_2
                        + dz15 * w15_2;
                in[i + 3] = dz0 * w0_3 + dz1 * w1_3 + dz2 * w2_3 + dz3 * w3_3 + dz4 * w4_3
                        + dz5 * w5_3 + dz6 * w6_3 + dz7 * w7_3 + dz8 * w8_3 + dz9 * w9_3
                        + dz10 * w10_3 + dz11 * w11_3 + dz12 * w12_3 + dz13 * w13_3 + dz14 * w14_3
                        + dz15 * w15_3;
            }
        }
        if (wantDx) {
            Memory.copy(in, 0, dx, 0L, batch * 4);
        }
        Memory.copy(hiddenGrads, 0L, p, 0, 80);
        p[0] += gw0_0; p[1] += gw0_1; p[2] += gw0_2; p[3] += gw0_3;
        p[4] += gw1_0; p[5] += gw1_1; p[6] += gw1_2; p[7] += gw1_3;
        p[8] += gw2_0; p[9] += gw2_1; p[10] += gw2_2; p[11] += gw2_3;
        p[12] += gw3_0; p[13] += gw3_1; p[14] += gw3_2; p[15] += gw3_3;
        p[16] += gw4_0; p[17] += gw4_1; p[18] += gw4_2; p[19] += gw4_3;
        p[20] += gw5_0; p[21] += gw5_1; p[22] += gw5_2; p[23] += gw5_3;
        p[24] += gw6_0; p[25] += gw6_1; p[26] += gw6_2; p[27] += gw6_3;
        p[28] += gw7_0; p[29] += gw7_1; p[30] += gw7_2; p[31] += gw7_3;
        p[32] += gw8_0; p[33] += gw8_1; p[34] += gw8_2; p[35] += gw8_3;
        p[36] += gw9_0; p[37] += gw9_1; p[38] += gw9_2; p[39] += gw9_3;
        p[40] += gw10_0; p[41] += gw10_1; p[42] += gw10_2; p[43] += gw10_3;
        p[44] += gw11_0; p[45] += gw11_1; p[46] += gw11_2; p[47] += gw11_3;
        p[48] += gw12_0; p[49] += gw12_1; p[50] += gw12_2; p[51] += gw12_3;
        p[52] += gw13_0; p[53] += gw13_1; p[54] += gw13_2; p[55] += gw13_3;
        p[56] += gw14_0; p[57] += gw14_1; p[58] += gw14_2; p[59] += gw14_3;
        p[60] += gw15_0; p[61] += gw15_1; p[62] += gw15_2; p[63] += gw15_3;
        p[64] += gb0; p[65] += gb1; p[66] += gb2; p[67] += gb3; p[68] += gb4; p[69] += gb5; p[70] += gb6; p[71] += gb7;
        p[72] += gb8; p[73] += gb9; p[74] += gb10; p[75] += gb11; p[76] += gb12; p[77] += gb13; p[78] += gb14; p[79] += gb15;
        Memory.copy(p, 0, hiddenGrads, 0L, 80);
    }

    /**
     * Layer 3's forward pass, unrolled.
     */
    private void outForward(int batch) {
        float[] p = outWeights;
        Memory.copy(outParams, 0L, p, 0, 51);
        float w0_0 = p[0], w0_1 = p[1], w0_2 = p[2], w0_3 = p[3], w0_4 = p[4], w0_5 = p[5], w0_6 = p[6], w0_7 = p[7];
        float w0_8 = p[8], w0_9 = p[9], w0_10 = p[10], w0_11 = p[11], w0_12 = p[12], w0_13 = p[13], w0_14 = p[14], w0_15 = p[15];
        float w1_0 = p[16], w1_1 = p[17], w1_2 = p[18], w1_3 = p[19], w1_4 = p[20], w1_5 = p[21], w1_6 = p[22], w1_7 = p[23];
        float w1_8 = p[24], w1_9 = p[25], w1_10 = p[26], w1_11 = p[27], w1_12 = p[28], w1_13 = p[29], w1_14 = p[30], w1_15 = p[31];
        float w2_0 = p[32], w2_1 = p[33], w2_2 = p[34], w2_3 = p[35], w2_4 = p[36], w2_5 = p[37], w2_6 = p[38], w2_7 = p[39];
        float w2_8 = p[40], w2_9 = p[41], w2_10 = p[42], w2_11 = p[43], w2_12 = p[44], w2_13 = p[45], w2_14 = p[46], w2_15 = p[47];
        float b0 = p[48], b1 = p[49], b2 = p[50];
        float[] in = outIn;
        float[] z = outZ;
        Memory.copy(out2, 0L, in, 0, batch * 16);
        for (int s = 0; s < batch; s++) {
            int i = s * 16;
            int o = s * 3;
            float x0 = in[i], x1 = in[i + 1], x2 = in[i + 2], x3 = in[i + 3], x4 = in[i + 4], x5 = in[i + 5], x6 = in[i + 6], x7 = in[i + 7];
            float x8 = in[i + 8], x9 = in[i + 9], x10 = in[i + 10], x11 = in[i + 11], x12 = in[i + 12], x13 = in[i + 13], x14 = in[i + 14], x15 = in[i + 15];
            float z0 = b0 + w0_0 * x0 + w0_1 * x1 + w0_2 * x2 + w0_3 * x3 + w0_4 * x4 + w0_5 * x5
                    + w0_6 * x6 + w0_7 * x7 + w0_8 * x8 + w0_9 * x9 + w0_10 * x10 + w0_11 * x11
                    + w0_12 * x12 + w0_13 * x13 + w0_14 * x14 + w0_15 * x15;
            float z1 = b1 + w1_0 * x0 + w1_1 * x1 + w1_2 * x2 + w1_3 * x3 + w1_4 * x4 + w1_5 * x5
                    + w1_6 * x6 + w1_7 * x7 + w1_8 * x8 + w1_9 * x9 + w1_10 * x10 + w1_11 * x11
                    + w1_12 * x12 + w1_13 * x13 + w1_14 * x14 + w1_15 * x15;
            float z2 = b2 + w2_0 * x0 + w2_1 * x1 + w2_2 * x2 + w2_3 * x3 + w2_4 * x4 + w2_5 * x5
                    + w2_6 * x6 + w2_7 * x7 + w2_8 * x8 + w2_9 * x9 + w2_10 * x10 + w2_11 * x11
                    + w2_12 * x12 + w2_13 * x13 + w2_14 * x14 + w2_15 * x15;
            z[o] = z0; z[o + 1] = z1; z[o + 2] = z2;
        }
        Memory.copy(z, 0, out3, 0L, batch * 3);
    }

    /**
     * Layer 3's backward pass, unrolled: adds its parameters' gradients and writes its input's.
     */
    private void outBackward(int batch) {
        float[] p = outWeights;
        Memory.copy(outParams, 0L, p, 0, 48);
        float w0_0 = p[0], w0_1 = p[1], w0_2 = p[2], w0_3 = p[3], w0_4 = p[4], w0_5 = p[5], w0_6 = p[6], w0_7 = p[7];
        float w0_8 = p[8], w0_9 = p[9], w0_10 = p[10], w0_11 = p[11], w0_12 = p[12], w0_13 = p[13], w0_14 = p[14], w0_15 = p[15];
        float w1_0 = p[16], w1_1 = p[17], w1_2 = p[18], w1_3 = p[19], w1_4 = p[20], w1_5 = p[21], w1_6 = p[22], w1_7 = p[23];
        float w1_8 = p[24], w1_9 = p[25], w1_10 = p[26], w1_11 = p[27], w1_12 = p[28], w1_13 = p[29], w1_14 = p[30], w1_15 = p[31];
        float w2_0 = p[32], w2_1 = p[33], w2_2 = p[34], w2_3 = p[35], w2_4 = p[36], w2_5 = p[37], w2_6 = p[38], w2_7 = p[39];
        float w2_8 = p[40], w2_9 = p[41], w2_10 = p[42], w2_11 = p[43], w2_12 = p[44], w2_13 = p[45], w2_14 = p[46], w2_15 = p[47];
        float gw0_0 = 0f, gw0_1 = 0f, gw0_2 = 0f, gw0_3 = 0f, gw0_4 = 0f, gw0_5 = 0f, gw0_6 = 0f, gw0_7 = 0f;
        float gw0_8 = 0f, gw0_9 = 0f, gw0_10 = 0f, gw0_11 = 0f, gw0_12 = 0f, gw0_13 = 0f, gw0_14 = 0f, gw0_15 = 0f;
        float gw1_0 = 0f, gw1_1 = 0f, gw1_2 = 0f, gw1_3 = 0f, gw1_4 = 0f, gw1_5 = 0f, gw1_6 = 0f, gw1_7 = 0f;
        float gw1_8 = 0f, gw1_9 = 0f, gw1_10 = 0f, gw1_11 = 0f, gw1_12 = 0f, gw1_13 = 0f, gw1_14 = 0f, gw1_15 = 0f;
        float gw2_0 = 0f, gw2_1 = 0f, gw2_2 = 0f, gw2_3 = 0f, gw2_4 = 0f, gw2_5 = 0f, gw2_6 = 0f, gw2_7 = 0f;
        float gw2_8 = 0f, gw2_9 = 0f, gw2_10 = 0f, gw2_11 = 0f, gw2_12 = 0f, gw2_13 = 0f, gw2_14 = 0f, gw2_15 = 0f;
        float gb0 = 0f, gb1 = 0f, gb2 = 0f;
        float[] in = outIn;
        float[] dy = outDy;
        Memory.copy(out2, 0L, in, 0, batch * 16);
        Memory.copy(dOut3, 0L, dy, 0, batch * 3);
        for (int s = 0; s < batch; s++) {
            int i = s * 16;
            int o = s * 3;
            float x0 = in[i], x1 = in[i + 1], x2 = in[i + 2], x3 = in[i + 3], x4 = in[i + 4], x5 = in[i + 5], x6 = in[i + 6], x7 = in[i + 7];
            float x8 = in[i + 8], x9 = in[i + 9], x10 = in[i + 10], x11 = in[i + 11], x12 = in[i + 12], x13 = in[i + 13], x14 = in[i + 14], x15 = in[i + 15];
            float dz0 = dy[o];
            float dz1 = dy[o + 1];
            float dz2 = dy[o + 2];
            gb0 += dz0; gb1 += dz1; gb2 += dz2;
            gw0_0 += dz0 * x0; gw0_1 += dz0 * x1; gw0_2 += dz0 * x2; gw0_3 += dz0 * x3; gw0_4 += dz0 * x4; gw0_5 += dz0 * x5; gw0_6 += dz0 * x6; gw0_7 += dz0 * x7;
            gw0_8 += dz0 * x8; gw0_9 += dz0 * x9; gw0_10 += dz0 * x10; gw0_11 += dz0 * x11; gw0_12 += dz0 * x12; gw0_13 += dz0 * x13; gw0_14 += dz0 * x14; gw0_15 += dz0 * x15;
            gw1_0 += dz1 * x0; gw1_1 += dz1 * x1; gw1_2 += dz1 * x2; gw1_3 += dz1 * x3; gw1_4 += dz1 * x4; gw1_5 += dz1 * x5; gw1_6 += dz1 * x6; gw1_7 += dz1 * x7;
            gw1_8 += dz1 * x8; gw1_9 += dz1 * x9; gw1_10 += dz1 * x10; gw1_11 += dz1 * x11; gw1_12 += dz1 * x12; gw1_13 += dz1 * x13; gw1_14 += dz1 * x14; gw1_15 += dz1 * x15;
            gw2_0 += dz2 * x0; gw2_1 += dz2 * x1; gw2_2 += dz2 * x2; gw2_3 += dz2 * x3; gw2_4 += dz2 * x4; gw2_5 += dz2 * x5; gw2_6 += dz2 * x6; gw2_7 += dz2 * x7;
            gw2_8 += dz2 * x8; gw2_9 += dz2 * x9; gw2_10 += dz2 * x10; gw2_11 += dz2 * x11; gw2_12 += dz2 * x12; gw2_13 += dz2 * x13; gw2_14 += dz2 * x14; gw2_15 += dz2 * x15;
            in[i] = dz0 * w0_0 + dz1 * w1_0 + dz2 * w2_0;
            in[i + 1] = dz0 * w0_1 + dz1 * w1_1 + dz2 * w2_1;
            in[i + 2] = dz0 * w0_2 + dz1 * w1_2 + dz2 * w2_2;
            in[i + 3] = dz0 * w0_3 + dz1 * w1_3 + dz2 * w2_3;
            in[i + 4] = dz0 * w0_4 + dz1 * w1_4 + dz2 * w2_4;
            in[i + 5] = dz0 * w0_5 + dz1 * w1_5 + dz2 * w2_5;
            in[i + 6] = dz0 * w0_6 + dz1 * w1_6 + dz2 * w2_6;
            in[i + 7] = dz0 * w0_7 + dz1 * w1_7 + dz2 * w2_7;
            in[i + 8] = dz0 * w0_8 + dz1 * w1_8 + dz2 * w2_8;
            in[i + 9] = dz0 * w0_9 + dz1 * w1_9 + dz2 * w2_9;
            in[i + 10] = dz0 * w0_10 + dz1 * w1_10 + dz2 * w2_10;
            in[i + 11] = dz0 * w0_11 + dz1 * w1_11 + dz2 * w2_11;
            in[i + 12] = dz0 * w0_12 + dz1 * w1_12 + dz2 * w2_12;
            in[i + 13] = dz0 * w0_13 + dz1 * w1_13 + dz2 * w2_13;
            in[i + 14] = dz0 * w0_14 + dz1 * w1_14 + dz2 * w2_14;
            in[i + 15] = dz0 * w0_15 + dz1 * w1_15 + dz2 * w2_15;
        }
        Memory.copy(in, 0, dOut2, 0L, batch * 16);
        Memory.copy(outGrads, 0L, p, 0, 51);
        p[0] += gw0_0; p[1] += gw0_1; p[2] += gw0_2; p[3] += gw0_3; p[4] += gw0_4; p[5] += gw0_5; p[6] += gw0_6; p[7] += gw0_7;
        p[8] += gw0_8; p[9] += gw0_9; p[10] += gw0_10; p[11] += gw0_11; p[12] += gw0_12; p[13] += gw0_13; p[14] += gw0_14; p[15] += gw0_15;
        p[16] += gw1_0; p[17] += gw1_1; p[18] += gw1_2; p[19] += gw1_3; p[20] += gw1_4; p[21] += gw1_5; p[22] += gw1_6; p[23] += gw1_7;
        p[24] += gw1_8; p[25] += gw1_9; p[26] += gw1_10; p[27] += gw1_11; p[28] += gw1_12; p[29] += gw1_13; p[30] += gw1_14; p[31] += gw1_15;
        p[32] += gw2_0; p[33] += gw2_1; p[34] += gw2_2; p[35] += gw2_3; p[36] += gw2_4; p[37] += gw2_5; p[38] += gw2_6; p[39] += gw2_7;
        p[40] += gw2_8; p[41] += gw2_9; p[42] += gw2_10; p[43] += gw2_11; p[44] += gw2_12; p[45] += gw2_13; p[46] += gw2_14; p[47] += gw2_15;
        p[48] += gb0; p[49] += gb1; p[50] += gb2;
        Memory.copy(p, 0, outGrads, 0L, 51);
    }
}
