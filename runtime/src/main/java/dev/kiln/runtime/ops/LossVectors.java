package dev.kiln.runtime.ops;

import dev.kiln.runtime.LaneFolds;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax cross-entropy of {@link Losses} with the Vector API, one row per call: one exponential per
 * logit, in float ({@code VectorOperators.EXP}), where the scalar loops take two in double. On the
 * char-LSTM's 2,048 rows of 114 logits that pass took about a fifth of a training step. Used only when the
 * Vector API is present; the sums are reduced to double once per row.
 */
final class LossVectors {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private LossVectors() {
    }

    /** The floats in one vector: rows narrower than this take the scalar loops. */
    static int lanes() {
        return L;
    }

    /**
     * One row of {@link Losses#softmaxCrossEntropyWithLogits}: {@code width} logits from byte {@code z} of
     * {@code zs}, targets from byte {@code t} of {@code ts}; writes {@code scale (softmax(z)_j sum_k t_k -
     * t_j)} from byte {@code d} of {@code ds} (which may be the logits themselves) and returns the row's
     * loss, {@code sum_j t_j (logSumExp(z) - z_j)}.
     */
    static double softmaxCrossEntropyRow(MemorySegment zs, long z, MemorySegment ts, long t, MemorySegment ds,
                                         long d, int width, float scale) {
        // small methods, one loop each: as one method the JIT's first tier gave up on it ("out of virtual
        // registers"), and it then ran, boxing its vectors, in the tier below for good
        float max = max(zs, z, width);
        double targetSum = sum(ts, t, width);
        double targetLogits = dot(ts, t, zs, z, width); // before the exponentials overwrite logits in place
        double sumExp = exponentials(zs, z, max, ds, d, width);
        gradient(ds, d, ts, t, width, (float) (scale * targetSum / sumExp), -scale);
        return (max + Math.log(sumExp)) * targetSum - targetLogits;
    }

    /** The largest of {@code width} floats from byte {@code x} (a NaN if there is one). */
    private static float max(MemorySegment xs, long x, int width) {
        FloatVector maxima = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < width; j += L) {
            VectorMask<Float> lanes = SPECIES.indexInRange(j, width);
            maxima = maxima.lanewise(VectorOperators.MAX,
                    FloatVector.fromMemorySegment(SPECIES, xs, x + (long) j * Float.BYTES, ORDER, lanes), lanes);
        }
        return maxima.reduceLanes(VectorOperators.MAX);
    }

    /** The sum of {@code width} floats from byte {@code x}. */
    private static float sum(MemorySegment xs, long x, int width) {
        FloatVector sums = FloatVector.zero(SPECIES);
        for (int j = 0; j < width; j += L) {
            sums = sums.add(FloatVector.fromMemorySegment(SPECIES, xs, x + (long) j * Float.BYTES, ORDER,
                    SPECIES.indexInRange(j, width)));
        }
        // sums's lanes summed in a fixed order (LaneFolds), into lane 0
        if (L >= 16) {
            sums = sums.add(sums.rearrange(LaneFolds.BY_8));
        }
        if (L >= 8) {
            sums = sums.add(sums.rearrange(LaneFolds.BY_4));
        }
        if (L >= 4) {
            sums = sums.add(sums.rearrange(LaneFolds.BY_2));
        }
        sums = sums.add(sums.rearrange(LaneFolds.BY_1));
        return sums.lane(0);
    }

    /** The dot product of {@code width} floats from byte {@code x} and from byte {@code y}. */
    private static float dot(MemorySegment xs, long x, MemorySegment ys, long y, int width) {
        FloatVector sums = FloatVector.zero(SPECIES);
        for (int j = 0; j < width; j += L) {
            VectorMask<Float> lanes = SPECIES.indexInRange(j, width);
            long at = (long) j * Float.BYTES;
            sums = FloatVector.fromMemorySegment(SPECIES, xs, x + at, ORDER, lanes)
                    .fma(FloatVector.fromMemorySegment(SPECIES, ys, y + at, ORDER, lanes), sums);
        }
        // sums's lanes summed in a fixed order (LaneFolds), into lane 0
        if (L >= 16) {
            sums = sums.add(sums.rearrange(LaneFolds.BY_8));
        }
        if (L >= 8) {
            sums = sums.add(sums.rearrange(LaneFolds.BY_4));
        }
        if (L >= 4) {
            sums = sums.add(sums.rearrange(LaneFolds.BY_2));
        }
        sums = sums.add(sums.rearrange(LaneFolds.BY_1));
        return sums.lane(0);
    }

    /** {@code e_j = exp(z_j - max)} from byte {@code e} of {@code es}; returns their sum. */
    private static float exponentials(MemorySegment zs, long z, float max, MemorySegment es, long e, int width) {
        FloatVector sums = FloatVector.zero(SPECIES);
        for (int j = 0; j < width; j += L) {
            VectorMask<Float> lanes = SPECIES.indexInRange(j, width);
            long at = (long) j * Float.BYTES;
            FloatVector exp = FloatVector.fromMemorySegment(SPECIES, zs, z + at, ORDER, lanes).sub(max)
                    .lanewise(VectorOperators.EXP);
            sums = sums.add(exp, lanes);
            exp.intoMemorySegment(es, e + at, ORDER, lanes);
        }
        // sums's lanes summed in a fixed order (LaneFolds), into lane 0
        if (L >= 16) {
            sums = sums.add(sums.rearrange(LaneFolds.BY_8));
        }
        if (L >= 8) {
            sums = sums.add(sums.rearrange(LaneFolds.BY_4));
        }
        if (L >= 4) {
            sums = sums.add(sums.rearrange(LaneFolds.BY_2));
        }
        sums = sums.add(sums.rearrange(LaneFolds.BY_1));
        return sums.lane(0);
    }

    /** {@code d_j = e_j a + t_j b} in place of the {@code e_j} from byte {@code d}. */
    private static void gradient(MemorySegment ds, long d, MemorySegment ts, long t, int width, float a, float b) {
        FloatVector va = FloatVector.broadcast(SPECIES, a);
        FloatVector vb = FloatVector.broadcast(SPECIES, b);
        for (int j = 0; j < width; j += L) {
            VectorMask<Float> lanes = SPECIES.indexInRange(j, width);
            long at = (long) j * Float.BYTES;
            FloatVector.fromMemorySegment(SPECIES, ds, d + at, ORDER, lanes)
                    .fma(va, FloatVector.fromMemorySegment(SPECIES, ts, t + at, ORDER, lanes).mul(vb))
                    .intoMemorySegment(ds, d + at, ORDER, lanes);
        }
    }
}
