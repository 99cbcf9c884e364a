package dev.kiln.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Allocations;
import dev.kiln.runtime.Memory;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** {@link Adam}: two steps computed by hand, convergence on a quadratic, and argument checks. */
class AdamTest {

    @Test
    void stepsByHand() {
        Adam adam = new Adam(0.1f);
        float[] p = {1, 1};

        // t = 1: m = 0.1 g, v = 0.001 g^2, so m / (1 - 0.9) = g and sqrt(v / (1 - 0.999)) = |g|: p -= 0.1 sign(g)
        adam.step(p, new float[] {0.5f, -4f});
        assertArrayEquals(new float[] {0.9f, 1.1f}, p, 1e-6f);
        // t = 2 for the first value, g = -1: m = 0.045 - 0.1 = -0.055, v = 0.00024975 + 0.001 = 0.00124975,
        // p = 0.9 - 0.1 (-0.055 / 0.19) / (sqrt(0.00124975 / 0.001999) + 1e-8) = 0.93661035
        adam.step(p, new float[] {-1f, 0f});
        assertEquals(0.93661035f, p[0], 1e-6f);
        // second value, g = 0: m = -0.36, v = 0.015984, p = 1.1 - 0.1 (0.36 / 0.19) / sqrt(0.015984 / 0.001999)
        assertEquals(1.1 + 0.1 * (0.36 / 0.19) / Math.sqrt(0.015984 / 0.001999), p[1], 1e-6);
    }

    @Test
    void hyperParametersAreUsed() {
        Adam adam = new Adam(0.5f, 0.5f, 0.75f, 0.25f);
        float[] p = {0};

        adam.step(p, new float[] {1f});

        // m = 0.5, v = 0.25; corrected: 1 and 1; p = -0.5 * 1 / (1 + 0.25)
        assertArrayEquals(new float[] {-0.4f}, p, 1e-7f);
    }

    @Test
    void minimizesAQuadratic() {
        assertTrue(Quadratic.distanceAfter(new Adam(0.01f), 2000) < 1e-2);
    }

    @Test
    void badHyperParametersAreRejectedByName() {
        assertMessage("learningRate = 0.0 must be positive and finite", () -> new Adam(0f));
        assertMessage("beta1 = 1.0 must be in [0, 1)", () -> new Adam(0.1f, 1f, 0.999f, 1e-8f));
        assertMessage("beta2 = -0.5 must be in [0, 1)", () -> new Adam(0.1f, 0.9f, -0.5f, 1e-8f));
        assertMessage("epsilon = 0.0 must be positive and finite", () -> new Adam(0.1f, 0.9f, 0.999f, 0f));
        assertMessage("learningRate = NaN must be positive and finite",
                () -> new Adam(0.1f).setLearningRate(Float.NaN));
    }

    @Test
    void stateFixesTheLength() {
        Adam adam = new Adam(0.1f);
        adam.step(new float[2], new float[2]);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> adam.step(new float[5], new float[5]));

        assertEquals("step: 5 parameters, but this optimizer was first used with 2; use one optimizer per model",
                e.getMessage());
    }

    @Test
    void gradientsMustMatchParameters() {
        assertMessage("step: 2 parameters but 3 gradients", () -> new Adam(0.1f).step(new float[2], new float[3]));
    }

    @Test
    void stepsAllocateNothingAfterTheFirst() {
        Adam adam = new Adam(0.001f);
        MemorySegment p = Memory.allocate(1000);
        MemorySegment g = Memory.allocate(1000);
        adam.step(p, g);

        assertEquals(0, Allocations.steadyStateBytes(() -> adam.step(p, g), 1000, 50));
    }

    private static void assertMessage(String message, Runnable call) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, call::run).getMessage());
    }
}
