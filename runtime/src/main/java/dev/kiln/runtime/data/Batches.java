package dev.kiln.runtime.data;

import dev.kiln.runtime.Rng;
import java.util.Objects;

/**
 * Mini-batches over a {@link Dataset}, in a new random order every epoch. For epoch {@code e} (from 1)
 * the order is {@code new Rng(seed + e).permutation(size)}, so a run is reproducible from its seed and
 * any epoch can be replayed alone; the batches are consecutive slices of that order, the last one
 * smaller when the batch size does not divide the data.
 *
 * <p>Each batch is gathered into buffers allocated once, in the constructor, and overwritten by every
 * {@link #next()}; iterating allocates nothing:
 * <pre>{@code
 * batches.startEpoch(epoch);
 * while (batches.next()) {
 *     model.forward(batches.features(), 0, batches.size());
 *     ...
 * }
 * }</pre>
 */
public final class Batches {

    private final Dataset data;
    private final int batchSize;
    private final long seed;
    private final int[] order;
    private final float[] features;
    private final float[] targets;
    private final int[] labels;
    private int position;
    private int size;

    /**
     * Batches of {@code batchSize} samples of {@code data}.
     *
     * @throws IllegalArgumentException if {@code batchSize} is not positive
     */
    public Batches(Dataset data, int batchSize, long seed) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize = " + batchSize + " must be positive");
        }
        this.data = Objects.requireNonNull(data, "data");
        this.batchSize = batchSize;
        this.seed = seed;
        this.order = new int[data.size()];
        int capacity = Math.min(batchSize, data.size());
        this.features = new float[capacity * data.featureSize()];
        this.targets = new float[capacity * data.targetSize()];
        this.labels = data.labels() == null ? null : new int[capacity];
        this.position = -1;
    }

    /**
     * Starts epoch {@code epoch} (from 1): shuffles the order for it; the next {@link #next()} gathers its
     * first batch.
     *
     * @throws IllegalArgumentException if {@code epoch} is not positive
     */
    public void startEpoch(int epoch) {
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch = " + epoch + " must be positive (epochs count from 1)");
        }
        for (int s = 0; s < order.length; s++) {
            order[s] = s;
        }
        new Rng(seed + epoch).shuffle(order);
        position = 0;
        size = 0;
    }

    /**
     * Gathers the next batch of this epoch into {@link #features()}, {@link #targets()} and
     * {@link #labels()}.
     *
     * @return false, gathering nothing, when the epoch has no samples left
     * @throws IllegalStateException if no epoch was started
     */
    public boolean next() {
        if (position < 0) {
            throw new IllegalStateException("next() before the first startEpoch(epoch)");
        }
        if (position == order.length) {
            size = 0;
            return false;
        }
        size = Math.min(batchSize, order.length - position);
        int featureSize = data.featureSize();
        int targetSize = data.targetSize();
        for (int r = 0; r < size; r++) {
            int s = order[position + r];
            System.arraycopy(data.features(), s * featureSize, features, r * featureSize, featureSize);
            System.arraycopy(data.targets(), s * targetSize, targets, r * targetSize, targetSize);
            if (labels != null) {
                labels[r] = data.labels()[s];
            }
        }
        position += size;
        return true;
    }

    /** The number of samples in the current batch; 0 before the first {@link #next()} of an epoch. */
    public int size() {
        return size;
    }

    /** The current batch's features, row by row; only the first {@code size() * featureSize} are valid. */
    public float[] features() {
        return features;
    }

    /** The current batch's targets, row by row; only the first {@code size() * targetSize} are valid. */
    public float[] targets() {
        return targets;
    }

    /** The current batch's class labels, the first {@link #size()} valid; null for regression data. */
    public int[] labels() {
        return labels;
    }
}
