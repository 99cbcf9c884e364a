package dev.kiln.spec;

/**
 * How the generated class computes a Dense layer. The planner picks one per layer ({@link #AUTO}), by
 * the layer's size, where measurement put the threshold (docs/decisions.md, "Planner tiers"); a layer
 * may ask for one. The interpreter always runs the runtime's kernels; the tiers differ only in float
 * rounding, never in what they compute.
 */
public enum Tier {
    /** The planner decides: {@link #LOOPS} for small layers, {@link #BLAS} for large ones. */
    AUTO,
    /**
     * Loops with constant bounds, written into the generated class, with the bias and the following
     * activation (and in the backward pass their derivatives) in the same loops: no call, no extra pass.
     */
    LOOPS,
    /**
     * Matrix products through the {@code Blas} backend (native when present), then the runtime's passes
     * for the bias and the activation (measured faster than a generated pass fusing them).
     */
    BLAS
}
