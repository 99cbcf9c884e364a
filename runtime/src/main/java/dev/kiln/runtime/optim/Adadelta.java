package dev.kiln.runtime.optim;

import static dev.kiln.runtime.Memory.FLOAT;

import dev.kiln.runtime.Memory;
import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * Adadelta (Zeiler, 2012), as PyTorch's {@code torch.optim.Adadelta} without weight decay: the step is the
 * gradient scaled by the ratio of the running root mean squares of past steps and of gradients. At each
 * step, {@code g} the gradient:
 * <pre>{@code
 * v = rho * v + (1 - rho) * g^2                             (v and u start at 0)
 * d = sqrt(u + epsilon) / sqrt(v + epsilon) * g
 * u = rho * u + (1 - rho) * d^2
 * p = p - learningRate * d
 * }</pre>
 * Defaults (PyTorch's): learning rate 1.0, rho 0.9, epsilon 1e-6.
 *
 * <p>State ({@link #state()}), in this order: {@code square_avg}, {@code v}, and {@code acc_delta},
 * {@code u}, one value per parameter each.
 */
public final class Adadelta implements Optimizer {

    /** PyTorch's default learning rate. */
    public static final float DEFAULT_LEARNING_RATE = 1f;
    /** PyTorch's default decay of the running averages. */
    public static final float DEFAULT_RHO = 0.9f;
    /** PyTorch's default term added under the square roots. */
    public static final float DEFAULT_EPSILON = 1e-6f;

    static final String SQUARE_AVG = "square_avg";
    static final String ACC_DELTA = "acc_delta";

    private final float rho;
    private final float epsilon;
    private float learningRate;
    private MemorySegment squareAverage;
    private MemorySegment deltaAverage;

    /** Adadelta with every default: learning rate 1, rho 0.9, epsilon 1e-6. */
    public Adadelta() {
        this(DEFAULT_LEARNING_RATE);
    }

    /**
     * Adadelta with the default rho and epsilon.
     *
     * @throws IllegalArgumentException if {@code learningRate} is not positive and finite
     */
    public Adadelta(float learningRate) {
        this(learningRate, DEFAULT_RHO, DEFAULT_EPSILON);
    }

    /**
     * Adadelta with every hyper-parameter given.
     *
     * @throws IllegalArgumentException naming the argument, if {@code learningRate} or {@code epsilon} is
     *     not positive and finite, or {@code rho} is not in {@code [0, 1)}
     */
    public Adadelta(float learningRate, float rho, float epsilon) {
        this.learningRate = Arguments.positive("learningRate", learningRate);
        this.rho = Arguments.fraction("rho", rho);
        this.epsilon = Arguments.positive("epsilon", epsilon);
    }

    @Override
    public void step(MemorySegment parameters, MemorySegment gradients) {
        long count = Arguments.stepSegments(parameters, gradients,
                squareAverage == null ? -1 : Memory.floats(squareAverage));
        if (squareAverage == null) {
            squareAverage = Memory.allocate(count);
            deltaAverage = Memory.allocate(count);
        }
        long done = Arguments.vectorizable(parameters, gradients)
                ? AdaptiveVectorUpdates.adadelta(parameters, gradients, squareAverage, deltaAverage, learningRate, rho,
                        epsilon, count)
                : 0;
        float oneMinusRho = 1 - rho;
        for (long j = done; j < count; j++) {
            float g = gradients.getAtIndex(FLOAT, j);
            float v = rho * squareAverage.getAtIndex(FLOAT, j) + oneMinusRho * g * g;
            squareAverage.setAtIndex(FLOAT, j, v);
            float u = deltaAverage.getAtIndex(FLOAT, j);
            float d = (float) Math.sqrt(u + epsilon) / (float) Math.sqrt(v + epsilon) * g;
            deltaAverage.setAtIndex(FLOAT, j, rho * u + oneMinusRho * d * d);
            parameters.setAtIndex(FLOAT, j, parameters.getAtIndex(FLOAT, j) - learningRate * d);
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

    /** {@code Adadelta}. */
    @Override
    public String kind() {
        return "Adadelta";
    }

    /** {@code learningRate}, {@code rho}, {@code epsilon}. */
    @Override
    public Map<String, String> hyperparameters() {
        return Hyperparameters.learningRate(learningRate).add("rho", rho).add("epsilon", epsilon).done();
    }

    /** {@code square_avg}, {@code acc_delta} after the first step; else nothing. */
    @Override
    public Map<String, float[]> state() {
        return squareAverage == null ? Map.of()
                : StateTensors.export().add(SQUARE_AVG, squareAverage).add(ACC_DELTA, deltaAverage).done();
    }

    @Override
    public void restoreState(Map<String, float[]> state, long parameterCount) {
        boolean stepped = StateTensors.expect(kind(), parameterCount).perParameter(SQUARE_AVG).perParameter(ACC_DELTA)
                .check(state);
        squareAverage = stepped ? StateTensors.load(state.get(SQUARE_AVG), squareAverage) : null;
        deltaAverage = stepped ? StateTensors.load(state.get(ACC_DELTA), deltaAverage) : null;
    }

    @Override
    public String toString() {
        return Hyperparameters.describe(this);
    }
}
