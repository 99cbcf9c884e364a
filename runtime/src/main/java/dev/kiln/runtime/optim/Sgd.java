package dev.kiln.runtime.optim;

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
    private float[] velocity;

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
    public void step(float[] parameters, float[] gradients) {
        Arguments.stepArrays(parameters, gradients, velocity == null ? -1 : velocity.length);
        if (momentum == 0) {
            for (int j = 0; j < parameters.length; j++) {
                parameters[j] -= learningRate * gradients[j];
            }
            return;
        }
        if (velocity == null) {
            velocity = new float[parameters.length];
        }
        for (int j = 0; j < parameters.length; j++) {
            velocity[j] = momentum * velocity[j] + gradients[j];
            parameters[j] -= learningRate * velocity[j];
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
