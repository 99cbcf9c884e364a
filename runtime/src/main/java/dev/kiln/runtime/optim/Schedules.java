package dev.kiln.runtime.optim;

/** The schedules {@link LearningRateSchedule}'s factories make, as records so that they print their arguments. */
final class Schedules {

    private Schedules() {
    }

    static double nonNegative(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " = " + value + " must be zero or positive, and finite");
        }
        return value;
    }

    static double positive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " = " + value + " must be positive and finite");
        }
        return value;
    }

    /** {@code initial}. */
    record Constant(float initial) implements LearningRateSchedule {
        @Override
        public float learningRate(long t) {
            return initial;
        }
    }

    /** {@code initial / (1 + k t)}. */
    record InverseTime(float initial, double k) implements LearningRateSchedule {
        @Override
        public float learningRate(long t) {
            return (float) (initial / (1 + k * t));
        }
    }

    /** {@code initial * gamma^floor(t / every)}. */
    record StepDecay(float initial, double gamma, long every) implements LearningRateSchedule {
        @Override
        public float learningRate(long t) {
            return (float) (initial * Math.pow(gamma, t / every));
        }
    }

    /** {@code initial * gamma^t}. */
    record Exponential(float initial, double gamma) implements LearningRateSchedule {
        @Override
        public float learningRate(long t) {
            return (float) (initial * Math.pow(gamma, t));
        }
    }

    /** {@code initial / sqrt(t + 1)}. */
    record InverseSqrt(float initial) implements LearningRateSchedule {
        @Override
        public float learningRate(long t) {
            return (float) (initial / Math.sqrt(t + 1.0));
        }
    }
}
