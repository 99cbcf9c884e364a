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
    private final float[] out1 = new float[MAX_BATCH * 5];

    /**
     * Gradient of the loss w.r.t. layer 1 output.
     */
    private final float[] dOut1 = new float[MAX_BATCH * 5];

    /**
     * Layer 2 output.
     */
    private final float[] out2 = new float[MAX_BATCH * 5];

    /**
     * Gradient of the loss w.r.t. layer 2 output.
     */
    private final float[] dOut2 = new float[MAX_BATCH * 5];

    /**
     * Layer 3 output.
     */
    private final float[] out3 = new float[MAX_BATCH * 5];

    /**
     * Gradient of the loss w.r.t. layer 3 output.
     */
    private final float[] dOut3 = new float[MAX_BATCH * 5];

    /**
     * Layer 4 output.
     */
    private final float[] out4 = new float[MAX_BATCH * 5];

    /**
     * Gradient of the loss w.r.t. layer 4 output.
     */
    private final float[] dOut4 = new float[MAX_BATCH * 5];

    /**
     * Layer 5 output.
     */
    private final float[] out5 = new float[MAX_BATCH * 1];

    /**
     * Gradient of the loss w.r.t. layer 5 output.
     */
    private final float[] dOut5 = new float[MAX_BATCH * 1];

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
        this.input = input;
        this.inputOffset = offset;
        this.batch = batch;
        this.lossReady = false;
        // layer 1: Dense(3 -> 5), from Outer.Regressor.first
        // (batch, 3) x (5, 3)^T + (5) -> (batch, 5)
        DenseOps.forward(blas, input, inputOffset, params, FIRST_WEIGHT, FIRST_BIAS, out1, batch, 3, 5);
        // layer 2: LeakyReLU(5, alpha=0.2), from Outer.Regressor.first
        Activations.leakyReluForward(out1, 0, out2, batch * 5, 0.2f);
        // layer 3: Dense(5 -> 5), from Outer.Regressor.second
        // (batch, 5) x (5, 5)^T + (5) -> (batch, 5)
        DenseOps.forward(blas, out2, 0, params, SECOND_WEIGHT, SECOND_BIAS, out3, batch, 5, 5);
        // layer 4: ELU(5, alpha=0.5), from Outer.Regressor.second
        Activations.eluForward(out3, 0, out4, batch * 5, 0.5f);
        // layer 5: Dense(5 -> 1), from Outer.Regressor.value
        // (batch, 5) x (1, 5)^T + (1) -> (batch, 1)
        DenseOps.forward(blas, out4, 0, params, VALUE_WEIGHT, VALUE_BIAS, out5, batch, 5, 1);
        return out5;
    }

    @Override
    public float loss(float[] target, int offset) {
        if (batch == 0) {
            throw new IllegalStateException("Outer.Regressor: loss() needs a forward() first");
        }
        Checks.targetArguments("Outer.Regressor", target, offset, batch, OUTPUT_SIZE);
        float loss = Losses.meanSquaredError(out5, 0, target, offset, dOut5, batch, 1);
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
        DenseOps.backward(blas, out4, 0, params, VALUE_WEIGHT, dOut5, grads, VALUE_WEIGHT, VALUE_BIAS, dOut4, batch, 5, 1);
        // layer 4: ELU(5, alpha=0.5), from Outer.Regressor.second
        Activations.eluBackward(out3, 0, out4, dOut4, dOut3, batch * 5, 0.5f);
        // layer 3: Dense(5 -> 5), from Outer.Regressor.second
        DenseOps.backward(blas, out2, 0, params, SECOND_WEIGHT, dOut3, grads, SECOND_WEIGHT, SECOND_BIAS, dOut2, batch, 5, 5);
        // layer 2: LeakyReLU(5, alpha=0.2), from Outer.Regressor.first
        Activations.leakyReluBackward(out1, 0, out2, dOut2, dOut1, batch * 5, 0.2f);
        // layer 1: Dense(3 -> 5), from Outer.Regressor.first
        DenseOps.backward(blas, input, inputOffset, params, FIRST_WEIGHT, dOut1, grads, FIRST_WEIGHT, FIRST_BIAS, inputGradientEnabled ? inputGrad : null, batch, 3, 5);
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
