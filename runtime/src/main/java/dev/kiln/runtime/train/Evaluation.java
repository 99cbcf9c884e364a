package dev.kiln.runtime.train;

import dev.kiln.runtime.Model;
import dev.kiln.runtime.data.Dataset;

/**
 * Measures a model on a whole data set, in chunks of {@link Model#maxBatch()} samples read straight from
 * the data set's arrays. Each measure runs forward passes, so it overwrites the model's buffers (not its
 * parameters or gradients). {@link #measures} takes every measure in one pass; {@link #confusionMatrix}
 * and {@link #report} tell the classes apart.
 *
 * <p>Every measure runs the model in inference mode ({@link Model#setTraining setTraining(false)}), so
 * that dropout layers pass values through and a measure is deterministic, and gives the model its mode
 * back afterwards, whichever it was.
 */
public final class Evaluation {

    private Evaluation() {
    }

    /**
     * The fraction of samples whose predicted class equals their label: the index of the largest output,
     * or for a single-output model, class 1 when the output exceeds 0.5 (0 when the output is a logit: the
     * network is trained with binary cross-entropy and does not end with a sigmoid).
     *
     * @throws IllegalArgumentException if the data has no labels or does not fit the model
     */
    public static double accuracy(Model model, Dataset data) {
        requireFits(model, data, "data");
        if (data.labels() == null) {
            throw new IllegalArgumentException("accuracy needs class labels, but " + data + " has none");
        }
        Predictions predictions = new Predictions(model);
        long correct = 0;
        boolean training = inference(model);
        try {
            for (int start = 0; start < data.size(); start += model.maxBatch()) {
                int count = Math.min(model.maxBatch(), data.size() - start);
                float[] outputs = model.forward(data.features(), start * data.featureSize(), count);
                correct += predictions.correct(outputs, data.labels(), start, count);
            }
        } finally {
            model.setTraining(training);
        }
        return (double) correct / data.size();
    }

    /**
     * The model's loss averaged over every sample (each chunk's mean weighted by its size).
     *
     * @throws IllegalArgumentException if the data does not fit the model
     * @throws IllegalStateException    if the network declares no loss
     */
    public static double meanLoss(Model model, Dataset data) {
        requireFits(model, data, "data");
        double sum = 0;
        boolean training = inference(model);
        try {
            for (int start = 0; start < data.size(); start += model.maxBatch()) {
                int count = Math.min(model.maxBatch(), data.size() - start);
                model.forward(data.features(), start * data.featureSize(), count);
                sum += (double) model.loss(data.targets(), start * data.targetSize()) * count;
            }
        } finally {
            model.setTraining(training);
        }
        return sum / data.size();
    }

    /**
     * The errors of a regression model's outputs against the data's targets, over every output of every
     * sample: {@code rmse = sqrt(mean((y - t)^2))}, {@code mae = mean(|y - t|)} and the signed
     * {@code meanBiasError = mean(y - t)} (positive when the model predicts too high), summed in double.
     *
     * @param rmse          the root of the mean squared error
     * @param mae           the mean absolute error
     * @param meanBiasError the mean signed error
     */
    public record RegressionErrors(double rmse, double mae, double meanBiasError) {
    }

    /**
     * The regression errors of the model's outputs against the data's targets (see {@link RegressionErrors}),
     * whatever loss the network declares (none included).
     *
     * @throws IllegalArgumentException if the data does not fit the model
     */
    public static RegressionErrors regressionErrors(Model model, Dataset data) {
        requireFits(model, data, "data");
        double squares = 0;
        double absolutes = 0;
        double signed = 0;
        int width = data.targetSize();
        float[] targets = data.targets();
        boolean training = inference(model);
        try {
            for (int start = 0; start < data.size(); start += model.maxBatch()) {
                int count = Math.min(model.maxBatch(), data.size() - start);
                float[] outputs = model.forward(data.features(), start * data.featureSize(), count);
                for (int k = 0; k < count * width; k++) {
                    double error = (double) outputs[k] - targets[start * width + k];
                    squares += error * error;
                    absolutes += Math.abs(error);
                    signed += error;
                }
            }
        } finally {
            model.setTraining(training);
        }
        double values = (double) data.size() * width;
        return new RegressionErrors(Math.sqrt(squares / values), absolutes / values, signed / values);
    }

    /**
     * The model's loss and, when the data has labels, its accuracy, precision, recall and F1, in one pass
     * over the data: the values {@link #meanLoss}, {@link #accuracy} and {@link #report} give.
     *
     * @throws IllegalArgumentException if the data does not fit the model
     * @throws IllegalStateException    if the network declares no loss
     */
    public static Measures measures(Model model, Dataset data) {
        requireFits(model, data, "data");
        Predictions predictions = new Predictions(model);
        boolean labelled = data.labels() != null;
        long[] confusion = labelled ? new long[predictions.classes() * predictions.classes()] : null;
        double sum = 0;
        boolean training = inference(model);
        try {
            for (int start = 0; start < data.size(); start += model.maxBatch()) {
                int count = Math.min(model.maxBatch(), data.size() - start);
                float[] outputs = model.forward(data.features(), start * data.featureSize(), count);
                if (labelled) {
                    predictions.tally(outputs, data.labels(), start, count, confusion);
                }
                sum += (double) model.loss(data.targets(), start * data.targetSize()) * count;
            }
        } finally {
            model.setTraining(training);
        }
        return Measures.of(sum / data.size(), labelled ? report(predictions, confusion) : null);
    }

    /**
     * How often the model predicts each class for each actual class (see {@link Predictions} for how an
     * output becomes a class: the largest output, or a threshold on a single output, which gives 2 classes).
     *
     * @throws IllegalArgumentException if the data has no labels or does not fit the model
     */
    public static ConfusionMatrix confusionMatrix(Model model, Dataset data) {
        requireFits(model, data, "data");
        if (data.labels() == null) {
            throw new IllegalArgumentException("a confusion matrix needs class labels, but " + data + " has none");
        }
        Predictions predictions = new Predictions(model);
        long[] confusion = new long[predictions.classes() * predictions.classes()];
        boolean training = inference(model);
        try {
            for (int start = 0; start < data.size(); start += model.maxBatch()) {
                int count = Math.min(model.maxBatch(), data.size() - start);
                float[] outputs = model.forward(data.features(), start * data.featureSize(), count);
                predictions.tally(outputs, data.labels(), start, count, confusion);
            }
        } finally {
            model.setTraining(training);
        }
        return ConfusionMatrix.ofFlat(confusion, predictions.classes());
    }

    /**
     * The model's precision, recall and F1 on the data: of class 1 for a model with a single output
     * ({@link ClassificationReport.Average#BINARY}), macro-averaged over the classes otherwise.
     *
     * @throws IllegalArgumentException if the data has no labels or does not fit the model
     */
    public static ClassificationReport report(Model model, Dataset data) {
        return ClassificationReport.of(confusionMatrix(model, data), new Predictions(model).average());
    }

    /** The report over counts laid out {@code [actual * classes + predicted]}. */
    static ClassificationReport report(Predictions predictions, long[] confusion) {
        return ClassificationReport.of(ConfusionMatrix.ofFlat(confusion, predictions.classes()),
                predictions.average());
    }

    /** Puts the model in inference mode; returns whether it was in training mode, to give that back. */
    private static boolean inference(Model model) {
        boolean training = model.training();
        model.setTraining(false);
        return training;
    }

    /**
     * Checks that {@code data}'s rows have the model's input and output widths.
     *
     * @param role what the message calls the data, e.g. {@code training data}
     */
    static void requireFits(Model model, Dataset data, String role) {
        String network = model.spec().name();
        if (data.featureSize() != model.inputSize()) {
            throw new IllegalArgumentException(network + ": the " + role + " has " + data.featureSize()
                    + " features per sample, but the network takes " + model.inputSize());
        }
        if (data.targetSize() != model.outputSize()) {
            throw new IllegalArgumentException(network + ": the " + role + " has " + data.targetSize()
                    + " target values per sample, but the network outputs " + model.outputSize());
        }
    }
}
