package dev.kiln.runtime.optim;

/**
 * Adam (Kingma and Ba, 2015) with bias correction, as PyTorch's {@code torch.optim.Adam} (no weight
 * decay, no AMSGrad). At step {@code t = 1, 2, ...}:
 * <pre>{@code
 * m = beta1 * m + (1 - beta1) * g
 * v = beta2 * v + (1 - beta2) * g^2
 * p = p - learningRate / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon)
 * }</pre>
 */
public final class Adam implements Optimizer {

    /** The default decay of the first-moment estimate. */
    public static final float DEFAULT_BETA1 = 0.9f;
    /** The default decay of the second-moment estimate. */
    public static final float DEFAULT_BETA2 = 0.999f;
    /** The default term added to the denominator for stability. */
    public static final float DEFAULT_EPSILON = 1e-8f;

    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private float learningRate;
    private float[] firstMoment;
    private float[] secondMoment;
    private int steps;

    /**
     * Adam with the usual defaults: betas 0.9 and 0.999, epsilon 1e-8.
     *
     * @throws IllegalArgumentException if {@code learningRate} is not positive and finite
     */
    public Adam(float learningRate) {
        this(learningRate, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON);
    }

    /**
     * Adam with every hyper-parameter given.
     *
     * @throws IllegalArgumentException naming the argument, if {@code learningRate} is not positive and
     *     finite, a beta is not in {@code [0, 1)}, or {@code epsilon} is not positive and finite
     */
    public Adam(float learningRate, float beta1, float beta2, float epsilon) {
        this.learningRate = Arguments.positive("learningRate", learningRate);
        this.beta1 = Arguments.fraction("beta1", beta1);
        this.beta2 = Arguments.fraction("beta2", beta2);
        this.epsilon = Arguments.positive("epsilon", epsilon);
    }

    @Override
    public void step(float[] parameters, float[] gradients) {
        Arguments.stepArrays(parameters, gradients, firstMoment == null ? -1 : firstMoment.length);
        if (firstMoment == null) {
            firstMoment = new float[parameters.length];
            secondMoment = new float[parameters.length];
        }
        steps++;
        float stepSize = (float) (learningRate / (1 - Math.pow(beta1, steps)));
        float correction2 = (float) Math.sqrt(1 - Math.pow(beta2, steps));
        for (int j = 0; j < parameters.length; j++) {
            float g = gradients[j];
            firstMoment[j] = beta1 * firstMoment[j] + (1 - beta1) * g;
            secondMoment[j] = beta2 * secondMoment[j] + (1 - beta2) * g * g;
            float denominator = (float) Math.sqrt(secondMoment[j]) / correction2 + epsilon;
            parameters[j] -= stepSize * firstMoment[j] / denominator;
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
