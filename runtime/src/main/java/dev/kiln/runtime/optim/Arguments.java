package dev.kiln.runtime.optim;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Vectors;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/** Checks of optimizer hyper-parameters and step arguments, with messages naming the argument. */
final class Arguments {

    private Arguments() {
    }

    /** {@code value}, if positive and finite. */
    static float positive(String name, float value) {
        if (!(value > 0) || Float.isInfinite(value)) {
            throw new IllegalArgumentException(name + " = " + value + " must be positive and finite");
        }
        return value;
    }

    /** {@code value}, if zero or positive, and finite. */
    static float nonNegative(String name, float value) {
        if (!(value >= 0) || Float.isInfinite(value)) {
            throw new IllegalArgumentException(name + " = " + value + " must be zero or positive, and finite");
        }
        return value;
    }

    /** {@code value}, if in {@code [0, 1)}. */
    static float fraction(String name, float value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(name + " = " + value + " must be in [0, 1)");
        }
        return value;
    }

    /**
     * Checks that {@code parameters} and {@code gradients} have the same length and, once the optimizer
     * holds state ({@code stateLength >= 0}), the length of that state; returns the length.
     */
    static long stepSegments(MemorySegment parameters, MemorySegment gradients, long stateLength) {
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(gradients, "gradients");
        long count = Memory.floats(parameters);
        if (count != Memory.floats(gradients)) {
            throw new IllegalArgumentException("step: " + count + " parameters but "
                    + Memory.floats(gradients) + " gradients");
        }
        if (stateLength >= 0 && count != stateLength) {
            throw new IllegalArgumentException("step: " + count + " parameters, but this optimizer"
                    + " was first used with " + stateLength + "; use one optimizer per model");
        }
        return count;
    }

    /** Whether a vector kernel may update these segments: the Vector API is there and they are native. */
    static boolean vectorizable(MemorySegment parameters, MemorySegment gradients) {
        return Vectors.available() && parameters.isNative() && gradients.isNative();
    }
}
