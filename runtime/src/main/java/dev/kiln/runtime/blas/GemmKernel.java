package dev.kiln.runtime.blas;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A blocked matrix product {@code C = alpha * op(A) * op(B) + beta * C}: the loops, the packing and the
 * per-thread buffers shared by the two kernels of {@link JavaBlas} ({@link VectorGemmKernel} and
 * {@link ScalarGemmKernel}), which differ in how they lay out a packed block of B and multiply a packed
 * block of A by it (and may pack faster), and in their paths for products with few rows of C.
 *
 * <p>The loops are those of GotoBLAS: the columns of C in panels of {@link #nc}, the depth in blocks of
 * {@link #kc}, a block of B ({@code kc x nc}) packed once per depth block, then the rows in blocks of
 * {@link #mc}, each block of A ({@code mc x kc}) packed, scaled by alpha, into slivers of {@link #mr}
 * interleaved rows ({@code packed[(i / mr) * kc * mr + p * mr + i % mr]}, zero-padded to a whole sliver),
 * and the kernel run on the pair. Beta is applied when the first depth block is added to C, so C is read
 * and written once per depth block and never scaled in a separate pass.
 *
 * <p>Matrices come either as a {@code float[]} or as a {@link MemorySegment} (typed {@link Object} here,
 * with offsets in elements as {@code long}); packing copies either into {@code float[]} panels, so each
 * kernel's inner loops are written once, for arrays. Only the reads of A and B while packing and the
 * updates of C know the form, through {@link #get}, {@link #set} and the kernels' own row copies.
 *
 * <p>Packing buffers belong to the calling thread ({@link ThreadLocal}); they grow to the largest block
 * a thread has needed (at most about {@code (mc + nc) * kc} floats) and are then reused, so a product
 * allocates nothing once a thread has run one of its size. Instances hold no other state and are
 * thread-safe.
 */
abstract class GemmKernel {

    /** Native-order floats at any byte offset, for reading and writing segments element by element. */
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /** The depth (k extent) of a packed block. */
    final int kc;

    /** The rows of C (and of op(A)) in a packed block of A; a multiple of {@link #mr}. */
    final int mc;

    /** The columns of C (and of op(B)) in a packed block of B; a multiple of the kernel's column tile. */
    final int nc;

    /** The rows of a packed sliver of A: how many rows of C the kernel computes together. */
    final int mr;

    private final ThreadLocal<Workspace> workspaces = ThreadLocal.withInitial(Workspace::new);

    GemmKernel(int kc, int mc, int nc, int mr) {
        if (kc < 1 || mr < 1 || mc < mr || mc % mr != 0 || nc < 1) {
            throw new IllegalArgumentException("bad blocking: kc " + kc + ", mc " + mc + ", nc " + nc + ", mr " + mr);
        }
        this.kc = kc;
        this.mc = mc;
        this.nc = nc;
        this.mr = mr;
    }

    /** The kernel's name for logs: {@code vector} or {@code scalar}. */
    abstract String name();

    /** The calling thread's buffers. */
    final Workspace workspace() {
        return workspaces.get();
    }

    /**
     * Packs the block {@code op(B)[pc .. pc + depth)[jc .. jc + width)} into {@code w} in the kernel's
     * layout.
     */
    abstract void packB(Workspace w, boolean transB, Object b, long bOffset, int ldb,
                        int pc, int jc, int depth, int width);

    /**
     * Adds the product of the packed blocks of A ({@code rows x depth}, already scaled by alpha) and B
     * ({@code depth x width}) in {@code w} to the {@code rows x width} block of C that starts at element
     * {@code cIndex}: {@code C = beta * C + product}, where {@code beta == 0} ignores the old C.
     */
    abstract void multiplyBlock(Workspace w, int rows, int width, int depth,
                                float beta, Object c, long cIndex, int ldc);

    /**
     * {@code C = alpha * op(A) op(B) + beta * C} for checked arguments with {@code m, n, k > 0} and
     * {@code alpha != 0}; {@code a}, {@code b}, {@code c} are each a {@code float[]} or a
     * {@link MemorySegment}.
     */
    final void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                    Object a, long aOffset, int lda, Object b, long bOffset, int ldb,
                    float beta, Object c, long cOffset, int ldc) {
        Workspace w = workspace();
        int depthMax = Math.min(k, kc);
        w.reserveA(roundUp(Math.min(m, mc), mr) * depthMax);
        reserveB(w, depthMax, Math.min(n, nc));
        for (int jc = 0; jc < n; jc += nc) {
            int width = Math.min(nc, n - jc);
            for (int pc = 0; pc < k; pc += kc) {
                int depth = Math.min(kc, k - pc);
                float blockBeta = pc == 0 ? beta : 1;
                packB(w, transB, b, bOffset, ldb, pc, jc, depth, width);
                for (int ic = 0; ic < m; ic += mc) {
                    int rows = Math.min(mc, m - ic);
                    packA(w, transA, a, aOffset, lda, ic, pc, rows, depth, alpha);
                    multiplyBlock(w, rows, width, depth, blockBeta, c, cOffset + (long) ic * ldc + jc, ldc);
                }
            }
        }
    }

    /**
     * Up to how many rows of C {@link #rows}, the path without packing, is faster than the blocked one,
     * for B transposed or not; 0 where this kernel has no such path.
     */
    int rowPathRows(boolean transB) {
        return 0;
    }

    /**
     * The product, for few rows of C, without packing B; only where {@link #rowPathRows} is positive.
     * Arguments as for {@link #gemm}.
     */
    void rows(boolean transA, boolean transB, int m, int n, int k, float alpha,
              Object a, long aOffset, int lda, Object b, long bOffset, int ldb,
              float beta, Object c, long cOffset, int ldc) {
        throw new UnsupportedOperationException(name() + " kernel has no row path");
    }

    /**
     * The rows of {@code alpha * op(A)} copied one after the other into {@code w.a}:
     * {@code x[i * k + p] = alpha * op(A)[i][p]}, for the row paths.
     */
    static float[] copyRowsOfA(Workspace w, boolean transA, int m, int k, float alpha, Object a, long aOffset,
                               int lda) {
        w.reserveA(m * k);
        float[] x = w.a;
        long step = transA ? lda : 1;
        for (int i = 0; i < m; i++) {
            long ai = aOffset + (transA ? i : (long) i * lda);
            for (int p = 0; p < k; p++) {
                x[i * k + p] = alpha * get(a, ai + p * step);
            }
        }
        return x;
    }

    /**
     * The row path with B transposed (stored {@code n x k}, as a dense layer's weights in the forward
     * pass): each element of C is the dot product of a row of {@code alpha * op(A)} (copied first) with a
     * row of B, four rows of B at a time, each read once per row of C while it is in L1 ({@link #dot4}).
     * Rows of B in a segment are first copied, four at a time, into a scratch array.
     */
    final void dotRows(boolean transA, int m, int n, int k, float alpha, Object a, long aOffset, int lda,
                       Object b, long bOffset, int ldb, float beta, Object c, long cOffset, int ldc) {
        Workspace w = workspace();
        float[] x = copyRowsOfA(w, transA, m, k, alpha, a, aOffset, lda);
        float[] sums = w.scratch(4);
        float[] array = b instanceof float[] values ? values : null;
        if (array == null) {
            w.reserveB(4 * k);
        }
        for (int j = 0; j < n; j += 4) {
            int cols = Math.min(4, n - j);
            long r0 = bOffset + (long) j * ldb;
            int o0;
            int step;
            if (array != null) {
                o0 = (int) r0;
                step = ldb;
            } else {
                for (int q = 0; q < cols; q++) {
                    MemorySegment.copy((MemorySegment) b, FLOAT, (r0 + (long) q * ldb) * Float.BYTES, w.b, q * k, k);
                }
                o0 = 0;
                step = k;
            }
            // past the last row, repeat it: the extra sums are computed and dropped
            int o1 = cols > 1 ? o0 + step : o0;
            int o2 = cols > 2 ? o0 + 2 * step : o0;
            int o3 = cols > 3 ? o0 + 3 * step : o0;
            float[] rows = array != null ? array : w.b;
            for (int i = 0; i < m; i++) {
                dot4(k, x, i * k, rows, o0, o1, o2, o3, sums);
                long at = cOffset + (long) i * ldc + j;
                for (int q = 0; q < cols; q++) {
                    set(c, at + q, beta == 0 ? sums[q] : sums[q] + beta * get(c, at + q));
                }
            }
        }
    }

    /**
     * The dot products of {@code x[xi .. xi + k)} with the rows {@code b[r .. r + k)} for r = r0 .. r3,
     * into {@code sums[0 .. 4)}; for {@link #dotRows}.
     */
    void dot4(int k, float[] x, int xi, float[] b, int r0, int r1, int r2, int r3, float[] sums) {
        throw new UnsupportedOperationException(name() + " kernel has no row path");
    }

    /** Makes room in {@code w} for a packed block of B of {@code depth x width}. */
    abstract void reserveB(Workspace w, int depth, int width);

    /**
     * Packs {@code alpha * op(A)[ic .. ic + rows)[pc .. pc + depth)} into {@code w.a} as slivers of
     * {@code mr} interleaved rows: {@code w.a[(i / mr) * depth * mr + p * mr + i % mr]}, the rows past
     * {@code rows} of the last sliver set to zero.
     */
    void packA(Workspace w, boolean transA, Object a, long aOffset, int lda, int ic, int pc, int rows, int depth,
               float alpha) {
        packSlivers(transA, a, aOffset, lda, ic, pc, rows, depth, mr, alpha, w.a, 0);
    }

    /**
     * Packs {@code alpha * op(A)[ic .. ic + rows)[pc .. pc + depth)} into slivers of {@code mr} rows from
     * {@code dst[start]} on, as {@link #packA} describes.
     */
    static void packSlivers(boolean transA, Object a, long aOffset, int lda, int ic, int pc, int rows, int depth,
                            int mr, float alpha, float[] dst, int start) {
        if (a instanceof float[] array) {
            packSlivers(transA, array, (int) aOffset, lda, ic, pc, rows, depth, mr, alpha, dst, start);
            return;
        }
        MemorySegment segment = (MemorySegment) a;
        for (int s = 0; s < rows; s += mr) {
            int sliverRows = Math.min(mr, rows - s);
            int base = start + s * depth;
            if (!transA) {
                interleave(segment, aOffset + (long) (ic + s) * lda + pc, lda, sliverRows, depth, alpha, dst, base, mr);
            } else {
                for (int p = 0; p < depth; p++) {
                    long src = aOffset + (long) (pc + p) * lda + ic + s;
                    for (int r = 0; r < sliverRows; r++) {
                        dst[base + p * mr + r] = alpha * segment.getAtIndex(FLOAT, src + r);
                    }
                }
            }
            zeroRows(dst, base, depth, mr, sliverRows);
        }
    }

    private static void packSlivers(boolean transA, float[] a, int aOffset, int lda, int ic, int pc, int rows,
                                    int depth, int mr, float alpha, float[] dst, int start) {
        for (int s = 0; s < rows; s += mr) {
            int sliverRows = Math.min(mr, rows - s);
            int base = start + s * depth;
            if (!transA) {
                interleave(a, aOffset + (ic + s) * lda + pc, lda, sliverRows, depth, alpha, dst, base, mr);
            } else {
                for (int p = 0; p < depth; p++) {
                    int src = aOffset + (pc + p) * lda + ic + s;
                    for (int r = 0; r < sliverRows; r++) {
                        dst[base + p * mr + r] = alpha * a[src + r];
                    }
                }
            }
            zeroRows(dst, base, depth, mr, sliverRows);
        }
    }

    /**
     * Interleaves {@code count} stored rows, {@code ld} apart from {@code first}, into a packed sliver:
     * {@code dst[base + p * stride + r] = scale * src[first + r * ld + p]} for {@code p < depth}. Four rows
     * at a time, so that each step writes four neighbouring floats rather than one per cache line.
     */
    static void interleave(float[] src, int first, int ld, int count, int depth, float scale,
                           float[] dst, int base, int stride) {
        int r = 0;
        for (; r + 3 < count; r += 4) {
            int s0 = first + r * ld;
            int s1 = s0 + ld;
            int s2 = s1 + ld;
            int s3 = s2 + ld;
            int d = base + r;
            for (int p = 0; p < depth; p++) {
                dst[d] = scale * src[s0 + p];
                dst[d + 1] = scale * src[s1 + p];
                dst[d + 2] = scale * src[s2 + p];
                dst[d + 3] = scale * src[s3 + p];
                d += stride;
            }
        }
        for (; r < count; r++) {
            int s0 = first + r * ld;
            for (int p = 0; p < depth; p++) {
                dst[base + p * stride + r] = scale * src[s0 + p];
            }
        }
    }

    /** As {@link #interleave(float[], int, int, int, int, float, float[], int, int)} from a segment. */
    static void interleave(MemorySegment src, long first, int ld, int count, int depth, float scale,
                           float[] dst, int base, int stride) {
        int r = 0;
        for (; r + 3 < count; r += 4) {
            long s0 = first + (long) r * ld;
            long s1 = s0 + ld;
            long s2 = s1 + ld;
            long s3 = s2 + ld;
            int d = base + r;
            for (int p = 0; p < depth; p++) {
                dst[d] = scale * src.getAtIndex(FLOAT, s0 + p);
                dst[d + 1] = scale * src.getAtIndex(FLOAT, s1 + p);
                dst[d + 2] = scale * src.getAtIndex(FLOAT, s2 + p);
                dst[d + 3] = scale * src.getAtIndex(FLOAT, s3 + p);
                d += stride;
            }
        }
        for (; r < count; r++) {
            long s0 = first + (long) r * ld;
            for (int p = 0; p < depth; p++) {
                dst[base + p * stride + r] = scale * src.getAtIndex(FLOAT, s0 + p);
            }
        }
    }

    /** Clears rows {@code from .. mr} of the sliver at {@code base}: the padding of a partial sliver. */
    static void zeroRows(float[] dst, int base, int depth, int mr, int from) {
        if (from == mr) {
            return;
        }
        for (int p = 0; p < depth; p++) {
            for (int r = from; r < mr; r++) {
                dst[base + p * mr + r] = 0;
            }
        }
    }

    /** Element {@code index} of a {@code float[]} or a float {@link MemorySegment}. */
    static float get(Object x, long index) {
        return x instanceof float[] array ? array[(int) index] : ((MemorySegment) x).getAtIndex(FLOAT, index);
    }

    /** Sets element {@code index} of a {@code float[]} or a float {@link MemorySegment}. */
    static void set(Object x, long index, float value) {
        if (x instanceof float[] array) {
            array[(int) index] = value;
        } else {
            ((MemorySegment) x).setAtIndex(FLOAT, index, value);
        }
    }

    /**
     * {@code C = beta * C + tile} on columns {@code from .. cols} of the first {@code rows} rows of a tile
     * stored row by row, {@code stride} apart; with {@code beta == 0} the old C is ignored.
     */
    static void addTile(float[] tile, int stride, int rows, int cols, float beta, Object c, long cIndex, int ldc,
                        int from) {
        for (int r = 0; r < rows; r++) {
            long row = cIndex + (long) r * ldc;
            for (int j = from; j < cols; j++) {
                float t = tile[r * stride + j];
                set(c, row + j, beta == 0 ? t : beta * get(c, row + j) + t);
            }
        }
    }

    /** {@code value} rounded up to a multiple of {@code step}. */
    static int roundUp(int value, int step) {
        return (value + step - 1) / step * step;
    }

    /**
     * One thread's buffers, grown on demand and then reused: packed A, packed B in either kernel's layout,
     * and small scratch space.
     */
    static final class Workspace {
        /** Packed, alpha-scaled block of A. */
        float[] a = new float[0];
        /** Packed block of B as slivers ({@link VectorGemmKernel}). */
        float[] b = new float[0];
        /** Packed block of B as rows ({@link ScalarGemmKernel}); {@code bRows[p]} is row p. */
        float[][] bRows = new float[0][];
        /** Scratch rows: partial tiles of C, rows of op(A), rows of C. */
        float[] scratch = new float[0];
        /** A second scratch row. */
        float[] scratch2 = new float[0];

        void reserveA(int size) {
            if (a.length < size) {
                a = new float[size];
            }
        }

        void reserveB(int size) {
            if (b.length < size) {
                b = new float[size];
            }
        }

        void reserveRows(int depth, int width) {
            if (bRows.length < depth || bRows[0].length < width) {
                float[][] rows = new float[Math.max(depth, bRows.length)][];
                int rowWidth = Math.max(width, bRows.length == 0 ? 0 : bRows[0].length);
                for (int p = 0; p < rows.length; p++) {
                    rows[p] = new float[rowWidth];
                }
                bRows = rows;
            }
        }

        float[] scratch(int size) {
            if (scratch.length < size) {
                scratch = new float[size];
            }
            return scratch;
        }

        float[] scratch2(int size) {
            if (scratch2.length < size) {
                scratch2 = new float[size];
            }
            return scratch2;
        }
    }
}
