package dev.kiln.runtime;

import java.util.Objects;

/**
 * Picks a class from a model's scores: a draw from {@code softmax(logits / temperature)}, as a
 * character-level language model does to write text one character at a time. Temperature 1 samples the
 * model's own distribution, lower values sharpen it toward the likeliest class, higher values flatten it
 * toward uniform, and temperature 0 takes the likeliest class (argmax) without drawing.
 *
 * <pre>{@code
 * float[] logits = model.forward(input, 0, 1);
 * int next = Sampling.sample(logits, 0, vocabularySize, 0.8, rng);
 * }</pre>
 *
 * <p>The draw is part of the contract, so that a sequence can be replayed from its seed: for a positive
 * temperature {@code T}, one {@code u = rng.nextDouble()}; the weights
 * {@code w_j = exp((logit_j - max) / T)} in double precision, {@code max} the largest logit; the result is
 * the first {@code j} whose running sum {@code w_0 + ... + w_j} exceeds {@code u (w_0 + ... + w_{width-1})}.
 * Temperature 0 draws nothing and returns the first of the largest logits. A logit of negative infinity
 * has probability 0, so it can mask classes out. Nothing is allocated.
 */
public final class Sampling {

    private Sampling() {
    }

    /**
     * A class in {@code [0, width)} drawn from {@code softmax(logits[offset .. offset + width) / temperature)}
     * (see the class comment).
     *
     * @param temperature 0 for the argmax, else positive
     * @throws IllegalArgumentException if {@code width} is not positive, the range is outside {@code logits},
     *     the temperature is negative or not finite, or a logit is NaN or positive infinity, or every logit
     *     is negative infinity
     */
    public static int sample(float[] logits, int offset, int width, double temperature, Rng rng) {
        Objects.requireNonNull(logits, "logits");
        Objects.requireNonNull(rng, "rng");
        if (width < 1) {
            throw new IllegalArgumentException("width = " + width + ": a distribution needs at least one class");
        }
        if (offset < 0 || (long) offset + width > logits.length) {
            throw new IllegalArgumentException("logits [" + offset + ", " + ((long) offset + width)
                    + ") are outside the array of " + logits.length);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature = " + temperature
                    + ": must be 0 (argmax) or positive and finite (1 samples the model's own distribution)");
        }
        int best = offset;
        for (int j = offset; j < offset + width; j++) {
            float logit = logits[j];
            if (Float.isNaN(logit) || logit == Float.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("logit " + logit + " at index " + j
                        + ": logits must be finite or negative infinity (a masked class)");
            }
            if (logit > logits[best]) {
                best = j;
            }
        }
        float max = logits[best];
        if (max == Float.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException("logits [" + offset + ", " + (offset + width)
                    + ") are all negative infinity: every class is masked out");
        }
        if (temperature == 0) {
            return best - offset;
        }
        double total = 0;
        for (int j = offset; j < offset + width; j++) {
            total += Math.exp((logits[j] - (double) max) / temperature);
        }
        double threshold = rng.nextDouble() * total;
        double sum = 0;
        int last = best;
        for (int j = offset; j < offset + width; j++) {
            double weight = Math.exp((logits[j] - (double) max) / temperature);
            if (weight > 0) {
                sum += weight;
                last = j;
                if (sum > threshold) {
                    return j - offset;
                }
            }
        }
        return last - offset; // rounding left the threshold at the total: the last class that can occur
    }
}
