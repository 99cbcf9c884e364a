package dev.kiln.runtime.data;

import dev.kiln.runtime.Rng;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable set of samples, each a row of features and a row of targets, stored in two flat
 * row-major arrays so that a batch is a contiguous slice a model can read directly. A classification set
 * also keeps each sample's class label; its targets are what the loss compares against (one-hot rows, or
 * the label itself for a binary classifier with one output).
 *
 * <p>Every value is checked on construction: rows must be rectangular and every value finite, so that a
 * bad sample is reported where it is, not found later as a NaN loss.
 */
public final class Dataset {

    private final int size;
    private final int featureSize;
    private final int targetSize;
    private final float[] features;
    private final float[] targets;
    private final int[] labels;
    private final int classes;

    private Dataset(int size, float[] features, float[] targets, int[] labels, int classes) {
        this.size = size;
        this.featureSize = features.length / size;
        this.targetSize = targets.length / size;
        this.features = features;
        this.targets = targets;
        this.labels = labels;
        this.classes = classes;
    }

    /**
     * Samples with class labels in {@code [0, classes)}; the targets are one-hot rows of {@code classes}
     * values, for a softmax output.
     *
     * @throws IllegalArgumentException if there are no samples, the counts differ, {@code classes < 2}, a
     *     row is ragged or holds a non-finite value, or a label is out of range (naming the sample)
     */
    public static Dataset classification(float[][] features, int[] labels, int classes) {
        checkLabels(features, labels, classes);
        float[] targets = new float[Math.multiplyExact(labels.length, classes)];
        for (int s = 0; s < labels.length; s++) {
            targets[s * classes + labels[s]] = 1f;
        }
        return new Dataset(labels.length, Rows.flatten(features, "feature"), targets, labels.clone(), classes);
    }

    /**
     * Samples with class labels from features already flat, {@code featureSize} values per sample, as
     * {@link #classification(float[][], int[], int)} but taking the arrays without copying them: for
     * loaders of large data sets that build the flat array themselves ({@link Idx}).
     *
     * @throws IllegalArgumentException if there are no samples, the sizes disagree, a value is not finite
     *     or a label is out of range (naming the sample)
     */
    static Dataset classification(float[] features, int featureSize, int[] labels, int classes) {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        if (labels.length == 0 || featureSize < 1) {
            throw new IllegalArgumentException("no samples or no features: a data set needs at least one of each");
        }
        if ((long) labels.length * featureSize != features.length) {
            throw new IllegalArgumentException(features.length + " feature values for " + labels.length
                    + " samples of " + featureSize + " features");
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes = " + classes + ": a classification needs at least 2");
        }
        float[] targets = new float[Math.multiplyExact(labels.length, classes)];
        for (int s = 0; s < labels.length; s++) {
            if (labels[s] < 0 || labels[s] >= classes) {
                throw new IllegalArgumentException("sample " + s + " has label " + labels[s] + ", outside [0, "
                        + classes + ") (samples are numbered from 0)");
            }
            targets[s * classes + labels[s]] = 1f;
        }
        for (int v = 0; v < features.length; v++) {
            if (!Float.isFinite(features[v])) {
                throw new IllegalArgumentException("sample " + v / featureSize + ", feature " + v % featureSize
                        + " is " + features[v] + " (both numbered from 0); every value must be finite");
            }
        }
        return new Dataset(labels.length, features, targets, labels, classes);
    }

    /**
     * Samples with labels 0 and 1 for a binary classifier with a single (sigmoid or logit) output: the
     * target of each sample is its label, one value.
     *
     * @throws IllegalArgumentException as {@link #classification}, for labels outside {0, 1}
     */
    public static Dataset binaryClassification(float[][] features, int[] labels) {
        checkLabels(features, labels, 2);
        float[] targets = new float[labels.length];
        for (int s = 0; s < labels.length; s++) {
            targets[s] = labels[s];
        }
        return new Dataset(labels.length, Rows.flatten(features, "feature"), targets, labels.clone(), 2);
    }

    /**
     * Samples with labels 0 and 1 for a binary classifier trained with the hinge loss
     * ({@code Loss.HINGE}), which wants targets of -1 and +1: the target of each sample is -1 for label 0
     * and +1 for label 1; the labels stay 0 and 1, so accuracy reads them as usual (a score above 0 is
     * class 1).
     *
     * @throws IllegalArgumentException as {@link #classification}, for labels outside {0, 1}
     */
    public static Dataset signedBinaryClassification(float[][] features, int[] labels) {
        checkLabels(features, labels, 2);
        float[] targets = new float[labels.length];
        for (int s = 0; s < labels.length; s++) {
            targets[s] = labels[s] == 1 ? 1f : -1f;
        }
        return new Dataset(labels.length, Rows.flatten(features, "feature"), targets, labels.clone(), 2);
    }

    /**
     * Samples with real-valued target rows, for regression; they have no labels.
     *
     * @throws IllegalArgumentException if there are no samples, the counts differ, or a row is ragged or
     *     holds a non-finite value (naming the sample and column)
     */
    public static Dataset regression(float[][] features, float[][] targets) {
        requireSamples(features);
        Objects.requireNonNull(targets, "targets");
        if (targets.length != features.length) {
            throw new IllegalArgumentException(features.length + " feature rows but " + targets.length
                    + " target rows");
        }
        return new Dataset(features.length, Rows.flatten(features, "feature"), Rows.flatten(targets, "target"),
                null, 0);
    }

    /** The number of samples, at least 1. */
    public int size() {
        return size;
    }

    /** Values per feature row. */
    public int featureSize() {
        return featureSize;
    }

    /** Values per target row. */
    public int targetSize() {
        return targetSize;
    }

    /**
     * All features, {@code size() * featureSize()} values, sample {@code s} at
     * {@code [s * featureSize(), (s + 1) * featureSize())}. This is the data set's own array, shared so
     * that it can be fed to a model without a copy: read it, never write it.
     */
    public float[] features() {
        return features;
    }

    /** All targets, laid out as {@link #features()}; the data set's own array: read it, never write it. */
    public float[] targets() {
        return targets;
    }

    /** Each sample's class label; null for regression. The data set's own array: read it, never write it. */
    public int[] labels() {
        return labels;
    }

    /** The number of classes; 0 for regression. */
    public int classes() {
        return classes;
    }

    /**
     * The samples at {@code indices}, in that order (an index may repeat).
     *
     * @throws IllegalArgumentException if {@code indices} is empty or holds an index outside
     *     {@code [0, size())}
     */
    public Dataset subset(int[] indices) {
        if (indices.length == 0) {
            throw new IllegalArgumentException("subset: no indices; a data set needs at least one sample");
        }
        float[] subFeatures = new float[indices.length * featureSize];
        float[] subTargets = new float[indices.length * targetSize];
        int[] subLabels = labels == null ? null : new int[indices.length];
        for (int r = 0; r < indices.length; r++) {
            int s = indices[r];
            if (s < 0 || s >= size) {
                throw new IllegalArgumentException("subset: index " + s + " at position " + r + " is outside [0, "
                        + size + ")");
            }
            System.arraycopy(features, s * featureSize, subFeatures, r * featureSize, featureSize);
            System.arraycopy(targets, s * targetSize, subTargets, r * targetSize, targetSize);
            if (subLabels != null) {
                subLabels[r] = labels[s];
            }
        }
        return new Dataset(indices.length, subFeatures, subTargets, subLabels, classes);
    }

    /**
     * Shuffles the samples with {@code new Rng(seed).permutation(size())} and cuts them in two: the first
     * {@code round(trainFraction * size())} go to the training part, the others to the test part.
     *
     * @throws IllegalArgumentException if {@code trainFraction} is not strictly between 0 and 1, or leaves
     *     either part empty
     */
    public Split split(double trainFraction, long seed) {
        if (!(trainFraction > 0 && trainFraction < 1)) {
            throw new IllegalArgumentException("trainFraction = " + trainFraction + " must be in (0, 1)");
        }
        int trainSize = (int) Math.round(trainFraction * size);
        if (trainSize == 0 || trainSize == size) {
            throw new IllegalArgumentException("trainFraction = " + trainFraction + " of " + size
                    + " samples leaves the " + (trainSize == 0 ? "training" : "test") + " part empty");
        }
        int[] order = new Rng(seed).permutation(size);
        return new Split(subset(Arrays.copyOfRange(order, 0, trainSize)),
                subset(Arrays.copyOfRange(order, trainSize, size)));
    }

    /**
     * Holds out {@code fraction} of the samples, drawn at random, as validation (dev) data: the samples are
     * shuffled with {@code new Rng(seed).permutation(size())}, the last {@code round(fraction * size())} of
     * that order form the held-out part ({@link Split#test()}) and the others, in that order, the rest
     * ({@link Split#train()}). The same seed holds out the same samples.
     *
     * @throws IllegalArgumentException if {@code fraction} is not strictly between 0 and 1, or leaves either
     *     part empty
     */
    public Split holdOut(double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("fraction = " + fraction + " must be in (0, 1)");
        }
        int heldOut = (int) Math.round(fraction * size);
        if (heldOut == 0 || heldOut == size) {
            throw new IllegalArgumentException("holding out " + fraction + " of " + size + " samples leaves the "
                    + (heldOut == 0 ? "held-out" : "training") + " part empty; use more data or another fraction");
        }
        int[] order = new Rng(seed).permutation(size);
        return new Split(subset(Arrays.copyOfRange(order, 0, size - heldOut)),
                subset(Arrays.copyOfRange(order, size - heldOut, size)));
    }

    /** The same samples with other features (as many per sample), for transforms such as {@link Standardizer}. */
    Dataset withFeatures(float[] newFeatures) {
        if (newFeatures.length != features.length) {
            throw new IllegalArgumentException(newFeatures.length + " feature values for " + size + " samples of "
                    + featureSize + " features");
        }
        return new Dataset(size, newFeatures, targets, labels, classes);
    }

    @Override
    public String toString() {
        return "Dataset[" + size + " samples, " + featureSize + " features, "
                + (labels == null ? targetSize + " targets" : classes + " classes") + "]";
    }

    private static void requireSamples(float[][] features) {
        Objects.requireNonNull(features, "features");
        if (features.length == 0) {
            throw new IllegalArgumentException("no samples: a data set needs at least one");
        }
    }

    private static void checkLabels(float[][] features, int[] labels, int classes) {
        requireSamples(features);
        Objects.requireNonNull(labels, "labels");
        if (labels.length != features.length) {
            throw new IllegalArgumentException(features.length + " feature rows but " + labels.length + " labels");
        }
        if (classes < 2) {
            throw new IllegalArgumentException("classes = " + classes + ": a classification needs at least 2");
        }
        for (int s = 0; s < labels.length; s++) {
            if (labels[s] < 0 || labels[s] >= classes) {
                throw new IllegalArgumentException("sample " + s + " has label " + labels[s] + ", outside [0, "
                        + classes + ") (samples are numbered from 0)");
            }
        }
    }
}
