package dev.kiln.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.runtime.Allocations;
import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.TestArrays;
import dev.kiln.runtime.Vectors;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every optimizer: the vector loops (native segments, the Vector API present, as the build's tests
 * run) give exactly the bits of the plain loops (arrays), parameters and state, over a length that
 * spans blocks and leaves a remainder after the whole vectors; and a step allocates nothing once the state
 * exists.
 */
class VectorLoopsTest {

    /** Two whole blocks of the vector loops, part of a third, and a remainder after the whole vectors. */
    private static final int COUNT = 2 * VectorUpdates.BLOCK + 989;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.runtime.optim.OptimizerCases#all")
    void vectorLoopsGiveThePlainLoopsBits(OptimizerCases.Case c) {
        assumeTrue(Vectors.available(), "the Vector API is not available to this JVM");
        Rng rng = new Rng(5);
        float[] p = TestArrays.uniform(rng, COUNT, 2.0);
        MemorySegment nativeP = Memory.allocate(COUNT);
        MemorySegment nativeG = Memory.allocate(COUNT);
        Memory.copy(p, 0, nativeP, 0, COUNT);
        Optimizer plain = c.optimizer().get();
        Optimizer vector = c.optimizer().get();
        for (int step = 1; step <= 6; step++) {
            float[] g = TestArrays.uniform(rng, COUNT, 3.0);
            Memory.copy(g, 0, nativeG, 0, COUNT);
            plain.step(p, g);
            vector.step(nativeP, nativeG);
            assertArrayEquals(p, TestArrays.floats(nativeP), c + ", step " + step + ", parameters");
            Map<String, float[]> vectorState = vector.state();
            for (Map.Entry<String, float[]> tensor : plain.state().entrySet()) {
                assertArrayEquals(tensor.getValue(), vectorState.get(tensor.getKey()),
                        c + ", step " + step + ", " + tensor.getKey());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.runtime.optim.OptimizerCases#all")
    void stepsAllocateNothingAfterTheFirst(OptimizerCases.Case c) {
        Rng rng = new Rng(9);
        MemorySegment p = Memory.allocate(1000);
        MemorySegment g = Memory.allocate(1000);
        Memory.copy(TestArrays.uniform(rng, 1000, 1.0), 0, p, 0, 1000);
        Memory.copy(TestArrays.uniform(rng, 1000, 1.0), 0, g, 0, 1000);
        Optimizer optimizer = c.optimizer().get();
        optimizer.step(p, g);

        assertEquals(0, Allocations.steadyStateBytes(() -> optimizer.step(p, g), 1000, 50), c.name());
    }
}
