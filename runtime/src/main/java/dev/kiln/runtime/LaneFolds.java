package dev.kiln.runtime;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fixed lane pairings of the preferred float vectors, with which the kernels sum a vector's lanes in one
 * order whatever code runs them: {@code v = v + v.rearrange(BY_8)} (only with 16 lanes), then {@link #BY_4}
 * (8 lanes or more), {@link #BY_2} (4 or more) and {@link #BY_1}, and lane 0 holds the sum. The Vector API
 * leaves the order of {@code reduceLanes(ADD)} open, and the JIT's compiled reduction and the interpreter's
 * added the lanes differently, so that a seeded run's results depended on when the JIT compiled its loops
 * (docs/decisions.md, "Lanes are summed in a fixed order"). Each kernel writes the folds out itself: a
 * method of ours that took or returned a vector would box it wherever the JIT did not inline it.
 *
 * <p>Loaded only by classes that use the Vector API, after {@link Vectors#available()}.
 */
public final class LaneFolds {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    /** Lane {@code i} takes lane {@code i ^ 8}, with 16 lanes. */
    public static final VectorShuffle<Float> BY_8 = VectorShuffle.fromOp(SPECIES, i -> (i ^ 8) % L);
    /** Lane {@code i} takes lane {@code i ^ 4}. */
    public static final VectorShuffle<Float> BY_4 = VectorShuffle.fromOp(SPECIES, i -> (i ^ 4) % L);
    /** Lane {@code i} takes lane {@code i ^ 2}. */
    public static final VectorShuffle<Float> BY_2 = VectorShuffle.fromOp(SPECIES, i -> (i ^ 2) % L);
    /** Lane {@code i} takes lane {@code i ^ 1}. */
    public static final VectorShuffle<Float> BY_1 = VectorShuffle.fromOp(SPECIES, i -> (i ^ 1) % L);

    private LaneFolds() {
    }
}
