package dev.kiln.runtime.ops;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
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
 * comparisons' bits ({@code VectorMask.toLong}), with shifts.
 *
 * <p>Masked loads and stores cost several times an unmasked one, so the common cases use none. Forward with
 * its ReLU (whose lane-wise maxima need no order) and backward cover a row of at least {@code L} inputs with
 * whole vectors, the last one moved back to end with the row: it computes again some windows of the vector
 * before and writes the same values. A row narrower than {@code L} takes one vector for its two rows, the
 * lower row loaded from where it starts: the lanes past the row are computed and written too, on the
 * windows (or gradients) that follow, which are written after. The rows where a vector would reach past
 * the floats the caller allows (the rest of the batch) are left to the scalar loops, as is the whole plane
 * when half vectors do not exist; forward without a ReLU uses masked vectors. Vector code that runs only for
 * such rare rows would seldom be compiled, and would allocate each time it ran uncompiled.
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
    /** Whether half vectors exist (of 2 floats or more): the unmasked kernels, which store them, run only then. */
    private static final boolean UNMASKED = L >= 4;
    /** Half a vector: the window maxima (or gradients) of a whole vector of inputs. */
    private static final VectorSpecies<Float> HALF =
            UNMASKED ? SPECIES.withShape(VectorShape.forBitSize(SPECIES.vectorBitSize() / 2)) : SPECIES;

    private PoolVectors() {
    }

    /** Bits 2i and 2i + 1 swapped: each lane's bit moved to its partner's place. */
    private static long swapPairs(long bits) {
        return (bits >>> 1 & EVEN_BITS) | (bits << 1 & ODD_BITS);
    }

    /**
     * One plane's forward pass: {@code outH x outW} window maxima from {@code ys[out]}, the windows' inputs
     * from {@code xs[in]}, rows {@code inW} apart; with {@code relu}, {@code max(0, maximum)}. The call may
     * read {@code inputRoom} floats from {@code in}, and write {@code outputRoom} from {@code out}: past the
     * plane, those of the planes written after it (see the class comment). Returns how many rows of windows
     * it did, the first ones; the scalar loops do the others.
     */
    static int maxForward(MemorySegment xs, long in, MemorySegment ys, long out, int inW, int outH, int outW,
                           boolean relu, long inputRoom, long outputRoom) {
        int width = 2 * outW; // an odd last column is in no window
        if (relu && UNMASKED) {
            return width >= L ? reluRows(xs, in, ys, out, inW, outH, outW)
                    : reluRowPairs(xs, in, ys, out, inW, outH, outW, inputRoom, outputRoom);
        }
        for (int oh = 0; oh < outH; oh++) {
            long upper = (in + 2L * oh * inW) * Float.BYTES;
            long lower = upper + (long) inW * Float.BYTES;
            long outRow = (out + (long) oh * outW) * Float.BYTES;
            for (int q = 0; q < width; q += L) {
                long at = (long) q * Float.BYTES;
                windowMaxima(xs, upper + at, lower + at, ys, outRow + at / 2, Math.min(L, width - q), relu);
            }
        }
        return outH;
    }

    /**
     * Rows of at least {@code L} inputs with their ReLU: whole vectors, the last one moved back. Returns
     * {@code outH}, every row done. With the ReLU, a window's value is the lane-wise maximum of its inputs and
     * 0 in any order: a NaN gives a NaN, and equal inputs have the same bits but for -0 and +0, which the 0
     * settles.
     */
    private static int reluRows(MemorySegment xs, long in, MemorySegment ys, long out, int inW, int outH,
                                int outW) {
        int last = 2 * outW - L; // even, as L is
        for (int oh = 0; oh < outH; oh++) {
            long upper = (in + 2L * oh * inW) * Float.BYTES;
            long lower = upper + (long) inW * Float.BYTES;
            long outRow = (out + (long) oh * outW) * Float.BYTES;
            for (int q = 0; ; q += L) {
                int column = Math.min(q, last);
                long at = (long) column * Float.BYTES;
                reluMaxima(xs, upper + at, lower + at, ys, outRow + at / 2);
                if (column == last) {
                    break;
                }
            }
        }
        return outH;
    }

    /**
     * Rows narrower than {@code L} with their ReLU: a vector for each row of windows. Returns how many rows
     * of windows are done, the first ones: all but those whose vectors would reach past the room.
     */
    private static int reluRowPairs(MemorySegment xs, long in, MemorySegment ys, long out, int inW, int outH,
                                    int outW, long inputRoom, long outputRoom) {
        int rows = rowPairsInside(inW, outH, outW, inputRoom, outputRoom);
        for (int oh = 0; oh < rows; oh++) {
            long upper = (in + 2L * oh * inW) * Float.BYTES;
            reluMaxima(xs, upper, upper + (long) inW * Float.BYTES, ys, (out + (long) oh * outW) * Float.BYTES);
        }
        return rows;
    }

    /**
     * How many rows of windows, the first ones, a vector per row of windows covers within {@code inputRoom}
     * and {@code outputRoom}: the inputs of row {@code oh} reach {@code (2 oh + 1) inW + L}, its outputs
     * {@code oh outW + L / 2}.
     */
    private static int rowPairsInside(int inW, int outH, int outW, long inputRoom, long outputRoom) {
        int rows = outH;
        while (rows > 0 && ((2L * (rows - 1) + 1) * inW + L > inputRoom
                || (long) (rows - 1) * outW + L / 2 > outputRoom)) {
            rows--;
        }
        return rows;
    }

    /**
     * The {@code L / 2} windows' ReLU maxima of a vector of inputs from byte {@code upper} of {@code xs} and
     * one from byte {@code lower}, to byte {@code out} of {@code ys}.
     */
    private static void reluMaxima(MemorySegment xs, long upper, long lower, MemorySegment ys, long out) {
        FloatVector max = FloatVector.fromMemorySegment(SPECIES, xs, upper, ORDER)
                .lanewise(VectorOperators.MAX, FloatVector.fromMemorySegment(SPECIES, xs, lower, ORDER));
        max = max.lanewise(VectorOperators.MAX, max.rearrange(SWAP)).lanewise(VectorOperators.MAX, 0f);
        max.rearrange(EVENS).reinterpretShape(HALF, 0).intoMemorySegment(ys, out, ORDER);
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
     * outW}): every input of the rows of windows it does written once, its window's gradient if it is the
     * first input (row-major) equal to the window's output, else 0. Returns how many rows of windows it did,
     * the first ones, or -1, having written part of the plane, when some window holds no input equal to its
     * output, which is also the case of a NaN (equal to nothing): the scalar loops then do the plane, which
     * give a NaN's gradient to the first NaN and report a window that matches nothing. With {@code relu},
     * {@code xs} holds a ReLU's input and {@code ys} the pooled ReLU output: a window whose output is not
     * positive passes 0 to all its inputs. The room is as in {@link #maxForward}: {@code inputRoom} floats
     * from {@code in} and {@code dIn}, {@code outputRoom} from {@code out} and {@code dOut}.
     */
    static int maxBackward(MemorySegment xs, long in, MemorySegment ys, long out, MemorySegment dys, long dOut,
                           MemorySegment dxs, long dIn, int inW, int outH, int outW, boolean relu, long inputRoom,
                           long outputRoom) {
        if (!UNMASKED) {
            return 0;
        }
        return inW >= L ? backwardRows(xs, in, ys, out, dys, dOut, dxs, dIn, inW, outH, outW, relu)
                : backwardRowPairs(xs, in, ys, out, dys, dOut, dxs, dIn, inW, outH, outW, relu, inputRoom,
                outputRoom);
    }

    /**
     * {@link #maxBackward} for rows of at least {@code L} inputs: whole vectors, the last one moved back.
     * Returns {@code outH}, or -1 when a window holds no input equal to its output.
     */
    private static int backwardRows(MemorySegment xs, long in, MemorySegment ys, long out, MemorySegment dys,
                                    long dOut, MemorySegment dxs, long dIn, int inW, int outH, int outW,
                                    boolean relu) {
        int last = inW - L; // even: inW = 2 outW
        for (int oh = 0; oh < outH; oh++) {
            long upper = (in + 2L * oh * inW) * Float.BYTES;
            long lower = upper + (long) inW * Float.BYTES;
            long outRow = (long) oh * outW * Float.BYTES;
            long dUpper = (dIn + 2L * oh * inW) * Float.BYTES;
            long dLower = dUpper + (long) inW * Float.BYTES;
            for (int q = 0; ; q += L) {
                int column = Math.min(q, last);
                long at = (long) column * Float.BYTES;
                if (!backwardVector(xs, upper + at, lower + at, ys, out * Float.BYTES + outRow + at / 2, dys,
                        dOut * Float.BYTES + outRow + at / 2, dxs, dUpper + at, dLower + at, LANES, relu)) {
                    return -1;
                }
                if (column == last) {
                    break;
                }
            }
        }
        return outH;
    }

    /**
     * {@link #maxBackward} for rows narrower than {@code L}: a vector for each row of windows, as in {@link
     * #reluRowPairs}. Returns how many rows of windows are done, or -1 when a window holds no input equal to
     * its output.
     */
    private static int backwardRowPairs(MemorySegment xs, long in, MemorySegment ys, long out, MemorySegment dys,
                                        long dOut, MemorySegment dxs, long dIn, int inW, int outH, int outW,
                                        boolean relu, long inputRoom, long outputRoom) {
        int rows = rowPairsInside(inW, outH, outW, inputRoom, outputRoom);
        long valid = (1L << inW) - 1;
        long row = (long) inW * Float.BYTES;
        for (int oh = 0; oh < rows; oh++) {
            long upper = (in + 2L * oh * inW) * Float.BYTES;
            long dUpper = (dIn + 2L * oh * inW) * Float.BYTES;
            long window = (long) oh * outW * Float.BYTES;
            if (!backwardVector(xs, upper, upper + row, ys, out * Float.BYTES + window, dys,
                    dOut * Float.BYTES + window, dxs, dUpper, dUpper + row, valid, relu)) {
                return -1;
            }
        }
        return rows;
    }

    /**
     * The gradients of a vector of inputs from byte {@code upper} of {@code xs} and one from byte {@code
     * lower}, whose windows' outputs start at byte {@code max} of {@code ys} and their gradients at byte
     * {@code dy} of {@code dys}, to bytes {@code dUpper} and {@code dLower} of {@code dxs}, in that order:
     * the lanes of {@code valid} have their gradient or 0, the others 0. Returns false, having written
     * nothing, when a window of those lanes holds no input equal to its output (with {@code relu}, a
     * positive output).
     */
    private static boolean backwardVector(MemorySegment xs, long upper, long lower, MemorySegment ys, long max,
                                          MemorySegment dys, long dy, MemorySegment dxs, long dUpper,
                                          long dLower, long valid, boolean relu) {
        FloatVector maxima = ((FloatVector) FloatVector.fromMemorySegment(HALF, ys, max, ORDER)
                .reinterpretShape(SPECIES, 0)).rearrange(DOUBLE);
        long upperHit = FloatVector.fromMemorySegment(SPECIES, xs, upper, ORDER)
                .compare(VectorOperators.EQ, maxima).toLong() & valid;
        long lowerHit = FloatVector.fromMemorySegment(SPECIES, xs, lower, ORDER)
                .compare(VectorOperators.EQ, maxima).toLong() & valid;
        long passing = relu ? maxima.compare(VectorOperators.GT, 0f).toLong() & valid : valid;
        long upperAny = upperHit | swapPairs(upperHit);
        if (((upperAny | lowerHit | swapPairs(lowerHit)) & passing) != passing) {
            return false;
        }
        upperHit &= passing;
        lowerHit &= passing;
        upperAny &= passing;
        // a left input wins on its own; a right one only when its left partner does not
        long upperWins = upperHit & ~(upperHit << 1 & ODD_BITS);
        long lowerWins = lowerHit & ~upperAny & ~(lowerHit << 1 & ODD_BITS);
        FloatVector gradient = ((FloatVector) FloatVector.fromMemorySegment(HALF, dys, dy, ORDER)
                .reinterpretShape(SPECIES, 0)).rearrange(DOUBLE);
        FloatVector zero = FloatVector.zero(SPECIES);
        zero.blend(gradient, VectorMask.fromLong(SPECIES, upperWins)).intoMemorySegment(dxs, dUpper, ORDER);
        zero.blend(gradient, VectorMask.fromLong(SPECIES, lowerWins)).intoMemorySegment(dxs, dLower, ORDER);
        return true;
    }
}
