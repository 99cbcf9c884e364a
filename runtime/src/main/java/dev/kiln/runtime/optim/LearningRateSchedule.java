package dev.kiln.runtime.optim;

/**
 * A learning rate as a function of training time {@code t}, which {@link dev.kiln.runtime.train.Trainer}
 * applies to the optimizer before each epoch ({@code schedulePerEpoch}) or before each step
 * ({@code schedulePerStep}).
 *
 * <p>{@code t} counts the epochs, or the steps, completed before the one about to run, from the start of
 * {@code fit}: the first epoch (or step) runs with {@code learningRate(0)}, the second with
 * {@code learningRate(1)}, and so on; per step, {@code t} keeps counting across epochs. So every schedule
 * starts at its initial rate, and {@code t} is never negative.
 *
 * <p>The factories ({@code initial} the rate at {@code t = 0}):
 * <pre>{@code
 * constant(initial)                    initial
 * inverseTime(initial, k)              initial / (1 + k t)
 * stepDecay(initial, gamma, every)     initial * gamma^floor(t / every)
 * exponential(initial, gamma)          initial * gamma^t
 * inverseSqrt(initial)                 initial / sqrt(t + 1)
 * }</pre>
 * Any other function is a lambda, e.g. a linear warm-up over the first 5 epochs:
 * {@code t -> 0.01f * Math.min(1, (t + 1) / 5f)}. Factories compute in double and round the result to a
 * float. A schedule must give positive, finite rates; the trainer stops with an exception naming the value
 * and {@code t} otherwise (an exponential decay that underflows to 0, for one).
 */
@FunctionalInterface
public interface LearningRateSchedule {

    /** The learning rate after {@code t} epochs or steps ({@code t >= 0}). */
    float learningRate(long t);

    /**
     * Always {@code initial}.
     *
     * @throws IllegalArgumentException if {@code initial} is not positive and finite
     */
    static LearningRateSchedule constant(float initial) {
        return new Schedules.Constant(Arguments.positive("initial", initial));
    }

    /**
     * Inverse-time decay, {@code initial / (1 + k t)}.
     *
     * @throws IllegalArgumentException naming the argument, if {@code initial} is not positive and finite,
     *     or {@code k} is negative or not finite
     */
    static LearningRateSchedule inverseTime(float initial, double k) {
        return new Schedules.InverseTime(Arguments.positive("initial", initial), Schedules.nonNegative("k", k));
    }

    /**
     * Step decay, {@code initial * gamma^floor(t / every)}: the rate is multiplied by {@code gamma} every
     * {@code every} epochs or steps (PyTorch's {@code StepLR}).
     *
     * @throws IllegalArgumentException naming the argument, if {@code initial} or {@code gamma} is not
     *     positive and finite, or {@code every} is not positive
     */
    static LearningRateSchedule stepDecay(float initial, double gamma, long every) {
        if (every < 1) {
            throw new IllegalArgumentException("every = " + every + " must be positive");
        }
        return new Schedules.StepDecay(Arguments.positive("initial", initial), Schedules.positive("gamma", gamma),
                every);
    }

    /**
     * Exponential decay, {@code initial * gamma^t} (PyTorch's {@code ExponentialLR}).
     *
     * @throws IllegalArgumentException naming the argument, if {@code initial} or {@code gamma} is not
     *     positive and finite
     */
    static LearningRateSchedule exponential(float initial, double gamma) {
        return new Schedules.Exponential(Arguments.positive("initial", initial), Schedules.positive("gamma", gamma));
    }

    /**
     * Inverse-square-root decay, {@code initial / sqrt(t + 1)}: the classic {@code 1 / sqrt(t)} with
     * {@code t} counted from 1, so that it is {@code initial} at the start instead of infinite.
     *
     * @throws IllegalArgumentException if {@code initial} is not positive and finite
     */
    static LearningRateSchedule inverseSqrt(float initial) {
        return new Schedules.InverseSqrt(Arguments.positive("initial", initial));
    }
}
