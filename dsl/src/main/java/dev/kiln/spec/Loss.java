package dev.kiln.spec;

/**
 * The training objective of a network. Every loss is a mean over the batch; below, {@code y} is the
 * network's output, {@code t} the target (a row of as many values as the network has outputs), {@code B}
 * the batch and {@code N} the number of outputs per sample.
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
    SOFTMAX_CROSS_ENTROPY,
    /**
     * Mean absolute error, averaged over every output of every sample: {@code mean(|y - t|)}. Its
     * gradient is {@code sign(y - t) / (B N)}, taken as 0 where {@code y = t} (a subgradient). Less
     * sensitive to outliers than {@link #MSE}: it is minimized by the median rather than the mean.
     */
    MAE,
    /**
     * Mean bias error, averaged over every output of every sample: {@code mean(y - t)}, signed, so
     * errors of opposite sign cancel. It is mostly a metric: it says whether a model over-predicts
     * (positive) or under-predicts (negative) on average. As a loss its gradient is the constant
     * {@code 1 / (B N)}, whatever the data: minimizing it only pushes every output down, without bound,
     * so a network trained on it learns nothing about its targets. To measure it for a model trained
     * with another loss, use {@code Losses.meanBiasError} in the runtime.
     */
    MEAN_BIAS_ERROR,
    /**
     * Binary hinge loss for targets of -1 or +1 (not 0/1: map labels with {@code 2t - 1}), averaged over
     * every output of every sample: {@code mean(max(0, 1 - t y))}, the loss of a linear SVM. The outputs
     * are scores (no activation, or one that can go negative); the predicted class is the sign of the
     * score. Its gradient is {@code -t / (B N)} where {@code t y < 1}, else 0 (also at the kink
     * {@code t y = 1}). A target that is not -1 or +1 is an error naming its row.
     */
    HINGE,
    /**
     * Multiclass hinge loss, the Weston-Watkins SVM loss: per sample with class {@code c}, {@code
     * sum over j != c of max(0, y_j - y_c + 1)}, averaged over the samples. Targets are one-hot rows, as
     * for {@link #SOFTMAX_CROSS_ENTROPY} (a row that is not one-hot is an error naming it); the outputs
     * are scores (no activation). Each violated margin adds {@code 1 / B} to {@code d y_j} and subtracts
     * it from {@code d y_c}; a margin met exactly contributes 0.
     */
    MULTICLASS_HINGE,
    /**
     * Contrastive loss over pairs of samples (Hadsell, Chopra and LeCun, 2006): rows {@code 2i} and
     * {@code 2i + 1} of a batch are a pair, and the first value of their targets, the same on both rows,
     * is 1 when the two are similar and 0 when they are not (the other target values are ignored). With
     * {@code d} the Euclidean distance between the pair's outputs and {@code m} the network's margin,
     * the loss is {@code mean over pairs of y d^2 + (1 - y) max(0, m - d)^2}: similar pairs are pulled
     * together, dissimilar ones pushed at least {@code m} apart. Batches must have an even number of
     * rows, and the rows of a pair must stay adjacent (so shuffle pairs, not samples). Where a
     * dissimilar pair's outputs coincide ({@code d = 0}) the push has no direction, and its gradient is
     * taken as 0.
     */
    CONTRASTIVE,
    /**
     * Several losses at once: the last layer's outputs are split into consecutive slices, the network's
     * heads, each with its own loss and weight, and the loss is the weighted sum of the heads' losses
     * ({@link HeadSpec}). Declared by giving heads, e.g. {@code @Network(heads = {...})} or
     * {@code .head(3, Loss.SOFTMAX_CROSS_ENTROPY).head(1, Loss.MSE, 0.5)}, which makes this the loss.
     */
    MULTI_TASK;

    /** The name a user writes in source, e.g. {@code SOFTMAX_CROSS_ENTROPY}. */
    public String display() {
        return name();
    }

    /**
     * Whether the loss reads logits and applies its own sigmoid or softmax: binary and softmax
     * cross-entropy.
     */
    public boolean readsLogits() {
        return this == BINARY_CROSS_ENTROPY || this == SOFTMAX_CROSS_ENTROPY;
    }

    /** Whether the loss reads each target row as one-hot classes: softmax cross-entropy, multiclass hinge. */
    public boolean needsClasses() {
        return this == SOFTMAX_CROSS_ENTROPY || this == MULTICLASS_HINGE;
    }

    /** Whether the loss can be a head's loss: every loss but {@link #NONE} and {@link #MULTI_TASK}. */
    public boolean isHeadLoss() {
        return this != NONE && this != MULTI_TASK;
    }
}
