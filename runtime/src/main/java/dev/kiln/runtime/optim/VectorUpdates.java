package dev.kiln.runtime.optim;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The updates of {@link Sgd}, {@link Adam} and {@link AdamW} with the Vector API, on native segments: the
 * same arithmetic, in the same order per element, as the optimizers' plain loops, so results are
 * identical. Each method updates the elements of whole vectors and returns how many it did; the optimizer's
 * plain loop does the rest. Loaded only when {@link dev.kiln.runtime.Vectors#available()} (measured on a
 * 235,146-parameter model: the plain Adam loop over segments took about 0.5 ms, this one about 0.1 ms).
 *
 * <p>Every variant (with or without weight decay, Nesterov or not) is a loop of its own, without a branch
 * inside: simple loops whose vectors the JIT keeps in registers, so that a step allocates nothing.
 *
 * <p>Each loop runs in blocks of {@value #BLOCK} elements, a call each. An optimizer step is one call per
 * tensor, a few hundred in a whole run of some workloads: as one loop, the method itself was not compiled
 * fully before about 600 calls (its loop was, entered from the slow version on every call), and each step
 * allocated a few boxed vectors until then (the char-LSTM: megabytes per step in its first 40 steps, 160
 * bytes per step after 200). A block is called hundreds of times per step, so it is compiled within the
 * first steps: the JIT's thresholds count calls, and grow with its queue, which is long while a model's
 * kernels are being compiled. With blocks of 1,024 the char-LSTM's Adam (137 calls a step) still ran
 * uncompiled, allocating about 20 MB a step, until step 30 to 40; with blocks of 128 (1,094 calls a step)
 * until step 15 to 20.
 */
final class VectorUpdates {

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** The elements one call of a loop updates (8 vectors of 16 floats). */
    static final int BLOCK = 128;

    private VectorUpdates() {
    }

    /** The number of elements the vector loops cover: the whole vectors in {@code count}. */
    static long bound(long count) {
        return count - count % SPECIES.length();
    }

    static FloatVector load(MemorySegment segment, long at) {
        return FloatVector.fromMemorySegment(SPECIES, segment, at, ORDER);
    }

    /** {@code p = p - rate * g}. */
    static long sgd(MemorySegment p, MemorySegment g, float rate, long count) {
        long bound = bound(count);
        for (long from = 0; from < bound; from += BLOCK) {
            sgdBlock(p, g, rate, from, Math.min(bound, from + BLOCK));
        }
        return bound;
    }

    /** {@link #sgd} on elements {@code [from, to)}. */
    private static void sgdBlock(MemorySegment p, MemorySegment g, float rate, long from, long to) {
        for (long j = from; j < to; j += SPECIES.length()) {
            long at = j * Float.BYTES;
            load(p, at).sub(load(g, at).mul(rate)).intoMemorySegment(p, at, ORDER);
        }
    }

    /** {@code p = p - rate * (g + decay * p)}. */
    static long sgdDecay(MemorySegment p, MemorySegment g, float rate, float decay, long count) {
        long bound = bound(count);
        for (long from = 0; from < bound; from += BLOCK) {
            sgdDecayBlock(p, g, rate, decay, from, Math.min(bound, from + BLOCK));
        }
        return bound;
    }

    /** {@link #sgdDecay} on elements {@code [from, to)}. */
    private static void sgdDecayBlock(MemorySegment p, MemorySegment g, float rate, float decay, long from, long to) {
        for (long j = from; j < to; j += SPECIES.length()) {
            long at = j * Float.BYTES;
            FloatVector pv = load(p, at);
            pv.sub(load(g, at).add(pv.mul(decay)).mul(rate)).intoMemorySegment(p, at, ORDER);
        }
    }

    /** {@code b = momentum * b + g; p = p - rate * b}. */
    static long momentum(MemorySegment p, MemorySegment g, MemorySegment b, float rate, float momentum, long count) {
        long bound = bound(count);
        for (long from = 0; from < bound; from += BLOCK) {
            momentumBlock(p, g, b, rate, momentum, from, Math.min(bound, from + BLOCK));
        }
        return bound;
    }

    /** {@link #momentum} on elements {@code [from, to)}. */
    private static void momentumBlock(MemorySegment p, MemorySegment g, MemorySegment b, float rate, float momentum,
                                      long from, long to) {
        for (long j = from; j < to; j += SPECIES.length()) {
            long at = j * Float.BYTES;
            FloatVector bv = load(b, at).mul(momentum).add(load(g, at));
            bv.intoMemorySegment(b, at, ORDER);
            load(p, at).sub(bv.mul(rate)).intoMemorySegment(p, at, ORDER);
        }
    }

    /** {@code g' = g + decay * p; b = momentum * b + g'; p = p - rate * b}. */
    static long momentumDecay(MemorySegment p, MemorySegment g, MemorySegment b, float rate, float momentum,
                              float decay, long count) {
        long bound = bound(count);
        for (long from = 0; from < bound; from += BLOCK) {
            momentumDecayBlock(p, g, b, rate, momentum, decay, from, Math.min(bound, from + BLOCK));
        }
        return bound;
    }

    /** {@link #momentumDecay} on elements {@code [from, to)}. */
    private static void momentumDecayBlock(MemorySegment p, MemorySegment g, MemorySegment b, float rate,
                                           float momentum, float decay, long from, long to) {
        for (long j = from; j < to; j += SPECIES.length()) {
            long at = j * Float.BYTES;
            FloatVector pv = load(p, at);
            FloatVector bv = load(b, at).mul(momentum).add(load(g, at).add(pv.mul(decay)));
            bv.intoMemorySegment(b, at, ORDER);
            pv.sub(bv.mul(rate)).intoMemorySegment(p, at, ORDER);
        }
    }

    /** {@code b = momentum * b + g; p = p - rate * (g + momentum * b)}. */
    static long nesterov(MemorySegment p, MemorySegment g, MemorySegment b, float rate, float momentum, long count) {
        long bound = bound(count);
        for (long from = 0; from < bound; from += BLOCK) {
            nesterovBlock(p, g, b, rate, momentum, from, Math.min(bound, from + BLOCK));
        }
        return bound;
    }

    /** {@link #nesterov} on elements {@code [from, to)}. */
    private static void nesterovBlock(MemorySegment p, MemorySegment g, MemorySegment b, float rate, float momentum,
                                      long from, long to) {
        for (long j = from; j < to; j += SPECIES.length()) {
            long at = j * Float.BYTES;
            FloatVector gv = load(g, at);
            FloatVector bv = load(b, at).mul(momentum).add(gv);
            bv.intoMemorySegment(b, at, ORDER);
            load(p, at).sub(gv.add(bv.mul(momentum)).mul(rate)).intoMemorySegment(p, at, ORDER);
        }
    }

    /** {@code g' = g + decay * p; b = momentum * b + g'; p = p - rate * (g' + momentum * b)}. */
    static long nesterovDecay(MemorySegment p, MemorySegment g, MemorySegment b, float rate, float momentum,
                              float decay, long count) {
        long bound = bound(count);
        for (long from = 0; from < bound; from += BLOCK) {
            nesterovDecayBlock(p, g, b, rate, momentum, decay, from, Math.min(bound, from + BLOCK));
        }
        return bound;
    }

    /** {@link #nesterovDecay} on elements {@code [from, to)}. */
    private static void nesterovDecayBlock(MemorySegment p, MemorySegment g, MemorySegment b, float rate,
                                           float momentum, float decay, long from, long to) {
        for (long j = from; j < to; j += SPECIES.length()) {
            long at = j * Float.BYTES;
            FloatVector pv = load(p, at);
            FloatVector gv = load(g, at).add(pv.mul(decay));
            FloatVector bv = load(b, at).mul(momentum).add(gv);
            bv.intoMemorySegment(b, at, ORDER);
            pv.sub(gv.add(bv.mul(momentum)).mul(rate)).intoMemorySegment(p, at, ORDER);
        }
    }

    /**
     * Adam's moments and update, the bias corrections folded into {@code stepSize} and
     * {@code correction2}, the parameter first scaled by {@code decay} (1 for Adam, exact; AdamW's
     * decoupled weight decay otherwise).
     */
    static long adam(MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v, float beta1, float beta2,
                     float epsilon, float stepSize, float correction2, float decay, long count) {
        long bound = bound(count);
        for (long from = 0; from < bound; from += BLOCK) {
            adamBlock(p, g, m, v, beta1, beta2, epsilon, stepSize, correction2, decay, from,
                      Math.min(bound, from + BLOCK));
        }
        return bound;
    }

    /** {@link #adam} on elements {@code [from, to)}. */
    private static void adamBlock(MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v, float beta1,
                                  float beta2, float epsilon, float stepSize, float correction2, float decay, long from,
                                  long to) {
        float oneMinusBeta1 = 1 - beta1;
        float oneMinusBeta2 = 1 - beta2;
        for (long j = from; j < to; j += SPECIES.length()) {
            long at = j * Float.BYTES;
            FloatVector gv = load(g, at);
            FloatVector mv = load(m, at).mul(beta1).add(gv.mul(oneMinusBeta1));
            FloatVector vv = load(v, at).mul(beta2).add(gv.mul(oneMinusBeta2).mul(gv));
            mv.intoMemorySegment(m, at, ORDER);
            vv.intoMemorySegment(v, at, ORDER);
            FloatVector denominator = vv.lanewise(VectorOperators.SQRT).div(correction2).add(epsilon);
            load(p, at).mul(decay).sub(mv.mul(stepSize).div(denominator)).intoMemorySegment(p, at, ORDER);
        }
    }
}
