package test;

import dev.kiln.runtime.Checks;
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
import java.util.Arrays;
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
     * Every parameter; offsets above.
     */
    private final float[] params = new float[PARAMETER_COUNT];

    /**
     * The gradient of each parameter.
     */
    private final float[] grads = new float[PARAMETER_COUNT];

    /**
     * Layer 1 output.
     */
    private final float[] out1 = new float[MAX_BATCH * 32];

    /**
     * Gradient of the loss w.r.t. layer 1 output.
     */
    private final float[] dOut1 = new float[MAX_BATCH * 32];

    /**
     * Layer 2 output.
     */
    private final float[] out2 = new float[MAX_BATCH * 32];

    /**
     * Gradient of the loss w.r.t. layer 2 output.
     */
    private final float[] dOut2 = new float[MAX_BATCH * 32];

    /**
     * Layer 3 output.
     */
    private final float[] out3 = new float[MAX_BATCH * 10];

    /**
     * Gradient of the loss w.r.t. layer 3 output.
     */
    private final float[] dOut3 = new float[MAX_BATCH * 10];

    /**
     * Layer 4 output.
     */
    private final float[] out4 = new float[MAX_BATCH * 10];

    /**
     * Gradient of the loss w.r.t. the input, when enabled.
     */
    private final float[] inputGrad = new float[MAX_BATCH * INPUT_SIZE];

    /**
     * The last forward pass's input, read again by the backward pass.
     */
    private float[] input;

    private int inputOffset;

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
    public float[] parameters() {
        return params;
    }

    @Override
    public float[] gradients() {
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
        this.input = input;
        this.inputOffset = offset;
        this.batch = batch;
        this.lossReady = false;
        // layer 1: Dense(64 -> 32, no bias), from Digits.hidden
        // (batch, 64) x (32, 64)^T -> (batch, 32)
        DenseOps.forward(blas, input, inputOffset, params, HIDDEN_WEIGHT, DenseOps.NO_BIAS, out1, batch, 64, 32);
        // layer 2: Tanh(32), from Digits.hidden
        Activations.tanhForward(out1, 0, out2, batch * 32);
        // layer 3: Dense(32 -> 10), from Digits.probabilities
        // (batch, 32) x (10, 32)^T + (10) -> (batch, 10)
        DenseOps.forward(blas, out2, 0, params, PROBABILITIES_WEIGHT, PROBABILITIES_BIAS, out3, batch, 32, 10);
        // layer 4: Softmax(10), from Digits.probabilities
        Activations.softmaxForward(out3, 0, out4, batch, 10);
        return out4;
    }

    @Override
    public float loss(float[] target, int offset) {
        if (batch == 0) {
            throw new IllegalStateException("Digits: loss() needs a forward() first");
        }
        Checks.targetArguments("Digits", target, offset, batch, OUTPUT_SIZE);
        // SOFTMAX_CROSS_ENTROPY absorbs layer 4 (softmax): it reads the logits and its gradient skips that layer
        float loss = Losses.softmaxCrossEntropyWithLogits(out3, 0, target, offset, dOut3, batch, 10);
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
        DenseOps.backward(blas, out2, 0, params, PROBABILITIES_WEIGHT, dOut3, grads, PROBABILITIES_WEIGHT, PROBABILITIES_BIAS, dOut2, batch, 32, 10);
        // layer 2: Tanh(32), from Digits.hidden
        Activations.tanhBackward(out1, 0, out2, dOut2, dOut1, batch * 32);
        // layer 1: Dense(64 -> 32, no bias), from Digits.hidden
        DenseOps.backward(blas, input, inputOffset, params, HIDDEN_WEIGHT, dOut1, grads, HIDDEN_WEIGHT, DenseOps.NO_BIAS, inputGradientEnabled ? inputGrad : null, batch, 64, 32);
    }

    @Override
    public void zeroGradients() {
        Arrays.fill(grads, 0f);
    }

    @Override
    public void setInputGradientEnabled(boolean enabled) {
        inputGradientEnabled = enabled;
    }

    @Override
    public float[] inputGradient() {
        return inputGrad;
    }
}
