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
 * The network declared by {@link Digits}, compiled by Kiln.
 *
 * <p>Layers: Dense(64 -> 32, no bias), Tanh(32), Dense(32 -> 10), Softmax(10); loss: SOFTMAX_CROSS_ENTROPY; at most 32 samples per batch.
 * A new instance has all parameters zero: call {@link #initialize(long)} or load weights.
 */
@Generated("dev.kiln.processor.KilnProcessor")
public final class KilnDigits implements Model {
    /**
     * The declaration this class was generated from.
     */
    public static final NetworkSpec SPEC = new NetworkSpec("Digits", List.of(64), List.of(
            new DenseSpec(32, false, Init.XAVIER_NORMAL, 0.01, "Digits.hidden"),
            new ActivationSpec(Activation.TANH, 0.0, "Digits.hidden"),
            new DenseSpec(10, true, Init.AUTO, 0.01, "Digits.probabilities"),
            new ActivationSpec(Activation.SOFTMAX, 0.0, "Digits.probabilities")),
            Loss.SOFTMAX_CROSS_ENTROPY, 32);

    /**
     * Features per input sample.
     */
    public static final int INPUT_SIZE = 64;

    /**
     * Features per output sample.
     */
    public static final int OUTPUT_SIZE = 10;

    /**
     * The largest batch the buffers hold.
     */
    public static final int MAX_BATCH = 32;

    /**
     * The number of parameters.
     */
    public static final int PARAMETER_COUNT = 2378;

    /**
     * Floats in the one allocation: parameters, gradients and every buffer.
     */
    private static final long MEMORY_SIZE = 14228L;

    /**
     * Offset of hidden.weight, shape [32, 64].
     */
    private static final int HIDDEN_WEIGHT = 0;

    /**
     * Offset of probabilities.weight, shape [10, 32].
     */
    private static final int PROBABILITIES_WEIGHT = 2048;

    /**
     * Offset of probabilities.bias, shape [10].
     */
    private static final int PROBABILITIES_BIAS = 2368;

    private static final List<Parameter> LAYOUT = List.of(
            new Parameter("hidden.weight", HIDDEN_WEIGHT, List.of(32, 64)),
            new Parameter("probabilities.weight", PROBABILITIES_WEIGHT, List.of(10, 32)),
            new Parameter("probabilities.bias", PROBABILITIES_BIAS, List.of(10)));

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
     * The gradient of each parameter: PARAMETER_COUNT floats from 2378.
     */
    private final MemorySegment grads = Memory.slice(memory, 2378L, PARAMETER_COUNT);

    /**
     * The input of the last forward pass, copied in: MAX_BATCH * INPUT_SIZE floats from 4756.
     */
    private final MemorySegment x = Memory.slice(memory, 4756L, MAX_BATCH * INPUT_SIZE);

    /**
     * The targets of the last loss, copied in: MAX_BATCH * OUTPUT_SIZE floats from 6804.
     */
    private final MemorySegment t = Memory.slice(memory, 6804L, MAX_BATCH * OUTPUT_SIZE);

    /**
     * Layer 1 output: MAX_BATCH * 32 floats from 7124.
     */
    private final MemorySegment out1 = Memory.slice(memory, 7124L, MAX_BATCH * 32);

    /**
     * Gradient of the loss w.r.t. layer 1 output: MAX_BATCH * 32 floats from 8148.
     */
    private final MemorySegment dOut1 = Memory.slice(memory, 8148L, MAX_BATCH * 32);

    /**
     * Layer 2 output: MAX_BATCH * 32 floats from 9172.
     */
    private final MemorySegment out2 = Memory.slice(memory, 9172L, MAX_BATCH * 32);

    /**
     * Gradient of the loss w.r.t. layer 2 output: MAX_BATCH * 32 floats from 10196.
     */
    private final MemorySegment dOut2 = Memory.slice(memory, 10196L, MAX_BATCH * 32);

    /**
     * Layer 3 output: MAX_BATCH * 10 floats from 11220.
     */
    private final MemorySegment out3 = Memory.slice(memory, 11220L, MAX_BATCH * 10);

    /**
     * Gradient of the loss w.r.t. layer 3 output: MAX_BATCH * 10 floats from 11540.
     */
    private final MemorySegment dOut3 = Memory.slice(memory, 11540L, MAX_BATCH * 10);

    /**
     * Layer 4 output: MAX_BATCH * 10 floats from 11860.
     */
    private final MemorySegment out4 = Memory.slice(memory, 11860L, MAX_BATCH * 10);

    /**
     * Gradient of the loss w.r.t. the input: MAX_BATCH * INPUT_SIZE floats from 12180.
     */
    private final MemorySegment dx = Memory.slice(memory, 12180L, MAX_BATCH * INPUT_SIZE);

    /**
     * Layer 1's parameters, hidden weight: 2048 floats of {@code params} from HIDDEN_WEIGHT.
     */
    private final MemorySegment hiddenParams = Memory.slice(params, HIDDEN_WEIGHT, 2048);

    /**
     * Their gradients.
     */
    private final MemorySegment hiddenGrads = Memory.slice(grads, HIDDEN_WEIGHT, 2048);

    /**
     * Layer 3's parameters, probabilities weight then bias: 330 floats of {@code params} from PROBABILITIES_WEIGHT.
     */
    private final MemorySegment probabilitiesParams = Memory.slice(params, PROBABILITIES_WEIGHT, 330);

    /**
     * Their gradients.
     */
    private final MemorySegment probabilitiesGrads = Memory.slice(grads, PROBABILITIES_WEIGHT, 330);

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
    public KilnDigits() {
    }

    /**
     * A network initialized by {@link #initialize(long)} with {@code seed}.
     */
    public KilnDigits(long seed) {
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
        // layer 1: Dense(64 -> 32, no bias), from Digits.hidden: weights XAVIER_NORMAL
        Initializers.fill(params, HIDDEN_WEIGHT, 2048, Init.XAVIER_NORMAL, 0.01, 64, 32, rng);
        // layer 3: Dense(32 -> 10), from Digits.probabilities: weights XAVIER_UNIFORM (AUTO), bias zeros
        Initializers.fill(params, PROBABILITIES_WEIGHT, 320, Init.XAVIER_UNIFORM, 0.01, 32, 10, rng);
        Initializers.zeros(params, PROBABILITIES_BIAS, 10);
    }

    @Override
    public float[] forward(float[] input, int offset, int batch) {
        Checks.forwardArguments("Digits", input, offset, batch, INPUT_SIZE, MAX_BATCH);
        Memory.copy(input, offset, x, 0, batch * INPUT_SIZE);
        this.batch = batch;
        this.lossReady = false;
        // layer 1: Dense(64 -> 32, no bias), from Digits.hidden; matrix products through the Blas backend (2,048 weights)
        // (batch, 64) x (32, 64)^T -> (batch, 32)
        DenseOps.forward(blas, x, 0, hiddenParams, 0, DenseOps.NO_BIAS, out1, 0, batch, 64, 32);
        // layer 2: Tanh(32), from Digits.hidden
        Activations.tanhForward(out1, 0, out2, 0, batch * 32);
        // layer 3: Dense(32 -> 10), from Digits.probabilities; matrix products through the Blas backend (320 weights)
        // (batch, 32) x (10, 32)^T + (10) -> (batch, 10)
        DenseOps.forward(blas, out2, 0, probabilitiesParams, 0, 320, out3, 0, batch, 32, 10);
        // layer 4: Softmax(10), from Digits.probabilities
        Activations.softmaxForward(out3, 0, out4, 0, batch, 10);
        Memory.copy(out4, 0, output, 0, batch * OUTPUT_SIZE);
        return output;
    }

    @Override
    public float loss(float[] target, int offset) {
        if (batch == 0) {
            throw new IllegalStateException("Digits: loss() needs a forward() first");
        }
        Checks.targetArguments("Digits", target, offset, batch, OUTPUT_SIZE);
        Memory.copy(target, offset, t, 0, batch * OUTPUT_SIZE);
        // SOFTMAX_CROSS_ENTROPY absorbs layer 4 (softmax): it reads the logits and its gradient skips that layer
        float loss = Losses.softmaxCrossEntropyWithLogits(out3, 0, t, 0, dOut3, 0, batch, 10);
        lossReady = true;
        return loss;
    }

    @Override
    public void backward() {
        if (!lossReady) {
            throw new IllegalStateException("Digits: backward() needs loss() after the last forward()");
        }
        lossReady = false;
        // layer 3: Dense(32 -> 10), from Digits.probabilities
        DenseOps.backward(blas, out2, 0, probabilitiesParams, 0, dOut3, 0, probabilitiesGrads, 0, 320, dOut2, 0, batch, 32, 10);
        // layer 2: Tanh(32), from Digits.hidden
        Activations.tanhBackward(out1, 0, out2, 0, dOut2, 0, dOut1, 0, batch * 32);
        // layer 1: Dense(64 -> 32, no bias), from Digits.hidden
        DenseOps.backward(blas, x, 0, hiddenParams, 0, dOut1, 0, hiddenGrads, 0, DenseOps.NO_BIAS, inputGradientEnabled ? dx : null, 0, batch, 64, 32);
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
}
