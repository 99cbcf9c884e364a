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
    private final float[] out1 = new float[MAX_BATCH * 2];

    /**
     * Gradient of the loss w.r.t. layer 1 output.
     */
    private final float[] dOut1 = new float[MAX_BATCH * 2];

    /**
     * Layer 2 output.
     */
    private final float[] out2 = new float[MAX_BATCH * 1];

    /**
     * Gradient of the loss w.r.t. layer 2 output.
     */
    private final float[] dOut2 = new float[MAX_BATCH * 1];

    /**
     * Layer 3 output.
     */
    private final float[] out3 = new float[MAX_BATCH * 1];

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
        // layer 2: Dense(2 -> 1), from Binary.out: weights XAVIER_UNIFORM (AUTO), bias zeros
        Initializers.fill(params, OUT_WEIGHT, 2, Init.XAVIER_UNIFORM, 0.01, 2, 1, rng);
        Initializers.zeros(params, OUT_BIAS, 1);
    }

    @Override
    public float[] forward(float[] input, int offset, int batch) {
        Checks.forwardArguments("Binary", input, offset, batch, INPUT_SIZE, MAX_BATCH);
        this.input = input;
        this.inputOffset = offset;
        this.batch = batch;
        this.lossReady = false;
        // layer 1: Sigmoid(2), from Binary.squash
        Activations.sigmoidForward(input, inputOffset, out1, batch * 2);
        // layer 2: Dense(2 -> 1), from Binary.out
        // (batch, 2) x (1, 2)^T + (1) -> (batch, 1)
        DenseOps.forward(blas, out1, 0, params, OUT_WEIGHT, OUT_BIAS, out2, batch, 2, 1);
        // layer 3: Sigmoid(1), from Binary.out
        Activations.sigmoidForward(out2, 0, out3, batch * 1);
        return out3;
    }

    @Override
    public float loss(float[] target, int offset) {
        if (batch == 0) {
            throw new IllegalStateException("Binary: loss() needs a forward() first");
        }
        Checks.targetArguments("Binary", target, offset, batch, OUTPUT_SIZE);
        // BINARY_CROSS_ENTROPY absorbs layer 3 (sigmoid): it reads the logits and its gradient skips that layer
        float loss = Losses.binaryCrossEntropyWithLogits(out2, 0, target, offset, dOut2, batch, 1);
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
        DenseOps.backward(blas, out1, 0, params, OUT_WEIGHT, dOut2, grads, OUT_WEIGHT, OUT_BIAS, dOut1, batch, 2, 1);
        // layer 1: Sigmoid(2), from Binary.squash
        if (inputGradientEnabled) {
            Activations.sigmoidBackward(input, inputOffset, out1, dOut1, inputGrad, batch * 2);
        }
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
