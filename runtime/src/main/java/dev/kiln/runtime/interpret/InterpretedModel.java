package dev.kiln.runtime.interpret;

import dev.kiln.runtime.Checks;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.Parameter;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.blas.Blas;
import dev.kiln.runtime.blas.Blases;
import dev.kiln.runtime.ops.DenseOps;
import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
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
 *   <li>parameters: per Dense layer in order, the weight ({@code [out, in]}, row-major) and then the bias,
 *       packed in one array, named {@code <field>.weight} and {@code <field>.bias}, where the field is the
 *       part of the layer's {@link LayerSpec#source() source} after its last dot;</li>
 *   <li>buffers: each layer writes its own output buffer and receives its own output gradient, both
 *       allocated once for {@link NetworkSpec#maxBatch()} samples;</li>
 *   <li>initialization: one {@link Rng} seeded with the seed, drawn from layer by layer.</li>
 * </ul>
 * A forward pass then runs the steps in order and a backward pass runs them in reverse, each calling the
 * same kernels with the same arguments as the generated code, so that outputs, losses and gradients are
 * bit-for-bit those of the generated class on the same parameters and inputs. Nothing is allocated after
 * construction.
 *
 * <p>When the loss absorbs a last softmax or sigmoid ({@link NetworkSpec#lossFusesLastActivation()}),
 * {@link #forward} still applies it (the output is probabilities), the loss reads the logits, and the
 * backward pass skips that layer. Like a generated class, the model keeps a reference to the input of the
 * last forward pass, which must not change before {@link #backward()}. Not thread-safe.
 */
public final class InterpretedModel implements Model {

    private final NetworkSpec spec;
    private final String name;
    private final int inputSize;
    private final int outputSize;
    private final int maxBatch;

    private final float[] params;
    private final float[] grads;
    private final List<Parameter> layout;
    private final float[] inputGrad;

    /** The caller's input of the last forward pass, read by the first layer in both passes. */
    private final Slot input = new Slot(null);
    /** Where the first layer's backward pass writes: {@link #inputGrad} when enabled, else nowhere. */
    private final Slot inputGradient = new Slot(null);

    /** Every layer, in forward order. */
    private final Step[] steps;
    /** The layers the backward pass runs, in the order it runs them (without a layer the loss absorbs). */
    private final Step[] backwardSteps;
    /** The loss, or null when the network declares none. */
    private final LossStep loss;
    private final float[] output;

    /** Samples in the last forward pass; 0 before the first. */
    private int batch;
    /** Whether {@link #loss} ran after the last forward pass. */
    private boolean lossReady;

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
        this.params = new float[parameterCount(spec)];
        this.grads = new float[params.length];
        this.inputGrad = new float[maxBatch * inputSize];

        Blas blas = Blases.get();
        List<LayerSpec> layers = spec.layers();
        List<Integer> sizes = spec.layerInputSizes();
        int count = layers.size();
        boolean fused = spec.lossFusesLastActivation();
        this.steps = new Step[count];
        List<Parameter> parameters = new ArrayList<>();
        Slot previousOutput = input;
        Slot previousGradient = inputGradient;
        int offset = 0;
        for (int i = 0; i < count; i++) {
            int in = sizes.get(i);
            int out = sizes.get(i + 1);
            boolean absorbed = fused && i == count - 1;
            float[] y = new float[maxBatch * out];
            float[] dy = absorbed ? null : new float[maxBatch * out];
            // each layer reads the previous layer's output and writes its gradient back into that layer's
            Wiring wiring = new Wiring(i + 1, layers.get(i), in, out, previousOutput, y, dy, previousGradient);
            // the kind of layer picks its step: a new kind is a new case here and a new Step subclass
            steps[i] = switch (layers.get(i)) {
                case DenseSpec dense -> {
                    int weight = offset;
                    int bias = dense.bias() ? weight + out * in : DenseOps.NO_BIAS;
                    offset += DenseStep.parameterCount(in, out, dense.bias());
                    yield new DenseStep(wiring, blas, params, grads, field(dense.source()), weight, bias,
                            spec.initOf(i), dense.scale());
                }
                case ActivationSpec activation -> ActivationStep.of(activation, wiring);
            };
            parameters.addAll(steps[i].parameters());
            previousOutput = new Slot(y);
            previousGradient = new Slot(dy);
        }
        this.layout = List.copyOf(parameters);
        this.output = steps[count - 1].wiring.output();
        this.backwardSteps = Arrays.copyOf(steps, fused ? count - 1 : count);
        reverse(backwardSteps);
        this.loss = lossStep(spec, steps, fused);
    }

    /**
     * The loss step: it reads the network's output and writes the last layer's output gradient, or, when
     * it absorbs the last layer, reads that layer's input and writes that layer's input gradient (for a
     * network of that one layer, the network's input gradient, whether enabled or not).
     */
    private LossStep lossStep(NetworkSpec spec, Step[] steps, boolean fused) {
        if (spec.loss() == Loss.NONE) {
            return null;
        }
        Wiring last = steps[steps.length - 1].wiring;
        if (fused) {
            float[] gradient = steps.length == 1 ? inputGrad : last.inputGradient().array;
            return new LossStep(spec.loss(), last.input(), gradient, last.inputSize(), steps[steps.length - 1]);
        }
        return new LossStep(spec.loss(), new Slot(last.output()), last.outputGradient(), last.outputSize(), null);
    }

    private static int parameterCount(NetworkSpec spec) {
        List<Integer> sizes = spec.layerInputSizes();
        int count = 0;
        for (int i = 0; i < spec.layers().size(); i++) {
            if (spec.layers().get(i) instanceof DenseSpec dense) {
                count += DenseStep.parameterCount(sizes.get(i), sizes.get(i + 1), dense.bias());
            }
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
    public float[] parameters() {
        return params;
    }

    @Override
    public float[] gradients() {
        return grads;
    }

    /**
     * {@inheritDoc} The draws are those of the generated class: layer by layer, each Dense weight filled
     * from its (resolved) initialization and each bias set to zero, from one generator.
     */
    @Override
    public void initialize(long seed) {
        Rng rng = new Rng(seed);
        for (Step step : steps) {
            step.initialize(rng);
        }
    }

    @Override
    public float[] forward(float[] input, int offset, int batch) {
        Checks.forwardArguments(name, input, offset, batch, inputSize, maxBatch);
        this.input.array = input;
        this.input.offset = offset;
        this.batch = batch;
        this.lossReady = false;
        for (Step step : steps) {
            step.forward(batch);
        }
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
        float value = loss.compute(target, offset, batch);
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
            step.backward(batch);
        }
    }

    private String noLoss() {
        return name + " declares no loss; declare one, e.g. @Network(loss = Loss.MSE), to train it";
    }

    @Override
    public void zeroGradients() {
        Arrays.fill(grads, 0f);
    }

    @Override
    public void setInputGradientEnabled(boolean enabled) {
        inputGradient.array = enabled ? inputGrad : null;
    }

    @Override
    public float[] inputGradient() {
        return inputGrad;
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
                .append(", ").append(params.length).append(params.length == 1 ? " parameter" : " parameters")
                .append(", at most ").append(maxBatch).append(" samples per batch");
        for (Step step : steps) {
            s.append("\n  ").append(step);
        }
        s.append("\n  ").append(loss == null ? "loss: NONE (forward only)" : loss);
        return s.toString();
    }
}
