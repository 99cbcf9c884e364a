package dev.kiln.runtime.ops;

import static dev.kiln.runtime.Memory.FLOAT;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.ops.RecurrentOps.Cell;
import java.lang.foreign.MemorySegment;

/**
 * The argument checks of {@link RecurrentOps}, all made before anything is written: sizes positive and
 * small enough for a product's {@code int} dimensions, every region inside its segment (the workspace
 * included), and for the one-hot forms every id a class. Messages start with {@code recurrent layer} and
 * name the argument at fault.
 */
final class RecurrentChecks {

    private RecurrentChecks() {
    }

    /** The arguments of a forward pass; the input holds {@code inputFloats} floats (features or ids). */
    static void checkForward(Cell cell, MemorySegment xs, long x, long inputFloats, MemorySegment p, long wIh,
                             long wHh, long bIh, long bHh, MemorySegment ys, long y, MemorySegment state, long h0,
                             long c0, MemorySegment work, long ws, int batch, int steps, int in, int hidden) {
        checkCommon(cell, xs, x, inputFloats, p, wIh, wHh, work, ws, batch, steps, in, hidden);
        long width = (long) cell.gates() * hidden;
        region("bias_ih", p, bIh, width);
        region("bias_hh", p, bHh, width);
        region("the output y", ys, y, (long) batch * steps * hidden);
        region("the hidden state h", state, h0, (long) batch * hidden);
        if (cell == Cell.LSTM) {
            region("the cell state c", state, c0, (long) batch * hidden);
        }
    }

    /** The arguments of a backward pass, but the input's gradient; the input as for {@link #checkForward}. */
    static void checkBackward(Cell cell, MemorySegment xs, long x, long inputFloats, MemorySegment p, long wIh,
                              long wHh, MemorySegment dys, long dy, MemorySegment gs, long gwIh, long gwHh, long gbIh,
                              long gbHh, MemorySegment work, long ws, int batch, int steps, int in, int hidden) {
        checkCommon(cell, xs, x, inputFloats, p, wIh, wHh, work, ws, batch, steps, in, hidden);
        long width = (long) cell.gates() * hidden;
        region("the output's gradient dy", dys, dy, (long) batch * steps * hidden);
        region("the gradient of weight_ih", gs, gwIh, width * in);
        region("the gradient of weight_hh", gs, gwHh, width * hidden);
        region("the gradient of bias_ih", gs, gbIh, width);
        region("the gradient of bias_hh", gs, gbHh, width);
    }

    private static void checkCommon(Cell cell, MemorySegment xs, long x, long inputFloats, MemorySegment p, long wIh,
                                    long wHh, MemorySegment work, long ws, int batch, int steps, int in, int hidden) {
        positive("batch", batch);
        positive("steps", steps);
        positive("in", in);
        positive("hidden", hidden);
        long width = (long) cell.gates() * hidden;
        if ((long) batch * steps * width > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("recurrent layer: a batch of " + batch + " x " + steps + " steps of "
                    + width + " gate values is more than the products' int sizes address; use shorter sequences or"
                    + " smaller batches");
        }
        region("the input x", xs, x, inputFloats);
        region("weight_ih", p, wIh, width * in);
        region("weight_hh", p, wHh, width * hidden);
        long needed = RecurrentOps.layoutFloats(cell, batch, steps, hidden);
        if (ws < 0 || ws + needed > Memory.floats(work)) {
            throw new IllegalArgumentException("recurrent layer: the " + cell + " workspace for a batch of " + batch
                    + " and " + steps + " steps of " + hidden + " units needs " + needed + " floats from offset "
                    + ws + ", but the segment holds " + Memory.floats(work)
                    + "; size it with RecurrentOps.workspaceFloats(cell, maxBatch, steps, hidden)");
        }
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException("recurrent layer: " + name + " must be at least 1, got " + value);
        }
    }

    /** That {@code count} floats from {@code offset} lie inside {@code segment}, which is not null. */
    static void region(String what, MemorySegment segment, long offset, long count) {
        if (segment == null) {
            throw new NullPointerException("recurrent layer: the segment of " + what + " is null");
        }
        if (offset < 0 || offset + count > Memory.floats(segment)) {
            throw new IllegalArgumentException("recurrent layer: " + what + " needs " + count + " floats from offset "
                    + offset + ", but its segment holds " + Memory.floats(segment));
        }
    }

    /** Checks that every id is an integer in {@code [0, in)}, naming the first that is not. */
    static void checkIds(MemorySegment xs, long x, int batch, int steps, int in) {
        for (int s = 0; s < batch; s++) {
            for (int t = 0; t < steps; t++) {
                float v = xs.getAtIndex(FLOAT, x + (long) s * steps + t);
                if (!(v >= 0 && v < in && v == (int) v)) {
                    throw new IllegalArgumentException("recurrent layer with one-hot input: sample " + s + ", step "
                            + t + " holds " + v + ", which is not a class id (an integer in [0, " + in + "));"
                            + " one-hot input takes one id per sample and step, not the one-hot vectors");
                }
            }
        }
    }
}
