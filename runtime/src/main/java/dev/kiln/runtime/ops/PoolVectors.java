package dev.kiln.runtime.ops;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 2 x 2, stride-2 max pooling of {@link PoolOps} with the Vector API, one plane per call, with the
 * scalar loops' exact results: the same value for each window (the first of equal values, row-major; a NaN
 * wins) and the gradient to the same input. Used only when the Vector API is present.
 *
 * <p>A vector holds {@code L} consecutive inputs of a row, that is {@code L / 2} windows' halves, the left
 * input of each window in an even lane and the right one in the odd lane after it. The partner of every
 * lane is one rearrangement away ({@link #SWAP}), so each window is settled lane-wise, without a branch:
 * the scalar loops' comparisons, whose outcome is a coin toss on real data, cost a mispredicted branch
 * each, and ran at a quarter of a memory pass's speed. Backward settles which input of a window wins on the
 * comparisons' bits ({@code VectorMask.toLong}), with shifts. The last vector of a row is masked.
 *
 * <p>Vectors never cross a method boundary (see {@code docs/decisions.md}, "Convolution kernels").
 */
final class PoolVectors {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Each lane's partner in its window: lanes 2i and 2i + 1 swapped. */
    private static final VectorShuffle<Float> SWAP = VectorShuffle.fromOp(SPECIES, i -> i ^ 1);
    /** The even lanes moved to the front: lane i takes lane 2i (and the upper half, unused, lane 2i - L). */
    private static final VectorShuffle<Float> EVENS = VectorShuffle.fromOp(SPECIES, i -> (2 * i) % L);
    /** Each of the first L / 2 lanes twice: lane i takes lane i / 2. */
    private static final VectorShuffle<Float> DOUBLE = VectorShuffle.fromOp(SPECIES, i -> i / 2);
    /** The even lanes' bits in a mask's {@code toLong()}: the left input of each window. */
    private static final long EVEN_BITS = 0x5555_5555_5555_5555L;
    /** The odd lanes' bits: the right input of each window. */
    private static final long ODD_BITS = ~EVEN_BITS;
    /** One bit for each lane of a vector. */
    private static final long LANES = (1L << L) - 1;

    private PoolVectors() {
    }

    /** Bits 2i and 2i + 1 swapped: each lane's bit moved to its partner's place. */
    private static long swapPairs(long bits) {
        return (bits >>> 1 & EVEN_BITS) | (bits << 1 & ODD_BITS);
    }

    /**
     * One plane's forward pass: {@code outH x outW} window maxima from {@code ys[out]}, the windows' inputs
     * from {@code xs[in]}, rows {@code inW} apart; with {@code relu}, {@code max(0, maximum)}.
     */
    static void maxForward(MemorySegment xs, long in, MemorySegment ys, long out, int inW, int outH, int outW,
                           boolean relu) {
        int width = 2 * outW; // an odd last column is in no window
        for (int oh = 0; oh < outH; oh++) {
            long upper = (in + 2L * oh * inW) * Float.BYTES;
            long lower = upper + (long) inW * Float.BYTES;
            long outRow = (out + (long) oh * outW) * Float.BYTES;
            for (int q = 0; q < width; q += L) {
                long at = (long) q * Float.BYTES;
                windowMaxima(xs, upper + at, lower + at, ys, outRow + at / 2, Math.min(L, width - q), relu);
            }
        }
    }

    /**
     * The maxima of the {@code n / 2} windows whose upper halves start at byte {@code upper} of {@code xs}
     * and lower halves at {@code lower}, to byte {@code out} of {@code ys}.
     */
    private static void windowMaxima(MemorySegment xs, long upper, long lower, MemorySegment ys, long out, int n,
                                     boolean relu) {
        VectorMask<Float> inputs = SPECIES.indexInRange(0, n);
        FloatVector ul = FloatVector.fromMemorySegment(SPECIES, xs, upper, ORDER, inputs);
        FloatVector ll = FloatVector.fromMemorySegment(SPECIES, xs, lower, ORDER, inputs);
        if (ul.test(VectorOperators.IS_NAN).or(ll.test(VectorOperators.IS_NAN)).anyTrue()) {
            windowMaximaWithNaNs(xs, upper, lower, ys, out, n, relu); // rare: the branch is predicted
            return;
        }
        if (relu) {
            // max(0, the window's maximum) has the same bits whichever of equal inputs wins (a tie of -0 and
            // +0 gives +0 either way): lane-wise maxima, in any order
            FloatVector max = ul.lanewise(VectorOperators.MAX, ul.rearrange(SWAP))
                    .lanewise(VectorOperators.MAX, ll.lanewise(VectorOperators.MAX, ll.rearrange(SWAP)))
                    .lanewise(VectorOperators.MAX, 0f);
            max.rearrange(EVENS).intoMemorySegment(ys, out, ORDER, SPECIES.indexInRange(0, n / 2));
            return;
        }
        // in the even lanes, the scalar order: left, right, lower left, lower right; a value replaces the
        // maximum so far when it is greater
        FloatVector v = ul.rearrange(SWAP);
        FloatVector max = ul.blend(v, v.compare(VectorOperators.GT, ul));
        max = max.blend(ll, ll.compare(VectorOperators.GT, max));
        v = ll.rearrange(SWAP);
        max = max.blend(v, v.compare(VectorOperators.GT, max));
        max.rearrange(EVENS).intoMemorySegment(ys, out, ORDER, SPECIES.indexInRange(0, n / 2));
    }

    /** {@link #windowMaxima} when some input is a NaN: the first NaN of a window wins it. */
    private static void windowMaximaWithNaNs(MemorySegment xs, long upper, long lower, MemorySegment ys, long out,
                                             int n, boolean relu) {
        VectorMask<Float> inputs = SPECIES.indexInRange(0, n);
        FloatVector ul = FloatVector.fromMemorySegment(SPECIES, xs, upper, ORDER, inputs);
        FloatVector ll = FloatVector.fromMemorySegment(SPECIES, xs, lower, ORDER, inputs);
        // a value replaces the maximum so far when it is greater, or when it is a NaN and the maximum is not
        FloatVector v = ul.rearrange(SWAP);
        FloatVector max = ul.blend(v, v.compare(VectorOperators.GT, ul)
                .or(v.test(VectorOperators.IS_NAN).andNot(ul.test(VectorOperators.IS_NAN))));
        max = max.blend(ll, ll.compare(VectorOperators.GT, max)
                .or(ll.test(VectorOperators.IS_NAN).andNot(max.test(VectorOperators.IS_NAN))));
        v = ll.rearrange(SWAP);
        max = max.blend(v, v.compare(VectorOperators.GT, max)
                .or(v.test(VectorOperators.IS_NAN).andNot(max.test(VectorOperators.IS_NAN))));
        if (relu) {
            max = max.lanewise(VectorOperators.MAX, 0f);
        }
        max.rearrange(EVENS).intoMemorySegment(ys, out, ORDER, SPECIES.indexInRange(0, n / 2));
    }

    /**
     * One plane's backward pass, when its windows tile it exactly ({@code inH = 2 outH}, {@code inW = 2
     * outW}): every input of {@code dxs[dIn]} written once, its window's gradient if it is the first input
     * (row-major) equal to the window's output, else 0. Returns false, having written part of the plane, when
     * some window holds no input equal to its output, which is also the case of a NaN (equal to nothing): the
     * caller then runs the scalar loops on the plane, which give a NaN's gradient to the first NaN and report
     * a window that matches nothing. With {@code relu}, {@code xs} holds a ReLU's input and {@code ys} the
     * pooled ReLU output: a window whose output is not positive passes 0 to all its inputs.
     */
    static boolean maxBackward(MemorySegment xs, long in, MemorySegment ys, long out, MemorySegment dys, long dOut,
                               MemorySegment dxs, long dIn, int inW, int outH, int outW, boolean relu) {
        for (int oh = 0; oh < outH; oh++) {
            long upper = (in + 2L * oh * inW) * Float.BYTES;
            long lower = upper + (long) inW * Float.BYTES;
            long outRow = (long) oh * outW * Float.BYTES;
            long dUpper = (dIn + 2L * oh * inW) * Float.BYTES;
            long dLower = dUpper + (long) inW * Float.BYTES;
            for (int q = 0; q < inW; q += L) {
                int n = Math.min(L, inW - q);
                long valid = (1L << n) - 1; // n <= L <= 16
                long at = (long) q * Float.BYTES;
                long window = out * Float.BYTES + outRow + at / 2;
                long bits = hits(xs, upper + at, lower + at, ys, window, n, relu);
                long upperHit = bits & LANES;
                long lowerHit = bits >>> L & LANES;
                long upperAny = upperHit | swapPairs(upperHit);
                // with a ReLU, only the windows whose output is positive pass a gradient, and must match
                long passing = relu ? bits >>> 2 * L & valid : valid;
                if (((upperAny | lowerHit | swapPairs(lowerHit)) & passing) != passing) {
                    return false;
                }
                upperHit &= passing;
                lowerHit &= passing;
                upperAny &= passing;
                // a left input wins on its own; a right one only when its left partner does not
                long upperWins = upperHit & ~(upperHit << 1 & ODD_BITS);
                long lowerWins = lowerHit & ~upperAny & ~(lowerHit << 1 & ODD_BITS);
                long gradient = dOut * Float.BYTES + outRow + at / 2;
                scatter(dys, gradient, upperWins | lowerWins << L, dxs, dUpper + at, dLower + at, n);
            }
        }
        return true;
    }

    /**
     * The comparisons of one vector of each of two input rows (from bytes {@code upper} and {@code lower} of
     * {@code xs}, {@code n} inputs) with their windows' maxima (from byte {@code max} of {@code ys}, {@code
     * n / 2} windows), one bit per lane: bits {@code [0, L)} where an upper input equals its maximum, {@code
     * [L, 2L)} the lower ones, and with {@code relu}, {@code [2L, 3L)} where the maximum is positive.
     */
    private static long hits(MemorySegment xs, long upper, long lower, MemorySegment ys, long max, int n,
                             boolean relu) {
        FloatVector maxima = FloatVector.fromMemorySegment(SPECIES, ys, max, ORDER, SPECIES.indexInRange(0, n / 2))
                .rearrange(DOUBLE);
        VectorMask<Float> inputs = SPECIES.indexInRange(0, n);
        long upperHit = FloatVector.fromMemorySegment(SPECIES, xs, upper, ORDER, inputs)
                .compare(VectorOperators.EQ, maxima).toLong();
        long lowerHit = FloatVector.fromMemorySegment(SPECIES, xs, lower, ORDER, inputs)
                .compare(VectorOperators.EQ, maxima).toLong();
        long positive = relu ? maxima.compare(VectorOperators.GT, 0f).toLong() : 0;
        return upperHit | lowerHit << L | positive << 2 * L;
    }

    /**
     * Writes {@code n} input gradients from byte {@code upper} and from byte {@code lower} of {@code dxs}: the
     * window's gradient (from byte {@code dy} of {@code dys}, {@code n / 2} windows) where the lane's bit in
     * {@code wins} is set (bits {@code [0, L)} for the upper row, {@code [L, 2L)} the lower), else 0.
     */
    private static void scatter(MemorySegment dys, long dy, long wins, MemorySegment dxs, long upper, long lower,
                                int n) {
        FloatVector gradient = FloatVector.fromMemorySegment(SPECIES, dys, dy, ORDER, SPECIES.indexInRange(0, n / 2))
                .rearrange(DOUBLE);
        VectorMask<Float> inputs = SPECIES.indexInRange(0, n);
        FloatVector zero = FloatVector.zero(SPECIES);
        zero.blend(gradient, VectorMask.fromLong(SPECIES, wins & LANES)).intoMemorySegment(dxs, upper, ORDER, inputs);
        zero.blend(gradient, VectorMask.fromLong(SPECIES, wins >>> L & LANES))
                .intoMemorySegment(dxs, lower, ORDER, inputs);
    }
}
