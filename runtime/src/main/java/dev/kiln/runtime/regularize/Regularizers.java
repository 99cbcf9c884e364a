package dev.kiln.runtime.regularize;

import dev.kiln.runtime.Model;
import java.util.Objects;

/**
 * The regularizers Kiln offers:
 * <pre>{@code
 * Regularizers.l2(1e-4)                               // (λ/2) Σ w² over every layer's weights
 * Regularizers.l1(1e-5).only("hidden")                // λ Σ |w| over hidden.weight
 * Regularizers.elasticNet(1e-5, 1e-4)                 // λ1 Σ |w| + (λ2/2) Σ w²
 * Regularizers.l2(1e-4).includingBiases()             // biases too: SGD's weight decay
 * Regularizers.sum(Regularizers.l2(1e-4), Regularizers.l1(1e-6).only("out"))
 * }</pre>
 *
 * <p><b>The L2 convention.</b> {@code l2(λ)} is {@code (λ / 2) Σ w²}, whose gradient is {@code λ w}:
 * the λ of PyTorch's {@code weight_decay} and of {@link dev.kiln.runtime.optim.Sgd}'s weight decay, which
 * add {@code λ w} to the gradient. (Keras's {@code l2(λ)} is {@code λ Σ w²}, gradient {@code 2 λ w}: its
 * λ is half of Kiln's for the same effect.) With plain SGD at learning rate {@code η}, each step shrinks a
 * weight by the factor {@code 1 - η λ} before the gradient step, hence "weight decay"; with adaptive
 * optimizers such as Adam the penalty's gradient is rescaled like the loss's, which is why
 * {@link dev.kiln.runtime.optim.AdamW} decays weights separately instead.
 *
 * <p><b>Weights only, by default.</b> Each penalty acts on the tensors of two or more dimensions (a
 * Dense layer's weight matrix) and leaves the one-dimensional ones (biases) alone: a bias sets where a
 * unit's response lies, not how strongly it depends on its inputs, so shrinking it toward zero does not
 * make the function smoother, only shifts it; and there are few biases, so they cannot overfit much.
 * {@code includingBiases()} penalizes them too.
 *
 * <p><b>Batch size.</b> The penalty is added once per step to the batch's mean loss (see
 * {@link Regularizer}), so a coefficient means the same for any batch size.
 */
public final class Regularizers {

    private Regularizers() {
    }

    /**
     * The L1 penalty {@code λ Σ|w|} over every layer's weights, gradient {@code λ sign(w)} (0 at 0): it
     * drives weights to exactly zero, giving sparse weights.
     *
     * @throws IllegalArgumentException if {@code lambda} is negative, not finite, or too large for a float
     */
    public static WeightPenalty l1(double lambda) {
        return new WeightPenalty("l1", coefficient("l1", "lambda", lambda), 0f, Selection.WEIGHTS);
    }

    /**
     * The L2 penalty {@code (λ / 2) Σ w²} over every layer's weights, gradient {@code λ w}, as SGD's weight
     * decay of {@code λ}: it keeps weights small without making them zero.
     *
     * @throws IllegalArgumentException if {@code lambda} is negative, not finite, or too large for a float
     */
    public static WeightPenalty l2(double lambda) {
        return new WeightPenalty("l2", 0f, coefficient("l2", "lambda", lambda), Selection.WEIGHTS);
    }

    /**
     * The elastic net {@code λ1 Σ|w| + (λ2 / 2) Σ w²} over every layer's weights: {@code l1(λ1)} plus
     * {@code l2(λ2)}, computed in one pass.
     *
     * @throws IllegalArgumentException naming the argument, if {@code l1} or {@code l2} is negative, not
     *     finite, or too large for a float
     */
    public static WeightPenalty elasticNet(double l1, double l2) {
        return new WeightPenalty("elasticNet", coefficient("elasticNet", "l1", l1),
                coefficient("elasticNet", "l2", l2), Selection.WEIGHTS);
    }

    /**
     * The sum of {@code terms}: its penalty is the sum of theirs, and it adds each one's gradient in turn.
     *
     * @throws IllegalArgumentException if no term is given
     * @throws NullPointerException     if a term is null
     */
    public static Regularizer sum(Regularizer... terms) {
        Objects.requireNonNull(terms, "terms");
        if (terms.length == 0) {
            throw new IllegalArgumentException("sum() needs at least one regularizer, e.g."
                    + " sum(Regularizers.l2(1e-4), Regularizers.l1(1e-5))");
        }
        for (int i = 0; i < terms.length; i++) {
            Objects.requireNonNull(terms[i], "term " + i + " of sum(...) is null");
        }
        return new Sum(terms.clone());
    }

    /** A coefficient, if zero or positive and finite as a float. */
    private static float coefficient(String factory, String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(factory + ": " + name + " = " + value
                    + " must be zero or positive, and finite");
        }
        float single = (float) value;
        if (Float.isInfinite(single)) {
            throw new IllegalArgumentException(factory + ": " + name + " = " + value
                    + " is too large for a float (at most " + Float.MAX_VALUE + ")");
        }
        return single;
    }

    /** The sum of several regularizers. */
    private record Sum(Regularizer[] terms) implements Regularizer {

        @Override
        public double penalty(Model model) {
            double total = 0;
            for (Regularizer term : terms) {
                total += term.penalty(model);
            }
            return total;
        }

        @Override
        public void addGradient(Model model) {
            for (Regularizer term : terms) {
                term.addGradient(model);
            }
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder("sum(");
            for (int i = 0; i < terms.length; i++) {
                text.append(i == 0 ? "" : ", ").append(terms[i]);
            }
            return text.append(')').toString();
        }
    }
}
