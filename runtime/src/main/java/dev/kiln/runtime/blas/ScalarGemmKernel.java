package dev.kiln.runtime.blas;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The {@link GemmKernel} in plain Java loops that the JIT compiler (C2's superword pass) turns into
 * vector instructions; used when the Vector API module is absent.
 *
 * <p>The JIT compiler (JDK 25) vectorizes a loop that stores to one array and loads from another only
 * when every access uses the same index: with different offsets it cannot rule out that the two are one
 * array and overlap, and leaves the loop scalar (several times slower). So B is packed as separate rows,
 * {@code bRows[p][j]}, each starting at column 0 of the block, and each row of C being computed is first
 * copied into a scratch row {@code acc[j]} (scaled by beta), updated, and copied back. The inner loop
 * then reads and writes all of them at the same {@code j}: two rows of C at a time take four rows of B
 * each step, {@code acc0[j] += a00 * b0[j] + a01 * b1[j] + a02 * b2[j] + a03 * b3[j]} and the same for
 * {@code acc1}, so that each load of B serves two multiply-adds and each store of C eight. (Four rows
 * of C at a time, or eight of B, were not vectorized.) Blocks: {@code kc = 128} rows of B of
 * {@code nc = 1024} floats (512 KiB, in L2); A is packed two rows interleaved, {@code mc = 64} rows at a
 * time.
 *
 * <p>With B transposed and one or two rows of C, the products are dot products of rows of A and B,
 * which the JIT compiler does not vectorize (a float sum must keep its order) but which beat packing,
 * a transpose, of all of B ({@link #rows}).
 */
final class ScalarGemmKernel extends GemmKernel {

    /** Blocks narrower than this run {@link #twoRowsNarrow}, wider ones {@link #twoRows}. */
    private static final int NARROW = 256;

    ScalarGemmKernel(int kc, int mc, int nc) {
        super(kc, mc, nc, 2);
    }

    /** The kernel with blocking tuned for caches of 32 KiB (L1) and 1 MiB (L2) per core. */
    static GemmKernel create() {
        return new ScalarGemmKernel(128, 64, 1024);
    }

    @Override
    String name() {
        return "scalar";
    }

    @Override
    void reserveB(Workspace w, int depth, int width) {
        w.reserveRows(depth, width);
        w.scratch(width);
        w.scratch2(width);
    }

    @Override
    void packB(Workspace w, boolean transB, Object b, long bOffset, int ldb, int pc, int jc, int depth, int width) {
        float[][] rows = w.bRows;
        if (!transB) {
            for (int p = 0; p < depth; p++) {
                long src = bOffset + (long) (pc + p) * ldb + jc;
                if (b instanceof float[] array) {
                    System.arraycopy(array, (int) src, rows[p], 0, width);
                } else {
                    MemorySegment.copy((MemorySegment) b, FLOAT, src * Float.BYTES, rows[p], 0, width);
                }
            }
        } else if (b instanceof float[] array) {
            // four stored rows at a time: each step writes four neighbouring floats of a packed row
            int j = 0;
            for (; j + 3 < width; j += 4) {
                int s0 = (int) bOffset + (jc + j) * ldb + pc;
                int s1 = s0 + ldb;
                int s2 = s1 + ldb;
                int s3 = s2 + ldb;
                for (int p = 0; p < depth; p++) {
                    float[] row = rows[p];
                    row[j] = array[s0 + p];
                    row[j + 1] = array[s1 + p];
                    row[j + 2] = array[s2 + p];
                    row[j + 3] = array[s3 + p];
                }
            }
            for (; j < width; j++) {
                int src = (int) bOffset + (jc + j) * ldb + pc;
                for (int p = 0; p < depth; p++) {
                    rows[p][j] = array[src + p];
                }
            }
        } else {
            MemorySegment segment = (MemorySegment) b;
            for (int j = 0; j < width; j++) {
                long src = bOffset + (long) (jc + j) * ldb + pc;
                for (int p = 0; p < depth; p++) {
                    rows[p][j] = segment.getAtIndex(FLOAT, src + p);
                }
            }
        }
    }

    @Override
    void multiplyBlock(Workspace w, int rows, int width, int depth, float beta, Object c, long cIndex, int ldc) {
        float[] acc0 = w.scratch;
        float[] acc1 = w.scratch2;
        for (int ir = 0; ir < rows; ir += 2) {
            long row = cIndex + (long) ir * ldc;
            load(c, row, width, beta, acc0);
            if (ir + 1 < rows) {
                load(c, row + ldc, width, beta, acc1);
                if (width >= NARROW) {
                    twoRows(depth, width, w.a, ir * depth, w.bRows, acc0, acc1);
                } else {
                    twoRowsNarrow(depth, width, w.a, ir * depth, w.bRows, acc0, acc1);
                }
                store(acc1, c, row + ldc, width);
            } else {
                oneRow(depth, width, w.a, ir * depth, w.bRows, acc0);
            }
            store(acc0, c, row, width);
        }
    }

    @Override
    int rowPathRows(boolean transB) {
        // measured: scalar dot products beat transposing B into packed rows for one or two rows of C
        return transB ? 2 : 0;
    }

    /** Few rows of C, B transposed: dot products ({@link #dotRows}). */
    @Override
    void rows(boolean transA, boolean transB, int m, int n, int k, float alpha,
              Object a, long aOffset, int lda, Object b, long bOffset, int ldb,
              float beta, Object c, long cOffset, int ldc) {
        dotRows(transA, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    }

    /** Four dot products at once, with two partial sums each. */
    @Override
    void dot4(int k, float[] x, int xi, float[] b, int r0, int r1, int r2, int r3, float[] sums) {
        float s00 = 0;
        float s01 = 0;
        float s10 = 0;
        float s11 = 0;
        float s20 = 0;
        float s21 = 0;
        float s30 = 0;
        float s31 = 0;
        int p = 0;
        for (; p + 1 < k; p += 2) {
            float x0 = x[xi + p];
            float x1 = x[xi + p + 1];
            s00 += x0 * b[r0 + p];
            s01 += x1 * b[r0 + p + 1];
            s10 += x0 * b[r1 + p];
            s11 += x1 * b[r1 + p + 1];
            s20 += x0 * b[r2 + p];
            s21 += x1 * b[r2 + p + 1];
            s30 += x0 * b[r3 + p];
            s31 += x1 * b[r3 + p + 1];
        }
        if (p < k) {
            float x0 = x[xi + p];
            s00 += x0 * b[r0 + p];
            s10 += x0 * b[r1 + p];
            s20 += x0 * b[r2 + p];
            s30 += x0 * b[r3 + p];
        }
        sums[0] = s00 + s01;
        sums[1] = s10 + s11;
        sums[2] = s20 + s21;
        sums[3] = s30 + s31;
    }

    /** {@code acc[0 .. width) = beta * C[row ..]}, or zero when {@code beta == 0} (ignoring NaN in C). */
    private static void load(Object c, long row, int width, float beta, float[] acc) {
        if (beta == 0) {
            Arrays.fill(acc, 0, width, 0f);
            return;
        }
        if (c instanceof float[] array) {
            System.arraycopy(array, (int) row, acc, 0, width);
        } else {
            MemorySegment.copy((MemorySegment) c, FLOAT, row * Float.BYTES, acc, 0, width);
        }
        if (beta != 1) {
            for (int j = 0; j < width; j++) {
                acc[j] *= beta;
            }
        }
    }

    /** {@code C[row ..] = acc[0 .. width)}. */
    private static void store(float[] acc, Object c, long row, int width) {
        if (c instanceof float[] array) {
            System.arraycopy(acc, 0, array, (int) row, width);
        } else {
            MemorySegment.copy(acc, 0, (MemorySegment) c, FLOAT, row * Float.BYTES, width);
        }
    }

    /**
     * {@code acc0 += a_r0 * B}, {@code acc1 += a_r1 * B} for the two interleaved rows of packed A at
     * {@code ai} ({@code a[ai + 2p]}, {@code a[ai + 2p + 1]}).
     */
    private static void twoRows(int depth, int width, float[] a, int ai, float[][] b, float[] acc0, float[] acc1) {
        int p = 0;
        for (; p + 3 < depth; p += 4) {
            float[] b0 = b[p];
            float[] b1 = b[p + 1];
            float[] b2 = b[p + 2];
            float[] b3 = b[p + 3];
            int o = ai + 2 * p;
            float a00 = a[o];
            float a10 = a[o + 1];
            float a01 = a[o + 2];
            float a11 = a[o + 3];
            float a02 = a[o + 4];
            float a12 = a[o + 5];
            float a03 = a[o + 6];
            float a13 = a[o + 7];
            for (int j = 0; j < width; j++) {
                float x0 = b0[j];
                float x1 = b1[j];
                float x2 = b2[j];
                float x3 = b3[j];
                acc0[j] += a00 * x0 + a01 * x1 + a02 * x2 + a03 * x3;
                acc1[j] += a10 * x0 + a11 * x1 + a12 * x2 + a13 * x3;
            }
        }
        for (; p < depth; p++) {
            float[] b0 = b[p];
            float a0 = a[ai + 2 * p];
            float a1 = a[ai + 2 * p + 1];
            for (int j = 0; j < width; j++) {
                float x0 = b0[j];
                acc0[j] += a0 * x0;
                acc1[j] += a1 * x0;
            }
        }
    }

    /**
     * The same loops as {@link #twoRows}, for blocks narrower than {@value #NARROW} columns. The JIT
     * compiler unrolls a loop by the trip counts it has profiled, so one method that first ran narrow
     * blocks (say a 64 x 64 product) and later runs wide ones runs those at half speed; a copy per width
     * class keeps each profile true.
     */
    private static void twoRowsNarrow(int depth, int width, float[] a, int ai, float[][] b,
                                      float[] acc0, float[] acc1) {
        int p = 0;
        for (; p + 3 < depth; p += 4) {
            float[] b0 = b[p];
            float[] b1 = b[p + 1];
            float[] b2 = b[p + 2];
            float[] b3 = b[p + 3];
            int o = ai + 2 * p;
            float a00 = a[o];
            float a10 = a[o + 1];
            float a01 = a[o + 2];
            float a11 = a[o + 3];
            float a02 = a[o + 4];
            float a12 = a[o + 5];
            float a03 = a[o + 6];
            float a13 = a[o + 7];
            for (int j = 0; j < width; j++) {
                float x0 = b0[j];
                float x1 = b1[j];
                float x2 = b2[j];
                float x3 = b3[j];
                acc0[j] += a00 * x0 + a01 * x1 + a02 * x2 + a03 * x3;
                acc1[j] += a10 * x0 + a11 * x1 + a12 * x2 + a13 * x3;
            }
        }
        for (; p < depth; p++) {
            float[] b0 = b[p];
            float a0 = a[ai + 2 * p];
            float a1 = a[ai + 2 * p + 1];
            for (int j = 0; j < width; j++) {
                float x0 = b0[j];
                acc0[j] += a0 * x0;
                acc1[j] += a1 * x0;
            }
        }
    }

    /** {@code acc += a_r0 * B} for the first row of the (half-padded) sliver of packed A at {@code ai}. */
    private static void oneRow(int depth, int width, float[] a, int ai, float[][] b, float[] acc) {
        int p = 0;
        for (; p + 3 < depth; p += 4) {
            float[] b0 = b[p];
            float[] b1 = b[p + 1];
            float[] b2 = b[p + 2];
            float[] b3 = b[p + 3];
            int o = ai + 2 * p;
            float a0 = a[o];
            float a1 = a[o + 2];
            float a2 = a[o + 4];
            float a3 = a[o + 6];
            for (int j = 0; j < width; j++) {
                acc[j] += a0 * b0[j] + a1 * b1[j] + a2 * b2[j] + a3 * b3[j];
            }
        }
        for (; p < depth; p++) {
            float[] b0 = b[p];
            float a0 = a[ai + 2 * p];
            for (int j = 0; j < width; j++) {
                acc[j] += a0 * b0[j];
            }
        }
    }
}
