package dev.kiln.runtime.ops;

import static dev.kiln.runtime.Memory.FLOAT;

import dev.kiln.runtime.LaneFolds;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The convolution loops written with the Vector API ({@code jdk.incubator.vector}), in
 * {@link FloatVector#SPECIES_PREFERRED} vectors of {@code L} floats (16 with AVX-512): the kernels of
 * {@link DirectConv}, the copies between the model's segments and its buffers, and the element-wise runs
 * of {@link Runs}. This is the only class of the package that touches the module; the others reach it
 * only after {@link dev.kiln.runtime.Vectors#available()} said yes, so that they load and run without it.
 *
 * <p>The kernels run on {@code float[]} buffers: the same loops over the model's native segment ran
 * 15-20 % slower (measured on conv1 of LeNet). Every kernel loops once over the weights of a window
 * (channel, row, column, in memory order), with the input offset advanced by hand: three nested loops over
 * segments cost twice as much, and a table of offsets made the kernel across the channels 45 % slower.
 *
 * <p><b>Along the rows</b> ({@link #correlateRows}, {@link #weightGradientRows}): an input laid out in
 * planes of rows {@code rowLength} floats apart, zero-padded so wide that a vector read at any output
 * column stays inside its row. A <em>slot</em> is one vector of output columns, {@code L} from column
 * {@code v L} of one output row of one sample; lanes past the output's width are computed but not stored
 * (and multiplied by zero in the weight gradient).
 * <ul>
 *   <li>{@link #correlateRows}: a tile of 3 output channels x 4 slots (12 accumulators): per weight, 4
 *       loads of the input shifted by the weight's column and row, 3 broadcasts of the weights, 12 fused
 *       multiply-adds. The tiles are stored whole into a staging buffer, then copied to the output row by
 *       row, the last vector of a row through a mask.</li>
 *   <li>{@link #weightGradientRows}: a tile of 3 output channels x 4 weights, summed over every slot of a
 *       group of samples: per slot, 3 loads of the output gradient (zero past the output's width in its
 *       padded copy), 4 of the input, 12 fused multiply-adds. The sums stay vectors in a buffer across
 *       groups and are reduced once at the end.</li>
 * </ul>
 *
 * <p><b>Across the channels</b> ({@link #correlateChannels}, {@link #weightGradientChannels}): the output
 * channels in the lanes, for layers with enough of them and narrow rows (LeNet's second convolution has
 * 16 channels and rows of 10).
 * <ul>
 *   <li>{@link #correlateChannels}: a tile of 8 output pixels x one vector of output channels: per weight
 *       position, one load of the weights of {@code L} channels (stored position-major), 8 broadcasts of
 *       input values, 8 fused multiply-adds. A sample's tiles are stored pixel-major and transposed into
 *       the output by gathers.</li>
 *   <li>{@link #weightGradientChannels}: a tile of 8 weight positions x one vector of output channels,
 *       summed over every pixel: per pixel, one load of the output gradient of {@code L} channels (from a
 *       pixel-major copy), 8 broadcasts of input values, 8 fused multiply-adds.</li>
 * </ul>
 *
 * <p>Two rules keep the Vector API fast here. No vector crosses a method boundary (tiles go through
 * scratch buffers): a vector passed to or returned from a method that the JIT compiler does not inline is
 * boxed, which allocates on every call, and a kernel this size reaches the compiler's node limit for
 * inlining before small helpers of our own are inlined; only the JDK's vector calls, which are always
 * inlined, are used in the kernels. And vector operations live only in small methods called many times
 * (a tile, a row copy): a method called once per group of samples reaches the optimizing compiler late,
 * and until then its vectors are objects, which made LeNet's second convolution 10 to 50 times slower.
 */
final class ConvVectors {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private ConvVectors() {
    }

    /** The floats in one vector. */
    static int lanes() {
        return L;
    }

    // ---- runs on segments ----

    /** {@link Runs#copy}. */
    static void copy(MemorySegment src, long s, MemorySegment dst, long d, int n) {
        int j = 0;
        for (; j <= n - L; j += L) {
            FloatVector.fromMemorySegment(SPECIES, src, (s + j) * Float.BYTES, ORDER)
                    .intoMemorySegment(dst, (d + j) * Float.BYTES, ORDER);
        }
        if (j < n) {
            VectorMask<Float> m = SPECIES.indexInRange(j, n);
            FloatVector.fromMemorySegment(SPECIES, src, (s + j) * Float.BYTES, ORDER, m)
                    .intoMemorySegment(dst, (d + j) * Float.BYTES, ORDER, m);
        }
    }

    /** {@link Runs#clear}. */
    static void clear(MemorySegment dst, long d, long n) {
        FloatVector zero = FloatVector.zero(SPECIES);
        long j = 0;
        for (; j <= n - L; j += L) {
            zero.intoMemorySegment(dst, (d + j) * Float.BYTES, ORDER);
        }
        for (; j < n; j++) {
            dst.setAtIndex(FLOAT, d + j, 0f);
        }
    }

    /** {@link Runs#copyPlus}. */
    static void copyPlus(MemorySegment src, long s, MemorySegment dst, long d, int n, float bias) {
        int j = 0;
        for (; j <= n - L; j += L) {
            FloatVector.fromMemorySegment(SPECIES, src, (s + j) * Float.BYTES, ORDER).add(bias)
                    .intoMemorySegment(dst, (d + j) * Float.BYTES, ORDER);
        }
        for (; j < n; j++) {
            dst.setAtIndex(FLOAT, d + j, src.getAtIndex(FLOAT, s + j) + bias);
        }
    }

    /** {@link Runs#add}. */
    static void add(MemorySegment src, long s, MemorySegment dst, long d, int n) {
        int j = 0;
        for (; j <= n - L; j += L) {
            FloatVector sum = FloatVector.fromMemorySegment(SPECIES, dst, (d + j) * Float.BYTES, ORDER)
                    .add(FloatVector.fromMemorySegment(SPECIES, src, (s + j) * Float.BYTES, ORDER));
            sum.intoMemorySegment(dst, (d + j) * Float.BYTES, ORDER);
        }
        for (; j < n; j++) {
            dst.setAtIndex(FLOAT, d + j, dst.getAtIndex(FLOAT, d + j) + src.getAtIndex(FLOAT, s + j));
        }
    }

    /** {@link Runs#sum}. */
    static float sum(MemorySegment src, long s, int n) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int j = 0;
        for (; j <= n - L; j += L) {
            acc = acc.add(FloatVector.fromMemorySegment(SPECIES, src, (s + j) * Float.BYTES, ORDER));
        }
        // acc's lanes summed in a fixed order (LaneFolds), into lane 0
        if (L >= 16) {
            acc = acc.add(acc.rearrange(LaneFolds.BY_8));
        }
        if (L >= 8) {
            acc = acc.add(acc.rearrange(LaneFolds.BY_4));
        }
        if (L >= 4) {
            acc = acc.add(acc.rearrange(LaneFolds.BY_2));
        }
        acc = acc.add(acc.rearrange(LaneFolds.BY_1));
        float sum = acc.lane(0);
        for (; j < n; j++) {
            sum += src.getAtIndex(FLOAT, s + j);
        }
        return sum;
    }

    // ---- between segments and buffers ----

    /**
     * Copies {@code rows} rows of {@code width} floats, {@code srcStride} apart from {@code src[s]}, to rows
     * {@code dstStride} apart from {@code dst[d]}; the floats around them are left as they are.
     */
    static void copyRows(MemorySegment src, long s, int srcStride, float[] dst, int d, int dstStride, int rows,
                         int width) {
        int whole = width / L * L;
        VectorMask<Float> tail = SPECIES.indexInRange(whole, width);
        for (int r = 0; r < rows; r++) {
            long from = (s + (long) r * srcStride) * Float.BYTES;
            int to = d + r * dstStride;
            for (int j = 0; j < whole; j += L) {
                FloatVector.fromMemorySegment(SPECIES, src, from + (long) j * Float.BYTES, ORDER)
                        .intoArray(dst, to + j);
            }
            if (whole < width) {
                FloatVector.fromMemorySegment(SPECIES, src, from + (long) whole * Float.BYTES, ORDER, tail)
                        .intoArray(dst, to + whole, tail);
            }
        }
    }

    /** Sums each of {@code count} runs of {@code L} floats of {@code partial} from {@code at} into one float. */
    static void reduceRuns(float[] partial, int at, int count, float[] sums, int to) {
        for (int t = 0; t < count; t++) {
            sums[to + t] = sumLanes(partial, at + t * L);
        }
    }

    /**
     * The sum of the {@code L} floats from {@code at}, in order. Plain loops on purpose: a once-per-weight
     * vector reduction here stayed in the JIT's profiled tier in some JVMs and boxed a vector per weight
     * (150 KB per backward pass of LeNet's second convolution), and the sums are a vanishing part of the
     * pass.
     */
    private static float sumLanes(float[] values, int at) {
        float sum = 0;
        for (int j = at; j < at + L; j++) {
            sum += values[j];
        }
        return sum;
    }

    /** {@code buffer[at .. at + n) = 0}. */
    static void clear(float[] buffer, int at, int n) {
        Arrays.fill(buffer, at, at + n, 0f);
    }

    // ---- along the rows ----

    /**
     * {@code out[s][o][r][q] = bias[o] + sum_{c, i, j} in[s][c][r + i][q + j] * w[o][c][i][j]} for
     * {@code s < samples}: a stride-1 correlation without padding of its own. Sample {@code s} of the input
     * starts at {@code in[s * inSample]} and holds {@code channels} planes of {@code plane} floats, rows
     * {@code rowLength} apart, wide enough for a vector read at any output column; the weights
     * {@code [outChannels][channels][kh][kw]} are {@code w[0...]}, the bias {@code w[bias...]} unless
     * {@code bias < 0}. The tiles are stored whole into {@code staging} (rows of whole vectors), which is
     * then copied to the output, compact NCHW from {@code out[outAt]}.
     */
    static void correlateRows(float[] in, int inSample, int channels, int plane, int rowLength, int kh, int kw,
                              float[] w, int bias, MemorySegment out, long outAt, int outChannels,
                              int outHeight, int outWidth, int samples, float[] staging) {
        int perRow = (outWidth + L - 1) / L;
        int perSample = outHeight * perRow;
        int slots = samples * perSample;
        int stagingPlane = perSample * L;
        int stagingSample = outChannels * stagingPlane;
        int weights = channels * kh * kw;
        int rowSkip = rowLength - kw;
        int planeSkip = plane - kh * rowLength;
        // the next slot: vector v of row r of sample s
        int s = 0;
        int r = 0;
        int v = 0;
        for (int first = 0; first < slots; first += 4) {
            int x0 = s * inSample + r * rowLength + v * L;
            int y0 = s * stagingSample + (r * perRow + v) * L;
            // the three slots after it; past the last slot, the first again (computed and stored twice)
            int x1 = x0;
            int x2 = x0;
            int x3 = x0;
            int y1 = y0;
            int y2 = y0;
            int y3 = y0;
            for (int k = 1; k <= 4; k++) {
                if (++v == perRow) {
                    v = 0;
                    if (++r == outHeight) {
                        r = 0;
                        s++;
                    }
                }
                if (k < 4 && first + k < slots) {
                    int xk = s * inSample + r * rowLength + v * L;
                    int yk = s * stagingSample + (r * perRow + v) * L;
                    if (k == 1) {
                        x1 = xk;
                        y1 = yk;
                    } else if (k == 2) {
                        x2 = xk;
                        y2 = yk;
                    } else {
                        x3 = xk;
                        y3 = yk;
                    }
                }
            }
            for (int o = 0; o < outChannels; o += 3) {
                // past the last channel, the last again (computed and stored twice)
                int o1 = Math.min(o + 1, outChannels - 1);
                int o2 = Math.min(o + 2, outChannels - 1);
                float b0 = bias < 0 ? 0f : w[bias + o];
                float b1 = bias < 0 ? 0f : w[bias + o1];
                float b2 = bias < 0 ? 0f : w[bias + o2];
                int at = o * stagingPlane;
                rowTile(in, x0, x1, x2, x3, weights, kh, kw, rowSkip, planeSkip, w, o * weights, o1 * weights,
                        o2 * weights,
                        b0, b1, b2, staging, y0 + at, y1 + at, y2 + at, y3 + at, (o1 - o) * stagingPlane,
                        (o2 - o) * stagingPlane);
            }
        }
        copyOut(staging, perRow * L, samples * outChannels * outHeight, out, outAt, outWidth);
    }

    /**
     * Fills {@code taps} with where each weight {@code (c, i, j)} reads relative to an output position,
     * {@code c plane + i rowLength + j}, in the weights' order; returns their number.
     */
    static int tapOffsets(int channels, int plane, int rowLength, int kh, int kw, int[] taps) {
        int t = 0;
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    taps[t++] = c * plane + i * rowLength + j;
                }
            }
        }
        return t;
    }

    /**
     * Copies {@code rows} rows of {@code width} floats, {@code stride} apart in {@code staging}, to
     * consecutive rows of {@code out} from {@code outAt}: whole vectors, then the rest of the row through a
     * mask. (Letting a row's last vector spill onto the next row, which is written after it, and
     * so saving the mask, measured three times slower: overlapping stores wait for each other.)
     */
    private static void copyOut(float[] staging, int stride, int rows, MemorySegment out, long outAt, int width) {
        for (int r = 0; r < rows; r++) {
            copyRow(staging, r * stride, out, outAt + (long) r * width, width);
        }
    }

    /** {@code width} floats from {@code staging[from]} to {@code out[to]}: whole vectors, then a masked one. */
    private static void copyRow(float[] staging, int from, MemorySegment out, long to, int width) {
        long at = to * Float.BYTES;
        int j = 0;
        for (; j <= width - L; j += L) {
            FloatVector.fromArray(SPECIES, staging, from + j)
                    .intoMemorySegment(out, at + (long) j * Float.BYTES, ORDER);
        }
        if (j < width) {
            VectorMask<Float> tail = SPECIES.indexInRange(j, width);
            FloatVector.fromArray(SPECIES, staging, from + j, tail)
                    .intoMemorySegment(out, at + (long) j * Float.BYTES, ORDER, tail);
        }
    }

    /**
     * Three output channels (weights from {@code w[w0]}, {@code w[w1]}, {@code w[w2]}, biases {@code b0},
     * {@code b1}, {@code b2}) of four slots (inputs from {@code in[x0..x3]}), stored at
     * {@code staging[y0..y3]} for the first channel and {@code second} and {@code third} further for the
     * others.
     */
    private static void rowTile(float[] in, int x0, int x1, int x2, int x3, int weights, int kh, int kw,
                                int rowSkip, int planeSkip, float[] w, int w0, int w1, int w2, float b0, float b1,
                                float b2,
                                float[] staging, int y0, int y1, int y2, int y3, int second, int third) {
        FloatVector a0 = FloatVector.broadcast(SPECIES, b0);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector c0 = FloatVector.broadcast(SPECIES, b1);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        FloatVector e0 = FloatVector.broadcast(SPECIES, b2);
        FloatVector e1 = e0;
        FloatVector e2 = e0;
        FloatVector e3 = e0;
        // one loop over the weights, the input offset advanced by hand: column j of row i of a channel
        int at = 0;
        int i = 0;
        int j = 0;
        for (int t = 0; t < weights; t++) {
            FloatVector v0 = FloatVector.broadcast(SPECIES, w[w0 + t]);
            FloatVector v1 = FloatVector.broadcast(SPECIES, w[w1 + t]);
            FloatVector v2 = FloatVector.broadcast(SPECIES, w[w2 + t]);
            FloatVector x = FloatVector.fromArray(SPECIES, in, x0 + at);
            a0 = x.fma(v0, a0);
            c0 = x.fma(v1, c0);
            e0 = x.fma(v2, e0);
            x = FloatVector.fromArray(SPECIES, in, x1 + at);
            a1 = x.fma(v0, a1);
            c1 = x.fma(v1, c1);
            e1 = x.fma(v2, e1);
            x = FloatVector.fromArray(SPECIES, in, x2 + at);
            a2 = x.fma(v0, a2);
            c2 = x.fma(v1, c2);
            e2 = x.fma(v2, e2);
            x = FloatVector.fromArray(SPECIES, in, x3 + at);
            a3 = x.fma(v0, a3);
            c3 = x.fma(v1, c3);
            e3 = x.fma(v2, e3);
            at++;
            if (++j == kw) {
                j = 0;
                at += rowSkip;
                if (++i == kh) {
                    i = 0;
                    at += planeSkip;
                }
            }
        }
        // a repeated channel (past the last) or slot (past the last) stores the same values twice
        e0.intoArray(staging, y0 + third);
        e1.intoArray(staging, y1 + third);
        e2.intoArray(staging, y2 + third);
        e3.intoArray(staging, y3 + third);
        c0.intoArray(staging, y0 + second);
        c1.intoArray(staging, y1 + second);
        c2.intoArray(staging, y2 + second);
        c3.intoArray(staging, y3 + second);
        a0.intoArray(staging, y0);
        a1.intoArray(staging, y1);
        a2.intoArray(staging, y2);
        a3.intoArray(staging, y3);
    }

    /**
     * {@link #correlateRows} for the input gradient, line for line. A copy on purpose: the JIT compiles a
     * method for the shapes it has seen run, and with one kernel for LeNet's first forward pass (1 channel of
     * 28 x 28) and its second layer's input gradient (16 channels of 14 x 14) the first layer's pass ran at
     * 0.45 ms in one JVM and 1.27 ms in the next, about half of them slow; with a copy each, 8 JVMs of 8 ran
     * it at 0.43-0.57 ms (docs/decisions.md, "Convolution kernels").
     */
    static void correlateRowsOfGradients(float[] in, int inSample, int channels, int plane, int rowLength, int kh,
                                         int kw, float[] w, int bias, MemorySegment out, long outAt, int outChannels,
                                         int outHeight, int outWidth, int samples, float[] staging) {
        int perRow = (outWidth + L - 1) / L;
        int perSample = outHeight * perRow;
        int slots = samples * perSample;
        int stagingPlane = perSample * L;
        int stagingSample = outChannels * stagingPlane;
        int weights = channels * kh * kw;
        int rowSkip = rowLength - kw;
        int planeSkip = plane - kh * rowLength;
        // the next slot: vector v of row r of sample s
        int s = 0;
        int r = 0;
        int v = 0;
        for (int first = 0; first < slots; first += 4) {
            int x0 = s * inSample + r * rowLength + v * L;
            int y0 = s * stagingSample + (r * perRow + v) * L;
            // the three slots after it; past the last slot, the first again (computed and stored twice)
            int x1 = x0;
            int x2 = x0;
            int x3 = x0;
            int y1 = y0;
            int y2 = y0;
            int y3 = y0;
            for (int k = 1; k <= 4; k++) {
                if (++v == perRow) {
                    v = 0;
                    if (++r == outHeight) {
                        r = 0;
                        s++;
                    }
                }
                if (k < 4 && first + k < slots) {
                    int xk = s * inSample + r * rowLength + v * L;
                    int yk = s * stagingSample + (r * perRow + v) * L;
                    if (k == 1) {
                        x1 = xk;
                        y1 = yk;
                    } else if (k == 2) {
                        x2 = xk;
                        y2 = yk;
                    } else {
                        x3 = xk;
                        y3 = yk;
                    }
                }
            }
            for (int o = 0; o < outChannels; o += 3) {
                // past the last channel, the last again (computed and stored twice)
                int o1 = Math.min(o + 1, outChannels - 1);
                int o2 = Math.min(o + 2, outChannels - 1);
                float b0 = bias < 0 ? 0f : w[bias + o];
                float b1 = bias < 0 ? 0f : w[bias + o1];
                float b2 = bias < 0 ? 0f : w[bias + o2];
                int at = o * stagingPlane;
                rowTileOfGradients(in, x0, x1, x2, x3, weights, kh, kw, rowSkip, planeSkip, w, o * weights,
                        o1 * weights, o2 * weights,
                        b0, b1, b2, staging, y0 + at, y1 + at, y2 + at, y3 + at, (o1 - o) * stagingPlane,
                        (o2 - o) * stagingPlane);
            }
        }
        copyOut(staging, perRow * L, samples * outChannels * outHeight, out, outAt, outWidth);
    }

    /** {@link #rowTile} for {@link #correlateRowsOfGradients}: a copy on purpose, see there. */
    private static void rowTileOfGradients(float[] in, int x0, int x1, int x2, int x3, int weights, int kh,
                                           int kw, int rowSkip, int planeSkip, float[] w, int w0, int w1, int w2,
                                           float b0, float b1, float b2, float[] staging, int y0, int y1, int y2,
                                           int y3, int second, int third) {
        FloatVector a0 = FloatVector.broadcast(SPECIES, b0);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector c0 = FloatVector.broadcast(SPECIES, b1);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        FloatVector e0 = FloatVector.broadcast(SPECIES, b2);
        FloatVector e1 = e0;
        FloatVector e2 = e0;
        FloatVector e3 = e0;
        // one loop over the weights, the input offset advanced by hand: column j of row i of a channel
        int at = 0;
        int i = 0;
        int j = 0;
        for (int t = 0; t < weights; t++) {
            FloatVector v0 = FloatVector.broadcast(SPECIES, w[w0 + t]);
            FloatVector v1 = FloatVector.broadcast(SPECIES, w[w1 + t]);
            FloatVector v2 = FloatVector.broadcast(SPECIES, w[w2 + t]);
            FloatVector x = FloatVector.fromArray(SPECIES, in, x0 + at);
            a0 = x.fma(v0, a0);
            c0 = x.fma(v1, c0);
            e0 = x.fma(v2, e0);
            x = FloatVector.fromArray(SPECIES, in, x1 + at);
            a1 = x.fma(v0, a1);
            c1 = x.fma(v1, c1);
            e1 = x.fma(v2, e1);
            x = FloatVector.fromArray(SPECIES, in, x2 + at);
            a2 = x.fma(v0, a2);
            c2 = x.fma(v1, c2);
            e2 = x.fma(v2, e2);
            x = FloatVector.fromArray(SPECIES, in, x3 + at);
            a3 = x.fma(v0, a3);
            c3 = x.fma(v1, c3);
            e3 = x.fma(v2, e3);
            at++;
            if (++j == kw) {
                j = 0;
                at += rowSkip;
                if (++i == kh) {
                    i = 0;
                    at += planeSkip;
                }
            }
        }
        // a repeated channel (past the last) or slot (past the last) stores the same values twice
        e0.intoArray(staging, y0 + third);
        e1.intoArray(staging, y1 + third);
        e2.intoArray(staging, y2 + third);
        e3.intoArray(staging, y3 + third);
        c0.intoArray(staging, y0 + second);
        c1.intoArray(staging, y1 + second);
        c2.intoArray(staging, y2 + second);
        c3.intoArray(staging, y3 + second);
        a0.intoArray(staging, y0);
        a1.intoArray(staging, y1);
        a2.intoArray(staging, y2);
        a3.intoArray(staging, y3);
    }

    /**
     * Adds to {@code partial[(o * channels * kh * kw + t) * L ...]}, for every output channel {@code o} and
     * weight {@code t = (c, i, j)}, the vector of sums {@code sum_{s, r, q} dy[s][o][r][q] * in[s][c][r +
     * i][q + j]} (each lane a share). The input is laid out as in {@link #correlateRows}; {@code dy} too:
     * sample {@code s} from {@code dy[dyAt + s * dySample]}, planes {@code dyPlane} apart, rows
     * {@code dyRowLength} apart, and zero in the lanes past the output's width.
     */
    static void weightGradientRows(float[] in, int inSample, int channels, int plane, int rowLength, int kh,
                                   int kw, float[] dy, int dyAt, int dySample, int dyPlane, int dyRowLength,
                                   int outChannels, int outHeight, int outWidth, int samples, float[] partial,
                                   float[] scratch) {
        int taps = channels * kh * kw;
        int perRow = (outWidth + L - 1) / L;
        for (int o = 0; o < outChannels; o += 3) {
            // past the last channel, the last again (computed, not added)
            int o1 = Math.min(o + 1, outChannels - 1);
            int o2 = Math.min(o + 2, outChannels - 1);
            // the next weight (c, i, j) and where it reads
            int i = 0;
            int j = 0;
            int offset = 0;
            for (int t = 0; t < taps; t += 4) {
                int count = Math.min(4, taps - t);
                int off0 = offset;
                int off1 = off0;
                int off2 = off0;
                int off3 = off0;
                for (int k = 0; k < count; k++) {
                    if (k == 1) {
                        off1 = offset;
                    } else if (k == 2) {
                        off2 = offset;
                    } else if (k == 3) {
                        off3 = offset;
                    }
                    offset++;
                    if (++j == kw) {
                        j = 0;
                        offset += rowLength - kw;
                        if (++i == kh) {
                            i = 0;
                            offset += plane - kh * rowLength;
                        }
                    }
                }
                gradientRowTile(in, inSample, rowLength, off0, off1, off2, off3, dy, dyAt + o * dyPlane,
                        dyAt + o1 * dyPlane, dyAt + o2 * dyPlane, dySample, dyRowLength, outHeight, perRow, samples,
                        scratch);
                addRuns(scratch, 0, partial, (o * taps + t) * L, count * L);
                if (o1 > o) {
                    addRuns(scratch, 4 * L, partial, (o1 * taps + t) * L, count * L);
                }
                if (o2 > o1) {
                    addRuns(scratch, 8 * L, partial, (o2 * taps + t) * L, count * L);
                }
            }
        }
    }

    /**
     * Three output channels (gradients from {@code dy[d0]}, {@code dy[d1]}, {@code dy[d2]}) x four weights
     * (input offsets {@code off0..off3}), summed over every slot of every sample, written to
     * {@code scratch}: the four weights of the first channel, then those of the second and the third.
     */
    private static void gradientRowTile(float[] in, int inSample, int rowLength, int off0, int off1, int off2,
                                        int off3, float[] dy, int d0, int d1, int d2, int dySample,
                                        int dyRowLength, int outHeight, int perRow, int samples, float[] scratch) {
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector c0 = a0;
        FloatVector c1 = a0;
        FloatVector c2 = a0;
        FloatVector c3 = a0;
        FloatVector e0 = a0;
        FloatVector e1 = a0;
        FloatVector e2 = a0;
        FloatVector e3 = a0;
        // one loop over the slots, the offsets advanced by hand: vector v of row r of sample s
        int slots = samples * outHeight * perRow;
        int x = 0;
        int g = 0;
        int v = 0;
        int r = 0;
        int rowEnd = rowLength - perRow * L;
        int gradientRowEnd = dyRowLength - perRow * L;
        int sampleEnd = inSample - outHeight * rowLength;
        int gradientSampleEnd = dySample - outHeight * dyRowLength;
        for (int slot = 0; slot < slots; slot++) {
            FloatVector g0 = FloatVector.fromArray(SPECIES, dy, d0 + g);
            FloatVector g1 = FloatVector.fromArray(SPECIES, dy, d1 + g);
            FloatVector g2 = FloatVector.fromArray(SPECIES, dy, d2 + g);
            FloatVector in0 = FloatVector.fromArray(SPECIES, in, x + off0);
            a0 = in0.fma(g0, a0);
            c0 = in0.fma(g1, c0);
            e0 = in0.fma(g2, e0);
            FloatVector in1 = FloatVector.fromArray(SPECIES, in, x + off1);
            a1 = in1.fma(g0, a1);
            c1 = in1.fma(g1, c1);
            e1 = in1.fma(g2, e1);
            FloatVector in2 = FloatVector.fromArray(SPECIES, in, x + off2);
            a2 = in2.fma(g0, a2);
            c2 = in2.fma(g1, c2);
            e2 = in2.fma(g2, e2);
            FloatVector in3 = FloatVector.fromArray(SPECIES, in, x + off3);
            a3 = in3.fma(g0, a3);
            c3 = in3.fma(g1, c3);
            e3 = in3.fma(g2, e3);
            x += L;
            g += L;
            if (++v == perRow) {
                v = 0;
                x += rowEnd;
                g += gradientRowEnd;
                if (++r == outHeight) {
                    r = 0;
                    x += sampleEnd;
                    g += gradientSampleEnd;
                }
            }
        }
        a0.intoArray(scratch, 0);
        a1.intoArray(scratch, L);
        a2.intoArray(scratch, 2 * L);
        a3.intoArray(scratch, 3 * L);
        c0.intoArray(scratch, 4 * L);
        c1.intoArray(scratch, 5 * L);
        c2.intoArray(scratch, 6 * L);
        c3.intoArray(scratch, 7 * L);
        e0.intoArray(scratch, 8 * L);
        e1.intoArray(scratch, 9 * L);
        e2.intoArray(scratch, 10 * L);
        e3.intoArray(scratch, 11 * L);
    }

    /** {@code dst[d .. d + n) += src[s .. s + n)}, {@code n} a multiple of {@code L}. */
    private static void addRuns(float[] src, int s, float[] dst, int d, int n) {
        for (int j = 0; j < n; j += L) {
            FloatVector.fromArray(SPECIES, dst, d + j).add(FloatVector.fromArray(SPECIES, src, s + j))
                    .intoArray(dst, d + j);
        }
    }

    // ---- across the channels ----

    /**
     * {@code wt[t * opad + o] = w[o * taps + t]} for the {@code outChannels} rows of {@code taps} weights
     * of {@code w}, zero for {@code outChannels <= o < opad}: the weights position-major, so that the
     * weights of {@code L} output channels at one position are one vector.
     */
    static void transposeWeights(float[] w, int outChannels, int taps, float[] wt, int opad) {
        Arrays.fill(wt, 0, taps * opad, 0f);
        for (int o = 0; o < outChannels; o++) {
            for (int t = 0; t < taps; t++) {
                wt[t * opad + o] = w[o * taps + t];
            }
        }
    }

    /** The gather index map {@code 0, stride, 2 stride, ...}, {@code L} entries, into {@code map}. */
    static void strideMap(int stride, int[] map) {
        for (int lane = 0; lane < L; lane++) {
            map[lane] = lane * stride;
        }
    }

    /**
     * As {@link #correlateRows}, with the output channels in the lanes: {@code out[s][o][r][q] = bias[o] +
     * sum_{c, i, j} in[s][c][r + i][q + j] * wt[(c, i, j)][o]}, where {@code wt} is position-major
     * ({@link #transposeWeights}, {@code opad} floats per position, zero past the last channel) and
     * {@code bias} is {@code opad} floats from {@code wt[biasAt]} (or none when {@code biasAt < 0}). Each
     * sample's output is computed pixel-major into {@code staging} and transposed into the output by
     * gathers ({@code map}: {@link #strideMap} of {@code opad}; {@code staging} holds at least {@code opad}
     * floats for every pixel of whole vectors of pixels, as a gather checks the range of its masked-off
     * lanes too).
     */
    static void correlateChannels(float[] in, int inSample, int channels, int plane, int rowLength, int kh,
                                  int kw, float[] wt, int opad, int biasAt, MemorySegment out, long outAt,
                                  int outChannels, int outHeight, int outWidth, int samples, float[] staging,
                                  int[] map) {
        int pixels = outHeight * outWidth;
        int count = channels * kh * kw;
        int rowSkip = rowLength - kw;
        int planeSkip = plane - kh * rowLength;
        for (int s = 0; s < samples; s++) {
            int sampleAt = s * inSample;
            for (int ob = 0; ob < opad; ob += L) {
                // the next pixel: row r, column q
                int r = 0;
                int q = 0;
                for (int k0 = 0; k0 < pixels; k0 += 8) {
                    int p0 = sampleAt + r * rowLength + q;
                    int p1 = p0;
                    int p2 = p0;
                    int p3 = p0;
                    int p4 = p0;
                    int p5 = p0;
                    int p6 = p0;
                    int p7 = p0;
                    // past the last pixel, the first again (computed and stored twice)
                    int last = Math.min(8, pixels - k0);
                    for (int k = 1; k < last; k++) {
                        if (++q == outWidth) {
                            q = 0;
                            r++;
                        }
                        int pk = sampleAt + r * rowLength + q;
                        switch (k) {
                            case 1 -> p1 = pk;
                            case 2 -> p2 = pk;
                            case 3 -> p3 = pk;
                            case 4 -> p4 = pk;
                            case 5 -> p5 = pk;
                            case 6 -> p6 = pk;
                            default -> p7 = pk;
                        }
                    }
                    if (++q == outWidth) {
                        q = 0;
                        r++;
                    }
                    float[] bias = biasAt < 0 ? null : wt;
                    channelTile(in, p0, p1, p2, p3, p4, p5, p6, p7, count, kh, kw, rowSkip, planeSkip, wt, ob, opad,
                            bias, biasAt + ob, staging, k0 * opad + ob, last);
                }
            }
            long sampleOut = outAt + (long) s * outChannels * pixels;
            for (int o = 0; o < outChannels; o++) {
                gatherChannel(staging, o, opad, pixels, map, out, sampleOut + (long) o * pixels);
            }
        }
    }

    /**
     * Copies channel {@code o} of a pixel-major tile ({@code staging[k * opad + o]}, {@code k < pixels}) to
     * {@code pixels} consecutive floats of {@code out} from {@code to}, by gathers.
     */
    private static void gatherChannel(float[] staging, int o, int opad, int pixels, int[] map, MemorySegment out,
                                      long to) {
        long at = to * Float.BYTES;
        int k = 0;
        for (; k <= pixels - L; k += L) {
            FloatVector.fromArray(SPECIES, staging, k * opad + o, map, 0)
                    .intoMemorySegment(out, at + (long) k * Float.BYTES, ORDER);
        }
        if (k < pixels) {
            VectorMask<Float> m = SPECIES.indexInRange(k, pixels);
            FloatVector.fromArray(SPECIES, staging, k * opad + o, map, 0, m)
                    .intoMemorySegment(out, at + (long) k * Float.BYTES, ORDER, m);
        }
    }

    /**
     * Eight output pixels (inputs at {@code in[p0..p7]}) x the {@code L} output channels from {@code ob},
     * stored pixel after pixel, {@code opad} apart, from {@code staging[at]}: the first {@code count}
     * pixels (the others repeat the first).
     */
    private static void channelTile(float[] in, int p0, int p1, int p2, int p3, int p4, int p5, int p6, int p7,
                                    int weights, int kh, int kw, int rowSkip, int planeSkip, float[] wt, int ob,
                                    int opad, float[] bias, int biasAt, float[] staging, int at, int count) {
        FloatVector a0 = bias == null ? FloatVector.zero(SPECIES) : FloatVector.fromArray(SPECIES, bias, biasAt);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        // one loop over the weights, the input offset advanced by hand (an offset table measured 45 % slower)
        int off = 0;
        int i = 0;
        int j = 0;
        for (int t = 0, wi = ob; t < weights; t++, wi += opad) {
            FloatVector w = FloatVector.fromArray(SPECIES, wt, wi);
            a0 = w.fma(FloatVector.broadcast(SPECIES, in[p0 + off]), a0);
            a1 = w.fma(FloatVector.broadcast(SPECIES, in[p1 + off]), a1);
            a2 = w.fma(FloatVector.broadcast(SPECIES, in[p2 + off]), a2);
            a3 = w.fma(FloatVector.broadcast(SPECIES, in[p3 + off]), a3);
            a4 = w.fma(FloatVector.broadcast(SPECIES, in[p4 + off]), a4);
            a5 = w.fma(FloatVector.broadcast(SPECIES, in[p5 + off]), a5);
            a6 = w.fma(FloatVector.broadcast(SPECIES, in[p6 + off]), a6);
            a7 = w.fma(FloatVector.broadcast(SPECIES, in[p7 + off]), a7);
            off++;
            if (++j == kw) {
                j = 0;
                off += rowSkip;
                if (++i == kh) {
                    i = 0;
                    off += planeSkip;
                }
            }
        }
        a0.intoArray(staging, at);
        if (count > 1) {
            a1.intoArray(staging, at + opad);
        }
        if (count > 2) {
            a2.intoArray(staging, at + 2 * opad);
        }
        if (count > 3) {
            a3.intoArray(staging, at + 3 * opad);
        }
        if (count > 4) {
            a4.intoArray(staging, at + 4 * opad);
        }
        if (count > 5) {
            a5.intoArray(staging, at + 5 * opad);
        }
        if (count > 6) {
            a6.intoArray(staging, at + 6 * opad);
        }
        if (count > 7) {
            a7.intoArray(staging, at + 7 * opad);
        }
    }

    /**
     * Writes output-gradient sample {@code dy} ({@code outChannels} planes of {@code pixels}, from
     * {@code dys[dyAt]}, first copied whole into {@code copy}) pixel-major into {@code dyt[at ...]}:
     * {@code dyt[at + k * opad + o] = dy[o][k]}, zero for {@code outChannels <= o < opad}.
     */
    static void transposeGradient(MemorySegment dys, long dyAt, int outChannels, int pixels, float[] copy,
                                  float[] dyt, int at, int opad) {
        // plain loops: a masked gather here was, in some JVMs, compiled without its intrinsic and boxed a
        // vector per pixel for good; the transpose is a small part of the weight gradient's time
        MemorySegment.copy(dys, FLOAT, dyAt * Float.BYTES, copy, 0, outChannels * pixels);
        for (int k = 0; k < pixels; k++) {
            int row = at + k * opad;
            for (int o = 0; o < outChannels; o++) {
                dyt[row + o] = copy[o * pixels + k];
            }
            Arrays.fill(dyt, row + outChannels, row + opad, 0f);
        }
    }

    /**
     * As {@link #weightGradientRows}, with the output channels in the lanes: adds to {@code partial[t *
     * opad + o]} the sum over every pixel {@code (r, q)} of every sample of {@code in[s][r * rowLength + q +
     * taps[t]] * dyt[s][r * outWidth + q][o]}, where {@code dyt} holds each sample's output gradient
     * pixel-major ({@link #transposeGradient}, {@code pixels * opad} floats a sample).
     */
    static void weightGradientChannels(float[] in, int inSample, int rowLength, int[] taps, int count, float[] dyt,
                                       int opad, int outHeight, int outWidth, int samples, float[] partial,
                                       float[] scratch) {
        for (int ob = 0; ob < opad; ob += L) {
            for (int t = 0; t < count; t += 8) {
                int n = Math.min(8, count - t);
                int last = t + n - 1;
                gradientChannelTile(in, inSample, rowLength, taps[t], taps[Math.min(t + 1, last)],
                        taps[Math.min(t + 2, last)], taps[Math.min(t + 3, last)], taps[Math.min(t + 4, last)],
                        taps[Math.min(t + 5, last)], taps[Math.min(t + 6, last)], taps[Math.min(t + 7, last)],
                        dyt, ob, opad, outHeight, outWidth, samples, scratch);
                for (int k = 0; k < n; k++) {
                    addRuns(scratch, k * L, partial, (t + k) * opad + ob, L);
                }
            }
        }
    }

    /**
     * Eight weight positions (input offsets {@code o0..o7}) x the {@code L} output channels from {@code ob},
     * summed over every pixel of every sample, written to {@code scratch} one vector per position.
     */
    private static void gradientChannelTile(float[] in, int inSample, int rowLength, int o0, int o1, int o2,
                                            int o3, int o4, int o5, int o6, int o7, float[] dyt, int ob, int opad,
                                            int outHeight, int outWidth, int samples, float[] scratch) {
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        int pixels = samples * outHeight * outWidth;
        // the next pixel: column q of row r of sample s, at x in the input
        int x = 0;
        int q = 0;
        int r = 0;
        int rowEnd = rowLength - outWidth;
        int sampleEnd = inSample - outHeight * rowLength;
        for (int k = 0, g = ob; k < pixels; k++, g += opad) {
            FloatVector d = FloatVector.fromArray(SPECIES, dyt, g);
            a0 = d.fma(FloatVector.broadcast(SPECIES, in[x + o0]), a0);
            a1 = d.fma(FloatVector.broadcast(SPECIES, in[x + o1]), a1);
            a2 = d.fma(FloatVector.broadcast(SPECIES, in[x + o2]), a2);
            a3 = d.fma(FloatVector.broadcast(SPECIES, in[x + o3]), a3);
            a4 = d.fma(FloatVector.broadcast(SPECIES, in[x + o4]), a4);
            a5 = d.fma(FloatVector.broadcast(SPECIES, in[x + o5]), a5);
            a6 = d.fma(FloatVector.broadcast(SPECIES, in[x + o6]), a6);
            a7 = d.fma(FloatVector.broadcast(SPECIES, in[x + o7]), a7);
            x++;
            if (++q == outWidth) {
                q = 0;
                x += rowEnd;
                if (++r == outHeight) {
                    r = 0;
                    x += sampleEnd;
                }
            }
        }
        a0.intoArray(scratch, 0);
        a1.intoArray(scratch, L);
        a2.intoArray(scratch, 2 * L);
        a3.intoArray(scratch, 3 * L);
        a4.intoArray(scratch, 4 * L);
        a5.intoArray(scratch, 5 * L);
        a6.intoArray(scratch, 6 * L);
        a7.intoArray(scratch, 7 * L);
    }
}
