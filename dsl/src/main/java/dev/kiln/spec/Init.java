package dev.kiln.spec;

/**
 * How a layer's weights are initialized; biases always start at zero. {@code fanIn} and {@code fanOut}
 * are the layer's input and output widths.
 */
public enum Init {
    /**
     * Chosen from the activation that follows the layer: {@link #HE_NORMAL} before ReLU, leaky ReLU and
     * ELU; {@link #XAVIER_UNIFORM} otherwise (sigmoid, tanh, softmax, identity).
     */
    AUTO,
    /** All zeros. Units then stay identical (symmetry is never broken): for teaching and baselines. */
    ZEROS,
    /** {@code U(-scale, scale)}. */
    UNIFORM,
    /** {@code N(0, scale^2)}. */
    NORMAL,
    /** Glorot: {@code U(-a, a)}, {@code a = sqrt(6 / (fanIn + fanOut))}. */
    XAVIER_UNIFORM,
    /** Glorot: {@code N(0, 2 / (fanIn + fanOut))}. */
    XAVIER_NORMAL,
    /** He: {@code U(-a, a)}, {@code a = sqrt(6 / fanIn)}. */
    HE_UNIFORM,
    /** He: {@code N(0, 2 / fanIn)}. */
    HE_NORMAL;

    /** Whether the scale parameter is used. */
    public boolean usesScale() {
        return this == UNIFORM || this == NORMAL;
    }
}
