package dev.kiln.runtime.interpret;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Parameter;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.blas.Blas;
import dev.kiln.runtime.init.Initializers;
import dev.kiln.runtime.ops.RecurrentOps;
import dev.kiln.runtime.ops.SequenceOps;
import dev.kiln.spec.Init;
import dev.kiln.spec.RecurrentSpec;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A recurrent layer through {@link RecurrentOps}: PyTorch's four tensors ({@code weight_ih},
 * {@code weight_hh}, {@code bias_ih}, {@code bias_hh}) in the model's parameters, its carried state and
 * workspace in slices of its own. It always reads its input as a dense sequence (after a one-hot layer,
 * the encoded vectors), so that it checks the generated class's lookup of ids.
 */
final class RecurrentStep extends Step {

    private final Blas blas;
    private final RecurrentSpec spec;
    private final RecurrentOps.Cell cell;
    private final MemorySegment params;
    private final MemorySegment layerParams;
    private final MemorySegment layerGrads;
    private final MemorySegment state;
    private final MemorySegment work;
    /** Every step's hidden state when the output is only the last one's, else the output itself. */
    private final MemorySegment sequence;
    private final MemorySegment sequenceGradient;
    private final long weight;
    private final int steps;
    private final int features;
    private final int units;
    private final int maxBatch;
    private final List<Parameter> parameters;

    /**
     * @param extra the layer's own memory: state, then (for the last step only) the sequence and its
     *              gradient, then the workspace; {@link #memoryFloats} of it
     */
    RecurrentStep(Wiring wiring, Blas blas, RecurrentSpec spec, MemorySegment params, MemorySegment grads,
                  MemorySegment extra, String field, long weight, int maxBatch) {
        super(wiring);
        this.blas = blas;
        this.spec = spec;
        this.cell = RecurrentOps.Cell.valueOf(spec.cell().name());
        this.params = params;
        this.weight = weight;
        this.steps = wiring.inputShape().getFirst();
        this.features = wiring.inputShape().getLast();
        this.units = spec.units();
        this.maxBatch = maxBatch;
        int count = parameterCount(spec, features);
        this.layerParams = Memory.slice(params, weight, count);
        this.layerGrads = Memory.slice(grads, weight, count);
        long stateFloats = stateFloats(spec, maxBatch);
        long sequenceFloats = (long) maxBatch * steps * units;
        this.state = Memory.slice(extra, 0, stateFloats);
        long at = stateFloats;
        if (spec.returnSequences()) {
            this.sequence = wiring.output();
            this.sequenceGradient = wiring.outputGradient();
        } else {
            this.sequence = Memory.slice(extra, at, sequenceFloats);
            this.sequenceGradient = Memory.slice(extra, at + sequenceFloats, sequenceFloats);
            at += 2 * sequenceFloats;
        }
        this.work = Memory.slice(extra, at, RecurrentOps.workspaceFloats(cell, maxBatch, steps, units));
        int gates = spec.cell().gates() * units;
        String f = field + ".";
        this.parameters = List.of(
                new Parameter(f + "weight_ih", (int) weight, List.of(gates, features)),
                new Parameter(f + "weight_hh", (int) (weight + whh()), List.of(gates, units)),
                new Parameter(f + "bias_ih", (int) (weight + bih()), List.of(gates)),
                new Parameter(f + "bias_hh", (int) (weight + bhh()), List.of(gates)));
    }

    /** The parameters of {@code spec} on steps of {@code features} values: its four tensors. */
    static int parameterCount(RecurrentSpec spec, int features) {
        return spec.cell().gates() * spec.units() * (features + spec.units() + 2);
    }

    private static long stateFloats(RecurrentSpec spec, int maxBatch) {
        return (long) maxBatch * spec.units() * (spec.cell() == RecurrentSpec.Cell.LSTM ? 2 : 1);
    }

    /** The floats of the layer's own memory: state, the sequence and its gradient (last step only), workspace. */
    static long memoryFloats(RecurrentSpec spec, int steps, int maxBatch) {
        long sequence = spec.returnSequences() ? 0 : 2L * maxBatch * steps * spec.units();
        return stateFloats(spec, maxBatch) + sequence + RecurrentOps.workspaceFloats(
                RecurrentOps.Cell.valueOf(spec.cell().name()), maxBatch, steps, spec.units());
    }

    private long whh() {
        return (long) spec.cell().gates() * units * features;
    }

    private long bih() {
        return whh() + (long) spec.cell().gates() * units * units;
    }

    private long bhh() {
        return bih() + (long) spec.cell().gates() * units;
    }

    /** Zeroes the carried state. */
    void resetState() {
        Memory.clear(state, 0, Memory.floats(state));
    }

    @Override
    void forward(int batch) {
        if (!spec.stateful()) {
            resetState();
        }
        long c0 = spec.cell() == RecurrentSpec.Cell.LSTM ? (long) maxBatch * units : 0;
        RecurrentOps.forward(cell, blas, wiring.input(), 0, layerParams, 0, whh(), bih(), bhh(), sequence, 0, state,
                0, c0, work, 0, batch, steps, features, units);
        if (!spec.returnSequences()) {
            SequenceOps.lastStep(sequence, 0, wiring.output(), 0, batch, steps, units);
        }
    }

    @Override
    void backward(int batch, boolean inputGradient) {
        Wiring w = wiring;
        if (!spec.returnSequences()) {
            SequenceOps.lastStepBackward(w.outputGradient(), 0, sequenceGradient, 0, batch, steps, units);
        }
        RecurrentOps.backward(cell, blas, w.input(), 0, layerParams, 0, whh(), sequenceGradient, 0, layerGrads, 0,
                whh(), bih(), bhh(), inputGradient && w.inputGradient() != null ? w.inputGradient() : null, 0, work, 0,
                batch, steps, features, units);
    }

    @Override
    void initialize(Rng rng) {
        double bound = 1 / Math.sqrt(units);
        int gates = spec.cell().gates() * units;
        Initializers.fill(params, weight, gates * features, Init.UNIFORM, bound, features, units, rng);
        Initializers.fill(params, weight + whh(), gates * units, Init.UNIFORM, bound, units, units, rng);
        Initializers.zeros(params, weight + bih(), gates);
        Initializers.zeros(params, weight + bhh(), gates);
        if (spec.cell() == RecurrentSpec.Cell.LSTM) {
            Initializers.constant(params, weight + bih() + units, units, (float) spec.forgetBias());
        }
        resetState();
    }

    @Override
    List<Parameter> parameters() {
        return parameters;
    }
}
