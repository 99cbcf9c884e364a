package dev.kiln.runtime;

/**
 * A small, fast, deterministic random generator (SplitMix64): the same seed gives the same sequence on
 * every machine and JDK, so initialization and shuffling are reproducible and can be matched by other
 * implementations. Not thread-safe; not for cryptography.
 *
 * <p>Each output is {@code mix(state += 0x9E3779B97F4A7C15)}, where {@code mix} is the SplitMix64
 * finalizer (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014).
 */
public final class Rng {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    /** A generator whose state starts at {@code seed}. */
    public Rng(long seed) {
        this.state = seed;
    }

    /**
     * Restarts this generator at {@code seed}: it then gives what {@code new Rng(seed)} gives. A model
     * restarts its own generator this way, so that reseeding allocates nothing.
     */
    public void reset(long seed) {
        this.state = seed;
    }

    /** The next 64 random bits. */
    public long nextLong() {
        state += GOLDEN_GAMMA;
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * A uniformly distributed int in {@code [0, bound)}, without modulo bias.
     *
     * @throws IllegalArgumentException if {@code bound} is not positive
     */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound = " + bound + " must be positive");
        }
        // Draw 63 bits and reject the draws from the last, incomplete run of `bound` values (the
        // subtraction overflows exactly for them), as java.util.Random does with 31 bits.
        long bits = nextLong() >>> 1;
        long value = bits % bound;
        while (bits - value + (bound - 1) < 0) {
            bits = nextLong() >>> 1;
            value = bits % bound;
        }
        return (int) value;
    }

    /** A uniformly distributed float in {@code [0, 1)}, a multiple of 2^-24. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** A uniformly distributed double in {@code [0, 1)}, a multiple of 2^-53. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** A standard normal value (mean 0, standard deviation 1), by the Box-Muller transform. */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble(); // in (0, 1], so the logarithm is finite
        double u2 = nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /**
     * A random permutation of {@code 0, 1, ..., n - 1}: the identity shuffled by {@link #shuffle}.
     *
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public int[] permutation(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n = " + n + " must not be negative");
        }
        int[] permutation = new int[n];
        for (int i = 0; i < n; i++) {
            permutation[i] = i;
        }
        shuffle(permutation);
        return permutation;
    }

    /**
     * Shuffles {@code values} in place (Fisher-Yates, from the last element down): for {@code i = n - 1}
     * down to 1, swaps element {@code i} with element {@code remainderUnsigned(nextLong(), i + 1)}. This
     * exact procedure is part of the contract, so that other implementations can reproduce an order; its
     * modulo bias is below 2^-32 for any array Java can hold.
     */
    public void shuffle(int[] values) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = (int) Long.remainderUnsigned(nextLong(), i + 1);
            int swapped = values[i];
            values[i] = values[j];
            values[j] = swapped;
        }
    }
}
