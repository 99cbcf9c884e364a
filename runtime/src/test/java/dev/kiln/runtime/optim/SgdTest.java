package dev.kiln.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Allocations;
import dev.kiln.runtime.Memory;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Sgd}: two steps computed by hand, convergence on a quadratic, and argument checks. */
class SgdTest {

    @Test
    void plainStepsByHand() {
        Sgd sgd = new Sgd(0.1f);
        float[] p = {1, -2};

        sgd.step(p, new float[] {0.5f, 1});
        assertArrayEquals(new float[] {0.95f, -2.1f}, p, 1e-6f);
        sgd.step(p, new float[] {0.5f, 1});
        assertArrayEquals(new float[] {0.9f, -2.2f}, p, 1e-6f);
    }

    @Test
    void momentumStepsByHand() {
        Sgd sgd = new Sgd(0.1f, 0.9f);
        float[] p = {1, -2};

        // v = (0.5, 1); p = (1 - 0.05, -2 - 0.1)
        sgd.step(p, new float[] {0.5f, 1});
        assertArrayEquals(new float[] {0.95f, -2.1f}, p, 1e-6f);
        // v = 0.9 (0.5, 1) + (0.2, -1) = (0.65, -0.1); p = (0.95 - 0.065, -2.1 + 0.01)
        sgd.step(p, new float[] {0.2f, -1});
        assertArrayEquals(new float[] {0.885f, -2.09f}, p, 1e-6f);
    }

    @Test
    void minimizesAQuadratic() {
        assertTrue(Quadratic.distanceAfter(new Sgd(0.2f), 300) < 1e-4);
        assertTrue(Quadratic.distanceAfter(new Sgd(0.05f, 0.9f), 300) < 1e-4);
    }

    @Test
    void theLearningRateCanBeChanged() {
        Sgd sgd = new Sgd(0.1f);
        sgd.setLearningRate(0.5f);
        float[] p = {1};

        sgd.step(p, new float[] {1});

        assertEquals(0.5f, sgd.learningRate());
        assertArrayEquals(new float[] {0.5f}, p);
    }

    @ParameterizedTest
    @ValueSource(floats = {0f, -0.1f, Float.NaN, Float.POSITIVE_INFINITY})
    void aBadLearningRateIsRejected(float learningRate) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Sgd(learningRate));
        assertEquals("learningRate = " + learningRate + " must be positive and finite", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Sgd(0.1f).setLearningRate(learningRate));
    }

    @ParameterizedTest
    @ValueSource(floats = {-0.1f, 1f, Float.NaN})
    void aBadMomentumIsRejected(float momentum) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Sgd(0.1f, momentum));
        assertEquals("momentum = " + momentum + " must be in [0, 1)", e.getMessage());
    }

    @Test
    void gradientsMustMatchParameters() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Sgd(0.1f).step(new float[3], new float[2]));

        assertEquals("step: 3 parameters but 2 gradients", e.getMessage());
    }

    @Test
    void momentumStateFixesTheLength() {
        Sgd sgd = new Sgd(0.1f, 0.5f);
        sgd.step(new float[3], new float[3]);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sgd.step(new float[4], new float[4]));

        assertEquals("step: 4 parameters, but this optimizer was first used with 3; use one optimizer per model",
                e.getMessage());
    }

    @Test
    void plainSgdHoldsNoStateSoAnyLengthWorks() {
        Sgd sgd = new Sgd(0.1f);
        sgd.step(new float[3], new float[3]);
        float[] p = {1, 1, 1, 1};

        sgd.step(p, new float[] {1, 1, 1, 1});

        assertArrayEquals(new float[] {0.9f, 0.9f, 0.9f, 0.9f}, p);
    }

    @Test
    void stepsAllocateNothingAfterTheFirst() {
        Sgd sgd = new Sgd(0.01f, 0.9f);
        MemorySegment p = Memory.allocate(1000);
        MemorySegment g = Memory.allocate(1000);
        sgd.step(p, g);

        assertEquals(0, Allocations.steadyStateBytes(() -> sgd.step(p, g), 1000, 50));
    }
}
