package dev.kiln.runtime.tune;

import static dev.kiln.runtime.tune.Dimension.intRange;
import static dev.kiln.runtime.tune.Dimension.logUniform;
import static dev.kiln.runtime.tune.Dimension.uniform;
import static dev.kiln.runtime.tune.Dimension.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Rng;
import dev.kiln.spec.Activation;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Random search: the same seed gives the same draws, every draw lies in its dimension's range, and the
 * draws are distributed as each dimension says (checked by counts over many draws, within about five
 * standard deviations of the expected counts, so that a correct sampler fails with negligible chance).
 */
class RandomSearchTest {

    private static final SearchSpace SPACE = SearchSpace.of(
            logUniform("learningRate", 1e-4, 1e-1),
            values("hidden", 8, 16, 32),
            uniform("dropout", 0.0, 0.5),
            intRange("batchSize", 8, 64),
            values("activation", Activation.RELU, Activation.TANH));

    @Test
    void theSameSeedGivesTheSameConfigurations() {
        List<Configuration> first = RandomSearch.over(SPACE).trials(20).seed(42).configurations();

        assertEquals(first, RandomSearch.over(SPACE).trials(20).seed(42).configurations());
        assertEquals(first.subList(0, 5), RandomSearch.over(SPACE).trials(5).seed(42).configurations());
        assertNotEquals(first, RandomSearch.over(SPACE).trials(20).seed(43).configurations());
        assertEquals(20, first.stream().distinct().count());
    }

    @Test
    void theDrawsFollowTheDocumentedProcedure() {
        // one generator, one draw per dimension in the space's order, trial after trial
        Rng rng = new Rng(7);
        List<Configuration> drawn = RandomSearch.over(SPACE).trials(2).seed(7).configurations();
        for (Configuration config : drawn) {
            double learningRate = Math.exp(Math.log(1e-4) + rng.nextDouble() * (Math.log(1e-1) - Math.log(1e-4)));
            int hidden = List.of(8, 16, 32).get(rng.nextInt(3));
            double dropout = rng.nextDouble() * 0.5;
            int batchSize = 8 + (int) ((rng.nextLong() >>> 1) % 57); // 63 bits: the rejection is never needed here
            Activation activation = List.of(Activation.RELU, Activation.TANH).get(rng.nextInt(2));

            assertEquals(learningRate, config.getDouble("learningRate"));
            assertEquals(hidden, config.getInt("hidden"));
            assertEquals(dropout, config.getDouble("dropout"));
            assertEquals(batchSize, config.getInt("batchSize"));
            assertEquals(activation, config.get("activation", Activation.class));
        }
    }

    @Test
    void theTrialsRunInTheOrderDrawn() {
        RandomSearch search = RandomSearch.over(SPACE).trials(4).seed(3);
        SearchResult result = search.run(Objective.minimize("learningRate",
                config -> TrialResult.of(config.getDouble("learningRate"))));

        assertEquals(search.configurations(), result.trials().stream().map(Trial::configuration).toList());
        assertTrue(result.toString().startsWith("random search (seed 3): 4 trials; best first by learningRate"
                + " (lowest)\n"), result.toString());
        assertEquals("trials = 0 must be positive",
                assertThrows(IllegalArgumentException.class, () -> search.trials(0)).getMessage());
    }

    @Test
    void logUniformDrawsAreEvenAcrossDecades() {
        int draws = 20_000;
        int[] decades = new int[4];
        for (Configuration config : sample(SearchSpace.of(logUniform("x", 1e-4, 1)), draws, 11)) {
            double x = config.getDouble("x");
            assertTrue(x >= 1e-4 && x < 1, "x = " + x);
            decades[(int) Math.floor(Math.log10(x)) + 4]++;
        }
        // each decade expects 5,000 draws, with a standard deviation of about 61
        for (int decade = 0; decade < decades.length; decade++) {
            assertEquals(draws / 4.0, decades[decade], 300, "draws in decade 1e" + (decade - 4));
        }
    }

    @Test
    void logUniformIsEvenWithinADecadeInLogSpace() {
        // the lower half of [1e-3, 1e-1] in log space is [1e-3, 1e-2): half the draws land there
        int below = 0;
        int draws = 20_000;
        for (Configuration config : sample(SearchSpace.of(logUniform("x", 1e-3, 1e-1)), draws, 5)) {
            below += config.getDouble("x") < 1e-2 ? 1 : 0;
        }
        assertEquals(draws / 2.0, below, 360);
    }

    @Test
    void uniformDrawsStayInRangeAndFillIt() {
        int draws = 20_000;
        int[] quarters = new int[4];
        for (Configuration config : sample(SearchSpace.of(uniform("x", -2, 6)), draws, 13)) {
            double x = config.getDouble("x");
            assertTrue(x >= -2 && x < 6, "x = " + x);
            quarters[(int) ((x + 2) / 2)]++;
        }
        for (int quarter : quarters) {
            assertEquals(draws / 4.0, quarter, 300);
        }
    }

    @Test
    void intRangeDrawsEveryValueAsOften() {
        int draws = 16_000;
        int[] counts = new int[8];
        for (Configuration config : sample(SearchSpace.of(intRange("k", -3, 4)), draws, 17)) {
            int k = config.getInt("k");
            assertTrue(k >= -3 && k <= 4, "k = " + k);
            counts[k + 3]++;
        }
        // each value expects 2,000 draws, with a standard deviation of about 42
        for (int count : counts) {
            assertEquals(draws / 8.0, count, 210);
        }
    }

    @Test
    void listedValuesAreDrawnAsOften() {
        int draws = 15_000;
        int[] counts = new int[3];
        for (Configuration config : sample(SearchSpace.of(values("hidden", 8, 16, 32)), draws, 19)) {
            counts[List.of(8, 16, 32).indexOf(config.getInt("hidden"))]++;
        }
        for (int count : counts) {
            assertEquals(draws / 3.0, count, 290);
        }
    }

    @Test
    void roundingNeverLeavesTheRange() {
        double last = Math.nextDown(1.0); // the largest draw nextDouble gives
        // exp(log(3e-6)) is just below 3e-6, exp(log(54.619)) just above 54.619, 1 + last * (2 - 1) rounds to 2
        Dimension.LogUniform small = (Dimension.LogUniform) logUniform("x", 3e-6, 0.373);
        Dimension.LogUniform large = (Dimension.LogUniform) logUniform("x", 0.054249, 54.619);
        Dimension.Uniform unit = (Dimension.Uniform) uniform("x", 1, 2);

        assertEquals(3e-6, small.at(0));
        assertEquals(Math.nextDown(54.619), large.at(last));
        assertEquals(0.054249, large.at(0), 1e-17);
        assertEquals(1.0, unit.at(0));
        assertEquals(Math.nextDown(2.0), unit.at(last));
    }

    @Test
    void aWideIntRangeReachesBothEnds() {
        int lowest = Integer.MAX_VALUE;
        int highest = Integer.MIN_VALUE;
        for (Configuration config : sample(SearchSpace.of(intRange("k", Integer.MIN_VALUE, Integer.MAX_VALUE)),
                2000, 23)) {
            lowest = Math.min(lowest, config.getInt("k"));
            highest = Math.max(highest, config.getInt("k"));
        }
        assertTrue(lowest < -2_000_000_000 && highest > 2_000_000_000, lowest + " .. " + highest);
    }

    private static List<Configuration> sample(SearchSpace space, int trials, long seed) {
        return RandomSearch.over(space).trials(trials).seed(seed).configurations();
    }
}
