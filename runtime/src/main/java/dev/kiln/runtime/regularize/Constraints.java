package dev.kiln.runtime.regularize;

import dev.kiln.runtime.Model;
import java.util.Objects;

/**
 * The constraints Kiln offers:
 * <pre>{@code
 * Constraints.maxNorm(3)                           // every unit's incoming weights: norm at most 3
 * Constraints.maxNorm(2).only("hidden")            // hidden.weight's rows only
 * Constraints.sequence(Constraints.maxNorm(3).only("hidden"), Constraints.maxNorm(1).only("out"))
 * }</pre>
 * A trainer applies its constraint after every optimizer step.
 */
public final class Constraints {

    private Constraints() {
    }

    /**
     * Max-norm: after each step, each row of every layer's weight matrix (the incoming weights of one
     * output unit) whose L2 norm exceeds {@code c} is scaled back to norm {@code c}; see {@link MaxNorm}.
     * Values of 2 to 4 are usual with dropout.
     *
     * @throws IllegalArgumentException if {@code c} is not positive and finite
     */
    public static MaxNorm maxNorm(double c) {
        if (!(c > 0) || Double.isInfinite(c)) {
            throw new IllegalArgumentException("maxNorm: c = " + c + " must be positive and finite; it is the"
                    + " largest L2 norm a unit's incoming weights may have, e.g. maxNorm(3)");
        }
        return new MaxNorm(c, Selection.WEIGHTS);
    }

    /**
     * The constraints applied one after the other, in the order given.
     *
     * @throws IllegalArgumentException if no constraint is given
     * @throws NullPointerException     if a constraint is null
     */
    public static Constraint sequence(Constraint... constraints) {
        Objects.requireNonNull(constraints, "constraints");
        if (constraints.length == 0) {
            throw new IllegalArgumentException("sequence() needs at least one constraint, e.g."
                    + " sequence(Constraints.maxNorm(3).only(\"hidden\"), Constraints.maxNorm(1).only(\"out\"))");
        }
        for (int i = 0; i < constraints.length; i++) {
            Objects.requireNonNull(constraints[i], "constraint " + i + " of sequence(...) is null");
        }
        return new Sequence(constraints.clone());
    }

    /** Several constraints in order. */
    private record Sequence(Constraint[] constraints) implements Constraint {

        @Override
        public void apply(Model model) {
            for (Constraint constraint : constraints) {
                constraint.apply(model);
            }
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder("sequence(");
            for (int i = 0; i < constraints.length; i++) {
                text.append(i == 0 ? "" : ", ").append(constraints[i]);
            }
            return text.append(')').toString();
        }
    }
}
