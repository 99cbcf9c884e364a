package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.runtime.Model;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.Split;
import dev.kiln.runtime.optim.Sgd;
import dev.kiln.spec.Loss;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Dataset#holdOut} and {@link Trainer#validationSplit}: the sizes, the samples, the seed. */
class ValidationSplitTest {

    /** 50 samples whose first feature is their index, so that a part tells which samples it holds. */
    private static final Dataset DATA = numbered(50);

    @Test
    void holdOutTakesTheLastRoundedFractionOfASeededShuffle() {
        Split split = DATA.holdOut(0.2, 7);

        int[] order = new Rng(7).permutation(50);
        assertArrayEquals(Arrays.copyOfRange(order, 0, 40), indices(split.train()));
        assertArrayEquals(Arrays.copyOfRange(order, 40, 50), indices(split.test()));
        assertEquals(13, DATA.holdOut(0.25, 7).test().size(), "round(12.5) = 13");
        assertEquals(1, DATA.holdOut(0.01, 7).test().size(), "round(0.5) = 1");
    }

    @Test
    void theSameSeedHoldsOutTheSameSamplesAndAnotherSeedOthers() {
        assertArrayEquals(indices(DATA.holdOut(0.2, 7).test()), indices(DATA.holdOut(0.2, 7).test()));
        assertFalse(Arrays.equals(indices(DATA.holdOut(0.2, 7).test()), indices(DATA.holdOut(0.2, 8).test())));
    }

    @Test
    void theTrainerTrainsOnTheRestAndMeasuresTheHeldOutPart() {
        List<Integer> sizes = new ArrayList<>();
        Model model = model();

        History history = Trainer.of(model).optimizer(new Sgd(0.1f)).batchSize(8).epochs(2).seed(7)
                .validationSplit(0.2).callback(new Callback() {
                    @Override
                    public void onTrainBegin(TrainingContext context) {
                        sizes.add(context.trainingSize());
                    }
                }).fit(DATA);

        assertEquals(List.of(40), sizes);
        assertEquals(Evaluation.meanLoss(model, DATA.holdOut(0.2, 7).test()), history.last().validationLoss());
    }

    @Test
    void theSplitFollowsTheTrainersSeedUnlessGivenItsOwn() {
        double bySeven = run(new Sgd(0.1f), 7, trainer -> trainer.validationSplit(0.2));
        double byEight = run(new Sgd(0.1f), 8, trainer -> trainer.validationSplit(0.2));
        double ownSeed = run(new Sgd(0.1f), 8, trainer -> trainer.validationSplit(0.2, 7));

        assertEquals(bySeven, run(new Sgd(0.1f), 7, trainer -> trainer.validationSplit(0.2)), "deterministic");
        assertNotEquals(bySeven, byEight);
        // seed 8 shuffles the batches differently, but the dev set is seed 7's: the first epoch's model differs,
        // the measured samples are the same ones, as the split shows
        Model model = model();
        Trainer.of(model).optimizer(new Sgd(0.1f)).batchSize(8).epochs(1).seed(8).validationSplit(0.2, 7).fit(DATA);
        assertEquals(Evaluation.meanLoss(model, DATA.holdOut(0.2, 7).test()), ownSeed);
    }

    @Test
    void aSplitAndAValidationSetTogetherAreRejected() {
        Trainer trainer = Trainer.of(model()).optimizer(new Sgd(0.1f)).validationSplit(0.2);

        assertEquals("both validationSplit(0.2) and a validation set were given; use one: fit(train) to hold out part"
                + " of train, or fit(train, validation) without validationSplit",
                assertThrows(IllegalStateException.class, () -> trainer.fit(DATA, DATA)).getMessage());
    }

    @Test
    void theFractionMustBeBetweenZeroAndOne() {
        Trainer trainer = Trainer.of(model());

        assertEquals("validationSplit(1.0): the fraction to hold out must be strictly between 0 and 1, e.g. 0.2",
                assertThrows(IllegalArgumentException.class, () -> trainer.validationSplit(1.0)).getMessage());
    }

    @Test
    void aFractionThatLeavesAPartEmptyIsRejected() {
        assertEquals("holding out 0.001 of 50 samples leaves the held-out part empty; use more data or another"
                + " fraction", assertThrows(IllegalArgumentException.class, () -> DATA.holdOut(0.001, 1)).getMessage());
        assertEquals("fraction = 0.0 must be in (0, 1)",
                assertThrows(IllegalArgumentException.class, () -> DATA.holdOut(0, 1)).getMessage());
    }

    /** The validation loss after one epoch with the given seed and split. */
    private static double run(Sgd sgd, long seed, java.util.function.UnaryOperator<Trainer> split) {
        Trainer trainer = Trainer.of(model()).optimizer(sgd).batchSize(8).epochs(1).seed(seed);
        return split.apply(trainer).fit(DATA).last().validationLoss();
    }

    private static Model model() {
        Model model = TinyMlp.of(2, 3, 1, Loss.MSE, 8);
        model.initialize(4);
        return model;
    }

    private static Dataset numbered(int size) {
        float[][] features = new float[size][];
        float[][] targets = new float[size][];
        for (int s = 0; s < size; s++) {
            features[s] = new float[] {s, (float) Math.cos(s)};
            targets[s] = new float[] {(float) Math.sin(s)};
        }
        return Dataset.regression(features, targets);
    }

    private static int[] indices(Dataset part) {
        int[] indices = new int[part.size()];
        for (int s = 0; s < indices.length; s++) {
            indices[s] = (int) part.features()[s * part.featureSize()];
        }
        return indices;
    }
}
