package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Model;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.interpret.Interpreter;
import dev.kiln.runtime.optim.Sgd;
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.Init;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A linear support-vector machine: one Dense unit trained with the binary hinge on ±1 targets
 * ({@link Dataset#signedBinaryClassification}) separates two Gaussian clouds, and accuracy reads its
 * scores as classes (above 0 is class 1).
 */
class HingeLearningTest {

    @Test
    void aLinearSvmSeparatesTwoClouds() {
        Rng rng = new Rng(3);
        int n = 200;
        float[][] features = new float[n][2];
        int[] labels = new int[n];
        for (int s = 0; s < n; s++) {
            labels[s] = s % 2;
            float centre = labels[s] == 1 ? 1.5f : -1.5f;
            features[s][0] = centre + (float) rng.nextGaussian() * 0.7f;
            features[s][1] = -centre + (float) rng.nextGaussian() * 0.7f;
        }
        Dataset data = Dataset.signedBinaryClassification(features, labels);
        NetworkSpec spec = new NetworkSpec("Svm", List.of(2),
                List.of(new DenseSpec(1, true, Init.XAVIER_UNIFORM, DenseSpec.DEFAULT_SCALE, "Svm.score")), Loss.HINGE, 32);
        Model model = Interpreter.of(spec, 1);
        double before = Evaluation.accuracy(model, data);

        Trainer.of(model).optimizer(new Sgd(0.05f)).batchSize(20).epochs(20).seed(5).fit(data);

        double after = Evaluation.accuracy(model, data);
        assertTrue(after >= 0.97, "accuracy " + after + " (before training " + before + ")");
    }
}
