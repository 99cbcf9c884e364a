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
 * output of a network trained with binary cross-entropy that does not end with a sigmoid).
 */
final class Predictions {

    private final int width;
    private final float threshold;

    Predictions(Model model) {
        this.width = model.outputSize();
        this.threshold = outputsLogits(model.spec()) ? 0f : 0.5f;
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

    private int predict(float[] outputs, int row) {
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
