package dev.kiln.runtime.optim;

import static dev.kiln.runtime.optim.VectorUpdates.ORDER;
import static dev.kiln.runtime.optim.VectorUpdates.BLOCK;
import static dev.kiln.runtime.optim.VectorUpdates.SPECIES;
import static dev.kiln.runtime.optim.VectorUpdates.bound;
import static dev.kiln.runtime.optim.VectorUpdates.load;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The updates of {@link Adagrad}, {@link Adadelta} and {@link RmsProp} with the Vector API, as
 * {@link VectorUpdates} does for the others: the same arithmetic in the same order as the optimizers'
 * plain loops, whole vectors only, each variant a loop of its own, run in blocks. Loaded only when
 * {@link dev.kiln.runtime.Vectors#available()}.
 */
final class AdaptiveVectorUpdates {

    private AdaptiveVectorUpdates() {
    }

    /** {@code s = s + g * g; p = p - rate * (g / (sqrt(s) + epsilon))}. */
    static long adagrad(MemorySegment p, MemorySegment g, MemorySegment s, float rate, float epsilon, long count) {
        long bound = bound(count);
        for (long from = 0; from < bound; from += BLOCK) {
            adagradBlock(p, g, s, rate, epsilon, from, Math.min(bound, from + BLOCK));
        }
        return bound;
    }

    /** {@link #adagrad} on elements {@code [from, to)}. */
    private static void adagradBlock(MemorySegment p, MemorySegment g, MemorySegment s, float rate, float epsilon,
                                     long from, long to) {
        for (long j = from; j < to; j += SPECIES.length()) {
            long at = j * Float.BYTES;
            FloatVector gv = load(g, at);
            FloatVector sv = load(s, at).add(gv.mul(gv));
            sv.intoMemorySegment(s, at, ORDER);
            FloatVector step = gv.div(sv.lanewise(VectorOperators.SQRT).add(epsilon)).mul(rate);
            load(p, at).sub(step).intoMemorySegment(p, at, ORDER);
        }
    }

    /**
     * {@code v = rho * v + (1 - rho) * g * g; d = sqrt(u + epsilon) / sqrt(v + epsilon) * g;
     * u = rho * u + (1 - rho) * d * d; p = p - rate * d}.
     */
    static long adadelta(MemorySegment p, MemorySegment g, MemorySegment v, MemorySegment u, float rate, float rho,
                         float epsilon, long count) {
        long bound = bound(count);
        for (long from = 0; from < bound; from += BLOCK) {
            adadeltaBlock(p, g, v, u, rate, rho, epsilon, from, Math.min(bound, from + BLOCK));
        }
        return bound;
    }

    /** {@link #adadelta} on elements {@code [from, to)}. */
    private static void adadeltaBlock(MemorySegment p, MemorySegment g, MemorySegment v, MemorySegment u, float rate,
                                      float rho, float epsilon, long from, long to) {
        float oneMinusRho = 1 - rho;
        for (long j = from; j < to; j += SPECIES.length()) {
            long at = j * Float.BYTES;
            FloatVector gv = load(g, at);
            FloatVector vv = load(v, at).mul(rho).add(gv.mul(oneMinusRho).mul(gv));
            vv.intoMemorySegment(v, at, ORDER);
            FloatVector uv = load(u, at);
            FloatVector dv = uv.add(epsilon).lanewise(VectorOperators.SQRT)
                    .div(vv.add(epsilon).lanewise(VectorOperators.SQRT)).mul(gv);
            uv.mul(rho).add(dv.mul(oneMinusRho).mul(dv)).intoMemorySegment(u, at, ORDER);
            load(p, at).sub(dv.mul(rate)).intoMemorySegment(p, at, ORDER);
        }
    }

    /** {@code v = alpha * v + (1 - alpha) * g * g}, stored; returns the new {@code v}. */
    private static FloatVector square(MemorySegment v, long at, FloatVector gv, float alpha, float oneMinusAlpha) {
        FloatVector vv = load(v, at).mul(alpha).add(gv.mul(oneMinusAlpha).mul(gv));
        vv.intoMemorySegment(v, at, ORDER);
        return vv;
    }

    /** {@code a = alpha * a + (1 - alpha) * g}, stored; returns {@code sqrt(v - a * a) + epsilon}. */
    private static FloatVector centered(MemorySegment a, long at, FloatVector gv, FloatVector vv, float alpha,
                                        float oneMinusAlpha, float epsilon) {
        FloatVector av = load(a, at).mul(alpha).add(gv.mul(oneMinusAlpha));
        av.intoMemorySegment(a, at, ORDER);
        return vv.sub(av.mul(av)).lanewise(VectorOperators.SQRT).add(epsilon);
    }

    /** {@code v = alpha * v + (1 - alpha) * g * g; p = p - rate * (g / (sqrt(v) + epsilon))}. */
    static long rmsProp(MemorySegment p, MemorySegment g, MemorySegment v, float rate, float alpha, float epsilon,
                        long count) {
        long bound = bound(count);
        for (long from = 0; from < bound; from += BLOCK) {
            rmsPropBlock(p, g, v, rate, alpha, epsilon, from, Math.min(bound, from + BLOCK));
        }
        return bound;
    }

    /** {@link #rmsProp} on elements {@code [from, to)}. */
    private static void rmsPropBlock(MemorySegment p, MemorySegment g, MemorySegment v, float rate, float alpha,
                                     float epsilon, long from, long to) {
        float oneMinusAlpha = 1 - alpha;
        for (long j = from; j < to; j += SPECIES.length()) {
            long at = j * Float.BYTES;
            FloatVector gv = load(g, at);
            FloatVector d = square(v, at, gv, alpha, oneMinusAlpha).lanewise(VectorOperators.SQRT).add(epsilon);
            load(p, at).sub(gv.div(d).mul(rate)).intoMemorySegment(p, at, ORDER);
        }
    }

    /** As {@link #rmsProp}, then {@code b = momentum * b + g / d; p = p - rate * b}. */
    static long rmsPropMomentum(MemorySegment p, MemorySegment g, MemorySegment v, MemorySegment b, float rate,
                                float alpha, float epsilon, float momentum, long count) {
        long bound = bound(count);
        for (long from = 0; from < bound; from += BLOCK) {
            rmsPropMomentumBlock(p, g, v, b, rate, alpha, epsilon, momentum, from, Math.min(bound, from + BLOCK));
        }
        return bound;
    }

    /** {@link #rmsPropMomentum} on elements {@code [from, to)}. */
    private static void rmsPropMomentumBlock(MemorySegment p, MemorySegment g, MemorySegment v, MemorySegment b,
                                             float rate, float alpha, float epsilon, float momentum, long from,
                                             long to) {
        float oneMinusAlpha = 1 - alpha;
        for (long j = from; j < to; j += SPECIES.length()) {
            long at = j * Float.BYTES;
            FloatVector gv = load(g, at);
            FloatVector d = square(v, at, gv, alpha, oneMinusAlpha).lanewise(VectorOperators.SQRT).add(epsilon);
            FloatVector bv = load(b, at).mul(momentum).add(gv.div(d));
            bv.intoMemorySegment(b, at, ORDER);
            load(p, at).sub(bv.mul(rate)).intoMemorySegment(p, at, ORDER);
        }
    }

    /** Centered: {@code a = alpha * a + (1 - alpha) * g; d = sqrt(v - a * a) + epsilon; p = p - rate * (g / d)}. */
    static long rmsPropCentered(MemorySegment p, MemorySegment g, MemorySegment v, MemorySegment a, float rate,
                                float alpha, float epsilon, long count) {
        long bound = bound(count);
        for (long from = 0; from < bound; from += BLOCK) {
            rmsPropCenteredBlock(p, g, v, a, rate, alpha, epsilon, from, Math.min(bound, from + BLOCK));
        }
        return bound;
    }

    /** {@link #rmsPropCentered} on elements {@code [from, to)}. */
    private static void rmsPropCenteredBlock(MemorySegment p, MemorySegment g, MemorySegment v, MemorySegment a,
                                             float rate, float alpha, float epsilon, long from, long to) {
        float oneMinusAlpha = 1 - alpha;
        for (long j = from; j < to; j += SPECIES.length()) {
            long at = j * Float.BYTES;
            FloatVector gv = load(g, at);
            FloatVector vv = square(v, at, gv, alpha, oneMinusAlpha);
            FloatVector d = centered(a, at, gv, vv, alpha, oneMinusAlpha, epsilon);
            load(p, at).sub(gv.div(d).mul(rate)).intoMemorySegment(p, at, ORDER);
        }
    }

    /** Centered with momentum: {@code b = momentum * b + g / d; p = p - rate * b}. */
    static long rmsPropCenteredMomentum(MemorySegment p, MemorySegment g, MemorySegment v, MemorySegment a,
                                        MemorySegment b, float rate, float alpha, float epsilon, float momentum,
                                        long count) {
        long bound = bound(count);
        for (long from = 0; from < bound; from += BLOCK) {
            rmsPropCenteredMomentumBlock(p, g, v, a, b, rate, alpha, epsilon, momentum, from,
                Math.min(bound, from + BLOCK));
        }
        return bound;
    }

    /** {@link #rmsPropCenteredMomentum} on elements {@code [from, to)}. */
    private static void rmsPropCenteredMomentumBlock(MemorySegment p, MemorySegment g, MemorySegment v, MemorySegment a,
                                                     MemorySegment b, float rate, float alpha, float epsilon,
                                                     float momentum, long from, long to) {
        float oneMinusAlpha = 1 - alpha;
        for (long j = from; j < to; j += SPECIES.length()) {
            long at = j * Float.BYTES;
            FloatVector gv = load(g, at);
            FloatVector vv = square(v, at, gv, alpha, oneMinusAlpha);
            FloatVector d = centered(a, at, gv, vv, alpha, oneMinusAlpha, epsilon);
            FloatVector bv = load(b, at).mul(momentum).add(gv.div(d));
            bv.intoMemorySegment(b, at, ORDER);
            load(p, at).sub(bv.mul(rate)).intoMemorySegment(p, at, ORDER);
        }
    }
}
