package dev.kiln.runtime.ops;

import static dev.kiln.runtime.Memory.FLOAT;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Vectors;
import dev.kiln.runtime.blas.Blas;
import java.lang.foreign.MemorySegment;

/**
 * Recurrent layers over a whole sequence, forward and backward: the vanilla RNN ({@code tanh}), the LSTM
 * and the GRU, each exactly as PyTorch's single-layer, batch-first {@code nn.RNN}, {@code nn.LSTM} and
 * {@code nn.GRU} define it, with truncated back-propagation through time. Every position is a float
 * element offset into its segment.
 *
 * <p><b>Layouts.</b> With {@code B} samples, {@code T} steps, {@code I} input features, {@code H} hidden
 * units and {@code G = cell.gates()}:
 * <ul>
 *   <li>input: sample {@code s}, step {@code t}, feature {@code i} at {@code x + (s T + t) I + i} (for the
 *       one-hot forms, one class id per sample and step, at {@code x + s T + t});</li>
 *   <li>output: every step's hidden state, sample {@code s}, step {@code t}, unit {@code j} at
 *       {@code y + (s T + t) H + j};</li>
 *   <li>parameters as PyTorch names and stores them: {@code weight_ih} ({@code G H x I}) at
 *       {@code p[wIh]}, {@code weight_hh} ({@code G H x H}) at {@code p[wHh]}, {@code bias_ih}
 *       ({@code G H}) at {@code p[bIh]}, {@code bias_hh} ({@code G H}) at {@code p[bHh]}; the gates in
 *       PyTorch's order (LSTM {@code i, f, g, o}; GRU {@code r, z, n});</li>
 *   <li>state: {@code h} ({@code B x H}) at {@code state[h0]}, and for the LSTM {@code c} ({@code B x H})
 *       at {@code state[c0]}. {@code forward} reads the initial state there and writes the final one back,
 *       so that the next batch of a stream continues where this one stopped; zeroing it resets the
 *       streams. No gradient flows into the initial state: it is detached, which truncates
 *       back-propagation at the start of each batch.</li>
 * </ul>
 *
 * <p><b>The cells</b>, with {@code x} the step's input and {@code h} the previous hidden state:
 * <pre>
 * RNN:  h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
 * LSTM: i = σ(W_ii x + b_ii + W_hi h + b_hi)     f = σ(W_if x + b_if + W_hf h + b_hf)
 *       g = tanh(W_ig x + b_ig + W_hg h + b_hg)  o = σ(W_io x + b_io + W_ho h + b_ho)
 *       c' = f c + i g                           h' = o tanh(c')
 * GRU:  r = σ(W_ir x + b_ir + W_hr h + b_hr)     z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *       n = tanh(W_in x + b_in + r (W_hn h + b_hn))
 *       h' = (1 - z) n + z h
 * </pre>
 *
 * <p><b>Workspace.</b> A layer owns {@link #workspaceFloats} floats of scratch memory, at {@code work[ws]}.
 * {@code forward} keeps there what {@code backward} needs, so backward must follow the forward pass of
 * the same input and batch, once, with the workspace untouched in between: every step's gate activations
 * ({@code B T G H}), every step's previous hidden state (the initial state first), for the LSTM every
 * step's previous cell and {@code tanh} of the new one, for the GRU every step's {@code W_hn h + b_hn};
 * and {@code W_hh} transposed, for the steps' products. Backward overwrites the gate activations with the gates' gradients and reads them back for the
 * weights' gradients.
 *
 * <p><b>How the work is done.</b> The input projection of every step is one product before the steps
 * ({@code (B T x I)(I x G H)}), or for one-hot input a lookup of columns of {@code W_ih}
 * ({@link OneHotColumns}); each step is
 * then one product {@code h W_hh^T} ({@code B x G H}, read and written in place through leading
 * dimensions) and one fused pass of the gates' arithmetic. Backward runs the steps in reverse, one
 * fused pass and one product {@code dGates W_hh} per step, then computes the weights' gradients over
 * all steps at once: {@code dW_hh += dGates^T H_prev} and {@code dW_ih += dGates^T X} (a scatter-add
 * into columns for one-hot input), and {@code dX = dGates W_ih}, one product each. The gates' arithmetic
 * runs in Vector API loops when the JVM has {@code jdk.incubator.vector} and the segments are native,
 * in plain loops otherwise. Nothing is allocated.
 */
public final class RecurrentOps {

    /** The kind of recurrent cell. */
    public enum Cell {
        /** The Elman RNN with {@code tanh}: one gate. */
        RNN(1),
        /** The long short-term memory: four gates, {@code i, f, g, o}. */
        LSTM(4),
        /** The gated recurrent unit: three gates, {@code r, z, n}. */
        GRU(3);

        private final int gates;

        Cell(int gates) {
            this.gates = gates;
        }

        /** The number of gates: rows of {@code weight_ih} and {@code weight_hh} are {@code gates() * hidden}. */
        public int gates() {
            return gates;
        }
    }

    /** The width of the per-layer vectors at the start of the workspace: four gates' worth for any cell. */
    private static final int VECTOR_GATES = 4;

    private RecurrentOps() {
    }

    /**
     * The floats of workspace a layer needs for batches of up to {@code maxBatch} samples of {@code steps}
     * steps, for the dense and the one-hot forms alike (see the class documentation for what it holds).
     */
    public static long workspaceFloats(Cell cell, int maxBatch, int steps, int hidden) {
        return layoutFloats(cell, maxBatch, steps, hidden);
    }

    // The workspace, in this order, for a batch of B (offsets relative to ws):
    //   vec    4H      forward: the summed biases; backward: the biases' gradients
    //   dH     B H     backward: the gradient reaching h_{t-1} from step t
    //   dC     B H     LSTM backward: the gradient reaching c_{t-1} from step t
    //   hp     B G H   GRU: h_{t-1} W_hh^T of the current step
    //   gates  B T G H the gates' activations (forward), then their pre-activations' gradients (backward)
    //   prev   B T H   h_{t-1} of every step: the initial state at step 0
    //   extra  B T H   LSTM: c_{t-1} of every step; GRU: W_hn h_{t-1} + b_hn of every step
    //   tanhC  B T H   LSTM: tanh(c_t) of every step
    //   whhT   H G H   forward: W_hh transposed, so that each step's product reads it untransposed

    /** The floats of workspace for a batch of {@code batch} (what {@link #workspaceFloats} says for it). */
    static long layoutFloats(Cell cell, long batch, long steps, long hidden) {
        long g = cell.gates();
        long rows = batch * steps;
        long floats = VECTOR_GATES * hidden + 2 * batch * hidden + rows * (g + 1) * hidden + g * hidden * hidden;
        return switch (cell) {
            case RNN -> floats;
            case LSTM -> floats + 2 * rows * hidden;
            case GRU -> floats + batch * g * hidden + rows * hidden;
        };
    }

    private static long dHOffset(long ws, int hidden) {
        return ws + (long) VECTOR_GATES * hidden;
    }

    private static long dCOffset(long ws, int batch, int hidden) {
        return dHOffset(ws, hidden) + (long) batch * hidden;
    }

    private static long hpOffset(long ws, int batch, int hidden) {
        return dCOffset(ws, batch, hidden) + (long) batch * hidden;
    }

    private static long gatesOffset(Cell cell, long ws, int batch, int hidden) {
        return hpOffset(ws, batch, hidden) + (cell == Cell.GRU ? (long) batch * cell.gates() * hidden : 0);
    }

    private static long prevOffset(Cell cell, long ws, int batch, int steps, int hidden) {
        return gatesOffset(cell, ws, batch, hidden) + (long) batch * steps * cell.gates() * hidden;
    }

    private static long extraOffset(Cell cell, long ws, int batch, int steps, int hidden) {
        return prevOffset(cell, ws, batch, steps, hidden) + (long) batch * steps * hidden;
    }

    private static long tanhCOffset(Cell cell, long ws, int batch, int steps, int hidden) {
        return extraOffset(cell, ws, batch, steps, hidden) + (long) batch * steps * hidden;
    }

    /** After the last region the cell has: {@code prev} (RNN), {@code extra} (GRU) or {@code tanhC} (LSTM). */
    private static long transposedOffset(Cell cell, long ws, int batch, int steps, int hidden) {
        return switch (cell) {
            case RNN -> extraOffset(cell, ws, batch, steps, hidden);
            case GRU -> tanhCOffset(cell, ws, batch, steps, hidden);
            case LSTM -> tanhCOffset(cell, ws, batch, steps, hidden) + (long) batch * steps * hidden;
        };
    }

    /** The calling thread's staging for {@link #transposeWeights}, grown to the largest layer it has run. */
    private static final ThreadLocal<float[][]> STAGING = ThreadLocal.withInitial(() -> new float[2][0]);

    /**
     * Writes {@code W_hh} ({@code rows x hidden}, at {@code p[wHh]}) transposed to {@code work[to]}
     * ({@code hidden x rows}): OpenBLAS multiplies by an untransposed operand faster on these shapes (the
     * char-LSTM's 64 steps' products, {@code (32 x 128)(128 x 512)}: 3.29-3.35 ms against 3.60-3.62 ms
     * transposed), and each step reads it again.
     */
    private static void transposeWeights(MemorySegment p, long wHh, int rows, int hidden, MemorySegment work,
                                          long to) {
        int n = rows * hidden;
        float[][] staging = STAGING.get();
        if (staging[0].length < n) {
            staging[0] = new float[n];
            staging[1] = new float[n];
        }
        float[] w = staging[0];
        float[] t = staging[1];
        Memory.copy(p, wHh, w, 0, n);
        for (int r0 = 0; r0 < rows; r0 += 16) {
            int r1 = Math.min(rows, r0 + 16);
            for (int c0 = 0; c0 < hidden; c0 += 16) {
                int c1 = Math.min(hidden, c0 + 16);
                for (int r = r0; r < r1; r++) {
                    for (int c = c0; c < c1; c++) {
                        t[c * rows + r] = w[r * hidden + c];
                    }
                }
            }
        }
        Memory.copy(t, 0, work, to, n);
    }

    /**
     * Runs the layer over {@code steps} steps of {@code batch} samples of {@code in} features: writes every
     * step's hidden state to {@code ys}, starts from the state at {@code state[h0]} (and {@code state[c0]}
     * for the LSTM; {@code c0} is ignored otherwise) and writes the final state back there. Keeps in the
     * workspace what {@link #backward} needs.
     *
     * @throws IllegalArgumentException if a size is not positive, or a segment is too short for what it
     *     must hold from its offset (the workspace included), before anything is written
     */
    public static void forward(Cell cell, Blas blas, MemorySegment xs, long x, MemorySegment p, long wIh, long wHh,
                               long bIh, long bHh, MemorySegment ys, long y, MemorySegment state, long h0, long c0,
                               MemorySegment work, long ws, int batch, int steps, int in, int hidden) {
        RecurrentChecks.checkForward(cell, xs, x, (long) batch * steps * in, p, wIh, wHh, bIh, bHh, ys, y, state,
                h0, c0, work, ws, batch, steps, in, hidden);
        long gates = gatesOffset(cell, ws, batch, hidden);
        int width = cell.gates() * hidden;
        // every step's input projection at once: (B T, in) x (in, G H), rows in the input's order
        blas.sgemm(false, true, batch * steps, width, in, 1f, xs, x, in, p, wIh, in, 0f, work, gates, width);
        run(cell, blas, p, wHh, bIh, bHh, ys, y, state, h0, c0, work, ws, batch, steps, hidden);
    }

    /**
     * {@link #forward} with one-hot input: {@code xs} holds, per sample and step, a class id in
     * {@code [0, in)} stored as a float (sample {@code s}, step {@code t} at {@code x + s * steps + t}).
     * {@code W_ih} times a one-hot vector is the column {@code id} of {@code W_ih}, which is looked up,
     * not multiplied; the result equals {@link #forward} on the one-hot encoded input.
     *
     * @throws IllegalArgumentException if an id is not an integer in {@code [0, in)} (naming the sample,
     *     the step and the value), or as {@link #forward} does, before anything is written
     */
    public static void forwardOneHot(Cell cell, Blas blas, MemorySegment xs, long x, MemorySegment p, long wIh,
                                     long wHh, long bIh, long bHh, MemorySegment ys, long y, MemorySegment state,
                                     long h0, long c0, MemorySegment work, long ws, int batch, int steps, int in,
                                     int hidden) {
        RecurrentChecks.checkForward(cell, xs, x, (long) batch * steps, p, wIh, wHh, bIh, bHh, ys, y, state, h0,
                c0, work, ws, batch, steps, in, hidden);
        RecurrentChecks.checkIds(xs, x, batch, steps, in);
        OneHotColumns.lookUp(xs, x, batch * steps, p, wIh, in, work, gatesOffset(cell, ws, batch, hidden),
                cell.gates() * hidden);
        run(cell, blas, p, wHh, bIh, bHh, ys, y, state, h0, c0, work, ws, batch, steps, hidden);
    }

    /** The steps of the forward pass, once every step's input projection is in the gates' rows. */
    private static void run(Cell cell, Blas blas, MemorySegment p, long wHh, long bIh, long bHh, MemorySegment ys,
                            long y, MemorySegment state, long h0, long c0, MemorySegment work, long ws, int batch,
                            int steps, int hidden) {
        int width = cell.gates() * hidden;
        long gates = gatesOffset(cell, ws, batch, hidden);
        long prev = prevOffset(cell, ws, batch, steps, hidden);
        long extra = extraOffset(cell, ws, batch, steps, hidden);
        long tanhC = tanhCOffset(cell, ws, batch, steps, hidden);
        long hp = hpOffset(ws, batch, hidden);
        long gateStride = (long) steps * width;
        long stateStride = (long) steps * hidden;
        sumBiases(cell, p, bIh, bHh, work, ws, hidden);
        long whhT = transposedOffset(cell, ws, batch, steps, hidden);
        transposeWeights(p, wHh, width, hidden, work, whhT);
        for (int s = 0; s < batch; s++) {
            Memory.copy(state, h0 + (long) s * hidden, work, prev + s * stateStride, hidden);
            if (cell == Cell.LSTM) {
                Memory.copy(state, c0 + (long) s * hidden, work, extra + s * stateStride, hidden);
            }
        }
        boolean vector = Vectors.available() && work.isNative() && ys.isNative() && state.isNative();
        for (int t = 0; t < steps; t++) {
            long gatesT = gates + (long) t * width;
            long prevT = prev + (long) t * hidden;
            if (cell == Cell.GRU) {
                // (B, H) x (H, 3H) into the scratch rows: its n part is needed apart from the input's
                blas.sgemm(false, false, batch, width, hidden, 1f, work, prevT, (int) stateStride, work, whhT,
                        width, 0f, work, hp, width);
            } else {
                // (B, H) x (H, G H) added to the step's gate rows, in place through the leading dimensions
                blas.sgemm(false, false, batch, width, hidden, 1f, work, prevT, (int) stateStride, work, whhT,
                        width, 1f, work, gatesT, (int) gateStride);
            }
            forwardCells(cell, t == steps - 1, work, gatesT, gateStride, stateStride, t, ys, y, state, h0, c0,
                    prev, extra, tanhC, hp, ws, batch, width, hidden, vector);
        }
    }

    /**
     * One step's gates' arithmetic for every sample, once the step's gate rows hold the product: a method of
     * its own, called once per step, so that the JIT compiles it early and once (the step loop around it,
     * as one method, was compiled twice, once entered mid-loop, at 0.3-0.4 s of its time in W3's first
     * steps).
     */
    private static void forwardCells(Cell cell, boolean last, MemorySegment work, long gatesT, long gateStride,
                                     long stateStride, int t, MemorySegment ys, long y, MemorySegment state, long h0,
                                     long c0, long prev, long extra, long tanhC, long hp, long ws, int batch,
                                     int width, int hidden, boolean vector) {
        for (int s = 0; s < batch; s++) {
            long row = gatesT + s * gateStride;
            long unitRow = (long) s * stateStride + (long) t * hidden;
            long out = y + unitRow;
            // h_t (and c_t) go to the next step's previous state, or after the last step to the state
            MemorySegment next = last ? state : work;
            long nextH = last ? h0 + (long) s * hidden : prev + unitRow + hidden;
            long nextC = last ? c0 + (long) s * hidden : extra + unitRow + hidden;
            switch (cell) {
                case RNN -> {
                    int done = vector ? VectorRecurrentCells.rnnForward(work, row, ws, ys, out, next, nextH,
                            hidden) : 0;
                    if (done < hidden) { // the units after the last whole vector, if any
                        RecurrentCells.rnnForward(work, row, ws, ys, out, next, nextH, done, hidden);
                    }
                }
                case LSTM -> {
                    int done = vector ? VectorRecurrentCells.lstmForward(work, row, ws, extra + unitRow,
                            tanhC + unitRow, ys, out, next, nextH, nextC, hidden) : 0;
                    if (done < hidden) { // the units after the last whole vector, if any
                        RecurrentCells.lstmForward(work, row, ws, extra + unitRow, tanhC + unitRow, ys, out, next,
                                nextH, nextC, done, hidden);
                    }
                }
                case GRU -> {
                    long hpRow = hp + (long) s * width;
                    int done = vector ? VectorRecurrentCells.gruForward(work, row, hpRow, ws, prev + unitRow,
                            extra + unitRow, ys, out, next, nextH, hidden) : 0;
                    if (done < hidden) { // the units after the last whole vector, if any
                        RecurrentCells.gruForward(work, row, hpRow, ws, prev + unitRow, extra + unitRow, ys, out,
                                next, nextH, done, hidden);
                    }
                }
            }
        }
    }

    /**
     * The biases the gates' arithmetic adds, at the start of the workspace: {@code b_ih + b_hh} for every
     * gate of the RNN and the LSTM; for the GRU {@code b_ih + b_hh} for r and z, then {@code b_in}, then
     * {@code b_hn}, which enters inside {@code r (W_hn h + b_hn)}.
     */
    private static void sumBiases(Cell cell, MemorySegment p, long bIh, long bHh, MemorySegment work, long ws,
                                  int hidden) {
        int summed = cell == Cell.GRU ? 2 * hidden : cell.gates() * hidden;
        for (int j = 0; j < summed; j++) {
            work.setAtIndex(FLOAT, ws + j, p.getAtIndex(FLOAT, bIh + j) + p.getAtIndex(FLOAT, bHh + j));
        }
        if (cell == Cell.GRU) {
            Memory.copy(p, bIh + summed, work, ws + summed, hidden);
            Memory.copy(p, bHh + summed, work, ws + summed + hidden, hidden);
        }
    }

    /**
     * Back-propagates {@code dys}, the gradient of every step's output (zero where a step's output is not
     * used; same layout as the output), through the whole sequence of the last {@link #forward} on the same
     * input and batch, whose workspace must be untouched since:
     * <ul>
     *   <li>adds the gradients of {@code weight_ih}, {@code weight_hh}, {@code bias_ih}, {@code bias_hh} to
     *       {@code gs[gwIh]}, {@code gs[gwHh]}, {@code gs[gbIh]}, {@code gs[gbHh]} (same layouts as the
     *       parameters);</li>
     *   <li>unless {@code dxs} is null, overwrites the input's gradient at {@code dxs[dx]}
     *       ({@code batch * steps * in} floats, the input's layout).</li>
     * </ul>
     * The initial state is treated as a constant (truncated back-propagation through time): no gradient
     * flows to it, nor through it to earlier batches. Overwrites the workspace's gate activations.
     *
     * @throws IllegalArgumentException if a size is not positive, or a segment is too short for what it
     *     must hold from its offset, before anything is written
     */
    public static void backward(Cell cell, Blas blas, MemorySegment xs, long x, MemorySegment p, long wIh, long wHh,
                                MemorySegment dys, long dy, MemorySegment gs, long gwIh, long gwHh, long gbIh,
                                long gbHh, MemorySegment dxs, long dx, MemorySegment work, long ws, int batch,
                                int steps, int in, int hidden) {
        RecurrentChecks.checkBackward(cell, xs, x, (long) batch * steps * in, p, wIh, wHh, dys, dy, gs, gwIh, gwHh,
                gbIh, gbHh, work, ws, batch, steps, in, hidden);
        if (dxs != null) {
            RecurrentChecks.region("the input's gradient dx", dxs, dx, (long) batch * steps * in);
        }
        runBackward(cell, blas, p, wHh, dys, dy, gs, gwHh, gbIh, gbHh, work, ws, batch, steps, hidden);
        int width = cell.gates() * hidden;
        long gates = gatesOffset(cell, ws, batch, hidden);
        int rows = batch * steps;
        // dW_ih += dGates^T X: (G H, B T) x (B T, in)
        blas.sgemm(true, false, width, in, rows, 1f, work, gates, width, xs, x, in, 1f, gs, gwIh, in);
        if (dxs != null) {
            // dX = dGates W_ih: (B T, G H) x (G H, in)
            blas.sgemm(false, false, rows, in, width, 1f, work, gates, width, p, wIh, in, 0f, dxs, dx, in);
        }
    }

    /**
     * {@link #backward} for {@link #forwardOneHot}: the same parameter gradients, with that of
     * {@code weight_ih} a scatter-add of the gates' gradients into the columns of the ids; ids have no
     * gradient.
     *
     * @throws IllegalArgumentException if an id is not an integer in {@code [0, in)} (naming the sample,
     *     the step and the value), or as {@link #backward} does, before anything is written
     */
    public static void backwardOneHot(Cell cell, Blas blas, MemorySegment xs, long x, MemorySegment p, long wIh,
                                      long wHh, MemorySegment dys, long dy, MemorySegment gs, long gwIh, long gwHh,
                                      long gbIh, long gbHh, MemorySegment work, long ws, int batch, int steps,
                                      int in, int hidden) {
        RecurrentChecks.checkBackward(cell, xs, x, (long) batch * steps, p, wIh, wHh, dys, dy, gs, gwIh, gwHh, gbIh,
                gbHh, work, ws, batch, steps, in, hidden);
        RecurrentChecks.checkIds(xs, x, batch, steps, in);
        runBackward(cell, blas, p, wHh, dys, dy, gs, gwHh, gbIh, gbHh, work, ws, batch, steps, hidden);
        OneHotColumns.scatterAdd(xs, x, batch * steps, work, gatesOffset(cell, ws, batch, hidden),
                cell.gates() * hidden, gs, gwIh, in, Vectors.available() && work.isNative());
    }

    /**
     * The steps of the backward pass in reverse, then the gradients of {@code weight_hh} and of the biases:
     * leaves every step's gates' gradients (for the input side) in the workspace's gate rows.
     */
    private static void runBackward(Cell cell, Blas blas, MemorySegment p, long wHh, MemorySegment dys, long dy,
                                    MemorySegment gs, long gwHh, long gbIh, long gbHh, MemorySegment work, long ws,
                                    int batch, int steps, int hidden) {
        int width = cell.gates() * hidden;
        long gates = gatesOffset(cell, ws, batch, hidden);
        long prev = prevOffset(cell, ws, batch, steps, hidden);
        long extra = extraOffset(cell, ws, batch, steps, hidden);
        long tanhC = tanhCOffset(cell, ws, batch, steps, hidden);
        long dH = dHOffset(ws, hidden);
        long dC = dCOffset(ws, batch, hidden);
        long gateStride = (long) steps * width;
        long stateStride = (long) steps * hidden;
        // the biases' gradients, and what reaches h and c from the step after the last: nothing
        clear(work, ws, (long) VECTOR_GATES * hidden + 2L * batch * hidden);
        boolean vector = Vectors.available() && work.isNative() && dys.isNative();
        for (int t = steps - 1; t >= 0; t--) {
            long gatesT = gates + (long) t * width;
            backwardCells(cell, work, gatesT, gateStride, stateStride, t, dys, dy, prev, extra, tanhC, dH, dC, ws,
                    batch, hidden, vector);
            if (t == 0) {
                break; // the initial state is detached: nothing flows further
            }
            if (cell == Cell.GRU) {
                // dh_{t-1} = z dh_t (left by the fused pass) + dGates_h W_hh, the gates' gradients on the h
                // side being those of r and z, and of n times r (in the extra rows)
                int rz = 2 * hidden;
                blas.sgemm(false, false, batch, hidden, rz, 1f, work, gatesT, (int) gateStride, p, wHh, hidden, 1f,
                        work, dH, hidden);
                blas.sgemm(false, false, batch, hidden, hidden, 1f, work, extra + (long) t * hidden,
                        (int) stateStride, p, wHh + (long) rz * hidden, hidden, 1f, work, dH, hidden);
            } else {
                // dh_{t-1} = dGates W_hh: (B, G H) x (G H, H)
                blas.sgemm(false, false, batch, hidden, width, 1f, work, gatesT, (int) gateStride, p, wHh, hidden, 0f,
                        work, dH, hidden);
            }
        }
        int rows = batch * steps;
        if (cell == Cell.GRU) {
            int rz = 2 * hidden;
            // dW_hh[r, z] += dGates[r, z]^T H_prev; dW_hh[n] += (r dn)^T H_prev, all steps stacked
            blas.sgemm(true, false, rz, hidden, rows, 1f, work, gates, width, work, prev, hidden, 1f, gs, gwHh,
                    hidden);
            blas.sgemm(true, false, hidden, hidden, rows, 1f, work, extra, hidden, work, prev, hidden, 1f, gs,
                    gwHh + (long) rz * hidden, hidden);
            addVector(work, ws, gs, gbIh, 3 * hidden);
            addVector(work, ws, gs, gbHh, rz);
            addVector(work, ws + 3L * hidden, gs, gbHh + rz, hidden);
        } else {
            // dW_hh += dGates^T H_prev: (G H, B T) x (B T, H), all steps stacked
            blas.sgemm(true, false, width, hidden, rows, 1f, work, gates, width, work, prev, hidden, 1f, gs, gwHh,
                    hidden);
            addVector(work, ws, gs, gbIh, width);
            addVector(work, ws, gs, gbHh, width);
        }
    }

    /**
     * One step's fused pass of the gates' derivatives for every sample, from the gradient reaching each
     * sample's {@code h} (and {@code c}): a method of its own, as {@link #forwardCells} is.
     */
    private static void backwardCells(Cell cell, MemorySegment work, long gatesT, long gateStride,
                                      long stateStride, int t, MemorySegment dys, long dy, long prev, long extra,
                                      long tanhC, long dH, long dC, long ws, int batch, int hidden, boolean vector) {
        for (int s = 0; s < batch; s++) {
            long row = gatesT + s * gateStride;
            long unitRow = (long) s * stateStride + (long) t * hidden;
            long carry = dH + (long) s * hidden;
            switch (cell) {
                case RNN -> {
                    int done = vector ? VectorRecurrentCells.rnnBackward(work, row, carry, ws, dys, dy + unitRow,
                            hidden) : 0;
                    if (done < hidden) { // the units after the last whole vector, if any
                        RecurrentCells.rnnBackward(work, row, carry, ws, dys, dy + unitRow, done, hidden);
                    }
                }
                case LSTM -> {
                    long carryC = dC + (long) s * hidden;
                    int done = vector ? VectorRecurrentCells.lstmBackward(work, row, extra + unitRow,
                            tanhC + unitRow, carry, carryC, ws, dys, dy + unitRow, hidden) : 0;
                    if (done < hidden) { // the units after the last whole vector, if any
                        RecurrentCells.lstmBackward(work, row, extra + unitRow, tanhC + unitRow, carry, carryC, ws,
                                dys, dy + unitRow, done, hidden);
                    }
                }
                case GRU -> {
                    int done = vector ? VectorRecurrentCells.gruBackward(work, row, extra + unitRow,
                            prev + unitRow, carry, ws, dys, dy + unitRow, hidden) : 0;
                    if (done < hidden) { // the units after the last whole vector, if any
                        RecurrentCells.gruBackward(work, row, extra + unitRow, prev + unitRow, carry, ws, dys,
                                dy + unitRow, done, hidden);
                    }
                }
            }
        }
    }

    /**
     * Zeroes {@code n} floats from {@code from}; not {@code Memory.clear}, whose slice is not always
     * scalar-replaced. A method of its own, so that the loop's method is not compiled as a whole for it.
     */
    private static void clear(MemorySegment work, long from, long n) {
        for (long j = 0; j < n; j++) {
            work.setAtIndex(FLOAT, from + j, 0f);
        }
    }

    /** {@code target[to + j] += source[from + j]} for {@code j < n}. */
    private static void addVector(MemorySegment source, long from, MemorySegment target, long to, int n) {
        for (int j = 0; j < n; j++) {
            target.setAtIndex(FLOAT, to + j, target.getAtIndex(FLOAT, to + j) + source.getAtIndex(FLOAT, from + j));
        }
    }
}
