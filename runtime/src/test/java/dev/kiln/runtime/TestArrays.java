package dev.kiln.runtime;

import java.util.Arrays;

/** Random and filled arrays for tests, all drawn from a seeded {@link Rng}. */
public final class TestArrays {

    private TestArrays() {
    }

    /** {@code n} values uniform in {@code (-bound, bound)}. */
    public static float[] uniform(Rng rng, int n, double bound) {
        float[] values = new float[n];
        for (int j = 0; j < n; j++) {
            values[j] = (float) (bound * (2 * rng.nextDouble() - 1));
        }
        return values;
    }

    /**
     * {@code n} values uniform in {@code (-bound, bound)} with magnitude at least {@code gap}, so that a
     * finite difference of step far below {@code gap} never straddles a kink at zero.
     */
    public static float[] awayFromZero(Rng rng, int n, double gap, double bound) {
        float[] values = new float[n];
        for (int j = 0; j < n; j++) {
            double magnitude = gap + (bound - gap) * rng.nextDouble();
            values[j] = (float) (rng.nextDouble() < 0.5 ? -magnitude : magnitude);
        }
        return values;
    }

    /** {@code n} copies of {@code value}. */
    public static float[] filled(int n, float value) {
        float[] values = new float[n];
        Arrays.fill(values, value);
        return values;
    }

    /** A copy of every float of a segment, e.g. a model's parameters. */
    public static float[] floats(java.lang.foreign.MemorySegment segment) {
        return segment.toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT);
    }
}
