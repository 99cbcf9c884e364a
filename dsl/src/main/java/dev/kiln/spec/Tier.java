package dev.kiln.spec;

/**
 * How the generated class computes a Dense layer. The planner picks one per layer ({@link #AUTO}), by
 * the layer's size, where measurement put the threshold (docs/decisions.md, "Planner tiers"); a layer
 * may ask for one. The interpreter always runs the runtime's kernels; the tiers differ only in float
 * rounding, never in what they compute.
 */
public enum Tier {
    /**
     * The planner decides by the layer's size and, for tiny layers, the batch: {@link #UNROLLED} for the
     * tiniest at small batches, {@link #BLAS} otherwise.
     */
    AUTO,
    /**
     * Straight-line code written into the generated class: the layer's weights read into local variables
     * once per pass, then for each sample one expression per output (and in the backward pass one per
     * weight gradient and input gradient), with the bias and the following activation and their
     * derivatives in the same code. For layers of at most {@link #UNROLLED_MAX_WEIGHTS} weights and
     * {@link #UNROLLED_MAX_OUTPUTS} outputs.
     */
    UNROLLED,
    /**
     * Loops with constant bounds, written into the generated class, with the bias and the following
     * activation (and in the backward pass their derivatives) in the same loops: no call, no extra pass.
     */
    LOOPS,
    /**
     * Matrix products through the {@code Blas} backend (native when present), then the runtime's passes
     * for the bias and the activation (measured faster than a generated pass fusing them).
     */
    BLAS;

    /**
     * The most weights a layer computed {@link #UNROLLED} may have. With {@link #UNROLLED_MAX_OUTPUTS},
     * it keeps the straight-line backward pass under the 8,000 bytes of bytecode that the JIT compiles in
     * one method (a larger method would run interpreted).
     */
    public static final int UNROLLED_MAX_WEIGHTS = 96;

    /** The most outputs a layer computed {@link #UNROLLED} may have; see {@link #UNROLLED_MAX_WEIGHTS}. */
    public static final int UNROLLED_MAX_OUTPUTS = 32;
}
