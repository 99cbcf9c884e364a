package dev.kiln.runtime.regularize;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.Parameter;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.TestArrays;
import dev.kiln.runtime.data.Batches;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.optim.Sgd;
import org.junit.jupiter.api.Test;

/**
 * Training with a regularizer or a constraint, in a training loop written out here: on a small data set
 * that a network can fit only by growing its weights (random targets), L2 keeps the weights far smaller
 * than training without it, and max-norm keeps every unit's incoming weights within its bound while the
 * loss still falls.
 */
class RegularizedTrainingTest {

    private static final int SAMPLES = 24;
    private static final int EPOCHS = 400;

    /** 24 samples of 6 features and 1 target, all uniform in (-1, 1): there is only noise to fit. */
    private static Dataset noise() {
        Rng rng = new Rng(5);
        float[][] features = new float[SAMPLES][];
        float[][] targets = new float[SAMPLES][];
        for (int s = 0; s < SAMPLES; s++) {
            features[s] = TestArrays.uniform(rng, 6, 1.0);
            targets[s] = TestArrays.uniform(rng, 1, 1.0);
        }
        return Dataset.regression(features, targets);
    }

    private record Run(Model model, double firstLoss, double lastLoss, double largestRowNorm) {
    }

    /** Trains a 6 -> 16 -> 1 network with SGD and momentum, batches of 8, with the regularizer and constraint given (or null). */
    private static Run train(Regularizer regularizer, Constraint constraint) {
        Model model = Mlps.of(6, 16, 1, 8, 1);
        Dataset data = noise();
        Batches batches = new Batches(data, 8, 1);
        Sgd sgd = new Sgd(0.05f, 0.9f);
        double firstLoss = Double.NaN;
        double epochLoss = 0;
        double largest = 0;
        for (int epoch = 1; epoch <= EPOCHS; epoch++) {
            epochLoss = 0;
            batches.startEpoch(epoch);
            while (batches.next()) {
                model.zeroGradients();
                model.forward(batches.features(), 0, batches.size());
                epochLoss += model.loss(batches.targets(), 0) * batches.size();
                model.backward();
                if (regularizer != null) {
                    regularizer.addGradient(model);
                }
                sgd.step(model.parameters(), model.gradients());
                if (constraint != null) {
                    constraint.apply(model);
                }
                largest = Math.max(largest, largestRowNorm(model));
            }
            if (epoch == 1) {
                firstLoss = epochLoss / SAMPLES;
            }
        }
        return new Run(model, firstLoss, epochLoss / SAMPLES, largest);
    }

    private static double sumOfSquaredWeights(Model model) {
        float[] w = TestArrays.floats(model.parameters());
        double sum = 0;
        for (Parameter p : model.parameterLayout()) {
            if (p.shape().size() == 2) {
                for (int k = p.offset(); k < p.offset() + p.size(); k++) {
                    sum += (double) w[k] * w[k];
                }
            }
        }
        return sum;
    }

    /** The largest L2 norm of a row of any weight matrix. */
    private static double largestRowNorm(Model model) {
        double largest = 0;
        for (Parameter p : model.parameterLayout()) {
            if (p.shape().size() == 2) {
                int width = p.shape().get(1);
                for (int r = 0; r < p.shape().getFirst(); r++) {
                    double squares = 0;
                    for (int k = p.offset() + r * width; k < p.offset() + (r + 1) * width; k++) {
                        double v = model.parameters().getAtIndex(Memory.FLOAT, k);
                        squares += v * v;
                    }
                    largest = Math.max(largest, Math.sqrt(squares));
                }
            }
        }
        return largest;
    }

    @Test
    void l2KeepsTheWeightsSmall() {
        Run plain = train(null, null);
        Run l2 = train(Regularizers.l2(0.03), null);

        double initialWeights = sumOfSquaredWeights(Mlps.of(6, 16, 1, 8, 1));
        double plainWeights = sumOfSquaredWeights(plain.model());
        double l2Weights = sumOfSquaredWeights(l2.model());
        assertTrue(plain.lastLoss() < plain.firstLoss() / 4, "without a penalty the noise is fitted: loss "
                + plain.firstLoss() + " -> " + plain.lastLoss());
        assertTrue(plainWeights > 2 * initialWeights, "without a penalty the weights grow: sum of squares "
                + initialWeights + " -> " + plainWeights);
        assertTrue(l2Weights < initialWeights && l2Weights < plainWeights / 3, "sum of squared weights: "
                + initialWeights + " at first, " + l2Weights + " after training with L2, " + plainWeights
                + " without");
    }

    @Test
    void maxNormKeepsEveryRowWithinTheBound() {
        Run plain = train(null, null);
        Run constrained = train(null, Constraints.maxNorm(1.0));

        assertTrue(plain.largestRowNorm() > 2, "without the constraint a row grows to " + plain.largestRowNorm());
        assertTrue(constrained.largestRowNorm() <= 1.0 + 1e-6, "with maxNorm(1), the largest row norm after a step"
                + " was " + constrained.largestRowNorm());
        assertTrue(constrained.lastLoss() < constrained.firstLoss() * 0.8, "training still learns: loss "
                + constrained.firstLoss() + " -> " + constrained.lastLoss());
    }
}
