package dev.kiln.runtime.ops;

import static dev.kiln.runtime.Memory.FLOAT;

import java.lang.foreign.MemorySegment;

/**
 * The small passes of sequence models: ids checked and encoded one-hot, embedding lookups and their
 * gradient, and the last step of a sequence taken out of it and its gradient put back. Layouts are
 * batch-major as everywhere: step {@code t} of sample {@code s} of a {@code [steps, width]} sequence starts
 * at element {@code (s * steps + t) * width}; ids are whole numbers stored as floats, one per step.
 */
public final class SequenceOps {

    private SequenceOps() {
    }

    /**
     * The id at {@code ids[at]}, checked: a whole number in {@code [0, vocabulary)}.
     *
     * @throws IllegalArgumentException naming the sample, the step and the value otherwise
     */
    public static int id(MemorySegment ids, long at, long first, int steps, int vocabulary) {
        float value = ids.getAtIndex(FLOAT, at);
        int id = (int) value;
        if (id != value || id < 0 || id >= vocabulary) {
            long index = at - first;
            throw new IllegalArgumentException("sample " + index / steps + ", step " + index % steps + ": the id "
                    + value + " is not a whole number in [0, " + vocabulary + ")");
        }
        return id;
    }

    /**
     * Writes the one-hot encoding of {@code rows} ids from {@code ids[x]} to {@code ys[y]}: {@code rows}
     * rows of {@code vocabulary} values, 1 at the id and 0 elsewhere.
     *
     * @throws IllegalArgumentException if an id is not a whole number in {@code [0, vocabulary)}; then
     *     nothing of that id's row has been written
     */
    public static void oneHot(MemorySegment ids, long x, MemorySegment ys, long y, int rows, int steps, int vocabulary) {
        for (int r = 0; r < rows; r++) {
            int id = id(ids, x + r, x, steps, vocabulary);
            long row = y + (long) r * vocabulary;
            ys.asSlice(row * Float.BYTES, (long) vocabulary * Float.BYTES).fill((byte) 0);
            ys.setAtIndex(FLOAT, row + id, 1f);
        }
    }

    /**
     * An embedding lookup: row {@code r < rows} of {@code ys[y]} becomes row {@code ids[x + r]} of the table
     * {@code [vocabulary, dimension]} at {@code p[w]}.
     *
     * @throws IllegalArgumentException if an id is not a whole number in {@code [0, vocabulary)}
     */
    public static void embeddingForward(MemorySegment ids, long x, MemorySegment p, long w, MemorySegment ys, long y,
                                        int rows, int steps, int vocabulary, int dimension) {
        for (int r = 0; r < rows; r++) {
            int id = id(ids, x + r, x, steps, vocabulary);
            MemorySegment.copy(p, (w + (long) id * dimension) * Float.BYTES, ys, (y + (long) r * dimension) * Float.BYTES,
                    (long) dimension * Float.BYTES);
        }
    }

    /** Adds row {@code r} of {@code dy} to the gradient of the table row it read, {@code g[gw + id * dimension]}. */
    public static void embeddingBackward(MemorySegment ids, long x, MemorySegment dys, long dy, MemorySegment g, long gw,
                                         int rows, int dimension) {
        for (int r = 0; r < rows; r++) {
            int id = (int) ids.getAtIndex(FLOAT, x + r);
            long row = gw + (long) id * dimension;
            long from = dy + (long) r * dimension;
            for (int j = 0; j < dimension; j++) {
                g.setAtIndex(FLOAT, row + j, g.getAtIndex(FLOAT, row + j) + dys.getAtIndex(FLOAT, from + j));
            }
        }
    }

    /** Copies the last of {@code steps} steps of each of {@code batch} sequences {@code [steps, width]} to {@code ys[y]}, {@code [width]} each. */
    public static void lastStep(MemorySegment xs, long x, MemorySegment ys, long y, int batch, int steps, int width) {
        for (int s = 0; s < batch; s++) {
            MemorySegment.copy(xs, (x + ((long) s * steps + steps - 1) * width) * Float.BYTES, ys,
                    (y + (long) s * width) * Float.BYTES, (long) width * Float.BYTES);
        }
    }

    /**
     * The gradient of {@link #lastStep}: writes each sequence's gradient {@code [steps, width]} to
     * {@code dxs[dx]}, zero but for the last step, which is the sample's row of {@code dys[dy]}.
     */
    public static void lastStepBackward(MemorySegment dys, long dy, MemorySegment dxs, long dx, int batch, int steps,
                                        int width) {
        dxs.asSlice(dx * Float.BYTES, (long) batch * steps * width * Float.BYTES).fill((byte) 0);
        for (int s = 0; s < batch; s++) {
            MemorySegment.copy(dys, (dy + (long) s * width) * Float.BYTES, dxs,
                    (dx + ((long) s * steps + steps - 1) * width) * Float.BYTES, (long) width * Float.BYTES);
        }
    }
}
