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
import dev.kiln.spec.Init;
import dev.kiln.spec.Loss;
import dev.kiln.spec.MaxoutSpec;
import dev.kiln.spec.NetworkSpec;
import java.lang.foreign.MemorySegment;
import java.util.List;
import javax.annotation.processing.Generated;

/**
 * The network declared by {@link Siamese}, compiled by Kiln.
 *
 * <p>Layers: Dense(8 -> 24), Maxout(24 -> 8, k=3), Dense(8 -> 16); loss: CONTRASTIVE (margin 2.0); at most 16 samples per batch.
 * A new instance has all parameters zero: call {@link #initialize(long)} or load weights.
 */
@Generated("dev.kiln.processor.KilnProcessor")
public final class KilnSiamese implements Model {
    /**
     * The declaration this class was generated from.
     */
    public static final NetworkSpec SPEC = new NetworkSpec("Siamese", List.of(8), List.of(
            new DenseSpec(24, true, Init.AUTO, 0.01, "Siamese.hidden"),
            new MaxoutSpec(3, "Siamese.hidden"),
            new DenseSpec(16, true, Init.AUTO, 0.01, "Siamese.embedding")),
            Loss.CONTRASTIVE, 16, 2.0, List.of());

    /**
     * Features per input sample.
     */
    public static final int INPUT_SIZE = 8;

    /**
     * Features per output sample.
     */
    public static final int OUTPUT_SIZE = 16;

    /**
     * The largest batch the buffers hold.
     */
    public static final int MAX_BATCH = 16;

    /**
     * The number of parameters.
     */
    public static final int PARAMETER_COUNT = 360;

    /**
     * Floats in the one allocation: parameters, gradients and every buffer.
     */
    private static final long MEMORY_SIZE = 2768L;

    /**
     * Offset of hidden.weight, shape [24, 8].
     */
    private static final int HIDDEN_WEIGHT = 0;

    /**
     * Offset of hidden.bias, shape [24].
     */
    private static final int HIDDEN_BIAS = 192;

    /**
     * Offset of embedding.weight, shape [16, 8].
     */
    private static final int EMBEDDING_WEIGHT = 216;

    /**
     * Offset of embedding.bias, shape [16].
     */
    private static final int EMBEDDING_BIAS = 344;

    private static final List<Parameter> LAYOUT = List.of(
            new Parameter("hidden.weight", HIDDEN_WEIGHT, List.of(24, 8)),
            new Parameter("hidden.bias", HIDDEN_BIAS, List.of(24)),
            new Parameter("embedding.weight", EMBEDDING_WEIGHT, List.of(16, 8)),
            new Parameter("embedding.bias", EMBEDDING_BIAS, List.of(16)));

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
     * The gradient of each parameter: PARAMETER_COUNT floats from 360.
     */
    private final MemorySegment grads = Memory.slice(memory, 360L, PARAMETER_COUNT);

    /**
     * The input of the last forward pass, copied in: MAX_BATCH * INPUT_SIZE floats from 720.
     */
    private final MemorySegment x = Memory.slice(memory, 720L, MAX_BATCH * INPUT_SIZE);

    /**
     * The targets of the last loss, copied in: MAX_BATCH * OUTPUT_SIZE floats from 848.
     */
    private final MemorySegment t = Memory.slice(memory, 848L, MAX_BATCH * OUTPUT_SIZE);

    /**
     * Layer 1 output: MAX_BATCH * 24 floats from 1104.
     */
    private final MemorySegment out1 = Memory.slice(memory, 1104L, MAX_BATCH * 24);

    /**
     * Gradient of the loss w.r.t. layer 1 output: MAX_BATCH * 24 floats from 1488.
     */
    private final MemorySegment dOut1 = Memory.slice(memory, 1488L, MAX_BATCH * 24);

    /**
     * Layer 2 output: MAX_BATCH * 8 floats from 1872.
     */
    private final MemorySegment out2 = Memory.slice(memory, 1872L, MAX_BATCH * 8);

    /**
     * Gradient of the loss w.r.t. layer 2 output: MAX_BATCH * 8 floats from 2000.
     */
    private final MemorySegment dOut2 = Memory.slice(memory, 2000L, MAX_BATCH * 8);

    /**
     * Layer 3 output: MAX_BATCH * 16 floats from 2128.
     */
    private final MemorySegment out3 = Memory.slice(memory, 2128L, MAX_BATCH * 16);

    /**
     * Gradient of the loss w.r.t. layer 3 output: MAX_BATCH * 16 floats from 2384.
     */
    private final MemorySegment dOut3 = Memory.slice(memory, 2384L, MAX_BATCH * 16);

    /**
     * Gradient of the loss w.r.t. the input: MAX_BATCH * INPUT_SIZE floats from 2640.
     */
    private final MemorySegment dx = Memory.slice(memory, 2640L, MAX_BATCH * INPUT_SIZE);

    /**
     * Layer 1's parameters, hidden weight then bias: 216 floats of {@code params} from HIDDEN_WEIGHT.
     */
    private final MemorySegment hiddenParams = Memory.slice(params, HIDDEN_WEIGHT, 216);

    /**
     * Their gradients.
     */
    private final MemorySegment hiddenGrads = Memory.slice(grads, HIDDEN_WEIGHT, 216);

    /**
     * Layer 3's parameters, embedding weight then bias: 144 floats of {@code params} from EMBEDDING_WEIGHT.
     */
    private final MemorySegment embeddingParams = Memory.slice(params, EMBEDDING_WEIGHT, 144);

    /**
     * Their gradients.
     */
    private final MemorySegment embeddingGrads = Memory.slice(grads, EMBEDDING_WEIGHT, 144);

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
    public KilnSiamese() {
    }

    /**
     * A network initialized by {@link #initialize(long)} with {@code seed}.
     */
    public KilnSiamese(long seed) {
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
        // layer 1: Dense(8 -> 24), from Siamese.hidden: weights XAVIER_UNIFORM (AUTO), bias zeros
        Initializers.fill(params, HIDDEN_WEIGHT, 192, Init.XAVIER_UNIFORM, 0.01, 8, 24, rng);
        Initializers.zeros(params, HIDDEN_BIAS, 24);
        // layer 3: Dense(8 -> 16), from Siamese.embedding: weights XAVIER_UNIFORM (AUTO), bias zeros
        Initializers.fill(params, EMBEDDING_WEIGHT, 128, Init.XAVIER_UNIFORM, 0.01, 8, 16, rng);
        Initializers.zeros(params, EMBEDDING_BIAS, 16);
    }

    @Override
    public float[] forward(float[] input, int offset, int batch) {
        Checks.forwardArguments("Siamese", input, offset, batch, INPUT_SIZE, MAX_BATCH);
        Memory.copy(input, offset, x, 0, batch * INPUT_SIZE);
        this.batch = batch;
        this.lossReady = false;
        // layer 1: Dense(8 -> 24), from Siamese.hidden; matrix products through the Blas backend (192 weights)
        // (batch, 8) x (24, 8)^T + (24) -> (batch, 24)
        DenseOps.forward(blas, x, 0, hiddenParams, 0, 192, out1, 0, batch, 8, 24);
        // layer 2: Maxout(24 -> 8, k=3), from Siamese.hidden; each output the largest of 3 consecutive inputs
        Activations.maxoutForward(out1, 0, out2, 0, batch * 8, 3);
        // layer 3: Dense(8 -> 16), from Siamese.embedding; matrix products through the Blas backend (128 weights)
        // (batch, 8) x (16, 8)^T + (16) -> (batch, 16)
        DenseOps.forward(blas, out2, 0, embeddingParams, 0, 128, out3, 0, batch, 8, 16);
        Memory.copy(out3, 0, output, 0, batch * OUTPUT_SIZE);
        return output;
    }

    @Override
    public float loss(float[] target, int offset) {
        if (batch == 0) {
            throw new IllegalStateException("Siamese: loss() needs a forward() first");
        }
        Checks.targetArguments("Siamese", target, offset, batch, OUTPUT_SIZE);
        Memory.copy(target, offset, t, 0, batch * OUTPUT_SIZE);
        // rows 2i and 2i + 1 of the batch are a pair, labelled by the first target value of both; margin 2.0
        float loss = Losses.contrastive(out3, 0, t, 0, dOut3, 0, batch, 16, 2.0);
        lossReady = true;
        return loss;
    }

    @Override
    public void backward() {
        if (!lossReady) {
            throw new IllegalStateException("Siamese: backward() needs loss() after the last forward()");
        }
        lossReady = false;
        // layer 3: Dense(8 -> 16), from Siamese.embedding
        DenseOps.backward(blas, out2, 0, embeddingParams, 0, dOut3, 0, embeddingGrads, 0, 128, dOut2, 0, batch, 8, 16);
        // layer 2: Maxout(24 -> 8, k=3), from Siamese.hidden: each output's gradient to the largest input of its group
        Activations.maxoutBackward(out1, 0, dOut2, 0, dOut1, 0, batch * 8, 3);
        // layer 1: Dense(8 -> 24), from Siamese.hidden
        DenseOps.backward(blas, x, 0, hiddenParams, 0, dOut1, 0, hiddenGrads, 0, 192, inputGradientEnabled ? dx : null, 0, batch, 8, 24);
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
