package dev.kiln.runtime.ops;

import static dev.kiln.runtime.Memory.FLOAT;

import dev.kiln.runtime.Memory;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * A stride-1 convolution with the samples in the vector lanes: a group of as many
 * samples as a vector has lanes is copied so that the values of one position of the group lie side by side
 * ({@code [channel][row][column][lane]}), and every multiply-add is then a whole vector of useful products,
 * whatever the widths and the channel counts: no lane runs past a row's end, no sum is reduced across lanes
 * until the very end, and the input gradient reads only the output-gradient rows that exist (the kernel rows
 * that fall on the zero padding above and below are skipped; only the columns are padded).
 * <ul>
 *   <li>Forward ({@link #forwardApplies when each output takes enough multiply-adds}): {@code y[o][r][q] =
 *       b[o] + sum_t w[o][t] * x[t's channel][r + i][q + j]}, in tiles of 4 output channels by 5 columns
 *       (20 sums, 9 vector reads per 20 multiply-adds).</li>
 *   <li>Weight gradient: per lane, {@code dW[o][t] += sum_{r, q} dy[o][r][q] * x[t's channel][r + i][q + j]}
 *       for the patch tap {@code t = (c, i, j)}, in tiles of 3 output channels by 5 taps (15 sums, 8 vector
 *       reads per 15 multiply-adds); the lanes are added, in lane order, after the last group.</li>
 *   <li>Bias gradient: per lane, the sum of each output channel's gradient.</li>
 *   <li>Input gradient: {@code dx[c][r][q] = sum_{o, i, j} w[o][c][i][j] * dy[o][r + pt - i][q + pl - j]}
 *       over the rows of {@code dy} that exist, in tiles of 3 input channels by 7 columns (21 sums, 10 vector
 *       reads per 21 multiply-adds).</li>
 * </ul>
 * A tile past the last channel, tap or column repeats the last one, computing and storing it twice. A last
 * group with fewer samples fills the other lanes with zeros. Used by {@link DirectConv} from a batch of one
 * vector's lanes on; the copies live in buffers of the calling thread that grow to the largest
 * layer it has run. Measured: docs/decisions.md, "Convolution kernels".
 */
final class LaneConv {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** For {@link #transpose16}, at distance {@code k}: lane {@code l} takes lane {@code l - k}. */
    private static final VectorShuffle<Float> DOWN_8 = shift(-8);
    private static final VectorShuffle<Float> DOWN_4 = shift(-4);
    private static final VectorShuffle<Float> DOWN_2 = shift(-2);
    private static final VectorShuffle<Float> DOWN_1 = shift(-1);
    /** For {@link #transpose16}, at distance {@code k}: lane {@code l} takes lane {@code l + k}. */
    private static final VectorShuffle<Float> UP_8 = shift(8);
    private static final VectorShuffle<Float> UP_4 = shift(4);
    private static final VectorShuffle<Float> UP_2 = shift(2);
    private static final VectorShuffle<Float> UP_1 = shift(1);
    /** For {@link #transpose16}, at distance {@code k}: the lanes with bit {@code k} set. */
    private static final VectorMask<Float> UPPER_8 = upper(8);
    private static final VectorMask<Float> UPPER_4 = upper(4);
    private static final VectorMask<Float> UPPER_2 = upper(2);
    private static final VectorMask<Float> UPPER_1 = upper(1);

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private static final class Buffers {
        float[] x = new float[0];
        float[] dy = new float[0];
        float[] dx = new float[0];
        float[] weights = new float[0];
        float[] partial = new float[0];
        float[] block = new float[0];
        float[] lanes = new float[0];
        float[] pooled = new float[0];
        int[] taps = new int[0];

        static float[] atLeast(float[] buffer, long size) {
            return buffer.length >= size ? buffer : new float[Math.toIntExact(size)];
        }
    }

    private LaneConv() {
    }

    /** Lane {@code l} takes lane {@code l + by}, wrapped around. */
    private static VectorShuffle<Float> shift(int by) {
        return VectorShuffle.fromOp(S, l -> Math.floorMod(l + by, L));
    }

    /** The lanes whose index has bit {@code k} set. */
    private static VectorMask<Float> upper(int k) {
        boolean[] bits = new boolean[L];
        for (int l = 0; l < L; l++) {
            bits[l] = (l & k) != 0;
        }
        return VectorMask.fromArray(S, bits, 0);
    }

    /**
     * The floats of a buffer that holds a group's input or output gradient, or its output or input
     * gradient, either way round: {@code L} samples of the larger, each rounded up to whole vectors, and a
     * vector's worth of slack for the last transposition.
     */
    private static long blockFloats(Conv2dGeometry g) {
        long size = Math.max(g.inputSize(), g.outputSize());
        return ((size + L - 1) / L * L + L) * L;
    }

    /** The samples of a group: the lanes of a vector. */
    static int lanes() {
        return L;
    }

    /**
     * Whether the forward pass puts the samples in the lanes too: from a batch of one vector's lanes, when
     * each output takes at least {@value #FORWARD_MIN_PATCH} multiply-adds, enough to pay for copying the
     * input and the output through the lanes (LeNet's conv2, 150; not its conv1, 25, whose output is 4,704
     * floats a sample).
     */
    static boolean forwardApplies(Conv2dGeometry g, int batch) {
        return batch >= L && g.patchSize() >= FORWARD_MIN_PATCH;
    }

    /** The fewest multiply-adds per output for which {@link #forwardApplies} the lanes. */
    static final int FORWARD_MIN_PATCH = 64;

    /**
     * {@link DirectConv#forward}'s contract, for a stride-1 geometry: overwrites the output at
     * {@code ys[y...]}, adding the bias from {@code p[b...]} unless {@code b} is {@link DenseOps#NO_BIAS}.
     */
    static void forward(Conv2dGeometry g, MemorySegment xs, long x, MemorySegment p, long w, long b,
                        MemorySegment ys, long y, int batch) {
        forward(g, xs, x, p, w, b, ys, y, null, null, 0, batch);
    }

    /**
     * {@link #forward} followed by a ReLU and the 2 x 2, stride-2 max pooling {@code pg} that tiles the output
     * exactly ({@link #pooledApplies}): writes {@code max(0, the largest of each window)} to {@code ps[py...]}
     * ({@code batch * pg.outputSize()} floats), and keeps the convolution's output, in the lanes, in
     * {@code saved} from {@code sv} ({@link #savedFloats} floats) for {@link #backwardPooled}. The
     * convolution's output is never copied out of the lanes: only the pooled values, four times fewer.
     */
    static void forwardPooled(Conv2dGeometry g, Pool2dGeometry pg, MemorySegment xs, long x, MemorySegment p,
                              long w, long b, MemorySegment saved, long sv, MemorySegment ps, long py, int batch) {
        forward(g, xs, x, p, w, b, saved, sv, pg, ps, py, batch);
    }

    /**
     * Whether {@link #forwardPooled} and {@link #backwardPooled} run this convolution with the max pooling
     * {@code pg} after its ReLU: the forward pass is in the lanes, and {@code pg} takes 2 x 2 windows at
     * stride 2 that tile the convolution's output exactly.
     */
    static boolean pooledApplies(Conv2dGeometry g, Pool2dGeometry pg, int batch) {
        return forwardApplies(g, batch) && pg.kernelHeight() == 2 && pg.kernelWidth() == 2
                && pg.strideHeight() == 2 && pg.strideWidth() == 2 && pg.padTop() == 0 && pg.padLeft() == 0
                && pg.channels() == g.outChannels() && pg.inHeight() == g.outHeight()
                && pg.inWidth() == g.outWidth() && g.outHeight() == 2 * pg.outHeight()
                && g.outWidth() == 2 * pg.outWidth();
    }

    /** The floats {@link #forwardPooled} keeps for a batch: the convolution's output, whole groups of lanes. */
    static long savedFloats(Conv2dGeometry g, int batch) {
        return (long) (batch + L - 1) / L * L * g.outputSize();
    }

    /**
     * The forward pass; with {@code pg}, the output goes to {@code ys} (then the saved lanes) as it is in the
     * lanes, and the pooled values to {@code ps}.
     */
    private static void forward(Conv2dGeometry g, MemorySegment xs, long x, MemorySegment p, long w, long b,
                                MemorySegment ys, long y, Pool2dGeometry pg, MemorySegment ps, long py, int batch) {
        int outChannels = g.outChannels();
        int kh = g.kernelHeight();
        int kw = g.kernelWidth();
        int outHeight = g.outHeight();
        int outWidth = g.outWidth();
        int rows = outHeight + kh - 1;
        int columns = outWidth + kw - 1;
        int patch = g.patchSize();
        Buffers buffers = BUFFERS.get();
        float[] xl = buffers.x = Buffers.atLeast(buffers.x, (long) g.inChannels() * rows * columns * L);
        // a row's last gather reads whole vectors of positions, also past the last (masked off, but range-checked)
        // the output in the lanes, in the buffer the backward pass keeps dy in (not in use during forward)
        float[] yl = buffers.dy = Buffers.atLeast(buffers.dy, ((long) g.outputSize() + L) * L);
        float[] block = buffers.block = Buffers.atLeast(buffers.block, blockFloats(g));
        float[] lanes = buffers.lanes = Buffers.atLeast(buffers.lanes, blockFloats(g));
        float[] weights = buffers.weights = Buffers.atLeast(buffers.weights, g.weightSize() + outChannels);
        Memory.copy(p, w, weights, 0, g.weightSize());
        if (b != DenseOps.NO_BIAS) {
            Memory.copy(p, b, weights, g.weightSize(), outChannels);
        } else {
            Arrays.fill(weights, g.weightSize(), g.weightSize() + outChannels, 0f);
        }
        for (int s0 = 0; s0 < batch; s0 += L) {
            int samples = Math.min(L, batch - s0);
            inputToLanes(g, xs, x + (long) s0 * g.inputSize(), samples, xl, rows, columns, block, lanes);
            for (int o = 0; o < outChannels; o += 4) {
                int o1 = Math.min(o + 1, outChannels - 1);
                int o2 = Math.min(o + 2, outChannels - 1);
                int o3 = Math.min(o + 3, outChannels - 1);
                for (int r = 0; r < outHeight; r++) {
                    for (int q = 0; q < outWidth; q += 5) {
                        forwardTile(xl, weights, yl, g, patch, rows, columns, o, o1, o2, o3, r, q,
                                Math.min(q + 1, outWidth - 1), Math.min(q + 2, outWidth - 1),
                                Math.min(q + 3, outWidth - 1), Math.min(q + 4, outWidth - 1));
                    }
                }
            }
            if (pg == null) {
                fromLanes(yl, g.outputSize(), samples, ys, y + (long) s0 * g.outputSize(), block);
            } else {
                Memory.copy(yl, 0, ys, y + (long) s0 * g.outputSize(), g.outputSize() * L);
                float[] pl = buffers.pooled = Buffers.atLeast(buffers.pooled, ((long) pg.outputSize() + L) * L);
                for (int o = 0; o < outChannels; o++) {
                    for (int r = 0; r < pg.outHeight(); r++) {
                        poolRow(yl, pl, ((o * outHeight + 2 * r) * outWidth) * L, outWidth * L,
                                ((o * pg.outHeight() + r) * pg.outWidth()) * L, pg.outWidth());
                    }
                }
                fromLanes(pl, pg.outputSize(), samples, ps, py + (long) s0 * pg.outputSize(), block);
            }
        }
    }

    /**
     * One row of 2 x 2 windows with the ReLU, lane by lane: {@code pl[to + k L...] = max(0, the four values
     * of window k)}, the window's upper row from {@code yl[from + 2k L...]}, its lower row {@code below}
     * further. The order of the maxima does not change a bit of the result (see {@link PoolVectors}).
     */
    private static void poolRow(float[] yl, float[] pl, int from, int below, int to, int windows) {
        for (int k = 0; k < windows; k++) {
            int at = from + 2 * k * L;
            FloatVector.fromArray(S, yl, at).lanewise(VectorOperators.MAX, FloatVector.fromArray(S, yl, at + L))
                    .lanewise(VectorOperators.MAX, FloatVector.fromArray(S, yl, at + below)
                            .lanewise(VectorOperators.MAX, FloatVector.fromArray(S, yl, at + below + L)))
                    .lanewise(VectorOperators.MAX, 0f)
                    .intoArray(pl, to + k * L);
        }
    }

    /**
     * Output channels {@code o0..o3} of row {@code r} at columns {@code q0..q4}: the bias (after the weights
     * in {@code weights}) plus every patch tap, one loop over the taps with the input offset advanced by hand.
     */
    private static void forwardTile(float[] xl, float[] weights, float[] yl, Conv2dGeometry g, int patch, int rows,
                                    int columns, int o0, int o1, int o2, int o3, int r, int q0, int q1, int q2,
                                    int q3, int q4) {
        int bias = g.weightSize();
        FloatVector a0 = FloatVector.broadcast(S, weights[bias + o0]);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector b0 = FloatVector.broadcast(S, weights[bias + o1]);
        FloatVector b1 = b0;
        FloatVector b2 = b0;
        FloatVector b3 = b0;
        FloatVector b4 = b0;
        FloatVector c0 = FloatVector.broadcast(S, weights[bias + o2]);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        FloatVector c4 = c0;
        FloatVector e0 = FloatVector.broadcast(S, weights[bias + o3]);
        FloatVector e1 = e0;
        FloatVector e2 = e0;
        FloatVector e3 = e0;
        FloatVector e4 = e0;
        int kh = g.kernelHeight();
        int kw = g.kernelWidth();
        int s1 = (q1 - q0) * L;
        int s2 = (q2 - q0) * L;
        int s3 = (q3 - q0) * L;
        int s4 = (q4 - q0) * L;
        int w0 = o0 * patch;
        int w1 = o1 * patch;
        int w2 = o2 * patch;
        int w3 = o3 * patch;
        int rowSkip = (columns - kw) * L;
        int planeSkip = (rows - kh) * columns * L;
        int at = (r * columns + q0) * L;
        int i = 0;
        int j = 0;
        for (int t = 0; t < patch; t++) {
            FloatVector v0 = FloatVector.broadcast(S, weights[w0 + t]);
            FloatVector v1 = FloatVector.broadcast(S, weights[w1 + t]);
            FloatVector v2 = FloatVector.broadcast(S, weights[w2 + t]);
            FloatVector v3 = FloatVector.broadcast(S, weights[w3 + t]);
            FloatVector d = FloatVector.fromArray(S, xl, at);
            a0 = d.fma(v0, a0);
            b0 = d.fma(v1, b0);
            c0 = d.fma(v2, c0);
            e0 = d.fma(v3, e0);
            d = FloatVector.fromArray(S, xl, at + s1);
            a1 = d.fma(v0, a1);
            b1 = d.fma(v1, b1);
            c1 = d.fma(v2, c1);
            e1 = d.fma(v3, e1);
            d = FloatVector.fromArray(S, xl, at + s2);
            a2 = d.fma(v0, a2);
            b2 = d.fma(v1, b2);
            c2 = d.fma(v2, c2);
            e2 = d.fma(v3, e2);
            d = FloatVector.fromArray(S, xl, at + s3);
            a3 = d.fma(v0, a3);
            b3 = d.fma(v1, b3);
            c3 = d.fma(v2, c3);
            e3 = d.fma(v3, e3);
            d = FloatVector.fromArray(S, xl, at + s4);
            a4 = d.fma(v0, a4);
            b4 = d.fma(v1, b4);
            c4 = d.fma(v2, c4);
            e4 = d.fma(v3, e4);
            at += L;
            if (++j == kw) {
                j = 0;
                at += rowSkip;
                if (++i == kh) {
                    i = 0;
                    at += planeSkip;
                }
            }
        }
        int outHeight = g.outHeight();
        int outWidth = g.outWidth();
        int y0 = ((o0 * outHeight + r) * outWidth + q0) * L;
        int y1 = ((o1 * outHeight + r) * outWidth + q0) * L;
        int y2 = ((o2 * outHeight + r) * outWidth + q0) * L;
        int y3 = ((o3 * outHeight + r) * outWidth + q0) * L;
        // a repeated channel or column stores the same sums twice
        e4.intoArray(yl, y3 + s4);
        e3.intoArray(yl, y3 + s3);
        e2.intoArray(yl, y3 + s2);
        e1.intoArray(yl, y3 + s1);
        e0.intoArray(yl, y3);
        c4.intoArray(yl, y2 + s4);
        c3.intoArray(yl, y2 + s3);
        c2.intoArray(yl, y2 + s2);
        c1.intoArray(yl, y2 + s1);
        c0.intoArray(yl, y2);
        b4.intoArray(yl, y1 + s4);
        b3.intoArray(yl, y1 + s3);
        b2.intoArray(yl, y1 + s2);
        b1.intoArray(yl, y1 + s1);
        b0.intoArray(yl, y1);
        a4.intoArray(yl, y0 + s4);
        a3.intoArray(yl, y0 + s3);
        a2.intoArray(yl, y0 + s2);
        a1.intoArray(yl, y0 + s1);
        a0.intoArray(yl, y0);
    }

    /**
     * {@link DirectConv#backward}'s contract, for a stride-1 geometry: adds the weight gradient to
     * {@code gs[gw...]}, the bias gradient to {@code gs[gb...]} unless {@code gb} is
     * {@link DenseOps#NO_BIAS}, and unless {@code dxs} is null overwrites the input gradient at
     * {@code dxs[dx...]}.
     */
    static void backward(Conv2dGeometry g, MemorySegment xs, long x, MemorySegment p, long w,
                         MemorySegment dys, long dy, MemorySegment gs, long gw, long gb,
                         MemorySegment dxs, long dx, int batch) {
        backward(g, xs, x, p, w, dys, dy, null, null, 0, gs, gw, gb, dxs, dx, batch);
    }

    /**
     * {@link #backward} through {@link #forwardPooled}: the pooled values' gradient {@code dps[dpy...]} goes
     * to the first input of each window equal to the window's largest (row-major) when that is positive,
     * every other output gets 0, as {@link PoolOps#maxBackward} with its ReLU gives; the convolution's output
     * is read from {@code saved}, as {@link #forwardPooled} left it.
     */
    static void backwardPooled(Conv2dGeometry g, Pool2dGeometry pg, MemorySegment xs, long x, MemorySegment p,
                               long w, MemorySegment saved, long sv, MemorySegment dps, long dpy, MemorySegment gs,
                               long gw, long gb, MemorySegment dxs, long dx, int batch) {
        backward(g, xs, x, p, w, saved, sv, pg, dps, dpy, gs, gw, gb, dxs, dx, batch);
    }

    /**
     * The backward pass; with {@code pg}, {@code dys} holds the saved output in the lanes and the output
     * gradient comes from the pooled values' gradient at {@code dps[dpy...]}.
     */
    private static void backward(Conv2dGeometry g, MemorySegment xs, long x, MemorySegment p, long w,
                                 MemorySegment dys, long dy, Pool2dGeometry pg, MemorySegment dps, long dpy,
                                 MemorySegment gs, long gw, long gb, MemorySegment dxs, long dx, int batch) {
        int inChannels = g.inChannels();
        int outChannels = g.outChannels();
        int kh = g.kernelHeight();
        int kw = g.kernelWidth();
        int outHeight = g.outHeight();
        int outWidth = g.outWidth();
        int rows = outHeight + kh - 1;
        int columns = outWidth + kw - 1;
        // the input gradient reads dy's columns up to kw - 1 before and after its own; the weights' does not
        int pad = dxs == null ? 0 : kw - 1;
        int gradientColumns = dxs == null ? outWidth : pad + Math.max(outWidth, g.inWidth() + g.padLeft());
        int patch = g.patchSize();
        int weightSize = g.weightSize();
        Buffers buffers = BUFFERS.get();
        float[] xl = buffers.x = Buffers.atLeast(buffers.x, (long) inChannels * rows * columns * L);
        float[] dyl = buffers.dy = Buffers.atLeast(buffers.dy, (long) outChannels * outHeight * gradientColumns * L);
        float[] partial = buffers.partial = Buffers.atLeast(buffers.partial, (long) (weightSize + outChannels) * L);
        Arrays.fill(partial, 0, (weightSize + outChannels) * L, 0f);
        int[] taps = buffers.taps = buffers.taps.length >= patch ? buffers.taps : new int[patch];
        float[] block = buffers.block = Buffers.atLeast(buffers.block, blockFloats(g));
        float[] lanes = buffers.lanes = Buffers.atLeast(buffers.lanes, blockFloats(g));
        for (int c = 0, t = 0; c < inChannels; c++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    taps[t++] = ((c * rows + i) * columns + j) * L;
                }
            }
        }
        float[] dxl = null;
        float[] weights = null;
        if (dxs != null) {
            // a row's last gather reads whole vectors of positions, also past the last (masked off, but range-checked)
            dxl = buffers.dx = Buffers.atLeast(buffers.dx, ((long) g.inputSize() + L) * L);
            weights = buffers.weights = Buffers.atLeast(buffers.weights, weightSize);
            Memory.copy(p, w, weights, 0, weightSize);
        }
        for (int s0 = 0; s0 < batch; s0 += L) {
            int samples = Math.min(L, batch - s0);
            inputToLanes(g, xs, x + (long) s0 * g.inputSize(), samples, xl, rows, columns, block, lanes);
            if (pg == null) {
                gradientToLanes(g, dys, dy + (long) s0 * g.outputSize(), samples, dyl, gradientColumns, pad, block,
                        lanes);
            } else {
                float[] yl = buffers.pooled = Buffers.atLeast(buffers.pooled, (long) g.outputSize() * L);
                Memory.copy(dys, dy + (long) s0 * g.outputSize(), yl, 0, g.outputSize() * L);
                pooledGradientToLanes(g, pg, yl, dps, dpy + (long) s0 * pg.outputSize(), samples, dyl,
                        gradientColumns, pad, block, lanes);
            }
            if (gb != DenseOps.NO_BIAS) {
                biasSums(dyl, outChannels, outHeight, outWidth, gradientColumns, pad, partial, weightSize * L);
            }
            for (int o = 0; o < outChannels; o += 3) {
                int o1 = Math.min(o + 1, outChannels - 1);
                int o2 = Math.min(o + 2, outChannels - 1);
                for (int t = 0; t < patch; t += 5) {
                    int t1 = Math.min(t + 1, patch - 1);
                    int t2 = Math.min(t + 2, patch - 1);
                    int t3 = Math.min(t + 3, patch - 1);
                    int t4 = Math.min(t + 4, patch - 1);
                    weightTile(xl, dyl, partial, patch, o, o1, o2, t, t1, t2, t3, t4, taps[t], taps[t1], taps[t2],
                            taps[t3], taps[t4], outHeight, outWidth, columns, gradientColumns, pad);
                }
            }
            if (dxs != null) {
                inputGradient(g, dyl, weights, dxl, gradientColumns, pad);
                fromLanes(dxl, g.inputSize(), samples, dxs, dx + (long) s0 * g.inputSize(), block);
            }
        }
        for (int t = 0; t < weightSize; t++) {
            gs.setAtIndex(FLOAT, gw + t, gs.getAtIndex(FLOAT, gw + t) + laneSum(partial, t * L));
        }
        if (gb != DenseOps.NO_BIAS) {
            for (int o = 0; o < outChannels; o++) {
                gs.setAtIndex(FLOAT, gb + o, gs.getAtIndex(FLOAT, gb + o) + laneSum(partial, (weightSize + o) * L));
            }
        }
    }

    /** The lanes from {@code at}, added in lane order. */
    private static float laneSum(float[] values, int at) {
        float sum = 0;
        for (int l = 0; l < L; l++) {
            sum += values[at + l];
        }
        return sum;
    }

    /**
     * The group's input, zero-padded as the convolution reads it: {@code rows x columns} positions per
     * channel, lane {@code s} holding sample {@code s} (zero from {@code samples} on). The samples are
     * transposed into the lanes by {@link #toLanes}, then each input row is copied to its padded place.
     */
    private static void inputToLanes(Conv2dGeometry g, MemorySegment xs, long x, int samples, float[] xl,
                                     int rows, int columns, float[] block, float[] lanes) {
        int inHeight = g.inHeight();
        int inWidth = g.inWidth();
        int padTop = g.padTop();
        int padLeft = g.padLeft();
        int plane = rows * columns;
        int width = Math.min(inWidth, columns - padLeft);
        toLanes(xs, x, g.inputSize(), samples, block, lanes);
        for (int c = 0; c < g.inChannels(); c++) {
            for (int r = 0; r < rows; ++r) {
                int row = r - padTop;
                int to = (c * plane + r * columns) * L;
                if (row < 0 || row >= inHeight) {
                    clear(xl, to, columns);
                    continue;
                }
                clear(xl, to, padLeft);
                System.arraycopy(lanes, (c * inHeight + row) * inWidth * L, xl, to + padLeft * L, width * L);
                clear(xl, to + (padLeft + width) * L, columns - padLeft - width);
            }
        }
    }

    /**
     * The group's output gradient, each row with {@code pad} zero columns before it and zeros after it up to
     * {@code gradientColumns}; lane {@code s} holds sample {@code s} (zero from {@code samples} on). Copied
     * as {@link #inputToLanes} copies the input.
     */
    private static void gradientToLanes(Conv2dGeometry g, MemorySegment dys, long dy, int samples, float[] dyl,
                                        int gradientColumns, int pad, float[] block, float[] lanes) {
        int outHeight = g.outHeight();
        int outWidth = g.outWidth();
        toLanes(dys, dy, g.outputSize(), samples, block, lanes);
        for (int o = 0; o < g.outChannels(); o++) {
            for (int r = 0; r < outHeight; r++) {
                int to = ((o * outHeight + r) * gradientColumns) * L;
                clearPadding(dyl, to, pad, outWidth, gradientColumns);
                System.arraycopy(lanes, (o * outHeight + r) * outWidth * L, dyl, to + pad * L, outWidth * L);
            }
        }
    }

    /**
     * The group's output gradient through the pooling with its ReLU, in {@link #gradientToLanes}'s layout:
     * the pooled values' gradient (from {@code dps[dpy]}) transposed into the lanes, then, for each window of
     * the convolution's output {@code yl} (in the lanes), given to its first input equal to the window's
     * largest when that is positive, 0 to the others.
     */
    private static void pooledGradientToLanes(Conv2dGeometry g, Pool2dGeometry pg, float[] yl, MemorySegment dps,
                                              long dpy, int samples, float[] dyl, int gradientColumns, int pad,
                                              float[] block, float[] lanes) {
        int outHeight = g.outHeight();
        int outWidth = g.outWidth();
        toLanes(dps, dpy, pg.outputSize(), samples, block, lanes);
        for (int o = 0; o < g.outChannels(); o++) {
            for (int r = 0; r < outHeight; r++) {
                clearPadding(dyl, ((o * outHeight + r) * gradientColumns) * L, pad, outWidth, gradientColumns);
            }
            for (int r = 0; r < pg.outHeight(); r++) {
                int upper = ((o * outHeight + 2 * r) * gradientColumns + pad) * L;
                unpoolRow(yl, ((o * outHeight + 2 * r) * outWidth) * L, outWidth * L, lanes,
                        ((o * pg.outHeight() + r) * pg.outWidth()) * L, dyl, upper, gradientColumns * L,
                        pg.outWidth());
            }
        }
    }

    /**
     * One row of 2 x 2 windows backward, lane by lane: window {@code k}'s inputs are at {@code yl[from + 2k
     * L...]} and one more vector on, and {@code below} further for its lower row; its gradient at {@code
     * gl[at + k L...]}; the four gradients go to {@code dyl[to + 2k L...]} likewise, rows {@code dyBelow}
     * apart: the window's gradient to the first of the four (upper left, upper right, lower left, lower
     * right) equal to their largest when it is positive, 0 elsewhere.
     */
    private static void unpoolRow(float[] yl, int from, int below, float[] gl, int at, float[] dyl, int to,
                                  int dyBelow, int windows) {
        FloatVector zero = FloatVector.zero(S);
        for (int k = 0; k < windows; k++) {
            int in = from + 2 * k * L;
            FloatVector a = FloatVector.fromArray(S, yl, in);
            FloatVector b = FloatVector.fromArray(S, yl, in + L);
            FloatVector c = FloatVector.fromArray(S, yl, in + below);
            FloatVector d = FloatVector.fromArray(S, yl, in + below + L);
            FloatVector max = a.lanewise(VectorOperators.MAX, b)
                    .lanewise(VectorOperators.MAX, c.lanewise(VectorOperators.MAX, d));
            VectorMask<Float> open = max.compare(VectorOperators.GT, 0f); // the ReLU passes a gradient
            VectorMask<Float> wa = a.compare(VectorOperators.EQ, max).and(open);
            VectorMask<Float> taken = wa;
            VectorMask<Float> wb = b.compare(VectorOperators.EQ, max).and(open).andNot(taken);
            taken = taken.or(wb);
            VectorMask<Float> wc = c.compare(VectorOperators.EQ, max).and(open).andNot(taken);
            taken = taken.or(wc);
            VectorMask<Float> wd = d.compare(VectorOperators.EQ, max).and(open).andNot(taken);
            FloatVector gradient = FloatVector.fromArray(S, gl, at + k * L);
            int out = to + 2 * k * L;
            zero.blend(gradient, wa).intoArray(dyl, out);
            zero.blend(gradient, wb).intoArray(dyl, out + L);
            zero.blend(gradient, wc).intoArray(dyl, out + dyBelow);
            zero.blend(gradient, wd).intoArray(dyl, out + dyBelow + L);
        }
    }

    /**
     * The group's samples ({@code size} floats each, from {@code at}) into the lanes, unpadded:
     * {@code lanes[e * L + s]} is value {@code e} of sample {@code s}, zero from {@code samples} on. The
     * samples are copied whole, one after the other, into {@code block}, then transposed {@code L} values
     * at a time; the last transposition reads past the last value (into the buffer's slack), which lands past
     * the last position.
     */
    private static void toLanes(MemorySegment from, long at, int size, int samples, float[] block, float[] lanes) {
        Memory.copy(from, at, block, 0, samples * size);
        Arrays.fill(block, samples * size, L * size, 0f);
        for (int e = 0; e < size; e += L) {
            transpose(block, e, size, lanes, e * L, L);
        }
    }

    /**
     * Lane {@code s < samples} of a group's tensor in the lanes ({@code size} positions, {@code lanes[e * L +
     * s]}) to sample {@code s} of {@code to} from {@code at}, samples {@code size} floats apart: transposed
     * {@code L} positions at a time into {@code block} (rows of {@code size} rounded up to whole vectors, so
     * that the last transposition's extra positions fall in the row's own slack), then copied whole.
     */
    private static void fromLanes(float[] lanes, int size, int samples, MemorySegment to, long at, float[] block) {
        int stride = (size + L - 1) / L * L;
        for (int e = 0; e < size; e += L) {
            transpose(lanes, e * L, L, block, e, stride);
        }
        for (int s = 0; s < samples; s++) {
            Memory.copy(block, s * stride, to, at + (long) s * size, size);
        }
    }

    /**
     * {@code L} rows of {@code L} floats, from {@code src[from + i * srcStride]}, written transposed to
     * {@code dst[to + j * dstStride]}: in registers with sixteen lanes, element by element otherwise.
     */
    static void transpose(float[] src, int from, int srcStride, float[] dst, int to, int dstStride) {
        if (L == 16) {
            transpose16(src, from, srcStride, dst, to, dstStride);
        } else {
            transposeScalar(src, from, srcStride, dst, to, dstStride);
        }
    }

    /** {@link #transpose}, element by element. */
    static void transposeScalar(float[] src, int from, int srcStride, float[] dst, int to, int dstStride) {
        for (int i = 0; i < L; i++) {
            for (int j = 0; j < L; j++) {
                dst[to + j * dstStride + i] = src[from + i * srcStride + j];
            }
        }
    }

    /**
     * Sixteen rows of sixteen floats, from {@code src[from + i * srcStride]}, written transposed to
     * {@code dst[to + j * dstStride]}, in registers: four stages, each of which swaps the blocks of 8, 4, 2,
     * then 1 lanes between rows that far apart (a lane's partner is one rearrangement away, and a blend keeps
     * the lanes that stay). Sixteen lanes only (see {@link #transpose}).
     */
    private static void transpose16(float[] src, int from, int srcStride, float[] dst, int to, int dstStride) {
        FloatVector r0 = FloatVector.fromArray(S, src, from);
        FloatVector r1 = FloatVector.fromArray(S, src, from + 1 * srcStride);
        FloatVector r2 = FloatVector.fromArray(S, src, from + 2 * srcStride);
        FloatVector r3 = FloatVector.fromArray(S, src, from + 3 * srcStride);
        FloatVector r4 = FloatVector.fromArray(S, src, from + 4 * srcStride);
        FloatVector r5 = FloatVector.fromArray(S, src, from + 5 * srcStride);
        FloatVector r6 = FloatVector.fromArray(S, src, from + 6 * srcStride);
        FloatVector r7 = FloatVector.fromArray(S, src, from + 7 * srcStride);
        FloatVector r8 = FloatVector.fromArray(S, src, from + 8 * srcStride);
        FloatVector r9 = FloatVector.fromArray(S, src, from + 9 * srcStride);
        FloatVector r10 = FloatVector.fromArray(S, src, from + 10 * srcStride);
        FloatVector r11 = FloatVector.fromArray(S, src, from + 11 * srcStride);
        FloatVector r12 = FloatVector.fromArray(S, src, from + 12 * srcStride);
        FloatVector r13 = FloatVector.fromArray(S, src, from + 13 * srcStride);
        FloatVector r14 = FloatVector.fromArray(S, src, from + 14 * srcStride);
        FloatVector r15 = FloatVector.fromArray(S, src, from + 15 * srcStride);
        FloatVector t;
        // rows 8 apart swap their blocks of 8 lanes
        t = r0.blend(r8.rearrange(DOWN_8), UPPER_8);
        r8 = r0.rearrange(UP_8).blend(r8, UPPER_8);
        r0 = t;
        t = r1.blend(r9.rearrange(DOWN_8), UPPER_8);
        r9 = r1.rearrange(UP_8).blend(r9, UPPER_8);
        r1 = t;
        t = r2.blend(r10.rearrange(DOWN_8), UPPER_8);
        r10 = r2.rearrange(UP_8).blend(r10, UPPER_8);
        r2 = t;
        t = r3.blend(r11.rearrange(DOWN_8), UPPER_8);
        r11 = r3.rearrange(UP_8).blend(r11, UPPER_8);
        r3 = t;
        t = r4.blend(r12.rearrange(DOWN_8), UPPER_8);
        r12 = r4.rearrange(UP_8).blend(r12, UPPER_8);
        r4 = t;
        t = r5.blend(r13.rearrange(DOWN_8), UPPER_8);
        r13 = r5.rearrange(UP_8).blend(r13, UPPER_8);
        r5 = t;
        t = r6.blend(r14.rearrange(DOWN_8), UPPER_8);
        r14 = r6.rearrange(UP_8).blend(r14, UPPER_8);
        r6 = t;
        t = r7.blend(r15.rearrange(DOWN_8), UPPER_8);
        r15 = r7.rearrange(UP_8).blend(r15, UPPER_8);
        r7 = t;
        // rows 4 apart swap their blocks of 4 lanes
        t = r0.blend(r4.rearrange(DOWN_4), UPPER_4);
        r4 = r0.rearrange(UP_4).blend(r4, UPPER_4);
        r0 = t;
        t = r1.blend(r5.rearrange(DOWN_4), UPPER_4);
        r5 = r1.rearrange(UP_4).blend(r5, UPPER_4);
        r1 = t;
        t = r2.blend(r6.rearrange(DOWN_4), UPPER_4);
        r6 = r2.rearrange(UP_4).blend(r6, UPPER_4);
        r2 = t;
        t = r3.blend(r7.rearrange(DOWN_4), UPPER_4);
        r7 = r3.rearrange(UP_4).blend(r7, UPPER_4);
        r3 = t;
        t = r8.blend(r12.rearrange(DOWN_4), UPPER_4);
        r12 = r8.rearrange(UP_4).blend(r12, UPPER_4);
        r8 = t;
        t = r9.blend(r13.rearrange(DOWN_4), UPPER_4);
        r13 = r9.rearrange(UP_4).blend(r13, UPPER_4);
        r9 = t;
        t = r10.blend(r14.rearrange(DOWN_4), UPPER_4);
        r14 = r10.rearrange(UP_4).blend(r14, UPPER_4);
        r10 = t;
        t = r11.blend(r15.rearrange(DOWN_4), UPPER_4);
        r15 = r11.rearrange(UP_4).blend(r15, UPPER_4);
        r11 = t;
        // rows 2 apart swap their blocks of 2 lanes
        t = r0.blend(r2.rearrange(DOWN_2), UPPER_2);
        r2 = r0.rearrange(UP_2).blend(r2, UPPER_2);
        r0 = t;
        t = r1.blend(r3.rearrange(DOWN_2), UPPER_2);
        r3 = r1.rearrange(UP_2).blend(r3, UPPER_2);
        r1 = t;
        t = r4.blend(r6.rearrange(DOWN_2), UPPER_2);
        r6 = r4.rearrange(UP_2).blend(r6, UPPER_2);
        r4 = t;
        t = r5.blend(r7.rearrange(DOWN_2), UPPER_2);
        r7 = r5.rearrange(UP_2).blend(r7, UPPER_2);
        r5 = t;
        t = r8.blend(r10.rearrange(DOWN_2), UPPER_2);
        r10 = r8.rearrange(UP_2).blend(r10, UPPER_2);
        r8 = t;
        t = r9.blend(r11.rearrange(DOWN_2), UPPER_2);
        r11 = r9.rearrange(UP_2).blend(r11, UPPER_2);
        r9 = t;
        t = r12.blend(r14.rearrange(DOWN_2), UPPER_2);
        r14 = r12.rearrange(UP_2).blend(r14, UPPER_2);
        r12 = t;
        t = r13.blend(r15.rearrange(DOWN_2), UPPER_2);
        r15 = r13.rearrange(UP_2).blend(r15, UPPER_2);
        r13 = t;
        // rows 1 apart swap their blocks of 1 lane
        t = r0.blend(r1.rearrange(DOWN_1), UPPER_1);
        r1 = r0.rearrange(UP_1).blend(r1, UPPER_1);
        r0 = t;
        t = r2.blend(r3.rearrange(DOWN_1), UPPER_1);
        r3 = r2.rearrange(UP_1).blend(r3, UPPER_1);
        r2 = t;
        t = r4.blend(r5.rearrange(DOWN_1), UPPER_1);
        r5 = r4.rearrange(UP_1).blend(r5, UPPER_1);
        r4 = t;
        t = r6.blend(r7.rearrange(DOWN_1), UPPER_1);
        r7 = r6.rearrange(UP_1).blend(r7, UPPER_1);
        r6 = t;
        t = r8.blend(r9.rearrange(DOWN_1), UPPER_1);
        r9 = r8.rearrange(UP_1).blend(r9, UPPER_1);
        r8 = t;
        t = r10.blend(r11.rearrange(DOWN_1), UPPER_1);
        r11 = r10.rearrange(UP_1).blend(r11, UPPER_1);
        r10 = t;
        t = r12.blend(r13.rearrange(DOWN_1), UPPER_1);
        r13 = r12.rearrange(UP_1).blend(r13, UPPER_1);
        r12 = t;
        t = r14.blend(r15.rearrange(DOWN_1), UPPER_1);
        r15 = r14.rearrange(UP_1).blend(r15, UPPER_1);
        r14 = t;
        r0.intoArray(dst, to);
        r1.intoArray(dst, to + 1 * dstStride);
        r2.intoArray(dst, to + 2 * dstStride);
        r3.intoArray(dst, to + 3 * dstStride);
        r4.intoArray(dst, to + 4 * dstStride);
        r5.intoArray(dst, to + 5 * dstStride);
        r6.intoArray(dst, to + 6 * dstStride);
        r7.intoArray(dst, to + 7 * dstStride);
        r8.intoArray(dst, to + 8 * dstStride);
        r9.intoArray(dst, to + 9 * dstStride);
        r10.intoArray(dst, to + 10 * dstStride);
        r11.intoArray(dst, to + 11 * dstStride);
        r12.intoArray(dst, to + 12 * dstStride);
        r13.intoArray(dst, to + 13 * dstStride);
        r14.intoArray(dst, to + 14 * dstStride);
        r15.intoArray(dst, to + 15 * dstStride);
    }

    /**
     * Zeroes the padding of a gradient row from {@code at}: {@code pad} positions before its {@code width}
     * values, and those after them up to {@code columns}.
     */
    private static void clearPadding(float[] values, int at, int pad, int width, int columns) {
        clear(values, at, pad);
        clear(values, at + (pad + width) * L, columns - pad - width);
    }

    /** Zeroes {@code positions} whole vectors of lanes from {@code at}. */
    private static void clear(float[] values, int at, int positions) {
        FloatVector zero = FloatVector.zero(S);
        for (int q = 0; q < positions; q++) {
            zero.intoArray(values, at + q * L);
        }
    }

    /** Adds each output channel's gradient, per lane, to {@code partial[at + o * L...]}. */
    private static void biasSums(float[] dyl, int outChannels, int outHeight, int outWidth, int gradientColumns,
                                 int pad, float[] partial, int at) {
        for (int o = 0; o < outChannels; o++) {
            FloatVector sum = FloatVector.fromArray(S, partial, at + o * L);
            for (int r = 0; r < outHeight; r++) {
                int row = ((o * outHeight + r) * gradientColumns + pad) * L;
                for (int q = 0; q < outWidth; q++) {
                    sum = sum.add(FloatVector.fromArray(S, dyl, row + q * L));
                }
            }
            sum.intoArray(partial, at + o * L);
        }
    }

    /**
     * Three output channels by five patch taps of the weight gradient's per-lane sums, over every output
     * position of the group: {@code partial[(o * patch + t) * L...]} for {@code o} in {@code o0, o1, o2} and
     * {@code t} in {@code t0..t4}, the taps reading the input from {@code x0..x4} past the position's start.
     */
    private static void weightTile(float[] xl, float[] dyl, float[] partial, int patch, int o0, int o1, int o2,
                                   int t0, int t1, int t2, int t3, int t4, int x0, int x1, int x2, int x3, int x4,
                                   int outHeight, int outWidth, int columns, int gradientColumns, int pad) {
        int p00 = (o0 * patch + t0) * L;
        int p01 = (o0 * patch + t1) * L;
        int p02 = (o0 * patch + t2) * L;
        int p03 = (o0 * patch + t3) * L;
        int p04 = (o0 * patch + t4) * L;
        int p10 = (o1 * patch + t0) * L;
        int p11 = (o1 * patch + t1) * L;
        int p12 = (o1 * patch + t2) * L;
        int p13 = (o1 * patch + t3) * L;
        int p14 = (o1 * patch + t4) * L;
        int p20 = (o2 * patch + t0) * L;
        int p21 = (o2 * patch + t1) * L;
        int p22 = (o2 * patch + t2) * L;
        int p23 = (o2 * patch + t3) * L;
        int p24 = (o2 * patch + t4) * L;
        FloatVector a00 = FloatVector.fromArray(S, partial, p00);
        FloatVector a01 = FloatVector.fromArray(S, partial, p01);
        FloatVector a02 = FloatVector.fromArray(S, partial, p02);
        FloatVector a03 = FloatVector.fromArray(S, partial, p03);
        FloatVector a04 = FloatVector.fromArray(S, partial, p04);
        FloatVector a10 = FloatVector.fromArray(S, partial, p10);
        FloatVector a11 = FloatVector.fromArray(S, partial, p11);
        FloatVector a12 = FloatVector.fromArray(S, partial, p12);
        FloatVector a13 = FloatVector.fromArray(S, partial, p13);
        FloatVector a14 = FloatVector.fromArray(S, partial, p14);
        FloatVector a20 = FloatVector.fromArray(S, partial, p20);
        FloatVector a21 = FloatVector.fromArray(S, partial, p21);
        FloatVector a22 = FloatVector.fromArray(S, partial, p22);
        FloatVector a23 = FloatVector.fromArray(S, partial, p23);
        FloatVector a24 = FloatVector.fromArray(S, partial, p24);
        int plane0 = o0 * outHeight * gradientColumns * L;
        int plane1 = o1 * outHeight * gradientColumns * L;
        int plane2 = o2 * outHeight * gradientColumns * L;
        // one loop over the positions, the offsets advanced by hand: a short inner loop per row would cost
        // the JIT's loop splitting more than the row's work
        int in = 0;
        int out = pad * L;
        int inSkip = (columns - outWidth) * L;
        int outSkip = (gradientColumns - outWidth) * L;
        int q = 0;
        for (int n = outHeight * outWidth; n > 0; n--) {
            FloatVector d0 = FloatVector.fromArray(S, dyl, plane0 + out);
            FloatVector d1 = FloatVector.fromArray(S, dyl, plane1 + out);
            FloatVector d2 = FloatVector.fromArray(S, dyl, plane2 + out);
            FloatVector v = FloatVector.fromArray(S, xl, x0 + in);
            a00 = v.fma(d0, a00);
            a10 = v.fma(d1, a10);
            a20 = v.fma(d2, a20);
            v = FloatVector.fromArray(S, xl, x1 + in);
            a01 = v.fma(d0, a01);
            a11 = v.fma(d1, a11);
            a21 = v.fma(d2, a21);
            v = FloatVector.fromArray(S, xl, x2 + in);
            a02 = v.fma(d0, a02);
            a12 = v.fma(d1, a12);
            a22 = v.fma(d2, a22);
            v = FloatVector.fromArray(S, xl, x3 + in);
            a03 = v.fma(d0, a03);
            a13 = v.fma(d1, a13);
            a23 = v.fma(d2, a23);
            v = FloatVector.fromArray(S, xl, x4 + in);
            a04 = v.fma(d0, a04);
            a14 = v.fma(d1, a14);
            a24 = v.fma(d2, a24);
            in += L;
            out += L;
            if (++q == outWidth) {
                q = 0;
                in += inSkip;
                out += outSkip;
            }
        }
        // a repeated channel or tap stores the same sums twice
        a24.intoArray(partial, p24);
        a23.intoArray(partial, p23);
        a22.intoArray(partial, p22);
        a21.intoArray(partial, p21);
        a20.intoArray(partial, p20);
        a14.intoArray(partial, p14);
        a13.intoArray(partial, p13);
        a12.intoArray(partial, p12);
        a11.intoArray(partial, p11);
        a10.intoArray(partial, p10);
        a04.intoArray(partial, p04);
        a03.intoArray(partial, p03);
        a02.intoArray(partial, p02);
        a01.intoArray(partial, p01);
        a00.intoArray(partial, p00);
    }

    /** The group's input gradient, {@code [c][row][column][lane]}, in tiles of 3 channels by 7 columns. */
    private static void inputGradient(Conv2dGeometry g, float[] dyl, float[] weights, float[] dxl,
                                      int gradientColumns, int pad) {
        int inChannels = g.inChannels();
        int inHeight = g.inHeight();
        int inWidth = g.inWidth();
        int outHeight = g.outHeight();
        int kh = g.kernelHeight();
        int padTop = g.padTop();
        for (int c = 0; c < inChannels; c += 3) {
            int c1 = Math.min(c + 1, inChannels - 1);
            int c2 = Math.min(c + 2, inChannels - 1);
            for (int r = 0; r < inHeight; r++) {
                // the kernel rows i that read an existing row of dy: 0 <= r + padTop - i < outHeight
                int first = Math.max(0, r + padTop - (outHeight - 1));
                int last = Math.min(kh - 1, r + padTop);
                for (int q = 0; q < inWidth; q += 7) {
                    inputTile(g, dyl, weights, dxl, gradientColumns, pad, c, c1, c2, r, first, last,
                            q, Math.min(q + 1, inWidth - 1), Math.min(q + 2, inWidth - 1),
                            Math.min(q + 3, inWidth - 1), Math.min(q + 4, inWidth - 1),
                            Math.min(q + 5, inWidth - 1), Math.min(q + 6, inWidth - 1));
                }
            }
        }
    }

    /**
     * Input channels {@code c0, c1, c2} of row {@code r} at columns {@code q0..q6} of the input gradient:
     * the kernel rows {@code first..last} (those that read an existing row of {@code dy}), every output
     * channel and kernel column.
     */
    private static void inputTile(Conv2dGeometry g, float[] dyl, float[] weights, float[] dxl, int gradientColumns,
                                  int pad, int c0, int c1, int c2, int r, int first, int last,
                                  int q0, int q1, int q2, int q3, int q4, int q5, int q6) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector b0 = a0;
        FloatVector b1 = a0;
        FloatVector b2 = a0;
        FloatVector b3 = a0;
        FloatVector b4 = a0;
        FloatVector b5 = a0;
        FloatVector b6 = a0;
        FloatVector e0 = a0;
        FloatVector e1 = a0;
        FloatVector e2 = a0;
        FloatVector e3 = a0;
        FloatVector e4 = a0;
        FloatVector e5 = a0;
        FloatVector e6 = a0;
        int inChannels = g.inChannels();
        int kh = g.kernelHeight();
        int kw = g.kernelWidth();
        int outHeight = g.outHeight();
        int kernel = kh * kw;
        // column q of dx reads dy's padded column pad + q + padLeft - j
        int shift = (pad + g.padLeft()) * L;
        int s1 = (q1 - q0) * L;
        int s2 = (q2 - q0) * L;
        int s3 = (q3 - q0) * L;
        int s4 = (q4 - q0) * L;
        int s5 = (q5 - q0) * L;
        int s6 = (q6 - q0) * L;
        if (first <= last) {
            // one loop over (o, i, j), the offsets advanced by hand: kernel rows are too short a loop
            int rowsRead = last - first + 1;
            int dw1 = (c1 - c0) * kernel;
            int dw2 = (c2 - c0) * kernel;
            int planeStep = outHeight * gradientColumns * L; // from one output channel's plane to the next
            int weightStep = inChannels * kernel; // from one output channel's weights to the next
            // kernel row i reads dy's row r + padTop - i: one row up per kernel row
            int rowStart = ((r + g.padTop() - first) * gradientColumns) * L + shift + q0 * L;
            int weightStart = (c0 * kernel) + first * kw;
            int at = rowStart;
            int wt = weightStart;
            int j = 0;
            int i = 0;
            int o = 0;
            for (int n = g.outChannels() * rowsRead * kw; n > 0; n--) {
                FloatVector v0 = FloatVector.broadcast(S, weights[wt]);
                FloatVector v1 = FloatVector.broadcast(S, weights[wt + dw1]);
                FloatVector v2 = FloatVector.broadcast(S, weights[wt + dw2]);
                FloatVector d = FloatVector.fromArray(S, dyl, at);
                a0 = d.fma(v0, a0);
                b0 = d.fma(v1, b0);
                e0 = d.fma(v2, e0);
                d = FloatVector.fromArray(S, dyl, at + s1);
                a1 = d.fma(v0, a1);
                b1 = d.fma(v1, b1);
                e1 = d.fma(v2, e1);
                d = FloatVector.fromArray(S, dyl, at + s2);
                a2 = d.fma(v0, a2);
                b2 = d.fma(v1, b2);
                e2 = d.fma(v2, e2);
                d = FloatVector.fromArray(S, dyl, at + s3);
                a3 = d.fma(v0, a3);
                b3 = d.fma(v1, b3);
                e3 = d.fma(v2, e3);
                d = FloatVector.fromArray(S, dyl, at + s4);
                a4 = d.fma(v0, a4);
                b4 = d.fma(v1, b4);
                e4 = d.fma(v2, e4);
                d = FloatVector.fromArray(S, dyl, at + s5);
                a5 = d.fma(v0, a5);
                b5 = d.fma(v1, b5);
                e5 = d.fma(v2, e5);
                d = FloatVector.fromArray(S, dyl, at + s6);
                a6 = d.fma(v0, a6);
                b6 = d.fma(v1, b6);
                e6 = d.fma(v2, e6);
                wt++;
                at -= L;
                if (++j == kw) {
                    j = 0;
                    if (++i == rowsRead) {
                        i = 0;
                        o++;
                        at = rowStart + o * planeStep;
                        wt = weightStart + o * weightStep;
                    } else {
                        at += (kw - gradientColumns) * L;
                    }
                }
            }
        }
        int inHeight = g.inHeight();
        int inWidth = g.inWidth();
        int at0 = ((c0 * inHeight + r) * inWidth + q0) * L;
        int at1 = ((c1 * inHeight + r) * inWidth + q0) * L;
        int at2 = ((c2 * inHeight + r) * inWidth + q0) * L;
        // a repeated channel or column stores the same sums twice
        e6.intoArray(dxl, at2 + s6);
        e5.intoArray(dxl, at2 + s5);
        e4.intoArray(dxl, at2 + s4);
        e3.intoArray(dxl, at2 + s3);
        e2.intoArray(dxl, at2 + s2);
        e1.intoArray(dxl, at2 + s1);
        e0.intoArray(dxl, at2);
        b6.intoArray(dxl, at1 + s6);
        b5.intoArray(dxl, at1 + s5);
        b4.intoArray(dxl, at1 + s4);
        b3.intoArray(dxl, at1 + s3);
        b2.intoArray(dxl, at1 + s2);
        b1.intoArray(dxl, at1 + s1);
        b0.intoArray(dxl, at1);
        a6.intoArray(dxl, at0 + s6);
        a5.intoArray(dxl, at0 + s5);
        a4.intoArray(dxl, at0 + s4);
        a3.intoArray(dxl, at0 + s3);
        a2.intoArray(dxl, at0 + s2);
        a1.intoArray(dxl, at0 + s1);
        a0.intoArray(dxl, at0);
    }
}
