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
        // layer 1: Dense(4 -> 16), from Iris.hidden, and layer 2: ReLU(16); loops (64 weights)
        if (batch <= 2) {
            // (batch, 4) x (16, 4)^T + (16) -> (batch, 16) in loops, then ReLU
            for (int s = 0; s < batch; s++) {
                long row = s * 4L;
                for (int o = 0; o < 16; o++) {
                    float z = 0f;
                    for (int k = 0; k < 4; k++) {
                        z += x.getAtIndex(FLOAT, row + k) * hiddenParams.getAtIndex(FLOAT, o * 4L + k);
                    }
                    z += hiddenParams.getAtIndex(FLOAT, 64 + o);
                    long at = s * 16L + o;
                    out1.setAtIndex(FLOAT, at, z);
                    out2.setAtIndex(FLOAT, at, Math.max(0f, z));
                }
            }
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
        // layer 3: Dense(16 -> 3), from Iris.out; loops (48 weights)
        if (batch <= 2) {
            // (batch, 16) x (3, 16)^T + (3) -> (batch, 3) in loops
            for (int s = 0; s < batch; s++) {
                long row = s * 16L;
                for (int o = 0; o < 3; o++) {
                    float z = 0f;
                    for (int k = 0; k < 16; k++) {
                        z += out2.getAtIndex(FLOAT, row + k) * outParams.getAtIndex(FLOAT, o * 16L + k);
                    }
                    z += outParams.getAtIndex(FLOAT, 48 + o);
                    long at = s * 3L + o;
                    out3.setAtIndex(FLOAT, at, z);
                }
            }
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
        if (batch <= 2) {
            // dz, then dW += dz x, db += dz, dx = dz W, in loops
            for (int s = 0; s < batch; s++) {
                long row = s * 16L;
                for (int k = 0; k < 16; k++) {
                    dOut2.setAtIndex(FLOAT, row + k, 0f);
                }
                for (int o = 0; o < 3; o++) {
                    long at = s * 3L + o;
                    float dz = dOut3.getAtIndex(FLOAT, at);
                    outGrads.setAtIndex(FLOAT, 48 + o, outGrads.getAtIndex(FLOAT, 48 + o) + dz);
                    for (int k = 0; k < 16; k++) {
                        long w = o * 16L + k;
                        outGrads.setAtIndex(FLOAT, w, outGrads.getAtIndex(FLOAT, w) + dz * out2.getAtIndex(FLOAT, row + k));
                        dOut2.setAtIndex(FLOAT, row + k, dOut2.getAtIndex(FLOAT, row + k) + dz * outParams.getAtIndex(FLOAT, w));
                    }
                }
            }
        } else {
            DenseOps.backward(blas, out2, 0, outParams, 0, dOut3, 0, outGrads, 0, 48, dOut2, 0, batch, 16, 3);
        }
        // layer 1: Dense(4 -> 16), from Iris.hidden, and layer 2: ReLU(16)
        if (batch <= 2) {
            // dz = ReLU'(z) dy, then dW += dz x, db += dz and, when enabled, dx = dz W, in loops
            boolean wantDx = inputGradientEnabled;
            for (int s = 0; s < batch; s++) {
                long row = s * 4L;
                if (wantDx) {
                    for (int k = 0; k < 4; k++) {
                        dx.setAtIndex(FLOAT, row + k, 0f);
                    }
                }
                for (int o = 0; o < 16; o++) {
                    long at = s * 16L + o;
                    float g = dOut2.getAtIndex(FLOAT, at);
                    float dz = out1.getAtIndex(FLOAT, at) > 0 ? g : 0f;
                    hiddenGrads.setAtIndex(FLOAT, 64 + o, hiddenGrads.getAtIndex(FLOAT, 64 + o) + dz);
                    for (int k = 0; k < 4; k++) {
                        long w = o * 4L + k;
                        hiddenGrads.setAtIndex(FLOAT, w, hiddenGrads.getAtIndex(FLOAT, w) + dz * x.getAtIndex(FLOAT, row + k));
                        if (wantDx) {
                            dx.setAtIndex(FLOAT, row + k, dx.getAtIndex(FLOAT, row + k) + dz * hiddenParams.getAtIndex(FLOAT, w));
                        }
                    }
                }
            }
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
}
