package dev.kiln.runtime.ops;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RecurrentCells} with the Vector API, on native segments: the same formulas, in the same order
 * per unit, over the whole vectors of a row; each method returns how many units it did, and the plain
 * loop does the rest. {@code exp} and {@code tanh} are the Vector API's lane-wise ones (within an ulp or
 * two of {@link Math}'s, which the plain loops use, so the two paths agree to float rounding, not bit for
 * bit). Loaded only when {@link dev.kiln.runtime.Vectors#available()}: the gates' arithmetic is most of
 * the element-wise work of a recurrent layer, five transcendental functions per unit and step for the
 * LSTM, and one at a time they would cost more than the layer's products.
 *
 * <p>No method of this class takes or returns a vector, and the loops call the Vector API directly: the
 * JIT compiler always inlines the API's own methods, but may decline to inline small methods of ours once
 * the method it compiles is large (its node-count cutoff), and a vector passed to or returned from a call
 * that is not inlined is boxed, which allocates on every call. The kernels are split into a few short
 * loops, each gate's activation one of them, which keeps each compiled method small.
 */
final class VectorRecurrentCells {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder O = ByteOrder.nativeOrder();
    private static final long F = Float.BYTES;

    private VectorRecurrentCells() {
    }

    // Each loop below works on byte offsets: element offset times F.

    /** {@code w[at + j] = sigmoid(w[at + j] + w[bias + j])} for {@code j < n}, a whole number of vectors. */
    private static void sigmoidOfSum(MemorySegment w, long at, long bias, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (long j = 0; j < n * F; j += L * F) {
            FloatVector x = FloatVector.fromMemorySegment(S, w, at * F + j, O)
                    .add(FloatVector.fromMemorySegment(S, w, bias * F + j, O));
            one.div(x.neg().lanewise(VectorOperators.EXP).add(1f)).intoMemorySegment(w, at * F + j, O);
        }
    }

    /** {@code w[at + j] = sigmoid(w[at + j] + w[hp + j] + w[bias + j])} for {@code j < n}. */
    private static void sigmoidOfSum(MemorySegment w, long at, long hp, long bias, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (long j = 0; j < n * F; j += L * F) {
            FloatVector x = FloatVector.fromMemorySegment(S, w, at * F + j, O)
                    .add(FloatVector.fromMemorySegment(S, w, hp * F + j, O))
                    .add(FloatVector.fromMemorySegment(S, w, bias * F + j, O));
            one.div(x.neg().lanewise(VectorOperators.EXP).add(1f)).intoMemorySegment(w, at * F + j, O);
        }
    }

    /** {@code w[at + j] = tanh(w[at + j] + w[bias + j])} for {@code j < n}. */
    private static void tanhOfSum(MemorySegment w, long at, long bias, int n) {
        for (long j = 0; j < n * F; j += L * F) {
            FloatVector.fromMemorySegment(S, w, at * F + j, O).add(FloatVector.fromMemorySegment(S, w, bias * F + j, O))
                    .lanewise(VectorOperators.TANH).intoMemorySegment(w, at * F + j, O);
        }
    }

    /**
     * {@code table[to + j] += w[from + j]} for the whole vectors in {@code n}; returns how many it did.
     */
    static int addRowTo(MemorySegment w, long from, float[] table, int to, int n) {
        int bound = S.loopBound(n);
        for (int j = 0; j < bound; j += L) {
            FloatVector.fromArray(S, table, to + j).add(FloatVector.fromMemorySegment(S, w, (from + j) * F, O))
                    .intoArray(table, to + j);
        }
        return bound;
    }

    /** {@code w[to + j] += w[from + j]} for {@code j < n}, a whole number of vectors. */
    private static void addInto(MemorySegment w, long to, long from, int n) {
        for (long j = 0; j < n * F; j += L * F) {
            FloatVector.fromMemorySegment(S, w, to * F + j, O).add(FloatVector.fromMemorySegment(S, w, from * F + j, O))
                    .intoMemorySegment(w, to * F + j, O);
        }
    }

    /** {@link RecurrentCells#rnnForward} on whole vectors. */
    static int rnnForward(MemorySegment w, long row, long bias, MemorySegment ys, long out, MemorySegment next,
                          long nextH, int hidden) {
        int bound = S.loopBound(hidden);
        for (long j = 0; j < bound * F; j += L * F) {
            FloatVector h = FloatVector.fromMemorySegment(S, w, row * F + j, O)
                    .add(FloatVector.fromMemorySegment(S, w, bias * F + j, O)).lanewise(VectorOperators.TANH);
            h.intoMemorySegment(w, row * F + j, O);
            h.intoMemorySegment(ys, out * F + j, O);
            h.intoMemorySegment(next, nextH * F + j, O);
        }
        return bound;
    }

    /** {@link RecurrentCells#rnnBackward} on whole vectors. */
    static int rnnBackward(MemorySegment w, long row, long carry, long db, MemorySegment dys, long dy, int hidden) {
        int bound = S.loopBound(hidden);
        for (long j = 0; j < bound * F; j += L * F) {
            FloatVector dh = FloatVector.fromMemorySegment(S, dys, dy * F + j, O)
                    .add(FloatVector.fromMemorySegment(S, w, carry * F + j, O));
            FloatVector h = FloatVector.fromMemorySegment(S, w, row * F + j, O);
            FloatVector d = dh.mul(h.mul(h).neg().add(1f));
            d.intoMemorySegment(w, row * F + j, O);
            FloatVector.fromMemorySegment(S, w, db * F + j, O).add(d).intoMemorySegment(w, db * F + j, O);
        }
        return bound;
    }

    /** {@link RecurrentCells#lstmForward} on whole vectors. */
    static int lstmForward(MemorySegment w, long row, long bias, long cPrev, long tanhC, MemorySegment ys, long out,
                           MemorySegment next, long nextH, long nextC, int hidden) {
        int bound = S.loopBound(hidden);
        sigmoidOfSum(w, row, bias, bound);
        sigmoidOfSum(w, row + hidden, bias + hidden, bound);
        tanhOfSum(w, row + 2L * hidden, bias + 2L * hidden, bound);
        sigmoidOfSum(w, row + 3L * hidden, bias + 3L * hidden, bound);
        lstmCell(w, row, cPrev, tanhC, ys, out, next, nextH, nextC, bound, hidden);
        return bound;
    }

    /** {@code c = f c_prev + i g}, {@code tanh(c)}, {@code h = o tanh(c)} from the activated gates. */
    private static void lstmCell(MemorySegment w, long row, long cPrev, long tanhC, MemorySegment ys, long out,
                                 MemorySegment next, long nextH, long nextC, int bound, int hidden) {
        long gate = hidden * F;
        for (long j = 0; j < bound * F; j += L * F) {
            long ji = row * F + j;
            FloatVector c = FloatVector.fromMemorySegment(S, w, ji + gate, O)
                    .mul(FloatVector.fromMemorySegment(S, w, cPrev * F + j, O))
                    .add(FloatVector.fromMemorySegment(S, w, ji, O)
                            .mul(FloatVector.fromMemorySegment(S, w, ji + 2 * gate, O)));
            FloatVector tc = c.lanewise(VectorOperators.TANH);
            tc.intoMemorySegment(w, tanhC * F + j, O);
            c.intoMemorySegment(next, nextC * F + j, O);
            FloatVector h = FloatVector.fromMemorySegment(S, w, ji + 3 * gate, O).mul(tc);
            h.intoMemorySegment(ys, out * F + j, O);
            h.intoMemorySegment(next, nextH * F + j, O);
        }
    }

    /** {@link RecurrentCells#lstmBackward} on whole vectors. */
    static int lstmBackward(MemorySegment w, long row, long cPrev, long tanhC, long carry, long carryC, long db,
                            MemorySegment dys, long dy, int hidden) {
        int bound = S.loopBound(hidden);
        long gate = hidden * F;
        for (long j = 0; j < bound * F; j += L * F) {
            long ji = row * F + j;
            FloatVector i = FloatVector.fromMemorySegment(S, w, ji, O);
            FloatVector f = FloatVector.fromMemorySegment(S, w, ji + gate, O);
            FloatVector g = FloatVector.fromMemorySegment(S, w, ji + 2 * gate, O);
            FloatVector o = FloatVector.fromMemorySegment(S, w, ji + 3 * gate, O);
            FloatVector tc = FloatVector.fromMemorySegment(S, w, tanhC * F + j, O);
            FloatVector dh = FloatVector.fromMemorySegment(S, dys, dy * F + j, O)
                    .add(FloatVector.fromMemorySegment(S, w, carry * F + j, O));
            FloatVector dc = dh.mul(o).mul(tc.mul(tc).neg().add(1f))
                    .add(FloatVector.fromMemorySegment(S, w, carryC * F + j, O));
            dc.mul(f).intoMemorySegment(w, carryC * F + j, O);
            dc.mul(g).mul(i).mul(i.neg().add(1f)).intoMemorySegment(w, ji, O);
            dc.mul(FloatVector.fromMemorySegment(S, w, cPrev * F + j, O)).mul(f).mul(f.neg().add(1f))
                    .intoMemorySegment(w, ji + gate, O);
            dc.mul(i).mul(g.mul(g).neg().add(1f)).intoMemorySegment(w, ji + 2 * gate, O);
            dh.mul(tc).mul(o).mul(o.neg().add(1f)).intoMemorySegment(w, ji + 3 * gate, O);
        }
        for (int k = 0; k < 4; k++) {
            addInto(w, db + (long) k * hidden, row + (long) k * hidden, bound);
        }
        return bound;
    }

    /** {@link RecurrentCells#gruForward} on whole vectors. */
    static int gruForward(MemorySegment w, long row, long hp, long bias, long hPrev, long hn, MemorySegment ys,
                          long out, MemorySegment next, long nextH, int hidden) {
        int bound = S.loopBound(hidden);
        sigmoidOfSum(w, row, hp, bias, bound);
        sigmoidOfSum(w, row + hidden, hp + hidden, bias + hidden, bound);
        gruCell(w, row, hp, bias, hPrev, hn, ys, out, next, nextH, bound, hidden);
        return bound;
    }

    /** {@code n = tanh(x_n + b_in + r (hp_n + b_hn))} and {@code h' = (1 - z) n + z h} from r and z. */
    private static void gruCell(MemorySegment w, long row, long hp, long bias, long hPrev, long hn, MemorySegment ys,
                                long out, MemorySegment next, long nextH, int bound, int hidden) {
        long gate = hidden * F;
        for (long j = 0; j < bound * F; j += L * F) {
            long jr = row * F + j;
            FloatVector r = FloatVector.fromMemorySegment(S, w, jr, O);
            FloatVector z = FloatVector.fromMemorySegment(S, w, jr + gate, O);
            FloatVector hidn = FloatVector.fromMemorySegment(S, w, hp * F + 2 * gate + j, O)
                    .add(FloatVector.fromMemorySegment(S, w, bias * F + 3 * gate + j, O));
            FloatVector n = FloatVector.fromMemorySegment(S, w, jr + 2 * gate, O)
                    .add(FloatVector.fromMemorySegment(S, w, bias * F + 2 * gate + j, O)).add(r.mul(hidn))
                    .lanewise(VectorOperators.TANH);
            FloatVector h = z.neg().add(1f).mul(n).add(z.mul(FloatVector.fromMemorySegment(S, w, hPrev * F + j, O)));
            n.intoMemorySegment(w, jr + 2 * gate, O);
            hidn.intoMemorySegment(w, hn * F + j, O);
            h.intoMemorySegment(ys, out * F + j, O);
            h.intoMemorySegment(next, nextH * F + j, O);
        }
    }

    /** {@link RecurrentCells#gruBackward} on whole vectors. */
    static int gruBackward(MemorySegment w, long row, long hn, long hPrev, long carry, long db, MemorySegment dys,
                           long dy, int hidden) {
        int bound = S.loopBound(hidden);
        long gate = hidden * F;
        for (long j = 0; j < bound * F; j += L * F) {
            long jr = row * F + j;
            FloatVector r = FloatVector.fromMemorySegment(S, w, jr, O);
            FloatVector z = FloatVector.fromMemorySegment(S, w, jr + gate, O);
            FloatVector n = FloatVector.fromMemorySegment(S, w, jr + 2 * gate, O);
            FloatVector dh = FloatVector.fromMemorySegment(S, dys, dy * F + j, O)
                    .add(FloatVector.fromMemorySegment(S, w, carry * F + j, O));
            FloatVector dn = dh.mul(z.neg().add(1f)).mul(n.mul(n).neg().add(1f));
            dh.mul(FloatVector.fromMemorySegment(S, w, hPrev * F + j, O).sub(n)).mul(z).mul(z.neg().add(1f))
                    .intoMemorySegment(w, jr + gate, O);
            dn.mul(FloatVector.fromMemorySegment(S, w, hn * F + j, O)).mul(r).mul(r.neg().add(1f))
                    .intoMemorySegment(w, jr, O);
            dn.intoMemorySegment(w, jr + 2 * gate, O);
            dn.mul(r).intoMemorySegment(w, hn * F + j, O);
            dh.mul(z).intoMemorySegment(w, carry * F + j, O);
        }
        for (int k = 0; k < 3; k++) {
            addInto(w, db + (long) k * hidden, row + (long) k * hidden, bound);
        }
        addInto(w, db + 3L * hidden, hn, bound);
        return bound;
    }
}
