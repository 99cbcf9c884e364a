package dev.kiln.runtime.tune;

import static dev.kiln.runtime.tune.Dimension.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.spec.Activation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a search records and shows, on a fake objective whose scores are exact binary fractions and
 * whose trials take fixed times: ranking, ties, failures, the table and the CSV file.
 */
class SearchResultTest {

    private static final double ODD_RATE = 0.0031622776601683794; // shown with four significant digits

    private static final SearchSpace SPACE = SearchSpace.of(
            values("learningRate", 0.1, ODD_RATE),
            values("hidden", 0, 16),
            values("activation", Activation.RELU, Activation.TANH));

    private static final String RULE = "hidden = 0 does not work with \"TANH\", by this test's rule";

    /** Fails (0, TANH); otherwise scores from 0.6875 to 1 in sixteenths, with a tie between trials 3 and 8. */
    private static final Objective FAKE = Objective.maximize("dev_accuracy", config -> {
        int hidden = config.getInt("hidden");
        Activation activation = config.get("activation", Activation.class);
        if (hidden == 0 && activation == Activation.TANH) {
            throw new IllegalArgumentException(RULE + "\nsecond line");
        }
        double accuracy = 0.5 + hidden / 64.0 + (config.getDouble("learningRate") == 0.1 ? 0.125 : 0.1875)
                + (activation == Activation.RELU ? 0.0625 : 0);
        return TrialResult.of(accuracy).with("dev_loss", 1 - accuracy).with("train_loss", 1.5 - accuracy);
    });

    @Test
    void theTableListsTrialsBestFirstAligned() {
        SearchResult result = fixedTimes(GridSearch.over(SPACE)).run(FAKE);

        assertEquals("""
                grid search: 8 trials, 2 failed; best first by dev_accuracy (highest)
                trial  learningRate  hidden  activation  dev_accuracy  dev_loss  train_loss  seconds  failure
                    7      0.003162      16  RELU              1.0000    0.0000      0.5000     1.75
                    3           0.1      16  RELU              0.9375    0.0625      0.5625     0.75
                    8      0.003162      16  TANH              0.9375    0.0625      0.5625     2.00
                    4           0.1      16  TANH              0.8750    0.1250      0.6250     1.00
                    5      0.003162       0  RELU              0.7500    0.2500      0.7500     1.25
                    1           0.1       0  RELU              0.6875    0.3125      0.8125     0.25
                    2           0.1       0  TANH                                               0.50  %s
                    6      0.003162       0  TANH                                               1.50  %s
                """.formatted(RULE, RULE), result.toString());
    }

    @Test
    void theBestIsTheFirstOfTheHighestScores() {
        SearchResult result = GridSearch.over(SPACE).run(FAKE);

        assertEquals(List.of(7, 3, 8, 4, 5, 1, 2, 6), result.ranked().stream().map(Trial::number).toList());
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8), result.trials().stream().map(Trial::number).toList());
        assertEquals(7, result.best().number());
        assertEquals("{learningRate=" + ODD_RATE + ", hidden=16, activation=RELU}",
                result.bestConfiguration().toString());
        assertEquals(1.0, result.best().score());
        assertEquals(List.of("learningRate", "hidden", "activation"), result.dimensionNames());
        assertEquals("dev_accuracy", result.scoreName());
        assertEquals(Direction.MAXIMIZE, result.direction());
    }

    @Test
    void minimizingRanksTheLowestFirst() {
        Objective loss = Objective.minimize("dev_loss", config -> {
            double loss1 = FAKE.evaluate(config).metric("dev_loss");
            return TrialResult.of(loss1);
        });
        SearchResult result = GridSearch.over(SPACE).run(loss);

        assertEquals(List.of(7, 3, 8, 4, 5, 1, 2, 6), result.ranked().stream().map(Trial::number).toList());
        assertEquals(0.0, result.best().score());
    }

    @Test
    void aFailedTrialKeepsItsException() {
        SearchResult result = GridSearch.over(SPACE).run(FAKE);
        Trial failed = result.trials().get(1);

        assertFalse(failed.succeeded());
        assertEquals(List.of(failed, result.trials().get(5)), result.failures());
        assertEquals(RULE, failed.failureMessage());
        assertEquals(RULE + "\nsecond line", failed.failure().orElseThrow().getMessage());
        IllegalStateException noResult = assertThrows(IllegalStateException.class, failed::score);
        assertEquals("trial 2 failed and has no result: " + RULE, noResult.getMessage());
        assertSame(failed.failure().orElseThrow(), noResult.getCause());
        assertTrue(result.trials().getFirst().failure().isEmpty());
        assertEquals("", result.trials().getFirst().failureMessage());
    }

    @Test
    void whenEveryTrialFailsThereIsNoBest() {
        SearchResult result = GridSearch.over(SPACE).run(Objective.maximize("dev_accuracy", config -> {
            throw new ArithmeticException("the loss became NaN at epoch 3");
        }));

        IllegalStateException e = assertThrows(IllegalStateException.class, result::bestConfiguration);
        assertEquals("all 8 trials failed, so there is no best configuration; the first failed with: the loss became"
                + " NaN at epoch 3 (see trials() for each failure)", e.getMessage());
        assertInstanceOf(ArithmeticException.class, e.getCause());
    }

    @Test
    void anExceptionWithoutAMessageIsNamedByItsClass() {
        SearchResult result = GridSearch.over(SearchSpace.of(values("hidden", 8))).run(
                Objective.maximize("score", config -> {
                    throw new UnsupportedOperationException();
                }));

        assertEquals("java.lang.UnsupportedOperationException", result.trials().getFirst().failureMessage());
        assertTrue(result.toCsv().endsWith(",java.lang.UnsupportedOperationException\n"), result.toCsv());
    }

    @Test
    void aNullResultFailsTheTrial() {
        SearchResult result = GridSearch.over(SearchSpace.of(values("hidden", 8))).run(
                Objective.maximize("score", config -> null));

        assertEquals("the objective returned no result; return TrialResult.of(score), or throw an exception saying"
                + " why the configuration cannot be measured", result.trials().getFirst().failureMessage());
    }

    @Test
    void aMetricNamedLikeADimensionFailsTheTrial() {
        SearchResult result = GridSearch.over(SearchSpace.of(values("hidden", 8))).run(
                Objective.maximize("score", config -> TrialResult.of(1).with("hidden", 8)));

        assertEquals("the objective reports a metric named \"hidden\", which is the name of a dimension; give the"
                + " metric a name of its own", result.trials().getFirst().failureMessage());
    }

    @Test
    void aMetricNamedLikeTheScoreFailsTheTrial() {
        SearchResult result = GridSearch.over(SearchSpace.of(values("hidden", 8))).run(
                Objective.maximize("score", config -> TrialResult.of(1).with("score", 1)));

        assertEquals("the objective reports a metric named \"score\", which is the name of its score; give the"
                + " metric a name of its own", result.trials().getFirst().failureMessage());
    }

    @Test
    void theCsvHasEveryTrialInRunOrderAtFullPrecision() {
        SearchResult result = fixedTimes(GridSearch.over(SPACE)).run(FAKE);
        String failure = "\"hidden = 0 does not work with \"\"TANH\"\", by this test's rule\nsecond line\"";

        assertEquals("trial,learningRate,hidden,activation,dev_accuracy,dev_loss,train_loss,seconds,failure\n"
                + "1,0.1,0,RELU,0.6875,0.3125,0.8125,0.25,\n"
                + "2,0.1,0,TANH,,,,0.5," + failure + "\n"
                + "3,0.1,16,RELU,0.9375,0.0625,0.5625,0.75,\n"
                + "4,0.1,16,TANH,0.875,0.125,0.625,1.0,\n"
                + "5,0.0031622776601683794,0,RELU,0.75,0.25,0.75,1.25,\n"
                + "6,0.0031622776601683794,0,TANH,,,,1.5," + failure + "\n"
                + "7,0.0031622776601683794,16,RELU,1.0,0.0,0.5,1.75,\n"
                + "8,0.0031622776601683794,16,TANH,0.9375,0.0625,0.5625,2.0,\n", result.toCsv());
    }

    @Test
    void theCsvIsWrittenToAFile(@TempDir Path directory) throws IOException {
        SearchResult result = GridSearch.over(SPACE).run(FAKE);
        Path file = directory.resolve("search.csv");
        Files.writeString(file, "an older file, longer than the new one".repeat(100));

        result.writeCsv(file);
        assertEquals(result.toCsv(), Files.readString(file, StandardCharsets.UTF_8));
    }

    @Test
    void metricsAnyTrialReportsGetAColumnAndTextIsLeftAligned() {
        SearchSpace space = SearchSpace.of(values("optimizer", "sgd", "adam"), values("width", List.of(8, "wide")));
        Objective objective = Objective.minimize("dev_loss", config -> {
            TrialResult result = TrialResult.of(config.get("optimizer").equals("adam") ? 0.25 : 0.5);
            return config.get("width").equals(8) ? result : result.with("epochs", 12);
        });

        assertEquals("""
                grid search: 4 trials; best first by dev_loss (lowest)
                trial  optimizer  width  dev_loss   epochs  seconds
                    3  adam       8        0.2500              0.75
                    4  adam       wide     0.2500  12.0000     1.00
                    1  sgd        8        0.5000              0.25
                    2  sgd        wide     0.5000  12.0000     0.50
                """, fixedTimes(GridSearch.over(space)).run(objective).toString());
    }

    @Test
    void aTrialReadsInOneLine() {
        List<Trial> trials = fixedTimes(GridSearch.over(SPACE)).run(FAKE).trials();

        assertEquals("trial 1: {learningRate=0.1, hidden=0, activation=RELU} -> 0.6875 (dev_loss=0.3125,"
                + " train_loss=0.8125) in 0.25 s", trials.get(0).toString());
        assertEquals("trial 2: {learningRate=0.1, hidden=0, activation=TANH} failed: " + RULE + " in 0.50 s",
                trials.get(1).toString());
        assertEquals(Duration.ofMillis(500), trials.get(1).time());
    }

    @Test
    void valuesAreShownWithFourSignificantDigits() {
        assertEquals("0.1", Cells.value(0.1));
        assertEquals("0.0001", Cells.value(1e-4));
        assertEquals("1e-05", Cells.value(1e-5));
        assertEquals("3.162e-05", Cells.value(Math.sqrt(1e-9)));
        assertEquals("1", Cells.value(1.0));
        assertEquals("1235", Cells.value(1234.5));
        assertEquals("1.235e+05", Cells.value(123456.0));
        assertEquals("0.5", Cells.value(0.5f));
        assertEquals("-0.25", Cells.value(-0.25));
        assertEquals("Infinity", Cells.value(Double.POSITIVE_INFINITY));
        assertEquals("12345678", Cells.value(12_345_678));
        assertEquals("NaN", Cells.metric(Double.NaN));
    }

    @Test
    void aResultRefusesANaNScore() {
        assertEquals("the score is NaN, which cannot be ranked; if the measure is undefined for this configuration,"
                        + " throw an exception saying why: the trial is then recorded as failed",
                assertThrows(IllegalArgumentException.class, () -> TrialResult.of(Double.NaN)).getMessage());
    }

    @Test
    void aResultRefusesAMetricGivenTwice() {
        assertEquals("metric \"train_loss\" is given twice; give each measure once",
                assertThrows(IllegalArgumentException.class,
                        () -> TrialResult.of(1).with("train_loss", 0.5).with("train_loss", 0.4)).getMessage());
    }

    @Test
    void aResultRefusesABlankMetricName() {
        assertEquals("a metric's name must not be blank, e.g. \"train_loss\"",
                assertThrows(IllegalArgumentException.class, () -> TrialResult.of(1).with(" ", 0.5)).getMessage());
    }

    @Test
    void anUnknownMetricIsNamed() {
        TrialResult result = TrialResult.of(0.9).with("dev_loss", 0.3).with("train_loss", 0.2);

        assertEquals(0.3, result.metric("dev_loss"));
        assertEquals(List.of("dev_loss", "train_loss"), List.copyOf(result.metrics().keySet()));
        assertEquals("no metric named \"dev_los\"; this result has dev_loss, train_loss. Did you mean \"dev_loss\"?",
                assertThrows(IllegalArgumentException.class, () -> result.metric("dev_los")).getMessage());
        assertEquals("no metric named \"loss\"; this result has none besides the score",
                assertThrows(IllegalArgumentException.class, () -> TrialResult.of(1).metric("loss")).getMessage());
    }

    @Test
    void anObjectiveNeedsAScoreName() {
        assertEquals("the score's name must not be blank, e.g. \"dev_accuracy\"",
                assertThrows(IllegalArgumentException.class,
                        () -> Objective.maximize("", config -> TrialResult.of(1))).getMessage());
    }

    /** Trial {@code n} (from 1) starts at {@code 10 n} seconds and takes {@code n / 4} seconds. */
    private static GridSearch fixedTimes(GridSearch search) {
        LongSupplier clock = new LongSupplier() {
            private long calls;

            @Override
            public long getAsLong() {
                long trial = calls / 2 + 1;
                boolean end = calls++ % 2 == 1;
                return trial * 10_000_000_000L + (end ? trial * 250_000_000L : 0);
            }
        };
        return search.clock(clock);
    }
}
