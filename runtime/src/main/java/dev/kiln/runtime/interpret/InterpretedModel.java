package dev.kiln.runtime.interpret;

import dev.kiln.runtime.Checks;
import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.Parameter;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.blas.Blas;
import dev.kiln.runtime.blas.Blases;
import dev.kiln.runtime.ops.Conv2dGeometry;
import dev.kiln.runtime.ops.ConvOps;
import dev.kiln.runtime.ops.DenseOps;
import dev.kiln.runtime.ops.DropoutOps;
import dev.kiln.runtime.ops.Pool2dGeometry;
import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.BatchNormSpec;
import dev.kiln.spec.Conv2dSpec;
import dev.kiln.spec.FlattenSpec;
import dev.kiln.spec.Pool2dSpec;
import dev.kiln.spec.Shapes;
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.DropoutSpec;
import dev.kiln.spec.EmbeddingSpec;
import dev.kiln.spec.OneHotSpec;
import dev.kiln.spec.RecurrentSpec;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.Loss;
import dev.kiln.spec.MaxoutSpec;
import dev.kiln.spec.NetworkSpec;
import dev.kiln.spec.PReluSpec;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link NetworkSpec} run by the interpreter: a {@link Model} that behaves exactly as the class Kiln
 * generates for the same spec. Create one with {@link Interpreter#of(NetworkSpec)}.
 *
 * <p>When it is built, the model plans one step per layer, with the buffers it reads and writes and the
 * offsets of its parameters, exactly as the generated class lays them out:
 * <ul>
 *   <li>parameters: per layer with parameters, in order, packed in one array: for a Dense layer the weight
 *       ({@code [out, in]}, row-major) and then the bias, named {@code <field>.weight} and
 *       {@code <field>.bias}; for a PReLU its slopes ({@code [features]}), named {@code <field>.weight};
 *       where the field is the part of the layer's {@link LayerSpec#source() source} after its last dot;</li>
 *   <li>buffers: each layer writes its own output buffer and receives its own output gradient, both
 *       sized once for {@link NetworkSpec#maxBatch()} samples; a dropout layer's mask follows them;</li>
 *   <li>initialization: one {@link Rng} seeded with the seed, drawn from layer by layer (PReLU slopes
 *       start at {@value PReluSpec#INITIAL_SLOPE} and draw nothing);</li>
 *   <li>dropout: the masks drawn from a generator of the model's own, as {@link DropoutOps} describes, in
 *       training mode only; inference mode by default.</li>
 * </ul>
 * A forward pass then runs the steps in order and a backward pass runs them in reverse, each calling the
 * runtime's kernels. Generated code calls the same kernels for the layers it computes through
 * {@code Blas} and its own loops for small ones, so outputs, losses and gradients agree with the generated
 * class's on the same parameters and inputs, bit for bit on the former and within float rounding on the
 * latter. Like the generated class, the model holds everything in one off-heap allocation with the same
 * layout, copies its input and targets in and its output out, and allocates nothing after construction.
 *
 * <p>When the loss absorbs a last softmax or sigmoid ({@link NetworkSpec#lossFusesLastActivation()}),
 * {@link #forward} still applies it (the output is probabilities), the loss reads the logits, and the
 * backward pass skips that layer. Not thread-safe.
 */
public final class InterpretedModel implements Model {

    private final NetworkSpec spec;
    private final String name;
    private final int inputSize;
    private final int outputSize;
    private final int maxBatch;
    private final int parameterCount;

    /** Everything the model holds, in one allocation laid out as the generated class's; the slices below. */
    private final MemorySegment memory;
    private final MemorySegment params;
    private final MemorySegment grads;
    /** The copy of the last forward pass's input. */
    private final MemorySegment x;
    /** The copy of the last loss's targets; null without loss. */
    private final MemorySegment t;
    /** The gradient of the loss with respect to the input; null without loss. */
    private final MemorySegment dx;
    private final List<Parameter> layout;
    /** Batch norm's running statistics, laid out as the generated class's {@code state}. */
    private final MemorySegment state;
    private final int stateCount;
    private final List<Parameter> stateLayout;
    /** The recurrent layers, whose carried state {@link #resetState()} zeroes. */
    private final List<RecurrentStep> recurrentLayers;

    /** Every layer, in forward order. */
    private final Step[] steps;
    /** The layers the backward pass runs, in the order it runs them (without a layer the loss absorbs). */
    private final Step[] backwardSteps;
    /** The loss, or null when the network declares none. */
    private final LossStep loss;
    /** The last layer's output. */
    private final MemorySegment last;
    /** What {@link #forward} returns: the last layer's output, copied out. */
    private final float[] output;
    /** What {@link #inputGradient()} returns: {@link #dx}, copied out when enabled. */
    private final float[] inputGradient;

    /** The mode, the generator and the rows drawn, shared with the dropout steps. */
    private final DropoutMasks masks = new DropoutMasks();

    /** Samples in the last forward pass; 0 before the first. */
    private int batch;
    /** Whether {@link #loss} ran after the last forward pass. */
    private boolean lossReady;
    private boolean inputGradientEnabled;

    /**
     * Plans {@code spec}; every parameter is zero.
     *
     * @throws dev.kiln.spec.InvalidNetworkException if {@code spec} breaks a rule
     */
    InterpretedModel(NetworkSpec spec) {
        this.spec = spec.requireValid();
        this.name = spec.name();
        this.inputSize = spec.inputSize();
        this.outputSize = spec.outputSize();
        this.maxBatch = spec.maxBatch();
        this.parameterCount = parameterCount(spec);
        this.output = new float[maxBatch * outputSize];
        this.inputGradient = new float[maxBatch * inputSize];

        List<LayerSpec> layers = spec.layers();
        List<Integer> sizes = spec.layerInputSizes();
        List<List<Integer>> shapes = spec.layerShapes();
        int count = layers.size();
        boolean fused = spec.lossFusesLastActivation();
        boolean trains = spec.loss() != Loss.NONE;
        this.stateCount = stateCount(spec);

        // the layout of the generated class: parameters, gradients, input, targets, state, each layer's output
        // and output gradient (and a dropout layer's mask, batch norm's saved statistics; a flattening layer
        // has none), input gradient, then the convolutions' workspaces
        Conv2dGeometry[] convolutions = new Conv2dGeometry[count];
        long size = 2L * parameterCount + (long) maxBatch * inputSize + stateCount;
        if (trains) {
            size += (long) maxBatch * outputSize;
        }
        for (int i = 0; i < count; i++) {
            boolean absorbed = fused && i == count - 1;
            if (layers.get(i) instanceof FlattenSpec) {
                continue;
            }
            size += (long) maxBatch * sizes.get(i + 1) * (trains && !absorbed ? 2 : 1);
            if (layers.get(i) instanceof DropoutSpec) {
                size += (long) maxBatch * sizes.get(i + 1);
            }
            if (layers.get(i) instanceof BatchNormSpec) {
                size += 2L * BatchNormSpec.channels(shapes.get(i));
            }
            if (layers.get(i) instanceof Conv2dSpec conv) {
                convolutions[i] = convGeometry(conv, shapes.get(i), shapes.get(i + 1));
                size += ConvOps.workspaceFloats(convolutions[i], maxBatch);
            }
            if (layers.get(i) instanceof RecurrentSpec recurrent) {
                size += RecurrentStep.memoryFloats(recurrent, shapes.get(i).getFirst(), maxBatch);
            }
        }
        if (trains) {
            size += (long) maxBatch * inputSize;
        }
        this.memory = Memory.allocate(size);
        Carver carve = new Carver(memory);
        this.params = carve.next(parameterCount);
        this.grads = carve.next(parameterCount);
        this.x = carve.next((long) maxBatch * inputSize);
        this.t = trains ? carve.next((long) maxBatch * outputSize) : null;
        this.state = carve.next(stateCount);

        Blas blas = Blases.get();
        this.steps = new Step[count];
        List<Parameter> parameters = new ArrayList<>();
        List<Parameter> stateTensors = new ArrayList<>();
        List<RecurrentStep> recurrentSteps = new ArrayList<>();
        MemorySegment[] outputs = new MemorySegment[count];
        MemorySegment[] gradients = new MemorySegment[count];
        MemorySegment[] dropoutMasks = new MemorySegment[count];
        MemorySegment[] saved = new MemorySegment[count];
        for (int i = 0; i < count; i++) {
            boolean absorbed = fused && i == count - 1;
            if (layers.get(i) instanceof FlattenSpec) {
                // the values stay in place: its output is its input, and its gradients too (dx is set below)
                outputs[i] = i == 0 ? x : outputs[i - 1];
                gradients[i] = i == 0 ? null : gradients[i - 1];
                continue;
            }
            long values = (long) maxBatch * sizes.get(i + 1);
            outputs[i] = carve.next(values);
            gradients[i] = trains && !absorbed ? carve.next(values) : null;
            dropoutMasks[i] = layers.get(i) instanceof DropoutSpec ? carve.next(values) : null;
            saved[i] = layers.get(i) instanceof BatchNormSpec ? carve.next(2L * BatchNormSpec.channels(shapes.get(i)))
                    : null;
        }
        this.dx = trains ? carve.next((long) maxBatch * inputSize) : null;
        for (int i = 0; i < count && layers.get(i) instanceof FlattenSpec; i++) {
            gradients[i] = dx;
        }

        long offset = 0;
        long stateOffset = 0;
        for (int i = 0; i < count; i++) {
            int in = sizes.get(i);
            int out = sizes.get(i + 1);
            // each layer reads the previous layer's output and writes its gradient back into that layer's
            Wiring wiring = new Wiring(i + 1, layers.get(i), in, out, i == 0 ? x : outputs[i - 1], outputs[i],
                    gradients[i], i == 0 ? dx : gradients[i - 1], shapes.get(i), shapes.get(i + 1));
            // the kind of layer picks its step: a new kind is a new case here and a new Step subclass
            steps[i] = switch (layers.get(i)) {
                case DenseSpec dense -> {
                    long weight = offset;
                    int rowIn = wiring.rowInputs();
                    int rowOut = wiring.rowOutputs();
                    long bias = dense.bias() ? weight + (long) rowOut * rowIn : DenseOps.NO_BIAS;
                    offset += DenseStep.parameterCount(rowIn, rowOut, dense.bias());
                    yield new DenseStep(wiring, blas, params, grads, field(dense.source()), weight, bias,
                            spec.initOf(i), dense.scale());
                }
                case ActivationSpec activation -> ActivationStep.of(activation, wiring);
                case PReluSpec prelu -> {
                    long weight = offset;
                    offset += out;
                    yield new PReluStep(wiring, params, grads, field(prelu.source()), weight);
                }
                case MaxoutSpec maxout -> new MaxoutStep(wiring, maxout.pieces());
                case DropoutSpec dropout -> new DropoutStep(wiring, dropout.rate(), dropoutMasks[i], masks);
                case Conv2dSpec conv -> {
                    long weight = offset;
                    offset += ConvStep.parameterCount(conv, shapes.get(i).getFirst());
                    MemorySegment work = carve.next(ConvOps.workspaceFloats(convolutions[i], maxBatch));
                    yield new ConvStep(wiring, blas, convolutions[i], params, grads, work, field(conv.source()), weight,
                            conv, spec.initOf(i));
                }
                case Pool2dSpec pool -> new PoolStep(wiring, poolGeometry(pool, shapes.get(i), shapes.get(i + 1)),
                        pool.kind() == Pool2dSpec.Kind.MAX);
                case FlattenSpec flatten -> new FlattenStep(wiring);
                case OneHotSpec oneHot -> new OneHotStep(wiring, oneHot.vocabulary());
                case EmbeddingSpec embedding -> {
                    long weight = offset;
                    offset += (long) embedding.vocabulary() * embedding.dimension();
                    yield new EmbeddingStep(wiring, embedding, params, grads, field(embedding.source()), weight);
                }
                case RecurrentSpec recurrent -> {
                    long weight = offset;
                    offset += RecurrentStep.parameterCount(recurrent, shapes.get(i).getLast());
                    MemorySegment extra = carve.next(RecurrentStep.memoryFloats(recurrent, shapes.get(i).getFirst(),
                            maxBatch));
                    RecurrentStep step = new RecurrentStep(wiring, blas, recurrent, params, grads, extra,
                            field(recurrent.source()), weight, maxBatch);
                    recurrentSteps.add(step);
                    yield step;
                }
                case BatchNormSpec norm -> {
                    long weight = offset;
                    int channels = BatchNormSpec.channels(shapes.get(i));
                    offset += 2L * channels;
                    BatchNormStep step = new BatchNormStep(wiring, masks, params, grads, state, saved[i],
                            field(norm.source()), weight, stateOffset, norm);
                    stateOffset += 2L * channels;
                    stateTensors.addAll(step.state());
                    yield step;
                }
            };
            parameters.addAll(steps[i].parameters());
        }
        this.layout = List.copyOf(parameters);
        this.stateLayout = List.copyOf(stateTensors);
        this.recurrentLayers = List.copyOf(recurrentSteps);
        this.last = outputs[count - 1];
        this.backwardSteps = Arrays.copyOf(steps, fused ? count - 1 : count);
        reverse(backwardSteps);
        this.loss = trains ? lossStep(spec, steps, fused) : null;
    }

    /** A convolution's shapes, as the generated class writes them. */
    static Conv2dGeometry convGeometry(Conv2dSpec c, List<Integer> in, List<Integer> out) {
        return new Conv2dGeometry(in.get(0), in.get(1), in.get(2), out.get(0), c.kernelHeight(), c.kernelWidth(),
                c.strideHeight(), c.strideWidth(),
                Shapes.extent(in.get(1), c.kernelHeight(), c.strideHeight(), c.padHeight()).before(),
                Shapes.extent(in.get(2), c.kernelWidth(), c.strideWidth(), c.padWidth()).before(), out.get(1), out.get(2));
    }

    /** A pooling layer's shapes, as the generated class writes them. */
    static Pool2dGeometry poolGeometry(Pool2dSpec p, List<Integer> in, List<Integer> out) {
        return new Pool2dGeometry(in.get(0), in.get(1), in.get(2), p.kernelHeight(), p.kernelWidth(), p.strideHeight(),
                p.strideWidth(), Shapes.extent(in.get(1), p.kernelHeight(), p.strideHeight(), p.padHeight()).before(),
                Shapes.extent(in.get(2), p.kernelWidth(), p.strideWidth(), p.padWidth()).before(), out.get(1), out.get(2));
    }

    private static int stateCount(NetworkSpec spec) {
        List<List<Integer>> shapes = spec.layerShapes();
        int count = 0;
        for (int i = 0; i < spec.layers().size(); i++) {
            if (spec.layers().get(i) instanceof BatchNormSpec) {
                count += 2 * BatchNormSpec.channels(shapes.get(i));
            }
        }
        return count;
    }

    /** Hands out consecutive slices of the model's allocation. */
    private static final class Carver {
        private final MemorySegment memory;
        private long next;

        Carver(MemorySegment memory) {
            this.memory = memory;
        }

        MemorySegment next(long floats) {
            MemorySegment slice = Memory.slice(memory, next, floats);
            next += floats;
            return slice;
        }
    }

    /**
     * The loss step: it reads the network's output and writes the last layer's output gradient, or, when
     * it absorbs the last layer, reads that layer's input and writes that layer's input gradient.
     */
    private LossStep lossStep(NetworkSpec spec, Step[] steps, boolean fused) {
        Wiring lastLayer = steps[steps.length - 1].wiring;
        if (fused) {
            return new LossStep(spec, lastLayer.input(), t, lastLayer.inputGradient(), lastLayer.inputSize(),
                    steps[steps.length - 1]);
        }
        return new LossStep(spec, lastLayer.output(), t, lastLayer.outputGradient(), lastLayer.outputSize(), null);
    }

    private static int parameterCount(NetworkSpec spec) {
        List<Integer> sizes = spec.layerInputSizes();
        List<List<Integer>> shapes = spec.layerShapes();
        int count = 0;
        for (int i = 0; i < spec.layers().size(); i++) {
            count += switch (spec.layers().get(i)) {
                case DenseSpec dense -> DenseStep.parameterCount(shapes.get(i).getLast(), dense.units(), dense.bias());
                case EmbeddingSpec e -> e.vocabulary() * e.dimension();
                case RecurrentSpec r -> RecurrentStep.parameterCount(r, shapes.get(i).getLast());
                case PReluSpec prelu -> sizes.get(i + 1);
                case Conv2dSpec conv -> ConvStep.parameterCount(conv, shapes.get(i).getFirst());
                case BatchNormSpec norm -> 2 * BatchNormSpec.channels(shapes.get(i));
                default -> 0;
            };
        }
        return count;
    }

    /** The field a layer came from: its source after the last dot, e.g. {@code hidden} for {@code Iris.hidden}. */
    static String field(String source) {
        return source.substring(source.lastIndexOf('.') + 1);
    }

    private static void reverse(Step[] steps) {
        for (int i = 0, j = steps.length - 1; i < j; i++, j--) {
            Step swapped = steps[i];
            steps[i] = steps[j];
            steps[j] = swapped;
        }
    }

    @Override
    public NetworkSpec spec() {
        return spec;
    }

    @Override
    public int inputSize() {
        return inputSize;
    }

    @Override
    public int outputSize() {
        return outputSize;
    }

    @Override
    public int maxBatch() {
        return maxBatch;
    }

    @Override
    public List<Parameter> parameterLayout() {
        return layout;
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
    public List<Parameter> stateLayout() {
        return stateLayout;
    }

    @Override
    public MemorySegment state() {
        return state;
    }

    @Override
    public void resetState() {
        for (RecurrentStep step : recurrentLayers) {
            step.resetState();
        }
    }

    /**
     * {@inheritDoc} The draws are those of the generated class: layer by layer, each Dense weight filled
     * from its (resolved) initialization and each bias set to zero, from one generator; PReLU slopes are
     * set to {@value PReluSpec#INITIAL_SLOPE}.
     */
    @Override
    public void initialize(long seed) {
        Rng rng = new Rng(seed);
        for (Step step : steps) {
            step.initialize(rng);
        }
        seedDropout(seed);
    }

    @Override
    public float[] forward(float[] input, int offset, int batch) {
        Checks.forwardArguments(name, input, offset, batch, inputSize, maxBatch);
        Memory.copy(input, offset, x, 0, batch * inputSize);
        this.batch = batch;
        this.lossReady = false;
        masks.startForward(batch);
        for (Step step : steps) {
            step.forward(batch);
        }
        Memory.copy(last, 0, output, 0, batch * outputSize);
        return output;
    }

    @Override
    public float loss(float[] target, int offset) {
        if (loss == null) {
            throw new IllegalStateException(noLoss());
        }
        if (batch == 0) {
            throw new IllegalStateException(name + ": loss() needs a forward() first");
        }
        Checks.targetArguments(name, target, offset, batch, outputSize);
        Memory.copy(target, offset, t, 0, batch * outputSize);
        float value = loss.compute(batch);
        lossReady = true;
        return value;
    }

    @Override
    public void backward() {
        if (loss == null) {
            throw new IllegalStateException(noLoss());
        }
        if (!lossReady) {
            throw new IllegalStateException(name + ": backward() needs loss() after the last forward()");
        }
        lossReady = false;
        for (Step step : backwardSteps) {
            step.backward(batch, inputGradientEnabled || !step.wiring.first());
        }
        if (inputGradientEnabled) {
            Memory.copy(dx, 0, inputGradient, 0, batch * inputSize);
        }
    }

    private String noLoss() {
        return name + " declares no loss; declare one, e.g. @Network(loss = Loss.MSE), to train it";
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
        masks.training = training;
    }

    @Override
    public boolean training() {
        return masks.training;
    }

    @Override
    public void setDropoutMaskFrozen(boolean frozen) {
        masks.frozen = frozen;
    }

    @Override
    public boolean dropoutMaskFrozen() {
        return masks.frozen;
    }

    @Override
    public void seedDropout(long seed) {
        masks.rng.reset(seed + DropoutOps.SEED_OFFSET);
    }

    /**
     * The network, one line per layer with its parameter tensors, then the loss, e.g.
     * <pre>
     * Iris (interpreted): 4 -> 3, 131 parameters, at most 128 samples per batch
     *   layer 1: Dense(4 -> 16), from Iris.hidden; hidden.weight [16, 4] at 0, hidden.bias [16] at 64
     *   layer 2: ReLU(16), from Iris.hidden
     *   layer 3: Dense(16 -> 3), from Iris.out; out.weight [3, 16] at 80, out.bias [3] at 128
     *   loss: SOFTMAX_CROSS_ENTROPY
     * </pre>
     */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder()
                .append(name).append(" (interpreted): ").append(inputSize).append(" -> ").append(outputSize)
                .append(", ").append(parameterCount).append(parameterCount == 1 ? " parameter" : " parameters")
                .append(", at most ").append(maxBatch).append(" samples per batch");
        for (Step step : steps) {
            s.append("\n  ").append(step);
        }
        s.append("\n  ").append(loss == null ? "loss: NONE (forward only)" : loss);
        return s.toString();
    }
}
