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
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.HeadSpec;
import dev.kiln.spec.Init;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import dev.kiln.spec.PReluSpec;
import dev.kiln.spec.Tier;
import java.lang.foreign.MemorySegment;
import java.util.List;
import javax.annotation.processing.Generated;

/**
 * The network declared by {@link Tagger}, compiled by Kiln.
 *
 * <p>Layers: Dense(10 -> 16), PReLU(16), Dense(16 -> 4); loss: MULTI_TASK: 1.0 x SOFTMAX_CROSS_ENTROPY on outputs 0 to 2 + 0.5 x MSE on output 3; at most 32 samples per batch.
 * A new instance has all parameters zero: call {@link #initialize(long)} or load weights.
 */
@Generated("dev.kiln.processor.KilnProcessor")
public final class KilnTagger implements Model {
    /**
     * The declaration this class was generated from.
     */
    public static final NetworkSpec SPEC = new NetworkSpec("Tagger", List.of(10), List.of(
            new DenseSpec(16, true, Init.AUTO, 0.01, "Tagger.hidden"),
            new PReluSpec("Tagger.slopes"),
            new DenseSpec(4, true, Init.AUTO, 0.01, "Tagger.out", Tier.BLAS)),
            Loss.MULTI_TASK, 32, 1.0, List.of(
                    new HeadSpec(3, Loss.SOFTMAX_CROSS_ENTROPY, 1.0),
                    new HeadSpec(1, Loss.MSE, 0.5)));

    /**
     * Features per input sample.
     */
    public static final int INPUT_SIZE = 10;

    /**
     * Features per output sample.
     */
    public static final int OUTPUT_SIZE = 4;

    /**
     * The largest batch the buffers hold.
     */
    public static final int MAX_BATCH = 32;

    /**
     * The number of parameters.
     */
    public static final int PARAMETER_COUNT = 260;

    /**
     * Floats in the one allocation: parameters, gradients and every buffer.
     */
    private static final long MEMORY_SIZE = 3592L;

    /**
     * Offset of hidden.weight, shape [16, 10].
     */
    private static final int HIDDEN_WEIGHT = 0;

    /**
     * Offset of hidden.bias, shape [16].
     */
    private static final int HIDDEN_BIAS = 160;

    /**
     * Offset of slopes.weight, shape [16].
     */
    private static final int SLOPES_WEIGHT = 176;

    /**
     * Offset of out.weight, shape [4, 16].
     */
    private static final int OUT_WEIGHT = 192;

    /**
     * Offset of out.bias, shape [4].
     */
    private static final int OUT_BIAS = 256;

    private static final List<Parameter> LAYOUT = List.of(
            new Parameter("hidden.weight", HIDDEN_WEIGHT, List.of(16, 10)),
            new Parameter("hidden.bias", HIDDEN_BIAS, List.of(16)),
            new Parameter("slopes.weight", SLOPES_WEIGHT, List.of(16)),
            new Parameter("out.weight", OUT_WEIGHT, List.of(4, 16)),
            new Parameter("out.bias", OUT_BIAS, List.of(4)));

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
     * The gradient of each parameter: PARAMETER_COUNT floats from 260.
     */
    private final MemorySegment grads = Memory.slice(memory, 260L, PARAMETER_COUNT);

    /**
     * The input of the last forward pass, copied in: MAX_BATCH * INPUT_SIZE floats from 520.
     */
    private final MemorySegment x = Memory.slice(memory, 520L, MAX_BATCH * INPUT_SIZE);

    /**
     * The targets of the last loss, copied in: MAX_BATCH * OUTPUT_SIZE floats from 840.
     */
    private final MemorySegment t = Memory.slice(memory, 840L, MAX_BATCH * OUTPUT_SIZE);

    /**
     * Layer 1 output: MAX_BATCH * 16 floats from 968.
     */
    private final MemorySegment out1 = Memory.slice(memory, 968L, MAX_BATCH * 16);

    /**
     * Gradient of the loss w.r.t. layer 1 output: MAX_BATCH * 16 floats from 1480.
     */
    private final MemorySegment dOut1 = Memory.slice(memory, 1480L, MAX_BATCH * 16);

    /**
     * Layer 2 output: MAX_BATCH * 16 floats from 1992.
     */
    private final MemorySegment out2 = Memory.slice(memory, 1992L, MAX_BATCH * 16);

    /**
     * Gradient of the loss w.r.t. layer 2 output: MAX_BATCH * 16 floats from 2504.
     */
    private final MemorySegment dOut2 = Memory.slice(memory, 2504L, MAX_BATCH * 16);

    /**
     * Layer 3 output: MAX_BATCH * 4 floats from 3016.
     */
    private final MemorySegment out3 = Memory.slice(memory, 3016L, MAX_BATCH * 4);

    /**
     * Gradient of the loss w.r.t. layer 3 output: MAX_BATCH * 4 floats from 3144.
     */
    private final MemorySegment dOut3 = Memory.slice(memory, 3144L, MAX_BATCH * 4);

    /**
     * Gradient of the loss w.r.t. the input: MAX_BATCH * INPUT_SIZE floats from 3272.
     */
    private final MemorySegment dx = Memory.slice(memory, 3272L, MAX_BATCH * INPUT_SIZE);

    /**
     * Layer 1's parameters, hidden weight then bias: 176 floats of {@code params} from HIDDEN_WEIGHT.
     */
    private final MemorySegment hiddenParams = Memory.slice(params, HIDDEN_WEIGHT, 176);

    /**
     * Their gradients.
     */
    private final MemorySegment hiddenGrads = Memory.slice(grads, HIDDEN_WEIGHT, 176);

    /**
     * Layer 2's parameters, the slopes slopes.weight: 16 floats of {@code params} from SLOPES_WEIGHT.
     */
    private final MemorySegment slopesParams = Memory.slice(params, SLOPES_WEIGHT, 16);

    /**
     * Their gradients.
     */
    private final MemorySegment slopesGrads = Memory.slice(grads, SLOPES_WEIGHT, 16);

    /**
     * Layer 3's parameters, out weight then bias: 68 floats of {@code params} from OUT_WEIGHT.
     */
    private final MemorySegment outParams = Memory.slice(params, OUT_WEIGHT, 68);

    /**
     * Their gradients.
     */
    private final MemorySegment outGrads = Memory.slice(grads, OUT_WEIGHT, 68);

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
    public KilnTagger() {
    }

    /**
     * A network initialized by {@link #initialize(long)} with {@code seed}.
     */
    public KilnTagger(long seed) {
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
        // layer 1: Dense(10 -> 16), from Tagger.hidden: weights HE_NORMAL (AUTO), bias zeros
        Initializers.fill(params, HIDDEN_WEIGHT, 160, Init.HE_NORMAL, 0.01, 10, 16, rng);
        Initializers.zeros(params, HIDDEN_BIAS, 16);
        // layer 2: PReLU(16), from Tagger.slopes: slopes 0.25
        Initializers.constant(params, SLOPES_WEIGHT, 16, 0.25f);
        // layer 3: Dense(16 -> 4), from Tagger.out: weights XAVIER_UNIFORM (AUTO), bias zeros
        Initializers.fill(params, OUT_WEIGHT, 64, Init.XAVIER_UNIFORM, 0.01, 16, 4, rng);
        Initializers.zeros(params, OUT_BIAS, 4);
    }

    @Override
    public float[] forward(float[] input, int offset, int batch) {
        Checks.forwardArguments("Tagger", input, offset, batch, INPUT_SIZE, MAX_BATCH);
        Memory.copy(input, offset, x, 0, batch * INPUT_SIZE);
        this.batch = batch;
        this.lossReady = false;
        // layer 1: Dense(10 -> 16), from Tagger.hidden; matrix products through the Blas backend (160 weights)
        // (batch, 10) x (16, 10)^T + (16) -> (batch, 16)
        DenseOps.forward(blas, x, 0, hiddenParams, 0, 160, out1, 0, batch, 10, 16);
        // layer 2: PReLU(16), from Tagger.slopes; x where positive, else x times its feature's slope in slopes.weight
        Activations.preluForward(out1, 0, slopesParams, 0, out2, 0, batch, 16);
        // layer 3: Dense(16 -> 4), from Tagger.out; matrix products through the Blas backend (64 weights)
        // (batch, 16) x (4, 16)^T + (4) -> (batch, 4)
        DenseOps.forward(blas, out2, 0, outParams, 0, 64, out3, 0, batch, 16, 4);
        Memory.copy(out3, 0, output, 0, batch * OUTPUT_SIZE);
        return output;
    }

    @Override
    public float loss(float[] target, int offset) {
        if (batch == 0) {
            throw new IllegalStateException("Tagger: loss() needs a forward() first");
        }
        Checks.targetArguments("Tagger", target, offset, batch, OUTPUT_SIZE);
        Memory.copy(target, offset, t, 0, batch * OUTPUT_SIZE);
        // the weighted sum of 2 heads' losses, each on its slice of the 4 outputs and targets of a row
        // head 1: 1.0 x SOFTMAX_CROSS_ENTROPY on outputs 0 to 2
        float loss = Losses.softmaxCrossEntropyWithLogits(out3, 0, t, 0, dOut3, 0, batch, 3, 4, 1.0);
        // head 2: 0.5 x MSE on output 3
        loss += Losses.meanSquaredError(out3, 3, t, 3, dOut3, 3, batch, 1, 4, 0.5);
        lossReady = true;
        return loss;
    }

    @Override
    public void backward() {
        if (!lossReady) {
            throw new IllegalStateException("Tagger: backward() needs loss() after the last forward()");
        }
        lossReady = false;
        // layer 3: Dense(16 -> 4), from Tagger.out
        DenseOps.backward(blas, out2, 0, outParams, 0, dOut3, 0, outGrads, 0, 64, dOut2, 0, batch, 16, 4);
        // layer 2: PReLU(16), from Tagger.slopes: the gradient of slopes.weight += x dy where x <= 0, summed over the batch; dx = dy where x > 0, else slope * dy
        Activations.preluBackward(out1, 0, slopesParams, 0, dOut2, 0, dOut1, 0, slopesGrads, 0, batch, 16);
        // layer 1: Dense(10 -> 16), from Tagger.hidden
        DenseOps.backward(blas, x, 0, hiddenParams, 0, dOut1, 0, hiddenGrads, 0, 160, inputGradientEnabled ? dx : null, 0, batch, 10, 16);
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
