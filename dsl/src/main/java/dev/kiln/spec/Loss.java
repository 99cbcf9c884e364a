package dev.kiln.spec;

/**
 * The training objective of a network. Every loss is a mean over the batch.
 */
public enum Loss {
    /** No loss: the network can run forward only (inference). */
    NONE,
    /** Mean squared error, averaged over every output of every sample: {@code mean((y - t)^2)}. */
    MSE,
    /**
     * Binary cross-entropy, averaged over every output of every sample. The last layer must be a
     * sigmoid or produce logits (no activation); either way the loss is computed from the logits, which
     * is stable for large magnitudes.
     */
    BINARY_CROSS_ENTROPY,
    /**
     * Softmax cross-entropy, averaged over the samples of the batch. The last layer must be a softmax
     * or produce logits (no activation); softmax and cross-entropy are fused, so the gradient that
     * reaches the logits is {@code softmax(z) - t} scaled by the batch, computed without overflow.
     */
    SOFTMAX_CROSS_ENTROPY;

    /** The name a user writes in source, e.g. {@code SOFTMAX_CROSS_ENTROPY}. */
    public String display() {
        return name();
    }
}
