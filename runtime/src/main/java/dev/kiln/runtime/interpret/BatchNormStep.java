package dev.kiln.runtime.interpret;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Parameter;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.init.Initializers;
import dev.kiln.runtime.ops.BatchNormOps;
import dev.kiln.spec.BatchNormSpec;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Batch normalization through {@link BatchNormOps}: its scale and shift sit in the model's parameters, its
 * running statistics in the model's state. The model's mode picks the statistics at each forward pass, and
 * the backward pass goes through the ones that pass used.
 */
final class BatchNormStep extends Step {

    private final DropoutMasks mode;
    private final MemorySegment params;
    private final MemorySegment state;
    private final MemorySegment layerParams;
    private final MemorySegment layerGrads;
    private final MemorySegment saved;
    private final long weight;
    private final long runningMean;
    private final int channels;
    private final int spatial;
    private final float momentum;
    private final float epsilon;
    private final List<Parameter> parameters;
    private final List<Parameter> stateTensors;
    /** Whether the last forward pass normalized with the batch's statistics. */
    private boolean batchStatistics;

    BatchNormStep(Wiring wiring, DropoutMasks mode, MemorySegment params, MemorySegment grads, MemorySegment state,
                  MemorySegment saved, String field, long weight, long runningMean, BatchNormSpec norm) {
        super(wiring);
        this.mode = mode;
        this.params = params;
        this.state = state;
        this.saved = saved;
        this.weight = weight;
        this.runningMean = runningMean;
        this.channels = BatchNormSpec.channels(wiring.inputShape());
        this.spatial = BatchNormSpec.spatial(wiring.inputShape());
        this.layerParams = Memory.slice(params, weight, 2L * channels);
        this.layerGrads = Memory.slice(grads, weight, 2L * channels);
        this.momentum = (float) norm.momentum();
        this.epsilon = (float) norm.epsilon();
        this.parameters = List.of(new Parameter(field + ".weight", (int) weight, List.of(channels)),
                new Parameter(field + ".bias", (int) weight + channels, List.of(channels)));
        this.stateTensors = List.of(new Parameter(field + ".running_mean", (int) runningMean, List.of(channels)),
                new Parameter(field + ".running_var", (int) runningMean + channels, List.of(channels)));
    }

    @Override
    void forward(int batch) {
        Wiring w = wiring;
        batchStatistics = mode.training;
        if (batchStatistics) {
            BatchNormOps.forwardTraining(w.input(), 0, layerParams, 0, channels, w.output(), 0, state, runningMean,
                    runningMean + channels, saved, 0, batch, channels, spatial, momentum, epsilon);
        } else {
            BatchNormOps.forwardInference(w.input(), 0, layerParams, 0, channels, w.output(), 0, state, runningMean,
                    runningMean + channels, batch, channels, spatial, epsilon);
        }
    }

    @Override
    void backward(int batch, boolean inputGradient) {
        Wiring w = wiring;
        MemorySegment dx = inputGradient ? w.inputGradient() : null;
        if (batchStatistics) {
            BatchNormOps.backwardTraining(w.input(), 0, layerParams, 0, w.outputGradient(), 0, layerGrads, 0,
                    channels, dx, 0, saved, 0, batch, channels, spatial);
        } else {
            BatchNormOps.backwardInference(w.input(), 0, layerParams, 0, channels, w.outputGradient(), 0, layerGrads,
                    0, channels, dx, 0, state, runningMean, runningMean + channels, batch, channels, spatial, epsilon);
        }
    }

    @Override
    void initialize(Rng rng) {
        Initializers.constant(params, weight, channels, 1f);
        Initializers.zeros(params, weight + channels, channels);
        Initializers.zeros(state, runningMean, channels);
        Initializers.constant(state, runningMean + channels, channels, 1f);
    }

    @Override
    List<Parameter> parameters() {
        return parameters;
    }

    /** Its running mean and variance, in the model's state. */
    List<Parameter> state() {
        return stateTensors;
    }
}
