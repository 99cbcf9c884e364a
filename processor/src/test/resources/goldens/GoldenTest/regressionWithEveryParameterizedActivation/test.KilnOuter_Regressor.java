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
        // layer 1: Dense(3 -> 5), from Outer.Regressor.first, and layer 2: LeakyReLU(5, alpha=0.2); loops (15 weights)
        if (batch <= 2) {
            // (batch, 3) x (5, 3)^T + (5) -> (batch, 5) in loops, then leaky ReLU
            for (int s = 0; s < batch; s++) {
                long row = s * 3L;
                for (int o = 0; o < 5; o++) {
                    float z = 0f;
                    for (int k = 0; k < 3; k++) {
                        z += x.getAtIndex(FLOAT, row + k) * firstParams.getAtIndex(FLOAT, o * 3L + k);
                    }
                    z += firstParams.getAtIndex(FLOAT, 15 + o);
                    long at = s * 5L + o;
                    out1.setAtIndex(FLOAT, at, z);
                    out2.setAtIndex(FLOAT, at, z > 0 ? z : 0.2f * z);
                }
            }
        } else {
            // (batch, 3) x (5, 3)^T -> (batch, 5), then the bias and leaky ReLU in one pass
            blas.sgemm(false, true, batch, 5, 3, 1f, x, 0, 3, firstParams, 0, 3, 0f, out1, 0, 5);
            for (int s = 0; s < batch; s++) {
                for (int o = 0; o < 5; o++) {
                    long at = s * 5L + o;
                    float z = out1.getAtIndex(FLOAT, at) + firstParams.getAtIndex(FLOAT, 15 + o);
                    out1.setAtIndex(FLOAT, at, z);
                    out2.setAtIndex(FLOAT, at, z > 0 ? z : 0.2f * z);
                }
            }
        }
        // layer 3: Dense(5 -> 5), from Outer.Regressor.second, and layer 4: ELU(5, alpha=0.5); loops (25 weights)
        if (batch <= 2) {
            // (batch, 5) x (5, 5)^T + (5) -> (batch, 5) in loops, then ELU
            for (int s = 0; s < batch; s++) {
                long row = s * 5L;
                for (int o = 0; o < 5; o++) {
                    float z = 0f;
                    for (int k = 0; k < 5; k++) {
                        z += out2.getAtIndex(FLOAT, row + k) * secondParams.getAtIndex(FLOAT, o * 5L + k);
                    }
                    z += secondParams.getAtIndex(FLOAT, 25 + o);
                    long at = s * 5L + o;
                    out3.setAtIndex(FLOAT, at, z);
                    out4.setAtIndex(FLOAT, at, z > 0 ? z : 0.5f * (float) Math.expm1(z));
                }
            }
        } else {
            // (batch, 5) x (5, 5)^T -> (batch, 5), then the bias and ELU in one pass
            blas.sgemm(false, true, batch, 5, 5, 1f, out2, 0, 5, secondParams, 0, 5, 0f, out3, 0, 5);
            for (int s = 0; s < batch; s++) {
                for (int o = 0; o < 5; o++) {
                    long at = s * 5L + o;
                    float z = out3.getAtIndex(FLOAT, at) + secondParams.getAtIndex(FLOAT, 25 + o);
                    out3.setAtIndex(FLOAT, at, z);
                    out4.setAtIndex(FLOAT, at, z > 0 ? z : 0.5f * (float) Math.expm1(z));
                }
            }
        }
        // layer 5: Dense(5 -> 1), from Outer.Regressor.value; loops (5 weights)
        if (batch <= 2) {
            // (batch, 5) x (1, 5)^T + (1) -> (batch, 1) in loops
            for (int s = 0; s < batch; s++) {
                long row = s * 5L;
                for (int o = 0; o < 1; o++) {
                    float z = 0f;
                    for (int k = 0; k < 5; k++) {
                        z += out4.getAtIndex(FLOAT, row + k) * valueParams.getAtIndex(FLOAT, o * 5L + k);
                    }
                    z += valueParams.getAtIndex(FLOAT, 5 + o);
                    long at = s * 1L + o;
                    out5.setAtIndex(FLOAT, at, z);
                }
            }
        } else {
            // (batch, 5) x (1, 5)^T + (1) -> (batch, 1)
            DenseOps.forward(blas, out4, 0, valueParams, 0, 5, out5, 0, batch, 5, 1);
        }
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
        if (batch <= 2) {
            // dz, then dW += dz x, db += dz, dx = dz W, in loops
            for (int s = 0; s < batch; s++) {
                long row = s * 5L;
                for (int k = 0; k < 5; k++) {
                    dOut4.setAtIndex(FLOAT, row + k, 0f);
                }
                for (int o = 0; o < 1; o++) {
                    long at = s * 1L + o;
                    float dz = dOut5.getAtIndex(FLOAT, at);
                    valueGrads.setAtIndex(FLOAT, 5 + o, valueGrads.getAtIndex(FLOAT, 5 + o) + dz);
                    for (int k = 0; k < 5; k++) {
                        long w = o * 5L + k;
                        valueGrads.setAtIndex(FLOAT, w, valueGrads.getAtIndex(FLOAT, w) + dz * out4.getAtIndex(FLOAT, row + k));
                        dOut4.setAtIndex(FLOAT, row + k, dOut4.getAtIndex(FLOAT, row + k) + dz * valueParams.getAtIndex(FLOAT, w));
                    }
                }
            }
        } else {
            DenseOps.backward(blas, out4, 0, valueParams, 0, dOut5, 0, valueGrads, 0, 5, dOut4, 0, batch, 5, 1);
        }
        // layer 3: Dense(5 -> 5), from Outer.Regressor.second, and layer 4: ELU(5, alpha=0.5)
        if (batch <= 2) {
            // dz = ELU'(z) dy, then dW += dz x, db += dz, dx = dz W, in loops
            for (int s = 0; s < batch; s++) {
                long row = s * 5L;
                for (int k = 0; k < 5; k++) {
                    dOut2.setAtIndex(FLOAT, row + k, 0f);
                }
                for (int o = 0; o < 5; o++) {
                    long at = s * 5L + o;
                    float g = dOut4.getAtIndex(FLOAT, at);
                    float dz = out3.getAtIndex(FLOAT, at) > 0 ? g : (out4.getAtIndex(FLOAT, at) + 0.5f) * g;
                    secondGrads.setAtIndex(FLOAT, 25 + o, secondGrads.getAtIndex(FLOAT, 25 + o) + dz);
                    for (int k = 0; k < 5; k++) {
                        long w = o * 5L + k;
                        secondGrads.setAtIndex(FLOAT, w, secondGrads.getAtIndex(FLOAT, w) + dz * out2.getAtIndex(FLOAT, row + k));
                        dOut2.setAtIndex(FLOAT, row + k, dOut2.getAtIndex(FLOAT, row + k) + dz * secondParams.getAtIndex(FLOAT, w));
                    }
                }
            }
        } else {
            // ELU's derivative and the bias gradient in one pass, then the products
            for (int s = 0; s < batch; s++) {
                for (int o = 0; o < 5; o++) {
                    long at = s * 5L + o;
                    float g = dOut4.getAtIndex(FLOAT, at);
                    float dz = out3.getAtIndex(FLOAT, at) > 0 ? g : (out4.getAtIndex(FLOAT, at) + 0.5f) * g;
                    dOut3.setAtIndex(FLOAT, at, dz);
                    secondGrads.setAtIndex(FLOAT, 25 + o, secondGrads.getAtIndex(FLOAT, 25 + o) + dz);
                }
            }
            // dW += dz^T x: (5, batch) x (batch, 5)
            blas.sgemm(true, false, 5, 5, batch, 1f, dOut3, 0, 5, out2, 0, 5, 1f, secondGrads, 0, 5);
            // dx = dz W: (batch, 5) x (5, 5)
            blas.sgemm(false, false, batch, 5, 5, 1f, dOut3, 0, 5, secondParams, 0, 5, 0f, dOut2, 0, 5);
        }
        // layer 1: Dense(3 -> 5), from Outer.Regressor.first, and layer 2: LeakyReLU(5, alpha=0.2)
        if (batch <= 2) {
            // dz = leaky ReLU'(z) dy, then dW += dz x, db += dz and, when enabled, dx = dz W, in loops
            boolean wantDx = inputGradientEnabled;
            for (int s = 0; s < batch; s++) {
                long row = s * 3L;
                if (wantDx) {
                    for (int k = 0; k < 3; k++) {
                        dx.setAtIndex(FLOAT, row + k, 0f);
                    }
                }
                for (int o = 0; o < 5; o++) {
                    long at = s * 5L + o;
                    float g = dOut2.getAtIndex(FLOAT, at);
                    float dz = out1.getAtIndex(FLOAT, at) > 0 ? g : 0.2f * g;
                    firstGrads.setAtIndex(FLOAT, 15 + o, firstGrads.getAtIndex(FLOAT, 15 + o) + dz);
                    for (int k = 0; k < 3; k++) {
                        long w = o * 3L + k;
                        firstGrads.setAtIndex(FLOAT, w, firstGrads.getAtIndex(FLOAT, w) + dz * x.getAtIndex(FLOAT, row + k));
                        if (wantDx) {
                            dx.setAtIndex(FLOAT, row + k, dx.getAtIndex(FLOAT, row + k) + dz * firstParams.getAtIndex(FLOAT, w));
                        }
                    }
                }
            }
        } else {
            // leaky ReLU's derivative and the bias gradient in one pass, then the products
            for (int s = 0; s < batch; s++) {
                for (int o = 0; o < 5; o++) {
                    long at = s * 5L + o;
                    float g = dOut2.getAtIndex(FLOAT, at);
                    float dz = out1.getAtIndex(FLOAT, at) > 0 ? g : 0.2f * g;
                    dOut1.setAtIndex(FLOAT, at, dz);
                    firstGrads.setAtIndex(FLOAT, 15 + o, firstGrads.getAtIndex(FLOAT, 15 + o) + dz);
                }
            }
            // dW += dz^T x: (5, batch) x (batch, 3)
            blas.sgemm(true, false, 5, 3, batch, 1f, dOut1, 0, 5, x, 0, 3, 1f, firstGrads, 0, 3);
            // dx = dz W: (batch, 5) x (5, 3)
            if (inputGradientEnabled) {
                blas.sgemm(false, false, batch, 3, 5, 1f, dOut1, 0, 5, firstParams, 0, 3, 0f, dx, 0, 3);
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
