package dev.kiln.runtime.train;

import dev.kiln.runtime.optim.Optimizer;
import dev.kiln.runtime.optim.Sgd;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Plain SGD that records the learning rate of every step it takes. */
final class RecordingOptimizer implements Optimizer {

    final List<Float> rates = new ArrayList<>();
    private final Sgd sgd;

    RecordingOptimizer(float learningRate) {
        this.sgd = new Sgd(learningRate);
    }

    @Override
    public void step(MemorySegment parameters, MemorySegment gradients) {
        rates.add(sgd.learningRate());
        sgd.step(parameters, gradients);
    }

    @Override
    public float learningRate() {
        return sgd.learningRate();
    }

    @Override
    public void setLearningRate(float learningRate) {
        sgd.setLearningRate(learningRate);
    }

    @Override
    public String kind() {
        return "Recording";
    }

    @Override
    public Map<String, String> hyperparameters() {
        return sgd.hyperparameters();
    }

    @Override
    public Map<String, float[]> state() {
        return sgd.state();
    }

    @Override
    public void restoreState(Map<String, float[]> state, long parameterCount) {
        sgd.restoreState(state, parameterCount);
    }
}
