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
import dev.kiln.runtime.ops.DropoutOps;
import dev.kiln.runtime.ops.Losses;
import dev.kiln.spec.Activation;
import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.DropoutSpec;
import dev.kiln.spec.Init;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import java.lang.foreign.MemorySegment;
import java.util.List;
import javax.annotation.processing.Generated;

/**
 * The network declared by {@link Regularized}, compiled by Kiln.
 *
 * <p>Layers: Dropout(4, p=0.2), Dense(4 -> 8), ReLU(8), Dropout(8, p=0.5), Dense(8 -> 3); loss: SOFTMAX_CROSS_ENTROPY; at most 16 samples per batch.
 * A new instance has all parameters zero: call {@link #initialize(long)} or load weights.
 * It starts in inference mode, where dropout passes values through; {@link #setTraining setTraining(true)} switches to training mode, as training needs.
 */
@Generated("dev.kiln.processor.KilnProcessor")
public final class KilnRegularized implements Model {
    /**
     * The declaration this class was generated from.
     */
    public static final NetworkSpec SPEC = new NetworkSpec("Regularized", List.of(4), List.of(
            new DropoutSpec(0.2, "Regularized.inputDropout"),
            new DenseSpec(8, true, Init.AUTO, 0.01, "Regularized.hidden"),
            new ActivationSpec(Activation.RELU, 0.0, "Regularized.hidden"),
            new DropoutSpec(0.5, "Regularized.hidden"),
            new DenseSpec(3, true, Init.AUTO, 0.01, "Regularized.out")),
            Loss.SOFTMAX_CROSS_ENTROPY, 16);

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
    public static final int MAX_BATCH = 16;

    /**
     * The number of parameters.
     */
    public static final int PARAMETER_COUNT = 67;

    /**
     * Floats in the one allocation: parameters, gradients and every buffer.
     */
    private static final long MEMORY_SIZE = 1494L;

    /**
     * Offset of hidden.weight, shape [8, 4].
     */
    private static final int HIDDEN_WEIGHT = 0;

    /**
     * Offset of hidden.bias, shape [8].
     */
    private static final int HIDDEN_BIAS = 32;

    /**
     * Offset of out.weight, shape [3, 8].
     */
    private static final int OUT_WEIGHT = 40;

    /**
     * Offset of out.bias, shape [3].
     */
    private static final int OUT_BIAS = 64;

    private static final List<Parameter> LAYOUT = List.of(
            new Parameter("hidden.weight", HIDDEN_WEIGHT, List.of(8, 4)),
            new Parameter("hidden.bias", HIDDEN_BIAS, List.of(8)),
            new Parameter("out.weight", OUT_WEIGHT, List.of(3, 8)),
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
     * The gradient of each parameter: PARAMETER_COUNT floats from 67.
     */
    private final MemorySegment grads = Memory.slice(memory, 67L, PARAMETER_COUNT);

    /**
     * The input of the last forward pass, copied in: MAX_BATCH * INPUT_SIZE floats from 134.
     */
    private final MemorySegment x = Memory.slice(memory, 134L, MAX_BATCH * INPUT_SIZE);

    /**
     * The targets of the last loss, copied in: MAX_BATCH * OUTPUT_SIZE floats from 198.
     */
    private final MemorySegment t = Memory.slice(memory, 198L, MAX_BATCH * OUTPUT_SIZE);

    /**
     * Layer 1 output: MAX_BATCH * 4 floats from 246.
     */
    private final MemorySegment out1 = Memory.slice(memory, 246L, MAX_BATCH * 4);

    /**
     * Gradient of the loss w.r.t. layer 1 output: MAX_BATCH * 4 floats from 310.
     */
    private final MemorySegment dOut1 = Memory.slice(memory, 310L, MAX_BATCH * 4);

    /**
     * Layer 1 dropout mask: 0 for a dropped value, 1 / (1 - p) for a kept one: MAX_BATCH * 4 floats from 374.
     */
    private final MemorySegment mask1 = Memory.slice(memory, 374L, MAX_BATCH * 4);

    /**
     * Layer 2 output: MAX_BATCH * 8 floats from 438.
     */
    private final MemorySegment out2 = Memory.slice(memory, 438L, MAX_BATCH * 8);

    /**
     * Gradient of the loss w.r.t. layer 2 output: MAX_BATCH * 8 floats from 566.
     */
    private final MemorySegment dOut2 = Memory.slice(memory, 566L, MAX_BATCH * 8);

    /**
     * Layer 3 output: MAX_BATCH * 8 floats from 694.
     */
    private final MemorySegment out3 = Memory.slice(memory, 694L, MAX_BATCH * 8);

    /**
     * Gradient of the loss w.r.t. layer 3 output: MAX_BATCH * 8 floats from 822.
     */
    private final MemorySegment dOut3 = Memory.slice(memory, 822L, MAX_BATCH * 8);

    /**
     * Layer 4 output: MAX_BATCH * 8 floats from 950.
     */
    private final MemorySegment out4 = Memory.slice(memory, 950L, MAX_BATCH * 8);

    /**
     * Gradient of the loss w.r.t. layer 4 output: MAX_BATCH * 8 floats from 1078.
     */
    private final MemorySegment dOut4 = Memory.slice(memory, 1078L, MAX_BATCH * 8);

    /**
     * Layer 4 dropout mask: 0 for a dropped value, 1 / (1 - p) for a kept one: MAX_BATCH * 8 floats from 1206.
     */
    private final MemorySegment mask4 = Memory.slice(memory, 1206L, MAX_BATCH * 8);

    /**
     * Layer 5 output: MAX_BATCH * 3 floats from 1334.
     */
    private final MemorySegment out5 = Memory.slice(memory, 1334L, MAX_BATCH * 3);

    /**
     * Gradient of the loss w.r.t. layer 5 output: MAX_BATCH * 3 floats from 1382.
     */
    private final MemorySegment dOut5 = Memory.slice(memory, 1382L, MAX_BATCH * 3);

    /**
     * Gradient of the loss w.r.t. the input: MAX_BATCH * INPUT_SIZE floats from 1430.
     */
    private final MemorySegment dx = Memory.slice(memory, 1430L, MAX_BATCH * INPUT_SIZE);

    /**
     * Layer 2's parameters, hidden weight then bias: 40 floats of {@code params} from HIDDEN_WEIGHT.
     */
    private final MemorySegment hiddenParams = Memory.slice(params, HIDDEN_WEIGHT, 40);

    /**
     * Their gradients.
     */
    private final MemorySegment hiddenGrads = Memory.slice(grads, HIDDEN_WEIGHT, 40);

    /**
     * Layer 5's parameters, out weight then bias: 27 floats of {@code params} from OUT_WEIGHT.
     */
    private final MemorySegment outParams = Memory.slice(params, OUT_WEIGHT, 27);

    /**
     * Their gradients.
     */
    private final MemorySegment outGrads = Memory.slice(grads, OUT_WEIGHT, 27);

    /**
     * Layer 2's parameters (and in backward its gradients), copied for its unrolled code.
     */
    private final float[] hiddenWeights = new float[40];

    /**
     * The rows layer 2 reads, copied; backward writes its input gradient here.
     */
    private final float[] hiddenIn = new float[MAX_BATCH * 4];

    /**
     * Layer 2's outputs.
     */
    private final float[] hiddenZ = new float[MAX_BATCH * 8];

    /**
     * The outputs of layer 3, the activation fused into layer 2.
     */
    private final float[] hiddenA = new float[MAX_BATCH * 8];

    /**
     * The gradient that reaches layer 2, copied.
     */
    private final float[] hiddenDy = new float[MAX_BATCH * 8];

    /**
     * Layer 5's parameters (and in backward its gradients), copied for its unrolled code.
     */
    private final float[] outWeights = new float[27];

    /**
     * The rows layer 5 reads, copied; backward writes its input gradient here.
     */
    private final float[] outIn = new float[MAX_BATCH * 8];

    /**
     * Layer 5's outputs.
     */
    private final float[] outZ = new float[MAX_BATCH * 3];

    /**
     * The gradient that reaches layer 5, copied.
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
     * Whether {@link #forward} runs in training mode, dropping values; false (inference) until set.
     */
    private boolean training;

    /**
     * Whether training-mode forward passes apply the masks of the last one again instead of drawing.
     */
    private boolean dropoutMaskFrozen;

    /**
     * The generator of the dropout masks, restarted by {@link #seedDropout}; as after {@code seedDropout(0)} at first.
     */
    private final Rng dropoutRng = new Rng(DropoutOps.SEED_OFFSET);

    /**
     * The rows of the masks that hold draws: those of the last training-mode pass, or more while frozen.
     */
    private int maskRows;

    /**
     * Whether the last forward pass applied the masks (ran in training mode), so backward applies them too.
     */
    private boolean masked;

    /**
     * A network whose parameters are all zero.
     */
    public KilnRegularized() {
    }

    /**
     * A network initialized by {@link #initialize(long)} with {@code seed}.
     */
    public KilnRegularized(long seed) {
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
        // layer 2: Dense(4 -> 8), from Regularized.hidden: weights HE_NORMAL (AUTO), bias zeros
        Initializers.fill(params, HIDDEN_WEIGHT, 32, Init.HE_NORMAL, 0.01, 4, 8, rng);
        Initializers.zeros(params, HIDDEN_BIAS, 8);
        // layer 5: Dense(8 -> 3), from Regularized.out: weights XAVIER_UNIFORM (AUTO), bias zeros
        Initializers.fill(params, OUT_WEIGHT, 24, Init.XAVIER_UNIFORM, 0.01, 8, 3, rng);
        Initializers.zeros(params, OUT_BIAS, 3);
        // the dropout masks' generator, restarted from the same seed
        seedDropout(seed);
    }

    @Override
    public float[] forward(float[] input, int offset, int batch) {
        Checks.forwardArguments("Regularized", input, offset, batch, INPUT_SIZE, MAX_BATCH);
        Memory.copy(input, offset, x, 0, batch * INPUT_SIZE);
        this.batch = batch;
        this.lossReady = false;
        // dropout: in training mode every row of the masks is drawn anew, or while they are frozen only rows not drawn yet
        masked = training;
        int maskFrom = 0;
        if (training) {
            maskFrom = dropoutMaskFrozen ? Math.min(maskRows, batch) : 0;
            maskRows = dropoutMaskFrozen ? Math.max(maskRows, batch) : batch;
        }
        // layer 1: Dropout(4, p=0.2), from Regularized.inputDropout; in training mode each value dropped with probability 0.2, the others scaled by 1 / (1 - 0.2) = 1.25; in inference mode copied
        if (training) {
            DropoutOps.drawMask(dropoutRng, mask1, 0, maskFrom, batch, 4, 0.2f);
            DropoutOps.forward(x, 0, mask1, 0, out1, 0, batch * 4);
        } else {
            Memory.copy(x, 0, out1, 0, batch * 4);
        }
        // layer 2: Dense(4 -> 8), from Regularized.hidden, and layer 3: ReLU(8); unrolled (32 weights)
        hiddenForward(batch);
        // layer 4: Dropout(8, p=0.5), from Regularized.hidden; in training mode each value dropped with probability 0.5, the others scaled by 1 / (1 - 0.5) = 2.0; in inference mode copied
        if (training) {
            DropoutOps.drawMask(dropoutRng, mask4, 0, maskFrom, batch, 8, 0.5f);
            DropoutOps.forward(out3, 0, mask4, 0, out4, 0, batch * 8);
        } else {
            Memory.copy(out3, 0, out4, 0, batch * 8);
        }
        // layer 5: Dense(8 -> 3), from Regularized.out; unrolled (24 weights)
        outForward(batch);
        Memory.copy(out5, 0, output, 0, batch * OUTPUT_SIZE);
        return output;
    }

    @Override
    public float loss(float[] target, int offset) {
        if (batch == 0) {
            throw new IllegalStateException("Regularized: loss() needs a forward() first");
        }
        Checks.targetArguments("Regularized", target, offset, batch, OUTPUT_SIZE);
        Memory.copy(target, offset, t, 0, batch * OUTPUT_SIZE);
        float loss = Losses.softmaxCrossEntropyWithLogits(out5, 0, t, 0, dOut5, 0, batch, 3);
        lossReady = true;
        return loss;
    }

    @Override
    public void backward() {
        if (!lossReady) {
            throw new IllegalStateException("Regularized: backward() needs loss() after the last forward()");
        }
        lossReady = false;
        // layer 5: Dense(8 -> 3), from Regularized.out
        outBackward(batch);
        // layer 4: Dropout(8, p=0.5), from Regularized.hidden: dx = dy times the mask the last forward pass applied, or dy after an inference-mode pass
        if (masked) {
            DropoutOps.backward(dOut4, 0, mask4, 0, dOut3, 0, batch * 8);
        } else {
            Memory.copy(dOut4, 0, dOut3, 0, batch * 8);
        }
        // layer 2: Dense(4 -> 8), from Regularized.hidden, and layer 3: ReLU(8)
        hiddenBackward(batch);
        // layer 1: Dropout(4, p=0.2), from Regularized.inputDropout: when enabled, dx = dy times the mask the last forward pass applied, or dy after an inference-mode pass
        if (inputGradientEnabled) {
            if (masked) {
                DropoutOps.backward(dOut1, 0, mask1, 0, dx, 0, batch * 4);
            } else {
                Memory.copy(dOut1, 0, dx, 0, batch * 4);
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
        dropoutRng.reset(seed + DropoutOps.SEED_OFFSET);
    }

    /**
     * Layer 2's forward pass and layer 3's, unrolled.
     */
    private void hiddenForward(int batch) {
        float[] p = hiddenWeights;
        Memory.copy(hiddenParams, 0L, p, 0, 40);
        float w0_0 = p[0], w0_1 = p[1], w0_2 = p[2], w0_3 = p[3];
        float w1_0 = p[4], w1_1 = p[5], w1_2 = p[6], w1_3 = p[7];
        float w2_0 = p[8], w2_1 = p[9], w2_2 = p[10], w2_3 = p[11];
        float w3_0 = p[12], w3_1 = p[13], w3_2 = p[14], w3_3 = p[15];
        float w4_0 = p[16], w4_1 = p[17], w4_2 = p[18], w4_3 = p[19];
        float w5_0 = p[20], w5_1 = p[21], w5_2 = p[22], w5_3 = p[23];
        float w6_0 = p[24], w6_1 = p[25], w6_2 = p[26], w6_3 = p[27];
        float w7_0 = p[28], w7_1 = p[29], w7_2 = p[30], w7_3 = p[31];
        float b0 = p[32], b1 = p[33], b2 = p[34], b3 = p[35], b4 = p[36], b5 = p[37], b6 = p[38], b7 = p[39];
        float[] in = hiddenIn;
        float[] z = hiddenZ;
        float[] a = hiddenA;
        Memory.copy(out1, 0L, in, 0, batch * 4);
        for (int s = 0; s < batch; s++) {
            int i = s * 4;
            int o = s * 8;
            float x0 = in[i], x1 = in[i + 1], x2 = in[i + 2], x3 = in[i + 3];
            float z0 = b0 + w0_0 * x0 + w0_1 * x1 + w0_2 * x2 + w0_3 * x3;
            float z1 = b1 + w1_0 * x0 + w1_1 * x1 + w1_2 * x2 + w1_3 * x3;
            float z2 = b2 + w2_0 * x0 + w2_1 * x1 + w2_2 * x2 + w2_3 * x3;
            float z3 = b3 + w3_0 * x0 + w3_1 * x1 + w3_2 * x2 + w3_3 * x3;
            float z4 = b4 + w4_0 * x0 + w4_1 * x1 + w4_2 * x2 + w4_3 * x3;
            float z5 = b5 + w5_0 * x0 + w5_1 * x1 + w5_2 * x2 + w5_3 * x3;
            float z6 = b6 + w6_0 * x0 + w6_1 * x1 + w6_2 * x2 + w6_3 * x3;
            float z7 = b7 + w7_0 * x0 + w7_1 * x1 + w7_2 * x2 + w7_3 * x3;
            z[o] = z0; z[o + 1] = z1; z[o + 2] = z2; z[o + 3] = z3; z[o + 4] = z4; z[o + 5] = z5; z[o + 6] = z6; z[o + 7] = z7;
            a[o] = Math.max(0f, z0);
            a[o + 1] = Math.max(0f, z1);
            a[o + 2] = Math.max(0f, z2);
            a[o + 3] = Math.max(0f, z3);
            a[o + 4] = Math.max(0f, z4);
            a[o + 5] = Math.max(0f, z5);
            a[o + 6] = Math.max(0f, z6);
            a[o + 7] = Math.max(0f, z7);
        }
        Memory.copy(z, 0, out2, 0L, batch * 8);
        Memory.copy(a, 0, out3, 0L, batch * 8);
    }

    /**
     * Layer 2's backward pass and layer 3's, unrolled: adds its parameters' gradients and writes its input's.
     */
    private void hiddenBackward(int batch) {
        float[] p = hiddenWeights;
        Memory.copy(hiddenParams, 0L, p, 0, 32);
        float w0_0 = p[0], w0_1 = p[1], w0_2 = p[2], w0_3 = p[3];
        float w1_0 = p[4], w1_1 = p[5], w1_2 = p[6], w1_3 = p[7];
        float w2_0 = p[8], w2_1 = p[9], w2_2 = p[10], w2_3 = p[11];
        float w3_0 = p[12], w3_1 = p[13], w3_2 = p[14], w3_3 = p[15];
        float w4_0 = p[16], w4_1 = p[17], w4_2 = p[18], w4_3 = p[19];
        float w5_0 = p[20], w5_1 = p[21], w5_2 = p[22], w5_3 = p[23];
        float w6_0 = p[24], w6_1 = p[25], w6_2 = p[26], w6_3 = p[27];
        float w7_0 = p[28], w7_1 = p[29], w7_2 = p[30], w7_3 = p[31];
        float gw0_0 = 0f, gw0_1 = 0f, gw0_2 = 0f, gw0_3 = 0f;
        float gw1_0 = 0f, gw1_1 = 0f, gw1_2 = 0f, gw1_3 = 0f;
        float gw2_0 = 0f, gw2_1 = 0f, gw2_2 = 0f, gw2_3 = 0f;
        float gw3_0 = 0f, gw3_1 = 0f, gw3_2 = 0f, gw3_3 = 0f;
        float gw4_0 = 0f, gw4_1 = 0f, gw4_2 = 0f, gw4_3 = 0f;
        float gw5_0 = 0f, gw5_1 = 0f, gw5_2 = 0f, gw5_3 = 0f;
        float gw6_0 = 0f, gw6_1 = 0f, gw6_2 = 0f, gw6_3 = 0f;
        float gw7_0 = 0f, gw7_1 = 0f, gw7_2 = 0f, gw7_3 = 0f;
        float gb0 = 0f, gb1 = 0f, gb2 = 0f, gb3 = 0f, gb4 = 0f, gb5 = 0f, gb6 = 0f, gb7 = 0f;
        float[] in = hiddenIn;
        float[] dy = hiddenDy;
        Memory.copy(out1, 0L, in, 0, batch * 4);
        Memory.copy(dOut3, 0L, dy, 0, batch * 8);
        float[] z = hiddenZ;
        Memory.copy(out2, 0L, z, 0, batch * 8);
        for (int s = 0; s < batch; s++) {
            int i = s * 4;
            int o = s * 8;
            float x0 = in[i], x1 = in[i + 1], x2 = in[i + 2], x3 = in[i + 3];
            float dz0 = z[o] > 0 ? dy[o] : 0f;
            float dz1 = z[o + 1] > 0 ? dy[o + 1] : 0f;
            float dz2 = z[o + 2] > 0 ? dy[o + 2] : 0f;
            float dz3 = z[o + 3] > 0 ? dy[o + 3] : 0f;
            float dz4 = z[o + 4] > 0 ? dy[o + 4] : 0f;
            float dz5 = z[o + 5] > 0 ? dy[o + 5] : 0f;
            float dz6 = z[o + 6] > 0 ? dy[o + 6] : 0f;
            float dz7 = z[o + 7] > 0 ? dy[o + 7] : 0f;
            gb0 += dz0; gb1 += dz1; gb2 += dz2; gb3 += dz3; gb4 += dz4; gb5 += dz5; gb6 += dz6; gb7 += dz7;
            gw0_0 += dz0 * x0; gw0_1 += dz0 * x1; gw0_2 += dz0 * x2; gw0_3 += dz0 * x3;
            gw1_0 += dz1 * x0; gw1_1 += dz1 * x1; gw1_2 += dz1 * x2; gw1_3 += dz1 * x3;
            gw2_0 += dz2 * x0; gw2_1 += dz2 * x1; gw2_2 += dz2 * x2; gw2_3 += dz2 * x3;
            gw3_0 += dz3 * x0; gw3_1 += dz3 * x1; gw3_2 += dz3 * x2; gw3_3 += dz3 * x3;
            gw4_0 += dz4 * x0; gw4_1 += dz4 * x1; gw4_2 += dz4 * x2; gw4_3 += dz4 * x3;
            gw5_0 += dz5 * x0; gw5_1 += dz5 * x1; gw5_2 += dz5 * x2; gw5_3 += dz5 * x3;
            gw6_0 += dz6 * x0; gw6_1 += dz6 * x1; gw6_2 += dz6 * x2; gw6_3 += dz6 * x3;
            gw7_0 += dz7 * x0; gw7_1 += dz7 * x1; gw7_2 += dz7 * x2; gw7_3 += dz7 * x3;
            in[i] = dz0 * w0_0 + dz1 * w1_0 + dz2 * w2_0 + dz3 * w3_0 + dz4 * w4_0 + dz5 * w5_0
                    + dz6 * w6_0 + dz7 * w7_0;
            in[i + 1] = dz0 * w0_1 + dz1 * w1_1 + dz2 * w2_1 + dz3 * w3_1 + dz4 * w4_1 + dz5 * w5_1
                    + dz6 * w6_1 + dz7 * w7_1;
            in[i + 2] = dz0 * w0_2 + dz1 * w1_2 + dz2 * w2_2 + dz3 * w3_2 + dz4 * w4_2 + dz5 * w5_2
                    + dz6 * w6_2 + dz7 * w7_2;
            in[i + 3] = dz0 * w0_3 + dz1 * w1_3 + dz2 * w2_3 + dz3 * w3_3 + dz4 * w4_3 + dz5 * w5_3
                    + dz6 * w6_3 + dz7 * w7_3;
        }
        Memory.copy(in, 0, dOut1, 0L, batch * 4);
        Memory.copy(hiddenGrads, 0L, p, 0, 40);
        p[0] += gw0_0; p[1] += gw0_1; p[2] += gw0_2; p[3] += gw0_3;
        p[4] += gw1_0; p[5] += gw1_1; p[6] += gw1_2; p[7] += gw1_3;
        p[8] += gw2_0; p[9] += gw2_1; p[10] += gw2_2; p[11] += gw2_3;
        p[12] += gw3_0; p[13] += gw3_1; p[14] += gw3_2; p[15] += gw3_3;
        p[16] += gw4_0; p[17] += gw4_1; p[18] += gw4_2; p[19] += gw4_3;
        p[20] += gw5_0; p[21] += gw5_1; p[22] += gw5_2; p[23] += gw5_3;
        p[24] += gw6_0; p[25] += gw6_1; p[26] += gw6_2; p[27] += gw6_3;
        p[28] += gw7_0; p[29] += gw7_1; p[30] += gw7_2; p[31] += gw7_3;
        p[32] += gb0; p[33] += gb1; p[34] += gb2; p[35] += gb3; p[36] += gb4; p[37] += gb5; p[38] += gb6; p[39] += gb7;
        Memory.copy(p, 0, hiddenGrads, 0L, 40);
    }

    /**
     * Layer 5's forward pass, unrolled.
     */
    private void outForward(int batch) {
        float[] p = outWeights;
        Memory.copy(outParams, 0L, p, 0, 27);
        float w0_0 = p[0], w0_1 = p[1], w0_2 = p[2], w0_3 = p[3], w0_4 = p[4], w0_5 = p[5], w0_6 = p[6], w0_7 = p[7];
        float w1_0 = p[8], w1_1 = p[9], w1_2 = p[10], w1_3 = p[11], w1_4 = p[12], w1_5 = p[13], w1_6 = p[14], w1_7 = p[15];
        float w2_0 = p[16], w2_1 = p[17], w2_2 = p[18], w2_3 = p[19], w2_4 = p[20], w2_5 = p[21], w2_6 = p[22], w2_7 = p[23];
        float b0 = p[24], b1 = p[25], b2 = p[26];
        float[] in = outIn;
        float[] z = outZ;
        Memory.copy(out4, 0L, in, 0, batch * 8);
        for (int s = 0; s < batch; s++) {
            int i = s * 8;
            int o = s * 3;
            float x0 = in[i], x1 = in[i + 1], x2 = in[i + 2], x3 = in[i + 3], x4 = in[i + 4], x5 = in[i + 5], x6 = in[i + 6], x7 = in[i + 7];
            float z0 = b0 + w0_0 * x0 + w0_1 * x1 + w0_2 * x2 + w0_3 * x3 + w0_4 * x4 + w0_5 * x5
                    + w0_6 * x6 + w0_7 * x7;
            float z1 = b1 + w1_0 * x0 + w1_1 * x1 + w1_2 * x2 + w1_3 * x3 + w1_4 * x4 + w1_5 * x5
                    + w1_6 * x6 + w1_7 * x7;
            float z2 = b2 + w2_0 * x0 + w2_1 * x1 + w2_2 * x2 + w2_3 * x3 + w2_4 * x4 + w2_5 * x5
                    + w2_6 * x6 + w2_7 * x7;
            z[o] = z0; z[o + 1] = z1; z[o + 2] = z2;
        }
        Memory.copy(z, 0, out5, 0L, batch * 3);
    }

    /**
     * Layer 5's backward pass, unrolled: adds its parameters' gradients and writes its input's.
     */
    private void outBackward(int batch) {
        float[] p = outWeights;
        Memory.copy(outParams, 0L, p, 0, 24);
        float w0_0 = p[0], w0_1 = p[1], w0_2 = p[2], w0_3 = p[3], w0_4 = p[4], w0_5 = p[5], w0_6 = p[6], w0_7 = p[7];
        float w1_0 = p[8], w1_1 = p[9], w1_2 = p[10], w1_3 = p[11], w1_4 = p[12], w1_5 = p[13], w1_6 = p[14], w1_7 = p[15];
        float w2_0 = p[16], w2_1 = p[17], w2_2 = p[18], w2_3 = p[19], w2_4 = p[20], w2_5 = p[21], w2_6 = p[22], w2_7 = p[23];
        float gw0_0 = 0f, gw0_1 = 0f, gw0_2 = 0f, gw0_3 = 0f, gw0_4 = 0f, gw0_5 = 0f, gw0_6 = 0f, gw0_7 = 0f;
        float gw1_0 = 0f, gw1_1 = 0f, gw1_2 = 0f, gw1_3 = 0f, gw1_4 = 0f, gw1_5 = 0f, gw1_6 = 0f, gw1_7 = 0f;
        float gw2_0 = 0f, gw2_1 = 0f, gw2_2 = 0f, gw2_3 = 0f, gw2_4 = 0f, gw2_5 = 0f, gw2_6 = 0f, gw2_7 = 0f;
        float gb0 = 0f, gb1 = 0f, gb2 = 0f;
        float[] in = outIn;
        float[] dy = outDy;
        Memory.copy(out4, 0L, in, 0, batch * 8);
        Memory.copy(dOut5, 0L, dy, 0, batch * 3);
        for (int s = 0; s < batch; s++) {
            int i = s * 8;
            int o = s * 3;
            float x0 = in[i], x1 = in[i + 1], x2 = in[i + 2], x3 = in[i + 3], x4 = in[i + 4], x5 = in[i + 5], x6 = in[i + 6], x7 = in[i + 7];
            float dz0 = dy[o];
            float dz1 = dy[o + 1];
            float dz2 = dy[o + 2];
            gb0 += dz0; gb1 += dz1; gb2 += dz2;
            gw0_0 += dz0 * x0; gw0_1 += dz0 * x1; gw0_2 += dz0 * x2; gw0_3 += dz0 * x3; gw0_4 += dz0 * x4; gw0_5 += dz0 * x5; gw0_6 += dz0 * x6; gw0_7 += dz0 * x7;
            gw1_0 += dz1 * x0; gw1_1 += dz1 * x1; gw1_2 += dz1 * x2; gw1_3 += dz1 * x3; gw1_4 += dz1 * x4; gw1_5 += dz1 * x5; gw1_6 += dz1 * x6; gw1_7 += dz1 * x7;
            gw2_0 += dz2 * x0; gw2_1 += dz2 * x1; gw2_2 += dz2 * x2; gw2_3 += dz2 * x3; gw2_4 += dz2 * x4; gw2_5 += dz2 * x5; gw2_6 += dz2 * x6; gw2_7 += dz2 * x7;
            in[i] = dz0 * w0_0 + dz1 * w1_0 + dz2 * w2_0;
            in[i + 1] = dz0 * w0_1 + dz1 * w1_1 + dz2 * w2_1;
            in[i + 2] = dz0 * w0_2 + dz1 * w1_2 + dz2 * w2_2;
            in[i + 3] = dz0 * w0_3 + dz1 * w1_3 + dz2 * w2_3;
            in[i + 4] = dz0 * w0_4 + dz1 * w1_4 + dz2 * w2_4;
            in[i + 5] = dz0 * w0_5 + dz1 * w1_5 + dz2 * w2_5;
            in[i + 6] = dz0 * w0_6 + dz1 * w1_6 + dz2 * w2_6;
            in[i + 7] = dz0 * w0_7 + dz1 * w1_7 + dz2 * w2_7;
        }
        Memory.copy(in, 0, dOut4, 0L, batch * 8);
        Memory.copy(outGrads, 0L, p, 0, 27);
        p[0] += gw0_0; p[1] += gw0_1; p[2] += gw0_2; p[3] += gw0_3; p[4] += gw0_4; p[5] += gw0_5; p[6] += gw0_6; p[7] += gw0_7;
        p[8] += gw1_0; p[9] += gw1_1; p[10] += gw1_2; p[11] += gw1_3; p[12] += gw1_4; p[13] += gw1_5; p[14] += gw1_6; p[15] += gw1_7;
        p[16] += gw2_0; p[17] += gw2_1; p[18] += gw2_2; p[19] += gw2_3; p[20] += gw2_4; p[21] += gw2_5; p[22] += gw2_6; p[23] += gw2_7;
        p[24] += gb0; p[25] += gb1; p[26] += gb2;
        Memory.copy(p, 0, outGrads, 0L, 27);
    }
}
