package dev.kiln.runtime.optim;

import static dev.kiln.runtime.Memory.FLOAT;

import dev.kiln.runtime.Memory;
import java.lang.foreign.MemorySegment;

/**
 * Stochastic gradient descent, optionally with momentum, as PyTorch's {@code torch.optim.SGD}
 * (dampening 0, no Nesterov, no weight decay):
 * <pre>{@code
 * v = momentum * v + g     (v starts at 0; skipped without momentum)
 * p = p - learningRate * v
 * }</pre>
 * Without momentum it holds no state.
 */
public final class Sgd implements Optimizer {

    private final float momentum;
    private float learningRate;
    private MemorySegment velocity;

    /**
     * Plain gradient descent, {@code p -= learningRate * g}.
     *
     * @throws IllegalArgumentException if {@code learningRate} is not positive and finite
     */
    public Sgd(float learningRate) {
        this(learningRate, 0f);
    }

    /**
     * Gradient descent with momentum.
     *
     * @throws IllegalArgumentException if {@code learningRate} is not positive and finite, or
     *     {@code momentum} is not in {@code [0, 1)}
     */
    public Sgd(float learningRate, float momentum) {
        this.learningRate = Arguments.positive("learningRate", learningRate);
        this.momentum = Arguments.fraction("momentum", momentum);
    }

    @Override
    public void step(MemorySegment parameters, MemorySegment gradients) {
        long count = Arguments.stepSegments(parameters, gradients, velocity == null ? -1 : Memory.floats(velocity));
        if (momentum == 0) {
            if (Arguments.vectorizable(parameters, gradients)) {
                VectorUpdates.sgd(parameters, gradients, learningRate, count);
                return;
            }
            for (long j = 0; j < count; j++) {
                parameters.setAtIndex(FLOAT, j, parameters.getAtIndex(FLOAT, j) - learningRate * gradients.getAtIndex(FLOAT, j));
            }
            return;
        }
        if (velocity == null) {
            velocity = Memory.allocate(count);
        }
        if (Arguments.vectorizable(parameters, gradients)) {
            VectorUpdates.momentum(parameters, gradients, velocity, learningRate, momentum, count);
            return;
        }
        for (long j = 0; j < count; j++) {
            float v = momentum * velocity.getAtIndex(FLOAT, j) + gradients.getAtIndex(FLOAT, j);
            velocity.setAtIndex(FLOAT, j, v);
            parameters.setAtIndex(FLOAT, j, parameters.getAtIndex(FLOAT, j) - learningRate * v);
        }
    }

    @Override
    public float learningRate() {
        return learningRate;
    }

    @Override
    public void setLearningRate(float learningRate) {
        this.learningRate = Arguments.positive("learningRate", learningRate);
    }
}
