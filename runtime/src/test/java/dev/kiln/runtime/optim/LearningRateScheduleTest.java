package dev.kiln.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The schedules' documented values, computed by hand, and their argument checks. */
class LearningRateScheduleTest {

    /** Relative: the float rounding of the initial rate and of the result. */
    private static final double TOLERANCE = 2e-7;

    @Test
    void constant() {
        LearningRateSchedule schedule = LearningRateSchedule.constant(0.1f);

        assertEquals(0.1f, schedule.learningRate(0));
        assertEquals(0.1f, schedule.learningRate(1_000_000));
    }

    @Test
    void inverseTimeIsInitialOverOnePlusKt() {
        LearningRateSchedule schedule = LearningRateSchedule.inverseTime(0.1f, 0.5);

        assertRate(0.1, schedule.learningRate(0));
        assertRate(0.1 / 1.5, schedule.learningRate(1));
        assertRate(0.05, schedule.learningRate(2));
        assertRate(0.025, schedule.learningRate(6));
    }

    @Test
    void stepDecayMultipliesByGammaEveryNUnits() {
        LearningRateSchedule schedule = LearningRateSchedule.stepDecay(0.1f, 0.5, 3);

        double[] expected = {0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025};
        for (int t = 0; t < expected.length; t++) {
            assertRate(expected[t], schedule.learningRate(t), "t = " + t);
        }
    }

    @Test
    void exponentialIsInitialTimesGammaToTheT() {
        LearningRateSchedule schedule = LearningRateSchedule.exponential(0.2f, 0.9);

        assertRate(0.2, schedule.learningRate(0));
        assertRate(0.18, schedule.learningRate(1));
        assertRate(0.162, schedule.learningRate(2));
        assertRate(0.0697356880, schedule.learningRate(10));
    }

    @Test
    void inverseSqrtCountsTFromOne() {
        LearningRateSchedule schedule = LearningRateSchedule.inverseSqrt(0.3f);

        assertRate(0.3, schedule.learningRate(0));
        assertRate(0.3 / Math.sqrt(2), schedule.learningRate(1));
        assertRate(0.15, schedule.learningRate(3));
        assertRate(0.1, schedule.learningRate(8));
    }

    @Test
    void anyFunctionIsASchedule() {
        LearningRateSchedule warmUp = t -> 0.01f * Math.min(1, (t + 1) / 5f);

        assertRate(0.002, warmUp.learningRate(0));
        assertRate(0.01, warmUp.learningRate(4));
        assertRate(0.01, warmUp.learningRate(40));
    }

    @Test
    void factoriesPrintTheirArguments() {
        assertEquals("StepDecay[initial=0.1, gamma=0.5, every=3]",
                LearningRateSchedule.stepDecay(0.1f, 0.5, 3).toString());
    }

    @Test
    void aBadInitialRateIsRejected() {
        assertMessage("initial = 0.0 must be positive and finite", () -> LearningRateSchedule.constant(0f));
        assertMessage("initial = NaN must be positive and finite", () -> LearningRateSchedule.inverseTime(Float.NaN, 1));
        assertMessage("initial = -0.1 must be positive and finite", () -> LearningRateSchedule.stepDecay(-0.1f, 0.5, 1));
        assertMessage("initial = Infinity must be positive and finite",
                () -> LearningRateSchedule.exponential(Float.POSITIVE_INFINITY, 0.9));
        assertMessage("initial = 0.0 must be positive and finite", () -> LearningRateSchedule.inverseSqrt(0f));
    }

    @Test
    void aBadKIsRejected() {
        assertMessage("k = -0.5 must be zero or positive, and finite", () -> LearningRateSchedule.inverseTime(0.1f, -0.5));
        assertMessage("k = Infinity must be zero or positive, and finite",
                () -> LearningRateSchedule.inverseTime(0.1f, Double.POSITIVE_INFINITY));
    }

    @Test
    void aBadGammaIsRejected() {
        assertMessage("gamma = 0.0 must be positive and finite", () -> LearningRateSchedule.stepDecay(0.1f, 0, 2));
        assertMessage("gamma = NaN must be positive and finite", () -> LearningRateSchedule.exponential(0.1f, Double.NaN));
    }

    @Test
    void aBadPeriodIsRejected() {
        assertMessage("every = 0 must be positive", () -> LearningRateSchedule.stepDecay(0.1f, 0.5, 0));
    }

    private static void assertRate(double expected, float actual) {
        assertRate(expected, actual, "");
    }

    private static void assertRate(double expected, float actual, String where) {
        assertEquals(expected, actual, TOLERANCE * expected, where);
    }

    private static void assertMessage(String message, Runnable call) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, call::run).getMessage());
    }
}
