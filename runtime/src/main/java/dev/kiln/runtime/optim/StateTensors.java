package dev.kiln.runtime.optim;

import static dev.kiln.runtime.Memory.FLOAT;

import dev.kiln.runtime.Memory;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How optimizers export and restore their state ({@link Optimizer#state()},
 * {@link Optimizer#restoreState}): copies of the state segments under their names, in a fixed order, and
 * the check that a state to restore has exactly the tensors an optimizer expects, of the right lengths,
 * reporting every mismatch at once.
 */
final class StateTensors {

    /** The name of the step counter, a tensor of one value. */
    static final String STEP = "step";

    /**
     * The largest step count: a float counter stops at 2^24 (16,777,216), where adding one no longer changes
     * it. The count is kept as a float, as PyTorch keeps it, so that it is exported and restored exactly.
     */
    static final float MAX_STEP = 16_777_216f;

    private StateTensors() {
    }

    /** An empty, ordered state to add tensors to. */
    static Export export() {
        return new Export();
    }

    /** The tensors an optimizer of {@code kind} expects for {@code parameterCount} parameters. */
    static Expected expect(String kind, long parameterCount) {
        if (parameterCount < 0) {
            throw new IllegalArgumentException("parameterCount = " + parameterCount + " must be zero or positive");
        }
        return new Expected(kind, parameterCount);
    }

    /**
     * A segment holding {@code values}: {@code reuse} when it has their length (so that restoring into an
     * optimizer that already holds state allocates nothing), else a new one.
     */
    static MemorySegment load(float[] values, MemorySegment reuse) {
        MemorySegment target = reuse != null && Memory.floats(reuse) == values.length
                ? reuse : Memory.allocate(values.length);
        Memory.copy(values, 0, target, 0, values.length);
        return target;
    }

    /** A state being exported: named copies, in the order added. */
    static final class Export {

        private final Map<String, float[]> tensors = new LinkedHashMap<>();

        private Export() {
        }

        /** Adds a copy of every float of {@code segment}. */
        Export add(String name, MemorySegment segment) {
            tensors.put(name, segment.toArray(FLOAT));
            return this;
        }

        /** Adds the step counter, as a tensor of one value. */
        Export step(float step) {
            tensors.put(STEP, new float[] {step});
            return this;
        }

        /** The state, unmodifiable (its arrays are the caller's to keep). */
        Map<String, float[]> done() {
            return Collections.unmodifiableMap(tensors);
        }
    }

    /** The tensors an optimizer expects, in its documented order, and the check of a state against them. */
    static final class Expected {

        private final String kind;
        private final long parameterCount;
        private final Map<String, Long> lengths = new LinkedHashMap<>();

        private Expected(String kind, long parameterCount) {
            this.kind = kind;
            this.parameterCount = parameterCount;
        }

        /** Expects a tensor of one value per parameter. */
        Expected perParameter(String name) {
            lengths.put(name, parameterCount);
            return this;
        }

        /** Expects the step counter: one whole number in {@code [0, MAX_STEP]}. */
        Expected step() {
            lengths.put(STEP, 1L);
            return this;
        }

        /**
         * Checks {@code state} against the expected tensors.
         *
         * @return false if {@code state} is empty (the state of an optimizer that has not stepped yet), true
         *     if it holds every expected tensor and nothing else
         * @throws IllegalArgumentException listing every tensor that is missing, null, of the wrong length,
         *     not expected, or (the step) not a valid count, and the tensors expected
         */
        boolean check(Map<String, float[]> state) {
            Objects.requireNonNull(state, "state");
            if (state.isEmpty()) {
                return false;
            }
            List<String> problems = new ArrayList<>();
            for (Map.Entry<String, Long> entry : lengths.entrySet()) {
                String name = entry.getKey();
                long length = entry.getValue();
                float[] values = state.get(name);
                if (values == null) {
                    problems.add(name + (state.containsKey(name) ? " is null" : " is missing"));
                } else if (values.length != length) {
                    problems.add(name + " has " + values.length + " values, expected " + length);
                } else if (name.equals(STEP) && !validStep(values[0])) {
                    problems.add("step = " + values[0] + " is not a whole number in [0, " + (long) MAX_STEP + "]");
                }
            }
            for (String name : state.keySet()) {
                if (!lengths.containsKey(name)) {
                    problems.add(name + " is not part of this optimizer's state");
                }
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(kind + ": cannot restore this state for " + parameterCount
                        + " parameters: " + String.join("; ", problems) + ". " + expected());
            }
            return true;
        }

        private String expected() {
            if (lengths.isEmpty()) {
                return kind + " holds no state with these hyper-parameters: restore an empty map";
            }
            List<String> each = new ArrayList<>();
            lengths.forEach((name, length) -> each.add(name + " [" + length + "]"));
            return "Expected " + String.join(", ", each) + ", or an empty map for the state before the first step";
        }

        private static boolean validStep(float step) {
            return step >= 0 && step <= MAX_STEP && step == Math.rint(step);
        }
    }
}
