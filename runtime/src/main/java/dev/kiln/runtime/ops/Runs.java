package dev.kiln.runtime.ops;

import static dev.kiln.runtime.Memory.FLOAT;

import dev.kiln.runtime.Vectors;
import java.lang.foreign.MemorySegment;

/**
 * Element-wise work on runs of consecutive floats, as the convolutions need it: with the Vector API
 * ({@link ConvVectors}) when the JVM has it, in plain loops otherwise. Positions are element offsets.
 */
final class Runs {

    private static final boolean VECTORS = Vectors.available();

    private Runs() {
    }

    /** {@code dst[j] = src[j]} for {@code j < n}; the runs must not overlap. */
    static void copy(MemorySegment src, long s, MemorySegment dst, long d, int n) {
        if (VECTORS) {
            ConvVectors.copy(src, s, dst, d, n);
        } else {
            MemorySegment.copy(src, s * Float.BYTES, dst, d * Float.BYTES, (long) n * Float.BYTES);
        }
    }

    /** {@code dst[j] = 0} for {@code j < n}. */
    static void clear(MemorySegment dst, long d, long n) {
        if (VECTORS) {
            ConvVectors.clear(dst, d, n);
        } else {
            for (long j = 0; j < n; j++) {
                dst.setAtIndex(FLOAT, d + j, 0f);
            }
        }
    }

    /** {@code dst[j] = src[j] + bias} for {@code j < n}. */
    static void copyPlus(MemorySegment src, long s, MemorySegment dst, long d, int n, float bias) {
        if (VECTORS) {
            ConvVectors.copyPlus(src, s, dst, d, n, bias);
        } else {
            for (int j = 0; j < n; j++) {
                dst.setAtIndex(FLOAT, d + j, src.getAtIndex(FLOAT, s + j) + bias);
            }
        }
    }

    /** {@code dst[j] += src[j]} for {@code j < n}. */
    static void add(MemorySegment src, long s, MemorySegment dst, long d, int n) {
        if (VECTORS) {
            ConvVectors.add(src, s, dst, d, n);
        } else {
            for (int j = 0; j < n; j++) {
                dst.setAtIndex(FLOAT, d + j, dst.getAtIndex(FLOAT, d + j) + src.getAtIndex(FLOAT, s + j));
            }
        }
    }

    /** {@code sum_j src[j]} for {@code j < n}, in float. */
    static float sum(MemorySegment src, long s, int n) {
        if (VECTORS) {
            return ConvVectors.sum(src, s, n);
        }
        float sum = 0;
        for (int j = 0; j < n; j++) {
            sum += src.getAtIndex(FLOAT, s + j);
        }
        return sum;
    }

    /**
     * {@code g[gb + o] += sum} of every value of output channel {@code o} of {@code batch} samples of
     * {@code dy} ({@code outChannels} planes of {@code pixels} each): the bias gradient.
     */
    static void addBiasGradient(MemorySegment dys, long dy, int batch, int outChannels, int pixels,
                                MemorySegment gs, long gb) {
        for (int o = 0; o < outChannels; o++) {
            float sum = 0;
            for (int s = 0; s < batch; s++) {
                sum += sum(dys, dy + ((long) s * outChannels + o) * pixels, pixels);
            }
            gs.setAtIndex(FLOAT, gb + o, gs.getAtIndex(FLOAT, gb + o) + sum);
        }
    }
}
