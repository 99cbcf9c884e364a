package dev.kiln.runtime.blas;

import dev.kiln.runtime.LaneFolds;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link GemmKernel} written with the Vector API ({@code jdk.incubator.vector}), in
 * {@link FloatVector#SPECIES_PREFERRED} vectors of {@code L} floats (16 with AVX-512, 8 with AVX2).
 *
 * <p>B is packed into slivers of {@code nr = 2L} columns, {@code sliver[p * nr + j]}, zero-padded to a
 * whole sliver. The micro-kernel computes an {@code mr x 2L} tile of C in {@code 2 mr} vector
 * accumulators: per step of the depth it loads two vectors of B, broadcasts each of the {@code mr}
 * values of A and adds their products with one fused multiply-add each (16 per step, against 10
 * loads). With 32 vector registers (AVX-512) {@code mr = 8} (16 accumulators); with 16 (AVX2, NEON)
 * {@code mr = 6} (12), so that the accumulators, two vectors of B and a broadcast stay in registers.
 * The tile is then added to C in vectors. Blocks: {@code kc = 256} deep, {@code mc = 16 mr} rows of A
 * (128 KiB packed, in L2), {@code nc = 512} columns of B (512 KiB packed, in L2); the loop over slivers
 * of A is outside the one over slivers of B, so the 8 KiB sliver of A stays in L1 while B streams from
 * L2. Alone on a core of the development machine (Zen 4) the micro-kernel reaches its peak, about
 * 110 GFLOP/s, on data in L1.
 *
 * <p>Packing a matrix that is stored the other way round (B transposed, as a dense layer's weights in
 * the forward pass, or A not transposed) is a transpose; with 16-float vectors it is done 16 x 16 in
 * registers ({@link #transpose16}), three times faster than float by float, which matters when C has
 * few rows. Products with at most a few rows of C skip packing altogether ({@link #rows}).
 *
 * <p>Vectors never cross a method boundary (tiles go through a scratch array): a vector passed to or
 * returned from a method that the JIT compiler does not inline is boxed, which allocates on every call.
 *
 * <p>This class is the only one that touches {@code jdk.incubator.vector}; {@link JavaBlas} reaches it,
 * through {@link #create}, only after checking that the module is in the boot layer, so that the rest of
 * the backend loads and runs without it.
 */
final class VectorGemmKernel extends GemmKernel {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Half a preferred vector (8 floats when the preferred vectors hold 16), for slivers of 8 rows. */
    private static final VectorSpecies<Float> HALF = FloatVector.SPECIES_256;

    /**
     * Whether packing transposes 16 x 16 blocks in registers ({@link #transpose16}): with 16-float vectors
     * on x86-64, that is AVX-512, whose two-table permutes make the selections single instructions.
     */
    private static final boolean TRANSPOSE = L == 16
            && (System.getProperty("os.arch").equals("amd64") || System.getProperty("os.arch").equals("x86_64"));

    /** The columns of a packed sliver of B: two vectors. */
    private final int nr = 2 * L;

    VectorGemmKernel(int kc, int mc, int nc, int mr) {
        super(kc, mc, nc, mr);
        if (mr != 6 && mr != 8) {
            throw new IllegalArgumentException("mr must be 6 or 8: " + mr);
        }
    }

    /**
     * The kernel with blocking tuned for caches of 32 KiB (L1) and 1 MiB (L2) per core, and the tile
     * height that fits the vector registers; null if this platform's preferred vectors are shorter than
     * four floats (the Vector API would not pay there).
     */
    static GemmKernel create() {
        if (L < 4) {
            return null;
        }
        int mr = L >= 16 ? 8 : 6;
        return new VectorGemmKernel(256, 16 * mr, 512, mr);
    }

    /** The number of floats in a vector of the preferred species. */
    static int lanes() {
        return L;
    }

    @Override
    String name() {
        return "vector";
    }

    @Override
    void reserveB(Workspace w, int depth, int width) {
        w.reserveB(roundUp(width, nr) * depth);
        w.scratch(mr * nr);
    }

    @Override
    void packB(Workspace w, boolean transB, Object b, long bOffset, int ldb, int pc, int jc, int depth, int width) {
        float[] dst = w.b;
        for (int s = 0; s < width; s += nr) {
            int cols = Math.min(nr, width - s);
            int base = s * depth;
            if (!transB) {
                if (b instanceof float[] array) {
                    int src = (int) bOffset + pc * ldb + jc + s;
                    for (int p = 0; p < depth; p++) {
                        System.arraycopy(array, src + p * ldb, dst, base + p * nr, cols);
                    }
                } else {
                    MemorySegment segment = (MemorySegment) b;
                    long src = bOffset + (long) pc * ldb + jc + s;
                    if (cols == nr) {
                        for (int p = 0; p < depth; p++) {
                            long at = (src + (long) p * ldb) * Float.BYTES;
                            FloatVector.fromMemorySegment(SPECIES, segment, at, ORDER).intoArray(dst, base + p * nr);
                            FloatVector.fromMemorySegment(SPECIES, segment, at + (long) L * Float.BYTES, ORDER)
                                    .intoArray(dst, base + p * nr + L);
                        }
                    } else {
                        for (int p = 0; p < depth; p++) {
                            for (int j = 0; j < cols; j++) {
                                dst[base + p * nr + j] = segment.getAtIndex(FLOAT, src + (long) p * ldb + j);
                            }
                        }
                    }
                }
            } else {
                long first = bOffset + (long) (jc + s) * ldb + pc;
                int done = 0;
                if (TRANSPOSE && cols == nr) {
                    done = depth - depth % 16;
                    transpose16(b, first, ldb, done, 1, dst, base, nr);
                    transpose16(b, first + 16L * ldb, ldb, done, 1, dst, base + 16, nr);
                }
                if (done < depth) {
                    int rest = base + done * nr;
                    if (b instanceof float[] array) {
                        interleave(array, (int) first + done, ldb, cols, depth - done, 1, dst, rest, nr);
                    } else {
                        interleave((MemorySegment) b, first + done, ldb, cols, depth - done, 1, dst, rest, nr);
                    }
                }
            }
            if (cols < nr) {
                for (int p = 0; p < depth; p++) {
                    for (int j = cols; j < nr; j++) {
                        dst[base + p * nr + j] = 0;
                    }
                }
            }
        }
    }

    /**
     * The lane indexes, for {@link FloatVector#selectFrom(jdk.incubator.vector.Vector,
     * jdk.incubator.vector.Vector)}, of the four steps of a 16 x 16 transpose: step {@code t} swaps bit
     * {@code t} of the row number with bit {@code t} of the column number, taking from rows {@code r}
     * and {@code r + 2^t} (bit t of r clear) the new row r ({@code [2t]}) and the new row r + 2^t
     * ({@code [2t + 1]}).
     */
    private static final float[][] TRANSPOSE_STEPS = transposeSteps(16);

    private static float[][] transposeSteps(int n) {
        int steps = Integer.numberOfTrailingZeros(n);
        float[][] indexes = new float[2 * steps][n];
        for (int t = 0; t < steps; t++) {
            int d = 1 << t;
            for (int c = 0; c < n; c++) {
                boolean upper = (c & d) != 0;
                // lanes 0 .. n-1 select from the first vector, n .. 2n-1 from the second
                indexes[2 * t][c] = upper ? n + c - d : c;
                indexes[2 * t + 1][c] = upper ? n + c : c + d;
            }
        }
        return indexes;
    }

    /**
     * {@code dst[base + p * stride + r] = scale * src[first + r * ld + p]} for 16 rows {@code r} and
     * {@code p < depth} (a multiple of 16), with vectors of 16 floats: each 16 x 16 block is loaded row by
     * row, transposed in registers by four steps of two-vector selections and stored column by column,
     * about three times faster than moving the floats one by one.
     */
    private static void transpose16(Object src, long first, int ld, int depth, float scale,
                                    float[] dst, int base, int stride) {
        if (depth == 0) {
            return;
        }
        FloatVector i0 = FloatVector.fromArray(SPECIES, TRANSPOSE_STEPS[0], 0);
        FloatVector j0 = FloatVector.fromArray(SPECIES, TRANSPOSE_STEPS[1], 0);
        FloatVector i1 = FloatVector.fromArray(SPECIES, TRANSPOSE_STEPS[2], 0);
        FloatVector j1 = FloatVector.fromArray(SPECIES, TRANSPOSE_STEPS[3], 0);
        FloatVector i2 = FloatVector.fromArray(SPECIES, TRANSPOSE_STEPS[4], 0);
        FloatVector j2 = FloatVector.fromArray(SPECIES, TRANSPOSE_STEPS[5], 0);
        FloatVector i3 = FloatVector.fromArray(SPECIES, TRANSPOSE_STEPS[6], 0);
        FloatVector j3 = FloatVector.fromArray(SPECIES, TRANSPOSE_STEPS[7], 0);
        float[] array = src instanceof float[] a ? a : null;
        MemorySegment segment = array == null ? (MemorySegment) src : null;
        for (int p = 0; p < depth; p += 16) {
            long at = first + p;
            FloatVector r0;
            FloatVector r1;
            FloatVector r2;
            FloatVector r3;
            FloatVector r4;
            FloatVector r5;
            FloatVector r6;
            FloatVector r7;
            FloatVector r8;
            FloatVector r9;
            FloatVector ra;
            FloatVector rb;
            FloatVector rc;
            FloatVector rd;
            FloatVector re;
            FloatVector rf;
            if (array != null) {
                int i = (int) at;
                r0 = FloatVector.fromArray(SPECIES, array, i);
                r1 = FloatVector.fromArray(SPECIES, array, i + ld);
                r2 = FloatVector.fromArray(SPECIES, array, i + 2 * ld);
                r3 = FloatVector.fromArray(SPECIES, array, i + 3 * ld);
                r4 = FloatVector.fromArray(SPECIES, array, i + 4 * ld);
                r5 = FloatVector.fromArray(SPECIES, array, i + 5 * ld);
                r6 = FloatVector.fromArray(SPECIES, array, i + 6 * ld);
                r7 = FloatVector.fromArray(SPECIES, array, i + 7 * ld);
                r8 = FloatVector.fromArray(SPECIES, array, i + 8 * ld);
                r9 = FloatVector.fromArray(SPECIES, array, i + 9 * ld);
                ra = FloatVector.fromArray(SPECIES, array, i + 10 * ld);
                rb = FloatVector.fromArray(SPECIES, array, i + 11 * ld);
                rc = FloatVector.fromArray(SPECIES, array, i + 12 * ld);
                rd = FloatVector.fromArray(SPECIES, array, i + 13 * ld);
                re = FloatVector.fromArray(SPECIES, array, i + 14 * ld);
                rf = FloatVector.fromArray(SPECIES, array, i + 15 * ld);
            } else {
                long o = at * Float.BYTES;
                long row = (long) ld * Float.BYTES;
                r0 = FloatVector.fromMemorySegment(SPECIES, segment, o, ORDER);
                r1 = FloatVector.fromMemorySegment(SPECIES, segment, o + row, ORDER);
                r2 = FloatVector.fromMemorySegment(SPECIES, segment, o + 2 * row, ORDER);
                r3 = FloatVector.fromMemorySegment(SPECIES, segment, o + 3 * row, ORDER);
                r4 = FloatVector.fromMemorySegment(SPECIES, segment, o + 4 * row, ORDER);
                r5 = FloatVector.fromMemorySegment(SPECIES, segment, o + 5 * row, ORDER);
                r6 = FloatVector.fromMemorySegment(SPECIES, segment, o + 6 * row, ORDER);
                r7 = FloatVector.fromMemorySegment(SPECIES, segment, o + 7 * row, ORDER);
                r8 = FloatVector.fromMemorySegment(SPECIES, segment, o + 8 * row, ORDER);
                r9 = FloatVector.fromMemorySegment(SPECIES, segment, o + 9 * row, ORDER);
                ra = FloatVector.fromMemorySegment(SPECIES, segment, o + 10 * row, ORDER);
                rb = FloatVector.fromMemorySegment(SPECIES, segment, o + 11 * row, ORDER);
                rc = FloatVector.fromMemorySegment(SPECIES, segment, o + 12 * row, ORDER);
                rd = FloatVector.fromMemorySegment(SPECIES, segment, o + 13 * row, ORDER);
                re = FloatVector.fromMemorySegment(SPECIES, segment, o + 14 * row, ORDER);
                rf = FloatVector.fromMemorySegment(SPECIES, segment, o + 15 * row, ORDER);
            }
            // step 0: rows (0, 1), (2, 3), ...
            FloatVector t0 = i0.selectFrom(r0, r1);
            FloatVector t1 = j0.selectFrom(r0, r1);
            FloatVector t2 = i0.selectFrom(r2, r3);
            FloatVector t3 = j0.selectFrom(r2, r3);
            FloatVector t4 = i0.selectFrom(r4, r5);
            FloatVector t5 = j0.selectFrom(r4, r5);
            FloatVector t6 = i0.selectFrom(r6, r7);
            FloatVector t7 = j0.selectFrom(r6, r7);
            FloatVector t8 = i0.selectFrom(r8, r9);
            FloatVector t9 = j0.selectFrom(r8, r9);
            FloatVector ta = i0.selectFrom(ra, rb);
            FloatVector tb = j0.selectFrom(ra, rb);
            FloatVector tc = i0.selectFrom(rc, rd);
            FloatVector td = j0.selectFrom(rc, rd);
            FloatVector te = i0.selectFrom(re, rf);
            FloatVector tf = j0.selectFrom(re, rf);
            // step 1: rows (0, 2), (1, 3), (4, 6), ...
            r0 = i1.selectFrom(t0, t2);
            r2 = j1.selectFrom(t0, t2);
            r1 = i1.selectFrom(t1, t3);
            r3 = j1.selectFrom(t1, t3);
            r4 = i1.selectFrom(t4, t6);
            r6 = j1.selectFrom(t4, t6);
            r5 = i1.selectFrom(t5, t7);
            r7 = j1.selectFrom(t5, t7);
            r8 = i1.selectFrom(t8, ta);
            ra = j1.selectFrom(t8, ta);
            r9 = i1.selectFrom(t9, tb);
            rb = j1.selectFrom(t9, tb);
            rc = i1.selectFrom(tc, te);
            re = j1.selectFrom(tc, te);
            rd = i1.selectFrom(td, tf);
            rf = j1.selectFrom(td, tf);
            // step 2: rows (0, 4), (1, 5), ..., (8, 12), ...
            t0 = i2.selectFrom(r0, r4);
            t4 = j2.selectFrom(r0, r4);
            t1 = i2.selectFrom(r1, r5);
            t5 = j2.selectFrom(r1, r5);
            t2 = i2.selectFrom(r2, r6);
            t6 = j2.selectFrom(r2, r6);
            t3 = i2.selectFrom(r3, r7);
            t7 = j2.selectFrom(r3, r7);
            t8 = i2.selectFrom(r8, rc);
            tc = j2.selectFrom(r8, rc);
            t9 = i2.selectFrom(r9, rd);
            td = j2.selectFrom(r9, rd);
            ta = i2.selectFrom(ra, re);
            te = j2.selectFrom(ra, re);
            tb = i2.selectFrom(rb, rf);
            tf = j2.selectFrom(rb, rf);
            // step 3: rows (0, 8), (1, 9), ...; row q of the result is column p + q of the block
            FloatVector u0 = i3.selectFrom(t0, t8).mul(scale);
            FloatVector u1 = i3.selectFrom(t1, t9).mul(scale);
            FloatVector u2 = i3.selectFrom(t2, ta).mul(scale);
            FloatVector u3 = i3.selectFrom(t3, tb).mul(scale);
            FloatVector u4 = i3.selectFrom(t4, tc).mul(scale);
            FloatVector u5 = i3.selectFrom(t5, td).mul(scale);
            FloatVector u6 = i3.selectFrom(t6, te).mul(scale);
            FloatVector u7 = i3.selectFrom(t7, tf).mul(scale);
            FloatVector u8 = j3.selectFrom(t0, t8).mul(scale);
            FloatVector u9 = j3.selectFrom(t1, t9).mul(scale);
            FloatVector ua = j3.selectFrom(t2, ta).mul(scale);
            FloatVector ub = j3.selectFrom(t3, tb).mul(scale);
            FloatVector uc = j3.selectFrom(t4, tc).mul(scale);
            FloatVector ud = j3.selectFrom(t5, td).mul(scale);
            FloatVector ue = j3.selectFrom(t6, te).mul(scale);
            FloatVector uf = j3.selectFrom(t7, tf).mul(scale);
            int d = base + p * stride;
            u0.intoArray(dst, d);
            u1.intoArray(dst, d + stride);
            u2.intoArray(dst, d + 2 * stride);
            u3.intoArray(dst, d + 3 * stride);
            u4.intoArray(dst, d + 4 * stride);
            u5.intoArray(dst, d + 5 * stride);
            u6.intoArray(dst, d + 6 * stride);
            u7.intoArray(dst, d + 7 * stride);
            u8.intoArray(dst, d + 8 * stride);
            u9.intoArray(dst, d + 9 * stride);
            ua.intoArray(dst, d + 10 * stride);
            ub.intoArray(dst, d + 11 * stride);
            uc.intoArray(dst, d + 12 * stride);
            ud.intoArray(dst, d + 13 * stride);
            ue.intoArray(dst, d + 14 * stride);
            uf.intoArray(dst, d + 15 * stride);
        }
    }

    /**
     * As {@link GemmKernel#packA}; but with 16-float vectors and slivers of 8 rows, rows of A that are
     * stored contiguously (A not transposed) are packed two slivers at a time, 16 x 16 blocks transposed
     * by {@link #transpose16} into a scratch block whose columns are then split between the two slivers.
     */
    @Override
    void packA(Workspace w, boolean transA, Object a, long aOffset, int lda, int ic, int pc, int rows, int depth,
               float alpha) {
        float[] dst = w.a;
        int pairs = TRANSPOSE && mr == 8 && !transA ? rows / 16 * 16 : 0;
        int done = depth - depth % 16;
        float[] block = pairs > 0 ? w.scratch2(256) : null;
        for (int s = 0; s < pairs; s += 16) {
            long first = aOffset + (long) (ic + s) * lda + pc;
            int lower = s * depth;
            int upper = lower + 8 * depth;
            for (int p = 0; p < done; p += 16) {
                transpose16(a, first + p, lda, 16, alpha, block, 0, 16);
                for (int q = 0; q < 16; q++) {
                    FloatVector.fromArray(HALF, block, 16 * q).intoArray(dst, lower + (p + q) * 8);
                    FloatVector.fromArray(HALF, block, 16 * q + 8).intoArray(dst, upper + (p + q) * 8);
                }
            }
            if (done < depth) {
                if (a instanceof float[] array) {
                    interleave(array, (int) first + done, lda, 8, depth - done, alpha, dst, lower + done * 8, 8);
                    interleave(array, (int) first + 8 * lda + done, lda, 8, depth - done, alpha, dst, upper + done * 8,
                            8);
                } else {
                    MemorySegment segment = (MemorySegment) a;
                    interleave(segment, first + done, lda, 8, depth - done, alpha, dst, lower + done * 8, 8);
                    interleave(segment, first + 8L * lda + done, lda, 8, depth - done, alpha, dst, upper + done * 8, 8);
                }
            }
        }
        if (pairs < rows) {
            packSlivers(transA, a, aOffset, lda, ic + pairs, pc, rows - pairs, depth, mr, alpha, dst, pairs * depth);
        }
    }

    @Override
    void multiplyBlock(Workspace w, int rows, int width, int depth, float beta, Object c, long cIndex, int ldc) {
        float[] a = w.a;
        float[] b = w.b;
        float[] tile = w.scratch;
        for (int ir = 0; ir < rows; ir += mr) {
            int tileRows = Math.min(mr, rows - ir);
            for (int jr = 0; jr < width; jr += nr) {
                int tileCols = Math.min(nr, width - jr);
                long at = cIndex + (long) ir * ldc + jr;
                if (mr == 8) {
                    tile8(depth, a, ir * depth, b, jr * depth, beta, c, at, ldc, tileRows, tileCols, tile);
                } else {
                    tile6(depth, a, ir * depth, b, jr * depth, beta, c, at, ldc, tileRows, tileCols, tile);
                }
            }
        }
    }

    /**
     * The 8 x 2L micro-kernel: {@code C = beta * C + A_sliver * B_sliver} for the {@code rows x cols}
     * corner of the tile at {@code cIndex}.
     */
    private void tile8(int depth, float[] a, int ai, float[] b, int bi, float beta,
                       Object c, long cIndex, int ldc, int rows, int cols, float[] tile) {
        FloatVector c00 = FloatVector.zero(SPECIES);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        FloatVector c60 = c00;
        FloatVector c61 = c00;
        FloatVector c70 = c00;
        FloatVector c71 = c00;
        for (int p = 0; p < depth; p++) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bi + L);
            FloatVector x = FloatVector.broadcast(SPECIES, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(SPECIES, a[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(SPECIES, a[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(SPECIES, a[ai + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(SPECIES, a[ai + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            ai += 8;
            bi += 2 * L;
        }
        int stride = 2 * L;
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, stride);
        c11.intoArray(tile, stride + L);
        c20.intoArray(tile, 2 * stride);
        c21.intoArray(tile, 2 * stride + L);
        c30.intoArray(tile, 3 * stride);
        c31.intoArray(tile, 3 * stride + L);
        c40.intoArray(tile, 4 * stride);
        c41.intoArray(tile, 4 * stride + L);
        c50.intoArray(tile, 5 * stride);
        c51.intoArray(tile, 5 * stride + L);
        c60.intoArray(tile, 6 * stride);
        c61.intoArray(tile, 6 * stride + L);
        c70.intoArray(tile, 7 * stride);
        c71.intoArray(tile, 7 * stride + L);
        addTile(tile, 2 * L, rows, cols, beta, c, cIndex, ldc);
    }

    /** The 6 x 2L micro-kernel, for 16 vector registers; otherwise as {@link #tile8}. */
    private void tile6(int depth, float[] a, int ai, float[] b, int bi, float beta,
                       Object c, long cIndex, int ldc, int rows, int cols, float[] tile) {
        FloatVector c00 = FloatVector.zero(SPECIES);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        for (int p = 0; p < depth; p++) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bi + L);
            FloatVector x = FloatVector.broadcast(SPECIES, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(SPECIES, a[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(SPECIES, a[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            ai += 6;
            bi += 2 * L;
        }
        int stride = 2 * L;
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, stride);
        c11.intoArray(tile, stride + L);
        c20.intoArray(tile, 2 * stride);
        c21.intoArray(tile, 2 * stride + L);
        c30.intoArray(tile, 3 * stride);
        c31.intoArray(tile, 3 * stride + L);
        c40.intoArray(tile, 4 * stride);
        c41.intoArray(tile, 4 * stride + L);
        c50.intoArray(tile, 5 * stride);
        c51.intoArray(tile, 5 * stride + L);
        addTile(tile, 2 * L, rows, cols, beta, c, cIndex, ldc);
    }

    /**
     * {@code C = beta * C + tile} for the {@code rows x cols} corner of a tile stored row by row,
     * {@code stride} apart. The kernels hand their accumulators over through the tile rather than as
     * arguments: a vector passed to a method that the JIT does not inline is boxed, on every call. This
     * step is plain loops, which the JIT vectorizes itself, on purpose: it runs once per tile, and vector
     * code here allocated whenever the JIT left the method in a profiled tier, which it sometimes did for
     * good (docs/decisions.md, "The Java kernels' allocation-free products depend on the JIT").
     */
    private static void addTile(float[] tile, int stride, int rows, int cols, float beta,
                                Object c, long cIndex, int ldc) {
        if (c instanceof float[] array) {
            for (int r = 0; r < rows; r++) {
                int row = (int) (cIndex + (long) r * ldc);
                int t = r * stride;
                if (beta == 0) {
                    System.arraycopy(tile, t, array, row, cols);
                } else {
                    for (int j = 0; j < cols; j++) {
                        array[row + j] = beta * array[row + j] + tile[t + j];
                    }
                }
            }
        } else {
            MemorySegment segment = (MemorySegment) c;
            for (int r = 0; r < rows; r++) {
                long row = cIndex + (long) r * ldc;
                int t = r * stride;
                if (beta == 0) {
                    MemorySegment.copy(tile, t, segment, ValueLayout.JAVA_FLOAT, row * Float.BYTES, cols);
                } else {
                    for (int j = 0; j < cols; j++) {
                        long at = (row + j) * Float.BYTES;
                        segment.set(ValueLayout.JAVA_FLOAT, at, beta * segment.get(ValueLayout.JAVA_FLOAT, at) + tile[t + j]);
                    }
                }
            }
        }
    }

    @Override
    int rowPathRows(boolean transB) {
        // measured: with B transposed, packing B costs as much as the product up to about 8 rows of C
        return transB ? 8 : 4;
    }

    /**
     * Few rows of C, B unpacked: with B transposed, dot products ({@link #dotRows}); otherwise each row of
     * C is a sum of the rows of B weighted by a row of {@code alpha * op(A)}, {@code 4L} columns at a time
     * in registers ({@link #sumRows}).
     */
    @Override
    void rows(boolean transA, boolean transB, int m, int n, int k, float alpha,
              Object a, long aOffset, int lda, Object b, long bOffset, int ldb,
              float beta, Object c, long cOffset, int ldc) {
        if (transB) {
            dotRows(transA, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
        } else {
            Workspace w = workspace();
            float[] x = copyRowsOfA(w, transA, m, k, alpha, a, aOffset, lda);
            sumRows(m, n, k, x, b, bOffset, ldb, beta, c, cOffset, ldc, w.scratch(4 * L));
        }
    }

    /** Four dot products at once, in four vector sums reduced at the end. */
    @Override
    void dot4(int k, float[] x, int xi, float[] b, int r0, int r1, int r2, int r3, float[] sums) {
        FloatVector s0 = FloatVector.zero(SPECIES);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        int p = 0;
        for (int end = k - L; p <= end; p += L) {
            FloatVector xv = FloatVector.fromArray(SPECIES, x, xi + p);
            s0 = xv.fma(FloatVector.fromArray(SPECIES, b, r0 + p), s0);
            s1 = xv.fma(FloatVector.fromArray(SPECIES, b, r1 + p), s1);
            s2 = xv.fma(FloatVector.fromArray(SPECIES, b, r2 + p), s2);
            s3 = xv.fma(FloatVector.fromArray(SPECIES, b, r3 + p), s3);
        }
        // s0's lanes summed in a fixed order (LaneFolds), into lane 0
        if (L >= 16) {
            s0 = s0.add(s0.rearrange(LaneFolds.BY_8));
        }
        if (L >= 8) {
            s0 = s0.add(s0.rearrange(LaneFolds.BY_4));
        }
        if (L >= 4) {
            s0 = s0.add(s0.rearrange(LaneFolds.BY_2));
        }
        s0 = s0.add(s0.rearrange(LaneFolds.BY_1));
        // s1's lanes summed in a fixed order (LaneFolds), into lane 0
        if (L >= 16) {
            s1 = s1.add(s1.rearrange(LaneFolds.BY_8));
        }
        if (L >= 8) {
            s1 = s1.add(s1.rearrange(LaneFolds.BY_4));
        }
        if (L >= 4) {
            s1 = s1.add(s1.rearrange(LaneFolds.BY_2));
        }
        s1 = s1.add(s1.rearrange(LaneFolds.BY_1));
        // s2's lanes summed in a fixed order (LaneFolds), into lane 0
        if (L >= 16) {
            s2 = s2.add(s2.rearrange(LaneFolds.BY_8));
        }
        if (L >= 8) {
            s2 = s2.add(s2.rearrange(LaneFolds.BY_4));
        }
        if (L >= 4) {
            s2 = s2.add(s2.rearrange(LaneFolds.BY_2));
        }
        s2 = s2.add(s2.rearrange(LaneFolds.BY_1));
        // s3's lanes summed in a fixed order (LaneFolds), into lane 0
        if (L >= 16) {
            s3 = s3.add(s3.rearrange(LaneFolds.BY_8));
        }
        if (L >= 8) {
            s3 = s3.add(s3.rearrange(LaneFolds.BY_4));
        }
        if (L >= 4) {
            s3 = s3.add(s3.rearrange(LaneFolds.BY_2));
        }
        s3 = s3.add(s3.rearrange(LaneFolds.BY_1));
        float t0 = s0.lane(0);
        float t1 = s1.lane(0);
        float t2 = s2.lane(0);
        float t3 = s3.lane(0);
        for (; p < k; p++) {
            float xp = x[xi + p];
            t0 += xp * b[r0 + p];
            t1 += xp * b[r1 + p];
            t2 += xp * b[r2 + p];
            t3 += xp * b[r3 + p];
        }
        sums[0] = t0;
        sums[1] = t1;
        sums[2] = t2;
        sums[3] = t3;
    }

    /** {@code C_i = beta * C_i + sum_p x_i[p] * B_p} for B stored by rows {@code B_p}. */
    private static void sumRows(int m, int n, int k, float[] x, Object b, long bOffset, int ldb,
                                float beta, Object c, long cOffset, int ldc, float[] tile) {
        // one method per kind of B: accumulators merged from the two kinds' loops were, in some JVMs,
        // left boxed by the JIT
        if (b instanceof float[] array) {
            sumRowsOfArray(m, n, k, x, array, (int) bOffset, ldb, beta, c, cOffset, ldc, tile);
        } else {
            sumRowsOfSegment(m, n, k, x, (MemorySegment) b, bOffset, ldb, beta, c, cOffset, ldc, tile);
        }
    }

    /** {@link #sumRows} for B in an array. */
    private static void sumRowsOfArray(int m, int n, int k, float[] x, float[] array, int bOffset, int ldb,
                                       float beta, Object c, long cOffset, int ldc, float[] tile) {
        for (int i = 0; i < m; i++) {
            int xi = i * k;
            long row = cOffset + (long) i * ldc;
            int j = 0;
            for (; j + 4 * L <= n; j += 4 * L) {
                FloatVector s0 = FloatVector.zero(SPECIES);
                FloatVector s1 = s0;
                FloatVector s2 = s0;
                FloatVector s3 = s0;
                int bi = bOffset + j;
                for (int p = 0; p < k; p++) {
                    FloatVector xp = FloatVector.broadcast(SPECIES, x[xi + p]);
                    s0 = xp.fma(FloatVector.fromArray(SPECIES, array, bi), s0);
                    s1 = xp.fma(FloatVector.fromArray(SPECIES, array, bi + L), s1);
                    s2 = xp.fma(FloatVector.fromArray(SPECIES, array, bi + 2 * L), s2);
                    s3 = xp.fma(FloatVector.fromArray(SPECIES, array, bi + 3 * L), s3);
                    bi += ldb;
                }
                s0.intoArray(tile, 0);
                s1.intoArray(tile, L);
                s2.intoArray(tile, 2 * L);
                s3.intoArray(tile, 3 * L);
                addTile(tile, 4 * L, 1, 4 * L, beta, c, row + j, ldc);
            }
            for (; j < n; j += L) {
                VectorMask<Float> lanes = SPECIES.indexInRange(j, n);
                FloatVector s0 = FloatVector.zero(SPECIES);
                int bi = bOffset + j;
                for (int p = 0; p < k; p++) {
                    FloatVector xp = FloatVector.broadcast(SPECIES, x[xi + p]);
                    s0 = xp.fma(FloatVector.fromArray(SPECIES, array, bi, lanes), s0);
                    bi += ldb;
                }
                s0.intoArray(tile, 0);
                addTile(tile, L, 1, Math.min(L, n - j), beta, c, row + j, ldc);
            }
        }
    }

    /** {@link #sumRows} for B in a segment. */
    private static void sumRowsOfSegment(int m, int n, int k, float[] x, MemorySegment segment, long bOffset, int ldb,
                                         float beta, Object c, long cOffset, int ldc, float[] tile) {
        long step = (long) ldb * Float.BYTES;
        long vector = (long) L * Float.BYTES;
        for (int i = 0; i < m; i++) {
            int xi = i * k;
            long row = cOffset + (long) i * ldc;
            int j = 0;
            for (; j + 4 * L <= n; j += 4 * L) {
                FloatVector s0 = FloatVector.zero(SPECIES);
                FloatVector s1 = s0;
                FloatVector s2 = s0;
                FloatVector s3 = s0;
                long at = (bOffset + j) * Float.BYTES;
                for (int p = 0; p < k; p++) {
                    FloatVector xp = FloatVector.broadcast(SPECIES, x[xi + p]);
                    s0 = xp.fma(FloatVector.fromMemorySegment(SPECIES, segment, at, ORDER), s0);
                    s1 = xp.fma(FloatVector.fromMemorySegment(SPECIES, segment, at + vector, ORDER), s1);
                    s2 = xp.fma(FloatVector.fromMemorySegment(SPECIES, segment, at + 2 * vector, ORDER), s2);
                    s3 = xp.fma(FloatVector.fromMemorySegment(SPECIES, segment, at + 3 * vector, ORDER), s3);
                    at += step;
                }
                s0.intoArray(tile, 0);
                s1.intoArray(tile, L);
                s2.intoArray(tile, 2 * L);
                s3.intoArray(tile, 3 * L);
                addTile(tile, 4 * L, 1, 4 * L, beta, c, row + j, ldc);
            }
            for (; j < n; j += L) {
                VectorMask<Float> lanes = SPECIES.indexInRange(j, n);
                FloatVector s0 = FloatVector.zero(SPECIES);
                long at = (bOffset + j) * Float.BYTES;
                for (int p = 0; p < k; p++) {
                    FloatVector xp = FloatVector.broadcast(SPECIES, x[xi + p]);
                    s0 = xp.fma(FloatVector.fromMemorySegment(SPECIES, segment, at, ORDER, lanes), s0);
                    at += step;
                }
                s0.intoArray(tile, 0);
                addTile(tile, L, 1, Math.min(L, n - j), beta, c, row + j, ldc);
            }
        }
    }
}
