package dev.kiln.runtime.init;

import static dev.kiln.runtime.Memory.FLOAT;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Rng;
import dev.kiln.spec.Init;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Fills parameter tensors with their initial values, drawn from {@link Init}'s distributions. The draws
 * come from the given {@link Rng} in index order, so a seed fixes the result. Positions are element
 * offsets into the segment.
 */
public final class Initializers {

    private Initializers() {
    }

    /**
     * Fills the {@code count} floats of {@code p} from element {@code offset} from {@code init}'s
     * distribution.
     *
     * @param scale  the bound of {@link Init#UNIFORM} and standard deviation of {@link Init#NORMAL};
     *               ignored by the others
     * @param fanIn  the layer's input width (used by the Xavier and He schemes)
     * @param fanOut the layer's output width (used by the Xavier schemes)
     * @throws IllegalArgumentException for {@link Init#AUTO}, which the caller resolves first (see
     *     {@link dev.kiln.spec.NetworkSpec#initOf}), for a negative or non-finite scale where it is used,
     *     and for a non-positive fan where it is used
     */
    public static void fill(MemorySegment p, long offset, int count, Init init, double scale, int fanIn, int fanOut,
                            Rng rng) {
        Objects.requireNonNull(init, "init");
        switch (init) {
            case AUTO -> throw new IllegalArgumentException(
                    "Init.AUTO must be resolved to a concrete scheme before filling (NetworkSpec.initOf)");
            case ZEROS -> zeros(p, offset, count);
            case UNIFORM -> uniform(p, offset, count, requireScale(init, scale), rng);
            case NORMAL -> normal(p, offset, count, requireScale(init, scale), rng);
            case XAVIER_UNIFORM -> uniform(p, offset, count, Math.sqrt(6.0 / fans(init, fanIn, fanOut)), rng);
            case XAVIER_NORMAL -> normal(p, offset, count, Math.sqrt(2.0 / fans(init, fanIn, fanOut)), rng);
            case HE_UNIFORM -> uniform(p, offset, count, Math.sqrt(6.0 / fan(init, "fanIn", fanIn)), rng);
            case HE_NORMAL -> normal(p, offset, count, Math.sqrt(2.0 / fan(init, "fanIn", fanIn)), rng);
        }
    }

    /** Sets {@code count} floats of {@code p} from element {@code offset} to {@code value}, e.g. PReLU's slopes to 0.25. */
    public static void constant(MemorySegment p, long offset, int count, float value) {
        for (int j = 0; j < count; j++) {
            p.setAtIndex(FLOAT, offset + j, value);
        }
    }

    /** Sets {@code count} floats of {@code p} from element {@code offset} to zero. */
    public static void zeros(MemorySegment p, long offset, int count) {
        Memory.clear(p, offset, count);
    }

    /** {@code U(-bound, bound)}. */
    private static void uniform(MemorySegment p, long offset, int count, double bound, Rng rng) {
        for (int j = 0; j < count; j++) {
            p.setAtIndex(FLOAT, offset + j, (float) (bound * (2 * rng.nextDouble() - 1)));
        }
    }

    /** {@code N(0, deviation^2)}. */
    private static void normal(MemorySegment p, long offset, int count, double deviation, Rng rng) {
        for (int j = 0; j < count; j++) {
            p.setAtIndex(FLOAT, offset + j, (float) (deviation * rng.nextGaussian()));
        }
    }

    private static double requireScale(Init init, double scale) {
        if (!(scale >= 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException(init + ": scale = " + scale + " must be finite and not negative");
        }
        return scale;
    }

    private static double fans(Init init, int fanIn, int fanOut) {
        return (double) fan(init, "fanIn", fanIn) + fan(init, "fanOut", fanOut);
    }

    private static int fan(Init init, String name, int fan) {
        if (fan <= 0) {
            throw new IllegalArgumentException(init + ": " + name + " = " + fan + " must be positive");
        }
        return fan;
    }
}
