package dev.kiln.runtime.ops;

import static dev.kiln.runtime.Memory.FLOAT;

import java.lang.foreign.MemorySegment;

/**
 * The element-wise arithmetic of one sample's step of each {@link RecurrentOps.Cell}, in plain loops over
 * the units {@code [from, hidden)}: all of a row when the Vector API does not run, the units after the
 * whole vectors of {@link VectorRecurrentCells} when it does. Every offset is an element offset; the
 * workspace rows are those {@link RecurrentOps} documents:
 * <ul>
 *   <li>{@code row}: the sample's gate row of the step, {@code G H} floats: on entry to a forward the
 *       pre-activations without the biases, on exit the activations; on exit from a backward the
 *       gradients of the pre-activations;</li>
 *   <li>{@code bias}: the summed biases (forward), the biases' gradients (backward), both
 *       {@link RecurrentOps} lays out at the start of the workspace;</li>
 *   <li>{@code carry}: the gradient reaching the previous hidden state from later steps ({@code H}), and
 *       for the LSTM {@code carryC}, that reaching the previous cell.</li>
 * </ul>
 */
final class RecurrentCells {

    private RecurrentCells() {
    }

    /** RNN forward: {@code h = tanh(pre + b)}, kept in the row and written to the output and the next state. */
    static void rnnForward(MemorySegment w, long row, long bias, MemorySegment ys, long out, MemorySegment next,
                           long nextH, int from, int hidden) {
        for (int j = from; j < hidden; j++) {
            float h = (float) Math.tanh(w.getAtIndex(FLOAT, row + j) + w.getAtIndex(FLOAT, bias + j));
            w.setAtIndex(FLOAT, row + j, h);
            ys.setAtIndex(FLOAT, out + j, h);
            next.setAtIndex(FLOAT, nextH + j, h);
        }
    }

    /** RNN backward: {@code dpre = (dy + carry) (1 - h^2)}, into the row and added to the bias gradient. */
    static void rnnBackward(MemorySegment w, long row, long carry, long db, MemorySegment dys, long dy, int from,
                            int hidden) {
        for (int j = from; j < hidden; j++) {
            float dh = dys.getAtIndex(FLOAT, dy + j) + w.getAtIndex(FLOAT, carry + j);
            float h = w.getAtIndex(FLOAT, row + j);
            float d = dh * (1 - h * h);
            w.setAtIndex(FLOAT, row + j, d);
            w.setAtIndex(FLOAT, db + j, w.getAtIndex(FLOAT, db + j) + d);
        }
    }

    /**
     * LSTM forward: the gates {@code i, f, g, o} (kept in the row), {@code c = f c_prev + i g} (to the next
     * cell), {@code tanh(c)} (kept at {@code tanhC}) and {@code h = o tanh(c)} (to the output and the next
     * state).
     */
    static void lstmForward(MemorySegment w, long row, long bias, long cPrev, long tanhC, MemorySegment ys, long out,
                            MemorySegment next, long nextH, long nextC, int from, int hidden) {
        for (int j = from; j < hidden; j++) {
            long ji = row + j;
            long jf = ji + hidden;
            long jg = jf + hidden;
            long jo = jg + hidden;
            float i = Activations.sigmoid(w.getAtIndex(FLOAT, ji) + w.getAtIndex(FLOAT, bias + j));
            float f = Activations.sigmoid(w.getAtIndex(FLOAT, jf) + w.getAtIndex(FLOAT, bias + hidden + j));
            float g = (float) Math.tanh(w.getAtIndex(FLOAT, jg) + w.getAtIndex(FLOAT, bias + 2 * hidden + j));
            float o = Activations.sigmoid(w.getAtIndex(FLOAT, jo) + w.getAtIndex(FLOAT, bias + 3 * hidden + j));
            float c = f * w.getAtIndex(FLOAT, cPrev + j) + i * g;
            float tc = (float) Math.tanh(c);
            w.setAtIndex(FLOAT, ji, i);
            w.setAtIndex(FLOAT, jf, f);
            w.setAtIndex(FLOAT, jg, g);
            w.setAtIndex(FLOAT, jo, o);
            w.setAtIndex(FLOAT, tanhC + j, tc);
            next.setAtIndex(FLOAT, nextC + j, c);
            float h = o * tc;
            ys.setAtIndex(FLOAT, out + j, h);
            next.setAtIndex(FLOAT, nextH + j, h);
        }
    }

    /**
     * LSTM backward: with {@code dh = dy + carry} and {@code dc = dh o (1 - tanh^2 c) + carryC}, the
     * gradients of the four pre-activations (into the row, added to the bias gradient), and
     * {@code carryC = dc f} for the step before.
     */
    static void lstmBackward(MemorySegment w, long row, long cPrev, long tanhC, long carry, long carryC, long db,
                             MemorySegment dys, long dy, int from, int hidden) {
        for (int j = from; j < hidden; j++) {
            long ji = row + j;
            long jf = ji + hidden;
            long jg = jf + hidden;
            long jo = jg + hidden;
            float i = w.getAtIndex(FLOAT, ji);
            float f = w.getAtIndex(FLOAT, jf);
            float g = w.getAtIndex(FLOAT, jg);
            float o = w.getAtIndex(FLOAT, jo);
            float tc = w.getAtIndex(FLOAT, tanhC + j);
            float dh = dys.getAtIndex(FLOAT, dy + j) + w.getAtIndex(FLOAT, carry + j);
            float dc = dh * o * (1 - tc * tc) + w.getAtIndex(FLOAT, carryC + j);
            float di = dc * g * i * (1 - i);
            float df = dc * w.getAtIndex(FLOAT, cPrev + j) * f * (1 - f);
            float dg = dc * i * (1 - g * g);
            float d0 = dh * tc * o * (1 - o);
            w.setAtIndex(FLOAT, carryC + j, dc * f);
            w.setAtIndex(FLOAT, ji, di);
            w.setAtIndex(FLOAT, jf, df);
            w.setAtIndex(FLOAT, jg, dg);
            w.setAtIndex(FLOAT, jo, d0);
            add(w, db + j, di);
            add(w, db + hidden + j, df);
            add(w, db + 2 * hidden + j, dg);
            add(w, db + 3 * hidden + j, d0);
        }
    }

    /**
     * GRU forward: {@code r}, {@code z}, {@code n} (kept in the row), {@code hn = W_hn h + b_hn} (kept at
     * {@code hn}) and {@code h' = (1 - z) n + z h} (to the output and the next state); {@code hp} holds
     * the step's {@code W_hh h} without bias.
     */
    static void gruForward(MemorySegment w, long row, long hp, long bias, long hPrev, long hn, MemorySegment ys,
                           long out, MemorySegment next, long nextH, int from, int hidden) {
        for (int j = from; j < hidden; j++) {
            long jr = row + j;
            long jz = jr + hidden;
            long jn = jz + hidden;
            float r = Activations.sigmoid(w.getAtIndex(FLOAT, jr) + w.getAtIndex(FLOAT, hp + j)
                    + w.getAtIndex(FLOAT, bias + j));
            float z = Activations.sigmoid(w.getAtIndex(FLOAT, jz) + w.getAtIndex(FLOAT, hp + hidden + j)
                    + w.getAtIndex(FLOAT, bias + hidden + j));
            float hidn = w.getAtIndex(FLOAT, hp + 2 * hidden + j) + w.getAtIndex(FLOAT, bias + 3 * hidden + j);
            float n = (float) Math.tanh(w.getAtIndex(FLOAT, jn) + w.getAtIndex(FLOAT, bias + 2 * hidden + j)
                    + r * hidn);
            float h = (1 - z) * n + z * w.getAtIndex(FLOAT, hPrev + j);
            w.setAtIndex(FLOAT, jr, r);
            w.setAtIndex(FLOAT, jz, z);
            w.setAtIndex(FLOAT, jn, n);
            w.setAtIndex(FLOAT, hn + j, hidn);
            ys.setAtIndex(FLOAT, out + j, h);
            next.setAtIndex(FLOAT, nextH + j, h);
        }
    }

    /**
     * GRU backward: with {@code dh = dy + carry}, the gradients of the input side's pre-activations of
     * r, z, n into the row, {@code r dn} (the hidden side's n) over {@code hn}, all four added to the bias
     * gradients ({@code b_ir + b_hr}, {@code b_iz + b_hz}, {@code b_in}, {@code b_hn}), and
     * {@code carry = z dh}, the direct path to the previous state (the products add the rest).
     */
    static void gruBackward(MemorySegment w, long row, long hn, long hPrev, long carry, long db, MemorySegment dys,
                            long dy, int from, int hidden) {
        for (int j = from; j < hidden; j++) {
            long jr = row + j;
            long jz = jr + hidden;
            long jn = jz + hidden;
            float r = w.getAtIndex(FLOAT, jr);
            float z = w.getAtIndex(FLOAT, jz);
            float n = w.getAtIndex(FLOAT, jn);
            float dh = dys.getAtIndex(FLOAT, dy + j) + w.getAtIndex(FLOAT, carry + j);
            float dn = dh * (1 - z) * (1 - n * n);
            float dz = dh * (w.getAtIndex(FLOAT, hPrev + j) - n) * z * (1 - z);
            float dr = dn * w.getAtIndex(FLOAT, hn + j) * r * (1 - r);
            float dhn = dn * r;
            w.setAtIndex(FLOAT, jr, dr);
            w.setAtIndex(FLOAT, jz, dz);
            w.setAtIndex(FLOAT, jn, dn);
            w.setAtIndex(FLOAT, hn + j, dhn);
            w.setAtIndex(FLOAT, carry + j, dh * z);
            add(w, db + j, dr);
            add(w, db + hidden + j, dz);
            add(w, db + 2 * hidden + j, dn);
            add(w, db + 3 * hidden + j, dhn);
        }
    }

    private static void add(MemorySegment w, long at, float value) {
        w.setAtIndex(FLOAT, at, w.getAtIndex(FLOAT, at) + value);
    }
}
