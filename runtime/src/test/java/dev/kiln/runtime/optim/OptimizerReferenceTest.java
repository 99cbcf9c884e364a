package dev.kiln.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.TestArrays;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every optimizer against its published rule in double precision ({@link Reference}): ten steps of
 * random gradients from random parameters, on arrays (the plain loops) and on native segments (the
 * vector loops when the Vector API is there, 37 values so that both loops run); after every step each
 * parameter and each state tensor agrees within {@code 1e-5 |expected| + 1e-6 max|expected|}, the second
 * term the tensor's largest magnitude, so that float rounding of values near zero passes and a wrong
 * rule does not.
 */
class OptimizerReferenceTest {

    private static final int COUNT = 37;
    private static final int STEPS = 10;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.runtime.optim.OptimizerCases#all")
    void followsItsRuleOnArrays(OptimizerCases.Case c) {
        check(c, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.runtime.optim.OptimizerCases#all")
    void followsItsRuleOnNativeSegments(OptimizerCases.Case c) {
        check(c, true);
    }

    private static void check(OptimizerCases.Case c, boolean nativeMemory) {
        Rng rng = new Rng(17);
        float[] start = TestArrays.uniform(rng, COUNT, 1.0);
        Optimizer optimizer = c.optimizer().get();
        Reference reference = c.reference().get();
        double[] expected = new double[COUNT];
        for (int j = 0; j < COUNT; j++) {
            expected[j] = start[j];
        }
        float[] p = start.clone();
        MemorySegment nativeP = Memory.allocate(COUNT);
        MemorySegment nativeG = Memory.allocate(COUNT);
        Memory.copy(start, 0, nativeP, 0, COUNT);
        for (int step = 1; step <= STEPS; step++) {
            float[] g = TestArrays.uniform(rng, COUNT, 1.0);
            double[] gd = new double[COUNT];
            for (int j = 0; j < COUNT; j++) {
                gd[j] = g[j];
            }
            reference.step(expected, gd);
            if (nativeMemory) {
                Memory.copy(g, 0, nativeG, 0, COUNT);
                optimizer.step(nativeP, nativeG);
                p = TestArrays.floats(nativeP);
            } else {
                optimizer.step(p, g);
            }
            String where = c + ", step " + step;
            assertClose(where + ", parameters", expected, p);
            Map<String, float[]> state = optimizer.state();
            assertEquals(List.copyOf(reference.state.keySet()), List.copyOf(state.keySet()), where);
            for (Map.Entry<String, double[]> tensor : reference.state.entrySet()) {
                assertClose(where + ", " + tensor.getKey(), tensor.getValue(), state.get(tensor.getKey()));
            }
        }
        assertTrue(distance(start, p) > 1e-2, c + " moved the parameters");
    }

    private static void assertClose(String what, double[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what);
        double largest = 0;
        for (double e : expected) {
            largest = Math.max(largest, Math.abs(e));
        }
        for (int j = 0; j < expected.length; j++) {
            double tolerance = 1e-5 * Math.abs(expected[j]) + 1e-6 * largest;
            assertEquals(expected[j], actual[j], tolerance, what + " [" + j + "]");
        }
    }

    private static double distance(float[] a, float[] b) {
        double largest = 0;
        for (int j = 0; j < a.length; j++) {
            largest = Math.max(largest, Math.abs(a[j] - b[j]));
        }
        return largest;
    }
}
