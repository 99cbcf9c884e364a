package dev.kiln.samples.tour;

import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.Split;
import dev.kiln.runtime.data.Standardizer;
import dev.kiln.samples.data.SmallDatasets;
import java.util.Arrays;
import java.util.List;

/**
 * The tour's data: the three small data sets that ship with the samples, split and scaled the way each
 * chapter needs, always with {@link Tour#SEED}. Scaling statistics come from the training part alone
 * and are applied unchanged to the rest, so no test sample leaks into training.
 */
final class TourData {

    /** The fraction of a data set used for training; the rest is divided between dev and test. */
    static final double TRAIN_FRACTION = 0.6;

    /** Wine's 13 measurements, in the data set's order (the first, alcohol, is the regression target). */
    static final List<String> WINE_FEATURES = List.of("alcohol", "malic acid", "ash", "alcalinity of ash",
            "magnesium", "total phenols", "flavanoids", "nonflavanoid phenols", "proanthocyanins",
            "color intensity", "hue", "OD280/OD315", "proline");

    private TourData() {
    }

    /**
     * Training, development and test data.
     *
     * @param train what the model learns from
     * @param dev   what choices (epochs, architectures, hyperparameters) are judged on
     * @param test  measured once, at the end, for an honest estimate
     */
    record ThreeWay(Dataset train, Dataset dev, Dataset test) {
    }

    /**
     * A regression data set with its targets standardized, and how to read predictions back in the
     * target's units.
     *
     * @param data       the standardized features and targets
     * @param targetMean the training targets' mean, in the target's units
     * @param targetStd  the training targets' standard deviation, in the target's units
     */
    record Regression(ThreeWay data, double targetMean, double targetStd) {
    }

    /** Iris, 60/20/20, standardized. */
    static ThreeWay iris() {
        return standardized(threeWay(SmallDatasets.iris()));
    }

    /**
     * Wine as a binary problem, cultivar 0 against the other two (59 of 178 wines are of cultivar 0),
     * 60/20/20, standardized.
     */
    static ThreeWay wineCultivarZero() {
        Dataset wine = SmallDatasets.wine();
        float[][] rows = rows(wine.features(), wine.size(), wine.featureSize(), 0, wine.featureSize());
        int[] labels = new int[wine.size()];
        for (int s = 0; s < labels.length; s++) {
            labels[s] = wine.labels()[s] == 0 ? 1 : 0;
        }
        return standardized(threeWay(Dataset.binaryClassification(rows, labels)));
    }

    /** Wine's three cultivars, 60/20/20, standardized. */
    static ThreeWay wine() {
        return standardized(threeWay(SmallDatasets.wine()));
    }

    /**
     * The handwritten digits, 60/20/20, each pixel divided by 16 into [0, 1]. Pixels are not standardized:
     * some are almost always blank in the training part, and their tiny deviation would blow up the few
     * dev or test digits that do touch them.
     */
    static ThreeWay digits() {
        Dataset digits = SmallDatasets.digits();
        float[][] rows = rows(digits.features(), digits.size(), digits.featureSize(), 0, digits.featureSize());
        for (float[] row : rows) {
            for (int j = 0; j < row.length; j++) {
                row[j] /= 16f;
            }
        }
        return threeWay(Dataset.classification(rows, digits.labels(), digits.classes()));
    }

    /**
     * Wine's alcohol content predicted from its 12 other measurements: features standardized, and the
     * target too (with the training part's mean and deviation), so that a network's output starts near it.
     */
    static Regression wineAlcohol() {
        Dataset wine = SmallDatasets.wine();
        int width = wine.featureSize();
        float[][] features = rows(wine.features(), wine.size(), width, 1, width);
        float[][] targets = rows(wine.features(), wine.size(), width, 0, 1);
        ThreeWay raw = threeWay(Dataset.regression(features, targets));
        float[] train = raw.train().targets();
        double mean = 0;
        for (float t : train) {
            mean += t;
        }
        mean /= train.length;
        double squares = 0;
        for (float t : train) {
            squares += (t - mean) * (t - mean);
        }
        double std = Math.sqrt(squares / train.length);
        ThreeWay scaled = standardized(new ThreeWay(scaleTargets(raw.train(), mean, std),
                scaleTargets(raw.dev(), mean, std), scaleTargets(raw.test(), mean, std)));
        return new Regression(scaled, mean, std);
    }

    /** Splits {@code data} 60/20/20 with the tour's seed. */
    static ThreeWay threeWay(Dataset data) {
        Split first = data.split(TRAIN_FRACTION, Tour.SEED);
        Split rest = first.test().split(0.5, Tour.SEED);
        return new ThreeWay(first.train(), rest.train(), rest.test());
    }

    /** Standardizes all three parts with the training part's statistics. */
    private static ThreeWay standardized(ThreeWay data) {
        Standardizer standardizer = Standardizer.fit(data.train());
        return new ThreeWay(standardizer.apply(data.train()), standardizer.apply(data.dev()),
                standardizer.apply(data.test()));
    }

    private static Dataset scaleTargets(Dataset data, double mean, double std) {
        float[] targets = data.targets();
        float[][] scaled = new float[data.size()][1];
        for (int s = 0; s < data.size(); s++) {
            scaled[s][0] = (float) ((targets[s] - mean) / std);
        }
        return Dataset.regression(rows(data.features(), data.size(), data.featureSize(), 0, data.featureSize()),
                scaled);
    }

    /** Columns {@code [from, to)} of each of {@code size} rows of {@code width} values, as rows of their own. */
    private static float[][] rows(float[] flat, int size, int width, int from, int to) {
        float[][] rows = new float[size][];
        for (int s = 0; s < size; s++) {
            rows[s] = Arrays.copyOfRange(flat, s * width + from, s * width + to);
        }
        return rows;
    }
}
