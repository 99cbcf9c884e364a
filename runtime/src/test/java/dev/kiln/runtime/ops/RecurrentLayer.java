package dev.kiln.runtime.ops;

import static dev.kiln.runtime.ops.GradientCheck.toDouble;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.TestArrays;
import dev.kiln.runtime.blas.Blas;
import dev.kiln.runtime.blas.JavaBlas;
import dev.kiln.runtime.ops.RecurrentOps.Cell;
import java.lang.foreign.MemorySegment;

/**
 * A recurrent layer's segments for {@link RecurrentOpsTest}, every tensor at an odd offset of a larger
 * segment and the parameters and their gradients in different orders, so that mixed-up offsets fail:
 * {@code p = [2 | bias_hh | weight_ih | 1 | weight_hh | bias_ih | 3]},
 * {@code g = [4 | dweight_hh | dbias_ih | dweight_ih | dbias_hh | 2]},
 * {@code state = [5 | h | 1 | c | 2]}, the workspace after 7 floats and before 3 NaN floats that must
 * stay NaN. On the heap (plain loops) or off-heap (native segments: the Vector API loops when the JVM
 * has them).
 */
final class RecurrentLayer {

    static final Blas BLAS = new JavaBlas();
    static final long X = 3;
    static final long Y = 2;
    static final long H0 = 5;
    static final long WS = 7;
    static final long DY = 1;
    static final long DX = 4;
    static final int GUARD = 3;

    final Cell cell;
    final int batch;
    final int steps;
    final int in;
    final int hidden;
    final boolean offHeap;
    final long bHh;
    final long wIh;
    final long wHh;
    final long bIh;
    final long gwHh;
    final long gbIh;
    final long gwIh;
    final long gbHh;
    final long c0;
    MemorySegment xs;
    final MemorySegment p;
    final MemorySegment ys;
    final MemorySegment state;
    final MemorySegment work;
    final MemorySegment gs;

    RecurrentLayer(Cell cell, int batch, int steps, int in, int hidden, boolean offHeap, Rng rng) {
        this.cell = cell;
        this.batch = batch;
        this.steps = steps;
        this.in = in;
        this.hidden = hidden;
        this.offHeap = offHeap;
        int width = cell.gates() * hidden;
        bHh = 2;
        wIh = bHh + width;
        wHh = wIh + (long) width * in + 1;
        bIh = wHh + (long) width * hidden;
        gwHh = 4;
        gbIh = gwHh + (long) width * hidden;
        gwIh = gbIh + width;
        gbHh = gwIh + (long) width * in;
        c0 = H0 + (long) batch * hidden + 1;
        p = segment(TestArrays.uniform(rng, (int) bIh + width + 3, 0.7));
        gs = segment(TestArrays.uniform(rng, (int) gbHh + width + 2, 1.0));
        state = segment(TestArrays.uniform(rng, (int) c0 + batch * hidden + 2, 0.9));
        ys = segment(TestArrays.filled((int) Y + batch * steps * hidden + 2, Float.NaN));
        long workspace = RecurrentOps.workspaceFloats(cell, batch, steps, hidden);
        work = segment(TestArrays.filled((int) (WS + workspace + GUARD), Float.NaN));
        setInput(TestArrays.uniform(rng, batch * steps * in, 1.0));
    }

    /** A segment holding a copy of {@code values}, on the heap or off it. */
    MemorySegment segment(float[] values) {
        if (!offHeap) {
            return MemorySegment.ofArray(values.clone());
        }
        MemorySegment segment = Memory.allocate(values.length);
        Memory.copy(values, 0, segment, 0, values.length);
        return segment;
    }

    /** Puts {@code values} (features, or one-hot ids) at offset X of a fresh input segment. */
    void setInput(float[] values) {
        float[] x = TestArrays.filled((int) X + values.length + 1, Float.NaN);
        System.arraycopy(values, 0, x, (int) X, values.length);
        xs = segment(x);
    }

    /** Random one-hot ids in {@code [0, in)} as the input, and their one-hot encoding. */
    float[] oneHotInput(Rng rng) {
        float[] ids = new float[batch * steps];
        float[] encoded = new float[batch * steps * in];
        for (int r = 0; r < ids.length; r++) {
            int id = (int) (rng.nextDouble() * in);
            ids[r] = id;
            encoded[r * in + id] = 1;
        }
        setInput(ids);
        return encoded;
    }

    void forward() {
        RecurrentOps.forward(cell, BLAS, xs, X, p, wIh, wHh, bIh, bHh, ys, Y, state, H0, c0, work, WS, batch, steps,
                in, hidden);
    }

    void forwardOneHot() {
        RecurrentOps.forwardOneHot(cell, BLAS, xs, X, p, wIh, wHh, bIh, bHh, ys, Y, state, H0, c0, work, WS, batch,
                steps, in, hidden);
    }

    /** Backward with {@code dy}; returns the input's gradient, or null without one. */
    float[] backward(float[] dy, boolean inputGradient) {
        MemorySegment dys = dy(dy);
        MemorySegment dxs = inputGradient ? segment(TestArrays.filled((int) DX + batch * steps * in, Float.NaN))
                : null;
        RecurrentOps.backward(cell, BLAS, xs, X, p, wIh, wHh, dys, DY, gs, gwIh, gwHh, gbIh, gbHh, dxs, DX, work, WS,
                batch, steps, in, hidden);
        return inputGradient ? Memory.toArray(dxs, DX, batch * steps * in) : null;
    }

    void backwardOneHot(float[] dy) {
        RecurrentOps.backwardOneHot(cell, BLAS, xs, X, p, wIh, wHh, dy(dy), DY, gs, gwIh, gwHh, gbIh, gbHh, work, WS,
                batch, steps, in, hidden);
    }

    private MemorySegment dy(float[] dy) {
        float[] padded = new float[(int) DY + dy.length];
        System.arraycopy(dy, 0, padded, (int) DY, dy.length);
        return segment(padded);
    }

    int width() {
        return cell.gates() * hidden;
    }

    double[] x() {
        return toDouble(TestArrays.floats(xs), (int) X, batch * steps * in);
    }

    double[] wIh() {
        return parameter(wIh, width() * in);
    }

    double[] wHh() {
        return parameter(wHh, width() * hidden);
    }

    double[] bIh() {
        return parameter(bIh, width());
    }

    double[] bHh() {
        return parameter(bHh, width());
    }

    private double[] parameter(long offset, int count) {
        return toDouble(TestArrays.floats(p), (int) offset, count);
    }

    double[] stateH() {
        return toDouble(TestArrays.floats(state), (int) H0, batch * hidden);
    }

    double[] stateC() {
        return toDouble(TestArrays.floats(state), (int) c0, batch * hidden);
    }

    float[] ys() {
        return Memory.toArray(ys, Y, batch * steps * hidden);
    }

    float[] gradients() {
        return TestArrays.floats(gs);
    }

    /** The reference forward pass from the layer's current input, parameters and state. */
    RecurrentReference.Result reference() {
        return RecurrentReference.forward(cell, batch, steps, in, hidden, x(), wIh(), wHh(), bIh(), bHh(), stateH(),
                stateC());
    }

    @Override
    public String toString() {
        return cell + " batch " + batch + ", " + steps + " steps, " + in + " -> " + hidden + (offHeap ? ", native"
                : ", heap");
    }
}
