package dev.kiln.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.TestArrays;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Exporting and restoring optimizer state: the documented names in their order, copies, a restored
 * optimizer continuing bit for bit as one that never stopped, and every mismatch reported.
 */
class OptimizerStateTest {

    private static final int COUNT = 45;

    /** A run of random gradients, the same for every optimizer that replays it. */
    private static List<float[]> gradients(int steps) {
        Rng rng = new Rng(23);
        List<float[]> gradients = new ArrayList<>();
        for (int s = 0; s < steps; s++) {
            gradients.add(TestArrays.uniform(rng, COUNT, 1.0));
        }
        return gradients;
    }

    private static float[] start() {
        return TestArrays.uniform(new Rng(29), COUNT, 1.0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.runtime.optim.OptimizerCases#all")
    void theStateHasTheDocumentedNamesInOrder(OptimizerCases.Case c) {
        Optimizer optimizer = c.optimizer().get();
        assertEquals(Map.of(), optimizer.state(), "no state before the first step");

        optimizer.step(start(), gradients(1).getFirst());

        Map<String, float[]> state = optimizer.state();
        assertEquals(c.state(), List.copyOf(state.keySet()));
        state.forEach((name, values) -> assertEquals(name.equals("step") ? 1 : COUNT, values.length, name));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.runtime.optim.OptimizerCases#all")
    void aRestoredOptimizerContinuesBitForBitOnArrays(OptimizerCases.Case c) {
        float[] uninterrupted = start();
        float[] resumed = start();
        Optimizer first = c.optimizer().get();
        Optimizer before = c.optimizer().get();
        Optimizer after = c.optimizer().get();
        after.step(new float[COUNT], TestArrays.filled(COUNT, 0.5f)); // state to be replaced
        List<float[]> gradients = gradients(9);

        for (int s = 0; s < gradients.size(); s++) {
            first.step(uninterrupted, gradients.get(s));
            if (s == 4) {
                after.restoreState(before.state(), COUNT);
            }
            (s < 4 ? before : after).step(resumed, gradients.get(s));
        }

        assertArrayEquals(uninterrupted, resumed, c.name());
        assertStatesEqual(first.state(), after.state());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.runtime.optim.OptimizerCases#all")
    void aRestoredOptimizerContinuesBitForBitOnNativeSegments(OptimizerCases.Case c) {
        MemorySegment uninterrupted = Memory.allocate(COUNT);
        MemorySegment resumed = Memory.allocate(COUNT);
        MemorySegment g = Memory.allocate(COUNT);
        Memory.copy(start(), 0, uninterrupted, 0, COUNT);
        Memory.copy(start(), 0, resumed, 0, COUNT);
        Optimizer first = c.optimizer().get();
        Optimizer before = c.optimizer().get();
        Optimizer after = c.optimizer().get();
        List<float[]> gradients = gradients(9);

        for (int s = 0; s < gradients.size(); s++) {
            Memory.copy(gradients.get(s), 0, g, 0, COUNT);
            first.step(uninterrupted, g);
            if (s == 5) {
                after.restoreState(before.state(), COUNT);
            }
            (s < 5 ? before : after).step(resumed, g);
        }

        assertArrayEquals(TestArrays.floats(uninterrupted), TestArrays.floats(resumed), c.name());
        assertStatesEqual(first.state(), after.state());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.runtime.optim.OptimizerCases#all")
    void anEmptyStateRestoresTheStateBeforeTheFirstStep(OptimizerCases.Case c) {
        float[] fresh = start();
        float[] reset = start();
        Optimizer used = c.optimizer().get();
        used.step(new float[COUNT], TestArrays.filled(COUNT, 1f));
        used.restoreState(Map.of(), COUNT);
        assertEquals(Map.of(), used.state());
        Optimizer unused = c.optimizer().get();

        for (float[] g : gradients(3)) {
            unused.step(fresh, g);
            used.step(reset, g);
        }

        assertArrayEquals(fresh, reset, c.name());
    }

    @Test
    void theStateIsACopyAndRestoringCopiesToo() {
        Adam adam = new Adam(0.1f);
        adam.step(new float[] {1, 2}, new float[] {0.5f, -0.5f});
        Map<String, float[]> state = adam.state();
        Map<String, float[]> kept = new LinkedHashMap<>();
        state.forEach((name, values) -> kept.put(name, values.clone()));

        state.get("exp_avg")[0] = 99f;
        assertThrows(UnsupportedOperationException.class, () -> state.put("x", new float[1]));
        assertStatesEqual(kept, adam.state());

        Map<String, float[]> given = new HashMap<>();
        kept.forEach((name, values) -> given.put(name, values.clone()));
        Adam restored = new Adam(0.1f);
        restored.restoreState(given, 2);
        given.get("exp_avg_sq")[1] = -1f;
        assertStatesEqual(kept, restored.state());
    }

    @Test
    void theStepCounterStopsAt2To24AsAFloatCounterDoes() {
        Adam adam = new Adam(0.1f);
        adam.restoreState(Map.of("step", new float[] {16_777_216f}, "exp_avg", new float[1],
                "exp_avg_sq", new float[1]), 1);

        adam.step(new float[1], new float[] {1f});

        assertEquals(16_777_216f, adam.state().get("step")[0]);
    }

    @Test
    void aMismatchedStateListsEveryProblem() {
        Map<String, float[]> state = new LinkedHashMap<>();
        state.put("step", new float[] {2.5f});
        state.put("exp_avg", new float[9]);
        state.put("momentum_buffer", new float[10]);
        state.put("exp_avg_sq", null);
        Adam adam = new Adam(0.1f);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adam.restoreState(state, 10));

        assertEquals("Adam: cannot restore this state for 10 parameters: step = 2.5 is not a whole number in"
                + " [0, 16777216]; exp_avg has 9 values, expected 10; exp_avg_sq is null; momentum_buffer is not part"
                + " of this optimizer's state. Expected step [1], exp_avg [10], exp_avg_sq [10], or an empty map for"
                + " the state before the first step", e.getMessage());
        assertEquals(Map.of(), adam.state(), "a rejected state changes nothing");
    }

    @Test
    void aMissingTensorAndAStepTooLargeAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RmsProp(0.1f, 0.9f, 1e-8f,
                0.5f).restoreState(Map.of("square_avg", new float[3], "step", new float[] {3f}), 3));

        assertEquals("RmsProp: cannot restore this state for 3 parameters: momentum_buffer is missing; step is not"
                + " part of this optimizer's state. Expected square_avg [3], momentum_buffer [3], or an empty map for"
                + " the state before the first step", e.getMessage());
    }

    @Test
    void aStepBeyond2To24IsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new AdamW().restoreState(
                Map.of("step", new float[] {33_554_432f}, "exp_avg", new float[2], "exp_avg_sq", new float[2]), 2));

        assertEquals("AdamW: cannot restore this state for 2 parameters: step = 3.3554432E7 is not a whole number in"
                + " [0, 16777216]. Expected step [1], exp_avg [2], exp_avg_sq [2], or an empty map for the state"
                + " before the first step", e.getMessage());
    }

    @Test
    void aStatelessOptimizerAcceptsOnlyAnEmptyState() {
        Sgd sgd = new Sgd(0.1f);
        sgd.restoreState(Map.of(), 4);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sgd.restoreState(Map.of("momentum_buffer", new float[4]), 4));

        assertEquals("Sgd: cannot restore this state for 4 parameters: momentum_buffer is not part of this"
                + " optimizer's state. Sgd holds no state with these hyper-parameters: restore an empty map",
                e.getMessage());
    }

    @Test
    void aNegativeParameterCountIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Adagrad().restoreState(Map.of(), -1));

        assertEquals("parameterCount = -1 must be zero or positive", e.getMessage());
    }

    @Test
    void aRestoredStateFixesTheParameterCount() {
        Adadelta adadelta = new Adadelta();
        adadelta.restoreState(Map.of("square_avg", new float[3], "acc_delta", new float[3]), 3);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> adadelta.step(new float[4], new float[4]));

        assertEquals("step: 4 parameters, but this optimizer was first used with 3; use one optimizer per model",
                e.getMessage());
    }

    @Test
    void restoringReplacesTheStateInsteadOfAddingToIt() {
        Adagrad adagrad = new Adagrad(0.1f);
        adagrad.step(new float[2], new float[] {1f, 2f});
        assertNotEquals(0f, adagrad.state().get("sum")[0]);

        adagrad.restoreState(Map.of("sum", new float[] {4f, 9f}), 2);

        assertArrayEquals(new float[] {4f, 9f}, adagrad.state().get("sum"));
    }

    private static void assertStatesEqual(Map<String, float[]> expected, Map<String, float[]> actual) {
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()));
        expected.forEach((name, values) -> assertArrayEquals(values, actual.get(name), name));
    }
}
