package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.data.Augmentation;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.optim.Optimizer;
import dev.kiln.runtime.optim.Sgd;
import dev.kiln.runtime.regularize.Constraint;
import dev.kiln.runtime.regularize.Regularizer;
import dev.kiln.spec.Loss;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Regularizers, constraints and augmentations: when the trainer calls them, and what they change. */
class TrainerHooksTest {

    /** Ten samples in batches of 4: three steps per epoch (4, 4, 2). */
    private static final Dataset DATA = TrainingStepAllocationTest.threeClasses(10);

    @Test
    void eachStepAugmentsThenAddsThePenaltyAndItsGradientThenStepsThenConstrains() {
        List<String> events = new ArrayList<>();
        Model model = model();
        Sgd sgd = new Sgd(0.1f);
        Optimizer recording = new Forwarding(sgd) {
            @Override
            public void step(MemorySegment parameters, MemorySegment gradients) {
                events.add("step");
                super.step(parameters, gradients);
            }
        };

        Trainer.of(model).optimizer(recording).batchSize(4).epochs(1)
                .augmentation((inputs, batch, inputSize, rng) -> events.add("augment " + batch + "x" + inputSize))
                .regularizer(new Regularizer() {
                    @Override
                    public double penalty(Model m) {
                        events.add("penalty");
                        return 0;
                    }

                    @Override
                    public void addGradient(Model m) {
                        events.add("gradient after backward: " + (sumOfSquares(m.gradients()) > 0));
                    }
                })
                .constraint(m -> events.add("constrain"))
                .fit(DATA, DATA);

        List<String> step = List.of("penalty", "gradient after backward: true", "step", "constrain");
        List<String> expected = new ArrayList<>();
        for (int batch : new int[] {4, 4, 2}) {
            expected.add("augment " + batch + "x4");
            expected.addAll(step);
        }
        expected.add("penalty"); // the validation loss, after the epoch
        assertEquals(expected, events);
    }

    @Test
    void anL2PenaltyIsInTheLossAndItsGradientInTheStep() {
        float lambda = 0.5f;
        float rate = 0.1f;
        Model model = model();
        Model reference = model();
        // one batch of all ten samples: one step per epoch
        History history = Trainer.of(model).optimizer(new Sgd(rate)).batchSize(10).epochs(1)
                .regularizer(new L2(lambda)).fit(DATA, DATA);

        // by hand, in double: p1 = p0 - rate (g0 + lambda p0); loss = loss(p0) + lambda / 2 |p0|^2
        float[] p0 = reference.parameters().toArray(ValueLayout.JAVA_FLOAT);
        reference.zeroGradients();
        reference.forward(DATA.features(), 0, 10);
        double loss0 = reference.loss(DATA.targets(), 0);
        reference.backward();
        float[] g0 = reference.gradients().toArray(ValueLayout.JAVA_FLOAT);
        float[] p1 = model.parameters().toArray(ValueLayout.JAVA_FLOAT);
        double squares = 0;
        for (int i = 0; i < p0.length; i++) {
            assertEquals(p0[i] - (double) rate * (g0[i] + (double) lambda * p0[i]), p1[i], 1e-6, "parameter " + i);
            squares += (double) p0[i] * p0[i];
        }
        assertEquals(loss0 + lambda / 2.0 * squares, history.last().loss(), 1e-6);
        double squares1 = sumOfSquares(model.parameters());
        assertEquals(Evaluation.meanLoss(model, DATA) + lambda / 2.0 * squares1, history.last().validationLoss(),
                1e-6, "the penalty is in the validation loss too");
    }

    @Test
    void aConstraintHoldsAfterEveryStep() {
        Model model = model();
        List<Float> largest = new ArrayList<>();
        Constraint clip = m -> {
            MemorySegment p = m.parameters();
            for (long i = 0; i < Memory.floats(p); i++) {
                float v = p.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                p.setAtIndex(ValueLayout.JAVA_FLOAT, i, Math.max(-0.05f, Math.min(0.05f, v)));
            }
        };

        Trainer.of(model).optimizer(new Sgd(0.5f)).batchSize(4).epochs(3).constraint(clip)
                .constraint(m -> largest.add(largestMagnitude(m.parameters())))
                .fit(DATA);

        assertEquals(9, largest.size(), "both constraints, in order, after each of the 9 steps");
        largest.forEach(v -> assertTrue(v <= 0.05f, "after the clip: " + v));
        assertTrue(largestMagnitude(model().parameters()) > 0.05f, "the clip had something to do");
    }

    @Test
    void augmentationsChangeTrainingBatchesOnlyWithTheTrainersSeed() {
        float[] features = DATA.features().clone();
        List<Long> draws = new ArrayList<>();
        Augmentation noise = (inputs, batch, inputSize, rng) -> {
            for (int i = 0; i < batch * inputSize; i++) {
                inputs[i] += 100f * (float) rng.nextGaussian();
            }
        };
        Augmentation recordFirstDraw = (inputs, batch, inputSize, rng) -> draws.add(rng.nextLong());
        Model model = model();

        History history = Trainer.of(model).optimizer(new Sgd(0.01f)).batchSize(4).epochs(2).seed(3)
                .augmentation(noise).augmentation(recordFirstDraw).fit(DATA, DATA);

        assertArrayEquals(features, DATA.features(), "the data set is never changed");
        assertEquals(Evaluation.measures(model, DATA), history.last().validation(),
                "the validation data is measured as it is");
        assertEquals(6, draws.size());
        assertEquals(draws.size(), draws.stream().distinct().count(), "every batch draws anew");
        // the same seed augments the same way; another seed, or none, another way
        assertArrayEquals(parameters(3, noise), parameters(3, noise));
        assertFalse(java.util.Arrays.equals(parameters(3, noise), parameters(4, noise)));
        assertNotEquals(history.last().loss(),
                Trainer.of(model()).optimizer(new Sgd(0.01f)).batchSize(4).epochs(2).seed(3).fit(DATA).last().loss());
    }

    @Test
    void eachEpochsAugmentationsDrawFromTheirOwnGenerator() {
        // a resumed run (initial epoch 1) draws for epoch 2 what the full run drew for epoch 2
        List<Long> full = new ArrayList<>();
        List<Long> resumed = new ArrayList<>();
        Trainer.of(model()).optimizer(new Sgd(0.01f)).batchSize(4).epochs(2).seed(3)
                .augmentation((inputs, batch, inputSize, rng) -> full.add(rng.nextLong())).fit(DATA);
        Trainer.of(model()).optimizer(new Sgd(0.01f)).batchSize(4).epochs(2).initialEpoch(1).seed(3)
                .augmentation((inputs, batch, inputSize, rng) -> resumed.add(rng.nextLong())).fit(DATA);

        assertEquals(full.subList(3, 6), resumed);
        assertFalse(full.subList(0, 3).contains(new Rng(3 + 1).nextLong()), "not the shuffle's generator");
    }

    private static float[] parameters(long seed, Augmentation augmentation) {
        Model model = model();
        Trainer.of(model).optimizer(new Sgd(0.01f)).batchSize(4).epochs(2).seed(seed).augmentation(augmentation)
                .fit(DATA);
        return model.parameters().toArray(ValueLayout.JAVA_FLOAT);
    }

    private static Model model() {
        Model model = TinyMlp.of(4, 3, 3, Loss.SOFTMAX_CROSS_ENTROPY, 10);
        model.initialize(2);
        return model;
    }

    private static double sumOfSquares(MemorySegment values) {
        double sum = 0;
        for (float v : values.toArray(ValueLayout.JAVA_FLOAT)) {
            sum += (double) v * v;
        }
        return sum;
    }

    private static float largestMagnitude(MemorySegment values) {
        float largest = 0;
        for (float v : values.toArray(ValueLayout.JAVA_FLOAT)) {
            largest = Math.max(largest, Math.abs(v));
        }
        return largest;
    }

    /** The L2 penalty {@code lambda / 2 * sum p^2}, whose gradient is {@code lambda * p}. */
    private record L2(float lambda) implements Regularizer {

        @Override
        public double penalty(Model model) {
            return lambda / 2.0 * sumOfSquares(model.parameters());
        }

        @Override
        public void addGradient(Model model) {
            MemorySegment p = model.parameters();
            MemorySegment g = model.gradients();
            for (long i = 0; i < Memory.floats(p); i++) {
                g.setAtIndex(ValueLayout.JAVA_FLOAT, i, g.getAtIndex(ValueLayout.JAVA_FLOAT, i)
                        + lambda * p.getAtIndex(ValueLayout.JAVA_FLOAT, i));
            }
        }
    }

    /** An optimizer that forwards every call to another. */
    private static class Forwarding implements Optimizer {

        private final Optimizer inner;

        Forwarding(Optimizer inner) {
            this.inner = inner;
        }

        @Override
        public void step(MemorySegment parameters, MemorySegment gradients) {
            inner.step(parameters, gradients);
        }

        @Override
        public float learningRate() {
            return inner.learningRate();
        }

        @Override
        public void setLearningRate(float learningRate) {
            inner.setLearningRate(learningRate);
        }

        @Override
        public String kind() {
            return inner.kind();
        }

        @Override
        public Map<String, String> hyperparameters() {
            return inner.hyperparameters();
        }

        @Override
        public Map<String, float[]> state() {
            return inner.state();
        }

        @Override
        public void restoreState(Map<String, float[]> state, long parameterCount) {
            inner.restoreState(state, parameterCount);
        }
    }
}
