package dev.kiln.runtime.train;

import dev.kiln.runtime.Model;
import dev.kiln.spec.Activation;
import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import java.util.List;

/**
 * Turns a model's outputs into class predictions: the index of the largest output, or for a model with a
 * single output, class 1 when the output exceeds a threshold: 0.5 for a probability, 0 for a logit (the
 * output of a network trained with binary cross-entropy that does not end with a sigmoid). Such a model
 * has two classes, and its precision, recall and F1 are those of class 1
 * ({@link ClassificationReport.Average#BINARY}); a model with several outputs has one class per output,
 * and they are averaged over the classes ({@link ClassificationReport.Average#MACRO}).
 */
final class Predictions {

    private final int width;
    private final float threshold;

    Predictions(Model model) {
        this.width = model.outputSize();
        this.threshold = outputsLogits(model.spec()) ? 0f : 0.5f;
    }

    /** The number of classes: the number of outputs, or 2 for a single output. */
    int classes() {
        return width == 1 ? 2 : width;
    }

    /** How precision, recall and F1 are combined over the classes. */
    ClassificationReport.Average average() {
        return width == 1 ? ClassificationReport.Average.BINARY : ClassificationReport.Average.MACRO;
    }

    /** The number of the {@code count} output rows whose prediction equals {@code labels[labelOffset + r]}. */
    int correct(float[] outputs, int[] labels, int labelOffset, int count) {
        int correct = 0;
        for (int r = 0; r < count; r++) {
            if (predict(outputs, r * width) == labels[labelOffset + r]) {
                correct++;
            }
        }
        return correct;
    }

    /**
     * Adds the {@code count} output rows to {@code confusion}, laid out
     * {@code [actual * classes() + predicted]}, and returns how many were predicted correctly. Allocates
     * nothing.
     */
    int tally(float[] outputs, int[] labels, int labelOffset, int count, long[] confusion) {
        int classes = classes();
        int correct = 0;
        for (int r = 0; r < count; r++) {
            int actual = labels[labelOffset + r];
            int predicted = predict(outputs, r * width);
            confusion[actual * classes + predicted]++;
            if (predicted == actual) {
                correct++;
            }
        }
        return correct;
    }

    /** The class predicted for the output row starting at index {@code row}. */
    int predict(float[] outputs, int row) {
        if (width == 1) {
            return outputs[row] > threshold ? 1 : 0;
        }
        int best = 0;
        for (int j = 1; j < width; j++) {
            if (outputs[row + j] > outputs[row + best]) {
                best = j;
            }
        }
        return best;
    }

    private static boolean outputsLogits(NetworkSpec spec) {
        List<LayerSpec> layers = spec.layers();
        boolean endsWithSigmoid = !layers.isEmpty()
                && layers.getLast() instanceof ActivationSpec last
                && last.function() == Activation.SIGMOID;
        return spec.loss() == Loss.BINARY_CROSS_ENTROPY && !endsWithSigmoid;
    }
}
