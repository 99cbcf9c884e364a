package dev.kiln.runtime.train;

import dev.kiln.runtime.Model;
import dev.kiln.runtime.data.Dataset;

/**
 * Measures a model on a whole data set, in chunks of {@link Model#maxBatch()} samples read straight from
 * the data set's arrays. Each measure runs forward passes, so it overwrites the model's buffers (not its
 * parameters or gradients).
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
        for (int start = 0; start < data.size(); start += model.maxBatch()) {
            int count = Math.min(model.maxBatch(), data.size() - start);
            float[] outputs = model.forward(data.features(), start * data.featureSize(), count);
            correct += predictions.correct(outputs, data.labels(), start, count);
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
        for (int start = 0; start < data.size(); start += model.maxBatch()) {
            int count = Math.min(model.maxBatch(), data.size() - start);
            model.forward(data.features(), start * data.featureSize(), count);
            sum += (double) model.loss(data.targets(), start * data.targetSize()) * count;
        }
        return sum / data.size();
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
