package dev.kiln.runtime.data;

import java.util.Objects;

/**
 * Standardizes features to zero mean and unit variance: {@code (x - mean) / std}, per feature, with the
 * mean and standard deviation measured on the training data alone and then applied unchanged to
 * validation, test and serving data (measuring them on all data would leak the test set into training).
 * A feature that is constant in the training data is only centred.
 *
 * <pre>{@code
 * Standardizer standardizer = Standardizer.fit(split.train());
 * Dataset train = standardizer.apply(split.train());
 * Dataset test = standardizer.apply(split.test());
 * }</pre>
 */
public final class Standardizer {

    private final float[] mean;
    private final float[] deviation;

    private Standardizer(float[] mean, float[] deviation) {
        this.mean = mean;
        this.deviation = deviation;
    }

    /** Measures each feature's mean and (population) standard deviation over {@code train}, in double. */
    public static Standardizer fit(Dataset train) {
        Objects.requireNonNull(train, "train");
        int width = train.featureSize();
        float[] x = train.features();
        double[] sum = new double[width];
        double[] squares = new double[width];
        for (int s = 0; s < train.size(); s++) {
            for (int j = 0; j < width; j++) {
                sum[j] += x[s * width + j];
            }
        }
        float[] mean = new float[width];
        for (int j = 0; j < width; j++) {
            mean[j] = (float) (sum[j] / train.size());
        }
        for (int s = 0; s < train.size(); s++) {
            for (int j = 0; j < width; j++) {
                double d = x[s * width + j] - (double) mean[j];
                squares[j] += d * d;
            }
        }
        float[] deviation = new float[width];
        for (int j = 0; j < width; j++) {
            double std = Math.sqrt(squares[j] / train.size());
            deviation[j] = std > 0 ? (float) std : 1f;
        }
        return new Standardizer(mean, deviation);
    }

    /**
     * The data set with its features standardized; targets and labels are shared.
     *
     * @throws IllegalArgumentException if it has another number of features than the data this was fit on
     */
    public Dataset apply(Dataset data) {
        requireWidth(data.featureSize());
        float[] x = data.features().clone();
        applyInPlace(x, 0, data.size());
        return data.withFeatures(x);
    }

    /**
     * Standardizes {@code samples} rows of features in place, starting at {@code offset}: for serving,
     * where the inputs do not form a {@link Dataset}.
     *
     * @throws IllegalArgumentException if the array is too short for that many rows
     */
    public void applyInPlace(float[] features, int offset, int samples) {
        int width = mean.length;
        if (offset < 0 || samples < 0 || (long) offset + (long) samples * width > features.length) {
            throw new IllegalArgumentException(samples + " samples of " + width + " features from offset " + offset
                    + " do not fit in an array of " + features.length);
        }
        for (int s = 0; s < samples; s++) {
            int row = offset + s * width;
            for (int j = 0; j < width; j++) {
                features[row + j] = (features[row + j] - mean[j]) / deviation[j];
            }
        }
    }

    /** The mean of each feature in the training data (a copy). */
    public float[] mean() {
        return mean.clone();
    }

    /** The standard deviation of each feature in the training data, 1 for a constant one (a copy). */
    public float[] standardDeviation() {
        return deviation.clone();
    }

    private void requireWidth(int width) {
        if (width != mean.length) {
            throw new IllegalArgumentException("the data has " + width + " features, but the standardizer was fit on "
                    + mean.length);
        }
    }
}
