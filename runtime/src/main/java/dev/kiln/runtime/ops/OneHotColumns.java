package dev.kiln.runtime.ops;

import static dev.kiln.runtime.Memory.FLOAT;

import dev.kiln.runtime.Memory;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The input side of a layer fed one-hot vectors, given as class ids: {@code W x} for a one-hot {@code x}
 * is the column {@code id} of {@code W}, and the gradient of {@code W} is the rows' gradients added into
 * the columns of their ids. {@code W} ({@code width x in}) is stored row-major, so a column is strided;
 * the rows ({@code width} floats each, row {@code r} at {@code work[rows + r * width]}, its id at
 * {@code ids[id + r]}) are contiguous.
 *
 * <p>Two ways, by the sizes. When there are no more classes than rows (a character vocabulary: 114
 * classes, 2,048 rows), {@code W} is first transposed into a per-thread table, one contiguous row per
 * class; the lookup then copies a table row per row, and the gradient adds each row into its class's
 * table row (from {@code -0.0}, so that a class's sum has the bits of the rows' own sum) before the table
 * is added, transposed, into the columns of {@code G}. Transposing costs {@code in x width}, no more than
 * the rows themselves. Otherwise (a vocabulary larger than the batch), every row reads (or adds into) its
 * column directly, 16 gate rows of {@code W} at a time so that they stay in the L1 cache while the rows
 * visit them, 32 rows at a time so that these stay in the L2 cache.
 *
 * <p>Measured on the char-LSTM's shape (2,048 rows of 512 values, 114 classes): see docs/decisions.md,
 * "One-hot inputs of a recurrent layer".
 */
final class OneHotColumns {

    /** Rows of {@code W} visited together by the direct way: a cache line of each row's values. */
    private static final int BLOCK = 16;

    /** Rows visited together by the direct way: 32 rows of 512 values, 64 KiB, stay in the L2 cache. */
    private static final int CHUNK = 32;

    /** The transposed table of the thread, grown to the largest layer it has run, and its classes' flags. */
    private static final ThreadLocal<Table> TABLES = ThreadLocal.withInitial(Table::new);

    private static final class Table {
        float[] values = new float[0];
        boolean[] seen = new boolean[0];
        float[] row = new float[0];

        float[] values(int size) {
            if (values.length < size) {
                values = new float[size];
            }
            return values;
        }

        float[] row(int size) {
            if (row.length < size) {
                row = new float[size];
            }
            return row;
        }

        boolean[] seen(int size) {
            if (seen.length < size) {
                seen = new boolean[size];
            }
            return seen;
        }
    }

    private OneHotColumns() {
    }

    /** Whether the transposed table is used: no more classes than rows. */
    private static boolean tabled(int in, int count) {
        return in <= count;
    }

    /**
     * Writes column {@code ids[id + r]} of {@code W} (at {@code p[w]}) into row {@code r}, for {@code r < count}.
     * The ids must have been checked.
     */
    static void lookUp(MemorySegment ids, long id, int count, MemorySegment p, long w, int in, MemorySegment work,
                       long rows, int width) {
        if (tabled(in, count)) {
            float[] table = TABLES.get().values(in * width);
            transpose(p, w, in, width, table);
            copyRows(ids, id, count, table, work, rows, width);
        } else {
            lookUpDirectly(ids, id, count, p, w, in, work, rows, width);
        }
    }

    // Each loop is a method of its own: the JIT compiles a small method sooner and faster than one holding
    // every loop, which it compiled twice (once entered mid-loop) at 0.5 s of its time.

    /** {@code table[c * width + j] = W[j][c]}: {@code W}'s rows copied whole, then spread to the columns. */
    private static void transpose(MemorySegment p, long w, int in, int width, float[] table) {
        float[] row = TABLES.get().row(in);
        for (int j = 0; j < width; j++) {
            Memory.copy(p, w + (long) j * in, row, 0, in);
            for (int c = 0; c < in; c++) {
                table[c * width + j] = row[c];
            }
        }
    }

    /** Row {@code r} of the work rows gets the table's row of its id. */
    private static void copyRows(MemorySegment ids, long id, int count, float[] table, MemorySegment work, long rows,
                                 int width) {
        for (int r = 0; r < count; r++) {
            int c = (int) ids.getAtIndex(FLOAT, id + r);
            Memory.copy(table, c * width, work, rows + (long) r * width, width);
        }
    }

    /** {@link #lookUp} for more classes than rows: each row reads its column, blocked for the caches. */
    private static void lookUpDirectly(MemorySegment ids, long id, int count, MemorySegment p, long w, int in,
                                       MemorySegment work, long rows, int width) {
        for (int r0 = 0; r0 < count; r0 += CHUNK) {
            int r1 = Math.min(count, r0 + CHUNK);
            for (int j0 = 0; j0 < width; j0 += BLOCK) {
                int j1 = Math.min(width, j0 + BLOCK);
                for (int r = r0; r < r1; r++) {
                    long column = w + (long) ids.getAtIndex(FLOAT, id + r);
                    long row = rows + (long) r * width;
                    for (int j = j0; j < j1; j++) {
                        work.setAtIndex(FLOAT, row + j, p.getAtIndex(FLOAT, column + (long) j * in));
                    }
                }
            }
        }
    }

    /**
     * Adds row {@code r} into column {@code ids[id + r]} of {@code G} (at {@code gs[g]}), for {@code r < count}.
     * The rows are left as they are; {@code vector} lets the Vector API add them (the rows must be native).
     */
    static void scatterAdd(MemorySegment ids, long id, int count, MemorySegment work, long rows, int width,
                           MemorySegment gs, long g, int in, boolean vector) {
        if (tabled(in, count)) {
            Table scratch = TABLES.get();
            float[] table = scratch.values(in * width);
            boolean[] seen = scratch.seen(in);
            Arrays.fill(table, 0, in * width, -0.0f);
            Arrays.fill(seen, 0, in, false);
            sumRows(ids, id, count, work, rows, width, table, seen, vector);
            addTransposed(table, seen, in, width, gs, g);
        } else {
            scatterDirectly(ids, id, count, work, rows, width, gs, g, in);
        }
    }

    /** Adds each work row into its id's row of the table, and marks the ids seen. */
    private static void sumRows(MemorySegment ids, long id, int count, MemorySegment work, long rows, int width,
                                float[] table, boolean[] seen, boolean vector) {
        for (int r = 0; r < count; r++) {
            int c = (int) ids.getAtIndex(FLOAT, id + r);
            seen[c] = true;
            long row = rows + (long) r * width;
            int to = c * width;
            int done = vector ? VectorRecurrentCells.addRowTo(work, row, table, to, width) : 0;
            for (int j = done; j < width; j++) {
                table[to + j] += work.getAtIndex(FLOAT, row + j);
            }
        }
    }

    /** {@code G[j][c] += table[c * width + j]} for the classes seen. */
    private static void addTransposed(float[] table, boolean[] seen, int in, int width, MemorySegment gs, long g) {
        for (int j = 0; j < width; j++) {
            long at = g + (long) j * in;
            for (int c = 0; c < in; c++) {
                if (seen[c]) {
                    gs.setAtIndex(FLOAT, at + c, gs.getAtIndex(FLOAT, at + c) + table[c * width + j]);
                }
            }
        }
    }

    /** {@link #scatterAdd} for more classes than rows: each row adds into its column, blocked for the caches. */
    private static void scatterDirectly(MemorySegment ids, long id, int count, MemorySegment work, long rows,
                                        int width, MemorySegment gs, long g, int in) {
        for (int r0 = 0; r0 < count; r0 += CHUNK) {
            int r1 = Math.min(count, r0 + CHUNK);
            for (int j0 = 0; j0 < width; j0 += BLOCK) {
                int j1 = Math.min(width, j0 + BLOCK);
                for (int r = r0; r < r1; r++) {
                    long column = g + (long) ids.getAtIndex(FLOAT, id + r);
                    long row = rows + (long) r * width;
                    for (int j = j0; j < j1; j++) {
                        long at = column + (long) j * in;
                        gs.setAtIndex(FLOAT, at, gs.getAtIndex(FLOAT, at) + work.getAtIndex(FLOAT, row + j));
                    }
                }
            }
        }
    }
}
