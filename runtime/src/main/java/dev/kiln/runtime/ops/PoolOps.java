package dev.kiln.runtime.ops;

import static dev.kiln.runtime.Memory.FLOAT;

import dev.kiln.runtime.Vectors;
import java.lang.foreign.MemorySegment;

/**
 * 2-D max and average pooling, forward beside backward, over a batch of images in the layout of
 * {@link Pool2dGeometry} (every position an element offset into its segment). Sample {@code s} of the
 * input starts at {@code x + s * g.inputSize()}, of the output at {@code y + s * g.outputSize()}.
 *
 * <p>Nothing is kept between the passes: max pooling's backward finds again which input was each window's
 * maximum, by comparing the window with the forward output, instead of reading indices saved by forward.
 * The 2 x 2 windows at stride 2 without padding that most networks use have loops of their own, and
 * Vector API kernels ({@link PoolVectors}, with the same results) when the JVM has the module.
 *
 * <p>No output or input gradient may overlap the floats a call reads ({@code dx} not {@code dy}, nor
 * {@code x} or {@code y}).
 */
public final class PoolOps {

    /** Whether the 2 x 2 windows run the Vector API kernels of {@link PoolVectors}. */
    private static final boolean VECTORS = Vectors.available();

    private PoolOps() {
    }

    /**
     * Writes the largest value of each window to {@code y}, {@code batch * g.outputSize()} floats. Padding
     * never wins (it is -infinity); a NaN wins its window (the first NaN, row-major), so that it is not
     * hidden, as in PyTorch.
     *
     * @throws IllegalArgumentException if {@code batch} is negative
     */
    public static void maxForward(Pool2dGeometry g, MemorySegment xs, long x, MemorySegment ys, long y, int batch) {
        maxForward(g, xs, x, ys, y, batch, false);
    }

    /**
     * {@link #maxForward(Pool2dGeometry, MemorySegment, long, MemorySegment, long, int) maxForward}, then, when
     * {@code relu}, {@code y = max(0, y)}: a ReLU before the pooling, applied to the 4 times fewer
     * outputs, which gives the same values since the ReLU keeps the order ({@code max(0, max(x))} is
     * {@code max(max(0, x))}, NaN included). The input is then the ReLU's input.
     *
     * @throws IllegalArgumentException if {@code batch} is negative
     */
    public static void maxForward(Pool2dGeometry g, MemorySegment xs, long x, MemorySegment ys, long y, int batch,
                                  boolean relu) {
        long planes = planes(g, batch);
        int inH = g.inHeight();
        int inW = g.inWidth();
        int outH = g.outHeight();
        int outW = g.outWidth();
        long inPlane = (long) inH * inW;
        long outPlane = (long) outH * outW;
        if (isTwoByTwo(g) && VECTORS) {
            for (long p = 0; p < planes; p++) {
                int done = PoolVectors.maxForward(xs, x + p * inPlane, ys, y + p * outPlane, inW, outH, outW, relu,
                        (planes - p) * inPlane, (planes - p) * outPlane);
                if (done < outH) {
                    maxForwardTwoByTwo(xs, x + p * inPlane, ys, y + p * outPlane, inW, done, outH, outW, relu);
                }
            }
            return;
        }
        if (isTwoByTwo(g)) {
            for (long p = 0; p < planes; p++) {
                maxForwardTwoByTwo(xs, x + p * inPlane, ys, y + p * outPlane, inW, 0, outH, outW, relu);
            }
            return;
        }
        int kH = g.kernelHeight();
        int kW = g.kernelWidth();
        for (long p = 0; p < planes; p++) {
            long in = x + p * inPlane;
            long out = y + p * outPlane;
            for (int oh = 0; oh < outH; oh++) {
                int top = oh * g.strideHeight() - g.padTop();
                int r0 = Math.max(top, 0);
                int r1 = windowEnd(top, kH, inH);
                long outRow = out + (long) oh * outW;
                for (int ow = 0; ow < outW; ow++) {
                    int left = ow * g.strideWidth() - g.padLeft();
                    int q0 = Math.max(left, 0);
                    int q1 = windowEnd(left, kW, inW);
                    float max = Float.NEGATIVE_INFINITY;
                    for (int r = r0; r < r1; r++) {
                        long row = in + (long) r * inW;
                        for (int q = q0; q < q1; q++) {
                            float v = xs.getAtIndex(FLOAT, row + q);
                            if (beats(v, max)) {
                                max = v;
                            }
                        }
                    }
                    ys.setAtIndex(FLOAT, outRow + ow, relu ? Math.max(0f, max) : max);
                }
            }
        }
    }

    /**
     * Back-propagates {@code dy} through {@link #maxForward}: <b>overwrites</b> {@code batch *
     * g.inputSize()} floats of {@code dx}, each output's gradient going to the input that was its window's
     * maximum (the first one, row-major, on a tie: the one forward picked) and summed where windows overlap;
     * inputs that were no window's maximum get 0. Reads the forward input {@code x} and output {@code y},
     * which must be those of the forward pass.
     *
     * @throws IllegalArgumentException if {@code batch} is negative
     * @throws IllegalStateException    if an output is no value of its window: {@code x} or {@code y} changed
     *                                  after forward
     */
    public static void maxBackward(Pool2dGeometry g, MemorySegment xs, long x, MemorySegment ys, long y,
                                   MemorySegment dys, long dy, MemorySegment dxs, long dx, int batch) {
        maxBackward(g, xs, x, ys, y, dys, dy, dxs, dx, batch, false);
    }

    /**
     * {@link #maxBackward(Pool2dGeometry, MemorySegment, long, MemorySegment, long, MemorySegment, long,
     * MemorySegment, long, int) maxBackward}; when {@code relu}, through {@link #maxForward(Pool2dGeometry,
     * MemorySegment, long, MemorySegment, long, int, boolean) maxForward} with its ReLU as well: {@code x} is
     * the ReLU's input and {@code dx} its gradient. A window whose output is not positive passes no gradient
     * (the ReLU's derivative is 0 there); otherwise its first input equal to the output takes it, as the
     * two passes would give.
     *
     * @throws IllegalArgumentException if {@code batch} is negative
     * @throws IllegalStateException    if a positive output is no value of its window
     */
    public static void maxBackward(Pool2dGeometry g, MemorySegment xs, long x, MemorySegment ys, long y,
                                   MemorySegment dys, long dy, MemorySegment dxs, long dx, int batch,
                                   boolean relu) {
        long planes = planes(g, batch);
        int inH = g.inHeight();
        int inW = g.inWidth();
        int outH = g.outHeight();
        int outW = g.outWidth();
        long inPlane = (long) inH * inW;
        long outPlane = (long) outH * outW;
        if (isTwoByTwo(g) && inH == 2 * outH && inW == 2 * outW && VECTORS) {
            for (long p = 0; p < planes; p++) {
                int done = PoolVectors.maxBackward(xs, x + p * inPlane, ys, y + p * outPlane, dys, dy + p * outPlane,
                        dxs, dx + p * inPlane, inW, outH, outW, relu, (planes - p) * inPlane, (planes - p) * outPlane);
                if (done < outH) {
                    // the rows left, or, when a window matched nothing, the plane: the scalar loops find the
                    // window and say which
                    maxBackwardTwoByTwo(xs, x + p * inPlane, ys, y + p * outPlane, dys, dy + p * outPlane, dxs,
                            dx + p * inPlane, g, p, inW, Math.max(done, 0), outH, outW, relu);
                }
            }
            return;
        }
        if (isTwoByTwo(g) && inH == 2 * outH && inW == 2 * outW) {
            for (long p = 0; p < planes; p++) {
                maxBackwardTwoByTwo(xs, x + p * inPlane, ys, y + p * outPlane, dys, dy + p * outPlane, dxs,
                        dx + p * inPlane, g, p, inW, 0, outH, outW, relu);
            }
            return;
        }
        clear(dxs, dx, planes * inPlane);
        int kH = g.kernelHeight();
        int kW = g.kernelWidth();
        for (long p = 0; p < planes; p++) {
            long in = x + p * inPlane;
            long out = p * outPlane;
            for (int oh = 0; oh < outH; oh++) {
                int top = oh * g.strideHeight() - g.padTop();
                int r0 = Math.max(top, 0);
                int r1 = windowEnd(top, kH, inH);
                long outRow = out + (long) oh * outW;
                for (int ow = 0; ow < outW; ow++) {
                    int left = ow * g.strideWidth() - g.padLeft();
                    int q0 = Math.max(left, 0);
                    int q1 = windowEnd(left, kW, inW);
                    float max = ys.getAtIndex(FLOAT, y + outRow + ow);
                    if (relu && !(max > 0)) {
                        continue; // the ReLU passes nothing back
                    }
                    long at = firstMatch(xs, in, inW, r0, r1, q0, q1, max);
                    if (at < 0) {
                        throw notInWindow(g, p, oh, ow, max);
                    }
                    long target = dx + p * inPlane + at;
                    dxs.setAtIndex(FLOAT, target, dxs.getAtIndex(FLOAT, target) + dys.getAtIndex(FLOAT, dy + outRow + ow));
                }
            }
        }
    }

    /**
     * Writes the mean of each window to {@code y}, {@code batch * g.outputSize()} floats, dividing the sum
     * of the window's inputs by the whole window's area {@code kernelHeight * kernelWidth}: padding counts
     * as zeros, as PyTorch's default {@code count_include_pad = True} (and for windows that reach past the
     * explicit padding of {@link Pool2dGeometry#of}, which only a hand-made geometry has, too).
     *
     * @throws IllegalArgumentException if {@code batch} is negative
     */
    public static void avgForward(Pool2dGeometry g, MemorySegment xs, long x, MemorySegment ys, long y, int batch) {
        long planes = planes(g, batch);
        int inH = g.inHeight();
        int inW = g.inWidth();
        int outH = g.outHeight();
        int outW = g.outWidth();
        int kH = g.kernelHeight();
        int kW = g.kernelWidth();
        float area = (float) kH * kW;
        long inPlane = (long) inH * inW;
        long outPlane = (long) outH * outW;
        for (long p = 0; p < planes; p++) {
            long in = x + p * inPlane;
            long out = y + p * outPlane;
            for (int oh = 0; oh < outH; oh++) {
                int top = oh * g.strideHeight() - g.padTop();
                int r0 = Math.max(top, 0);
                int r1 = windowEnd(top, kH, inH);
                long outRow = out + (long) oh * outW;
                for (int ow = 0; ow < outW; ow++) {
                    int left = ow * g.strideWidth() - g.padLeft();
                    int q0 = Math.max(left, 0);
                    int q1 = windowEnd(left, kW, inW);
                    float sum = 0;
                    for (int r = r0; r < r1; r++) {
                        long row = in + (long) r * inW;
                        for (int q = q0; q < q1; q++) {
                            sum += xs.getAtIndex(FLOAT, row + q);
                        }
                    }
                    ys.setAtIndex(FLOAT, outRow + ow, sum / area);
                }
            }
        }
    }

    /**
     * Back-propagates {@code dy} through {@link #avgForward}: <b>overwrites</b> {@code batch *
     * g.inputSize()} floats of {@code dx} with, for each input, the sum over the windows holding it of their
     * output's gradient divided by {@code kernelHeight * kernelWidth}.
     *
     * @throws IllegalArgumentException if {@code batch} is negative
     */
    public static void avgBackward(Pool2dGeometry g, MemorySegment dys, long dy, MemorySegment dxs, long dx,
                                   int batch) {
        long planes = planes(g, batch);
        int inH = g.inHeight();
        int inW = g.inWidth();
        int outH = g.outHeight();
        int outW = g.outWidth();
        int kH = g.kernelHeight();
        int kW = g.kernelWidth();
        float area = (float) kH * kW;
        long inPlane = (long) inH * inW;
        long outPlane = (long) outH * outW;
        clear(dxs, dx, planes * inPlane);
        for (long p = 0; p < planes; p++) {
            long in = dx + p * inPlane;
            long out = dy + p * outPlane;
            for (int oh = 0; oh < outH; oh++) {
                int top = oh * g.strideHeight() - g.padTop();
                int r0 = Math.max(top, 0);
                int r1 = windowEnd(top, kH, inH);
                long outRow = out + (long) oh * outW;
                for (int ow = 0; ow < outW; ow++) {
                    int left = ow * g.strideWidth() - g.padLeft();
                    int q0 = Math.max(left, 0);
                    int q1 = windowEnd(left, kW, inW);
                    float share = dys.getAtIndex(FLOAT, outRow + ow) / area;
                    for (int r = r0; r < r1; r++) {
                        long row = in + (long) r * inW;
                        for (int q = q0; q < q1; q++) {
                            dxs.setAtIndex(FLOAT, row + q, dxs.getAtIndex(FLOAT, row + q) + share);
                        }
                    }
                }
            }
        }
    }

    /** Whether {@code v} replaces {@code max} as a window's maximum: larger, or the window's first NaN. */
    private static boolean beats(float v, float max) {
        return v > max || v != v && max == max;
    }

    /** Whether {@code v} is the value forward kept as a window's maximum ({@code max}). */
    private static boolean isMax(float v, float max) {
        return v == max || v != v && max != max;
    }

    /** 2 x 2 windows, stride 2, no padding: one plane, every window inside it. */
    private static boolean isTwoByTwo(Pool2dGeometry g) {
        return g.kernelHeight() == 2 && g.kernelWidth() == 2 && g.strideHeight() == 2 && g.strideWidth() == 2
                && g.padTop() == 0 && g.padLeft() == 0 && 2 * g.outHeight() <= g.inHeight()
                && 2 * g.outWidth() <= g.inWidth();
    }

    /** One plane's rows of windows from {@code fromRow} on. */
    static void maxForwardTwoByTwo(MemorySegment xs, long in, MemorySegment ys, long out, int inW, int fromRow,
                                   int outH, int outW, boolean relu) {
        for (int oh = fromRow; oh < outH; oh++) {
            long upper = in + 2L * oh * inW;
            long lower = upper + inW;
            long outRow = out + (long) oh * outW;
            for (int ow = 0; ow < outW; ow++) {
                int q = 2 * ow;
                float max = xs.getAtIndex(FLOAT, upper + q);
                float v = xs.getAtIndex(FLOAT, upper + q + 1);
                if (beats(v, max)) {
                    max = v;
                }
                v = xs.getAtIndex(FLOAT, lower + q);
                if (beats(v, max)) {
                    max = v;
                }
                v = xs.getAtIndex(FLOAT, lower + q + 1);
                if (beats(v, max)) {
                    max = v;
                }
                ys.setAtIndex(FLOAT, outRow + ow, relu ? Math.max(0f, max) : max);
            }
        }
    }

    /**
     * One plane whose 2 x 2 windows tile it exactly, its rows of windows from {@code fromRow} on: every input
     * of those written once, the gradient or 0.
     */
    static void maxBackwardTwoByTwo(MemorySegment xs, long in, MemorySegment ys, long out, MemorySegment dys,
                                    long dOut, MemorySegment dxs, long dIn, Pool2dGeometry g, long plane,
                                    int inW, int fromRow, int outH, int outW, boolean relu) {
        for (int oh = fromRow; oh < outH; oh++) {
            long upper = 2L * oh * inW;
            long lower = upper + inW;
            long outRow = (long) oh * outW;
            for (int ow = 0; ow < outW; ow++) {
                int q = 2 * ow;
                float max = ys.getAtIndex(FLOAT, out + outRow + ow);
                float gradient = dys.getAtIndex(FLOAT, dOut + outRow + ow);
                float a = 0;
                float b = 0;
                float c = 0;
                float d = 0;
                if (relu && !(max > 0)) {
                    a = 0; // the ReLU passes nothing back: every input gets 0
                } else if (isMax(xs.getAtIndex(FLOAT, in + upper + q), max)) {
                    a = gradient;
                } else if (isMax(xs.getAtIndex(FLOAT, in + upper + q + 1), max)) {
                    b = gradient;
                } else if (isMax(xs.getAtIndex(FLOAT, in + lower + q), max)) {
                    c = gradient;
                } else if (isMax(xs.getAtIndex(FLOAT, in + lower + q + 1), max)) {
                    d = gradient;
                } else {
                    throw notInWindow(g, plane, oh, ow, max);
                }
                dxs.setAtIndex(FLOAT, dIn + upper + q, a);
                dxs.setAtIndex(FLOAT, dIn + upper + q + 1, b);
                dxs.setAtIndex(FLOAT, dIn + lower + q, c);
                dxs.setAtIndex(FLOAT, dIn + lower + q + 1, d);
            }
        }
    }

    /**
     * The offset in its plane of the first input of a window, row-major, that is the window's maximum, or -1
     * when none is.
     */
    private static long firstMatch(MemorySegment xs, long in, int inW, int r0, int r1, int q0, int q1, float max) {
        for (int r = r0; r < r1; r++) {
            long row = (long) r * inW;
            for (int q = q0; q < q1; q++) {
                if (isMax(xs.getAtIndex(FLOAT, in + row + q), max)) {
                    return row + q;
                }
            }
        }
        return -1;
    }

    /**
     * One past the last row (or column) of a window starting at {@code start} (possibly negative) that lies
     * in the input, without overflowing.
     */
    private static int windowEnd(int start, int kernel, int in) {
        return start > in - kernel ? in : start + kernel;
    }

    /** The planes (sample, channel) of a batch. */
    private static long planes(Pool2dGeometry g, int batch) {
        if (batch < 0) {
            throw new IllegalArgumentException("pooling: batch = " + batch + " must be zero or positive");
        }
        return (long) batch * g.channels();
    }

    private static void clear(MemorySegment segment, long offset, long count) {
        for (long j = offset, end = offset + count; j < end; j++) {
            segment.setAtIndex(FLOAT, j, 0f);
        }
    }

    private static IllegalStateException notInWindow(Pool2dGeometry g, long plane, int oh, int ow, float max) {
        return new IllegalStateException("max pooling backward: output (" + oh + ", " + ow + ") of sample "
                + plane / g.channels() + ", channel " + plane % g.channels() + " is " + max
                + ", which no input of its window holds; give backward the input and the output of the forward "
                + "pass, unchanged since");
    }
}
