package dev.kiln.runtime.ops;

import static dev.kiln.runtime.Memory.FLOAT;

import dev.kiln.runtime.blas.Blas;
import java.lang.foreign.MemorySegment;

/**
 * {@link ConvOps.Algorithm#IM2COL}: convolutions as matrix products. The patches of a group of samples are
 * copied into the columns of a matrix {@code col} of {@code patchSize} rows, row {@code (c, i, j)} holding
 * input value {@code (c, r * strideHeight - padTop + i, q * strideWidth - padLeft + j)} for output pixel
 * {@code (r, q)} of each sample of the group in turn. Then, with {@code W} seen as an {@code outChannels x
 * patchSize} matrix and {@code n} the group's pixels:
 * <ul>
 *   <li>forward: {@code Y = W col} ({@code outChannels x n}), whose row {@code o} holds channel {@code o} of
 *       every sample of the group, copied out sample by sample with the bias added;</li>
 *   <li>weight gradient: {@code dW += dY col^T}, with {@code dY} gathered from the samples the same way;</li>
 *   <li>input gradient: {@code dcol = W^T dY}, whose values are added back to the input positions they came
 *       from (col2im).</li>
 * </ul>
 * A group holds as many samples as keep {@code col} near {@value #GROUP_FLOATS} floats (at least one), so
 * that one product covers many samples while the matrix stays in the second-level cache. A group of one
 * sample multiplies straight into {@code y} and reads {@code dy} in place.
 *
 * <p>Where the stride is 1, each row of a patch is one run of consecutive inputs, copied as a whole; the
 * zeros of the padding are written around it. The workspace holds {@code col} and the gathered {@code Y} or
 * {@code dY}.
 */
final class Im2colConv {

    /** The floats {@code col} aims at: 128 Ki floats, 512 KiB. */
    static final int GROUP_FLOATS = 1 << 17;

    private Im2colConv() {
    }

    /** The samples in one product. */
    static int groupSamples(Conv2dGeometry g) {
        long perSample = (long) g.patchSize() * g.outputPixels();
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, GROUP_FLOATS / perSample));
    }

    static long workspaceFloats(Conv2dGeometry g, int maxBatch) {
        long samples = Math.min(maxBatch, groupSamples(g));
        long gathered = samples > 1 ? (long) g.outChannels() * g.outputPixels() : 0;
        return samples * ((long) g.patchSize() * g.outputPixels() + gathered);
    }

    static void forward(Blas blas, Conv2dGeometry g, MemorySegment xs, long x, MemorySegment p, long w, long b,
                        MemorySegment ys, long y, MemorySegment work, long ws, int batch) {
        int group = Math.min(batch, groupSamples(g));
        int pixels = g.outputPixels();
        int patch = g.patchSize();
        int outChannels = g.outChannels();
        long col = ws;
        long gathered = ws + (long) group * patch * pixels;
        for (int s0 = 0; s0 < batch; s0 += group) {
            int samples = Math.min(group, batch - s0);
            int n = samples * pixels;
            for (int i = 0; i < samples; i++) {
                im2col(g, xs, x + (long) (s0 + i) * g.inputSize(), work, col, n, i * pixels);
            }
            if (samples == 1) {
                long out = y + (long) s0 * g.outputSize();
                blas.sgemm(false, false, outChannels, pixels, patch, 1f, p, w, patch, work, col, n, 0f, ys, out,
                        pixels);
                if (b != DenseOps.NO_BIAS) {
                    for (int o = 0; o < outChannels; o++) {
                        long row = out + (long) o * pixels;
                        Runs.copyPlus(ys, row, ys, row, pixels, p.getAtIndex(FLOAT, b + o));
                    }
                }
            } else {
                blas.sgemm(false, false, outChannels, n, patch, 1f, p, w, patch, work, col, n, 0f, work, gathered, n);
                for (int i = 0; i < samples; i++) {
                    for (int o = 0; o < outChannels; o++) {
                        float bias = b == DenseOps.NO_BIAS ? 0f : p.getAtIndex(FLOAT, b + o);
                        Runs.copyPlus(work, gathered + (long) o * n + (long) i * pixels,
                                ys, y + ((long) (s0 + i) * outChannels + o) * pixels, pixels, bias);
                    }
                }
            }
        }
    }

    static void backward(Blas blas, Conv2dGeometry g, MemorySegment xs, long x, MemorySegment p, long w,
                         MemorySegment dys, long dy, MemorySegment gs, long gw, long gb,
                         MemorySegment dxs, long dx, MemorySegment work, long ws, int batch) {
        int group = Math.min(batch, groupSamples(g));
        int pixels = g.outputPixels();
        int patch = g.patchSize();
        int outChannels = g.outChannels();
        long col = ws;
        long gathered = ws + (long) group * patch * pixels;
        if (gb != DenseOps.NO_BIAS) {
            Runs.addBiasGradient(dys, dy, batch, outChannels, pixels, gs, gb);
        }
        for (int s0 = 0; s0 < batch; s0 += group) {
            int samples = Math.min(group, batch - s0);
            int n = samples * pixels;
            for (int i = 0; i < samples; i++) {
                im2col(g, xs, x + (long) (s0 + i) * g.inputSize(), work, col, n, i * pixels);
            }
            // dY: in place for one sample, else gathered into outChannels rows of n
            MemorySegment dY = dys;
            long dYAt = dy + (long) s0 * g.outputSize();
            if (samples > 1) {
                for (int i = 0; i < samples; i++) {
                    for (int o = 0; o < outChannels; o++) {
                        Runs.copy(dys, dy + ((long) (s0 + i) * outChannels + o) * pixels,
                                work, gathered + (long) o * n + (long) i * pixels, pixels);
                    }
                }
                dY = work;
                dYAt = gathered;
            }
            // dW += dY col^T: (outChannels x n) x (n x patch)
            blas.sgemm(false, true, outChannels, patch, n, 1f, dY, dYAt, n, work, col, n, 1f, gs, gw, patch);
            if (dxs != null) {
                // dcol = W^T dY: (patch x outChannels) x (outChannels x n), over col
                blas.sgemm(true, false, patch, n, outChannels, 1f, p, w, patch, dY, dYAt, n, 0f, work, col, n);
                long first = dx + (long) s0 * g.inputSize();
                Runs.clear(dxs, first, (long) samples * g.inputSize());
                for (int i = 0; i < samples; i++) {
                    col2im(g, work, col, n, i * pixels, dxs, first + (long) i * g.inputSize());
                }
            }
        }
    }

    /**
     * Writes the patches of one sample (from {@code xs[x]}) into columns {@code column ..  column + pixels}
     * of {@code col}, whose rows are {@code n} floats long.
     */
    static void im2col(Conv2dGeometry g, MemorySegment xs, long x, MemorySegment cols, long col, int n, int column) {
        int outHeight = g.outHeight();
        int outWidth = g.outWidth();
        int inHeight = g.inHeight();
        int inWidth = g.inWidth();
        int strideWidth = g.strideWidth();
        int row = 0;
        for (int c = 0; c < g.inChannels(); c++) {
            for (int i = 0; i < g.kernelHeight(); i++) {
                for (int j = 0; j < g.kernelWidth(); j++, row++) {
                    int first = firstInside(j - g.padLeft(), strideWidth);
                    int end = endInside(j - g.padLeft(), strideWidth, inWidth, outWidth);
                    long to = col + (long) row * n + column;
                    for (int r = 0; r < outHeight; r++, to += outWidth) {
                        int inRow = r * g.strideHeight() - g.padTop() + i;
                        if (inRow < 0 || inRow >= inHeight || first >= end) {
                            Runs.clear(cols, to, outWidth);
                            continue;
                        }
                        Runs.clear(cols, to, first);
                        long from = x + ((long) c * inHeight + inRow) * inWidth + (long) first * strideWidth
                                - g.padLeft() + j;
                        if (strideWidth == 1) {
                            Runs.copy(xs, from, cols, to + first, end - first);
                        } else {
                            for (int q = first; q < end; q++, from += strideWidth) {
                                cols.setAtIndex(FLOAT, to + q, xs.getAtIndex(FLOAT, from));
                            }
                        }
                        Runs.clear(cols, to + end, outWidth - end);
                    }
                }
            }
        }
    }

    /**
     * Adds columns {@code column .. column + pixels} of {@code col} (rows of {@code n} floats) to the input
     * positions their patches came from, in the sample at {@code dxs[dx]}: the transpose of
     * {@link #im2col}.
     */
    static void col2im(Conv2dGeometry g, MemorySegment cols, long col, int n, int column, MemorySegment dxs,
                       long dx) {
        int outHeight = g.outHeight();
        int outWidth = g.outWidth();
        int inHeight = g.inHeight();
        int inWidth = g.inWidth();
        int strideWidth = g.strideWidth();
        int row = 0;
        for (int c = 0; c < g.inChannels(); c++) {
            for (int i = 0; i < g.kernelHeight(); i++) {
                for (int j = 0; j < g.kernelWidth(); j++, row++) {
                    int first = firstInside(j - g.padLeft(), strideWidth);
                    int end = endInside(j - g.padLeft(), strideWidth, inWidth, outWidth);
                    long from = col + (long) row * n + column;
                    for (int r = 0; r < outHeight; r++, from += outWidth) {
                        int inRow = r * g.strideHeight() - g.padTop() + i;
                        if (inRow < 0 || inRow >= inHeight || first >= end) {
                            continue;
                        }
                        long to = dx + ((long) c * inHeight + inRow) * inWidth + (long) first * strideWidth
                                - g.padLeft() + j;
                        if (strideWidth == 1) {
                            Runs.add(cols, from + first, dxs, to, end - first);
                        } else {
                            for (int q = first; q < end; q++, to += strideWidth) {
                                dxs.setAtIndex(FLOAT, to, dxs.getAtIndex(FLOAT, to) + cols.getAtIndex(FLOAT, from + q));
                            }
                        }
                    }
                }
            }
        }
    }

    /** The first output column {@code q} whose input column {@code q * stride + shift} is at least 0. */
    static int firstInside(int shift, int stride) {
        return shift >= 0 ? 0 : (-shift + stride - 1) / stride;
    }

    /**
     * One past the last output column {@code q < outWidth} whose input column {@code q * stride + shift} is
     * below {@code inWidth}.
     */
    static int endInside(int shift, int stride, int inWidth, int outWidth) {
        int last = inWidth - 1 - shift;
        return last < 0 ? 0 : Math.min(outWidth, last / stride + 1);
    }
}
