package dev.kiln.runtime.tune;

import static dev.kiln.runtime.tune.Dimension.intRange;
import static dev.kiln.runtime.tune.Dimension.logUniform;
import static dev.kiln.runtime.tune.Dimension.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.spec.Activation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The grid's combinations, their order and number, and its refusals. */
class GridSearchTest {

    @Test
    void theLastDimensionVariesFastest() {
        SearchSpace space = SearchSpace.of(values("a", 1, 2), values("b", "x", "y", "z"));

        assertEquals(List.of("{a=1, b=x}", "{a=1, b=y}", "{a=1, b=z}", "{a=2, b=x}", "{a=2, b=y}", "{a=2, b=z}"),
                GridSearch.over(space).configurations().stream().map(Configuration::toString).toList());
    }

    @Test
    void everyCombinationRunsOnceInOrder() {
        SearchSpace space = SearchSpace.of(
                values("learningRate", 0.1, 0.01, 0.001),
                intRange("layers", 1, 3),
                values("hidden", 8, 16),
                values("activation", Activation.RELU, Activation.TANH, Activation.ELU));
        GridSearch grid = GridSearch.over(space);
        List<Configuration> configurations = grid.configurations();

        assertEquals(3 * 3 * 2 * 3, grid.size());
        assertEquals(54, configurations.size());
        assertEquals(54, new HashSet<>(configurations).size());
        // the grid index of each configuration, with the last dimension fastest, counts 0, 1, 2, ...
        for (int n = 0; n < configurations.size(); n++) {
            Configuration config = configurations.get(n);
            int index = List.of(0.1, 0.01, 0.001).indexOf(config.getDouble("learningRate"));
            index = index * 3 + config.getInt("layers") - 1;
            index = index * 2 + List.of(8, 16).indexOf(config.getInt("hidden"));
            index = index * 3 + List.of(Activation.RELU, Activation.TANH, Activation.ELU)
                    .indexOf(config.get("activation", Activation.class));
            assertEquals(n, index, config.toString());
        }

        List<Configuration> evaluated = new ArrayList<>();
        List<Integer> told = new ArrayList<>();
        SearchResult result = grid.listener(trial -> told.add(trial.number()))
                .run(Objective.maximize("score", config -> {
                    evaluated.add(config);
                    return TrialResult.of(evaluated.size());
                }));
        assertEquals(configurations, evaluated);
        assertEquals(configurations, result.trials().stream().map(Trial::configuration).toList());
        assertEquals(told, result.trials().stream().map(Trial::number).toList());
        assertEquals(1, told.getFirst());
        assertEquals(54, told.getLast());
    }

    @Test
    void aRangeOfIntsIsEnumeratedUpwards() {
        assertEquals(List.of(-1, 0, 1, 2), GridSearch.over(SearchSpace.of(intRange("k", -1, 2))).configurations()
                .stream().map(config -> config.getInt("k")).toList());
    }

    @Test
    void aContinuousRangeIsRefused() {
        SearchSpace space = SearchSpace.of(values("hidden", 8, 16), logUniform("learningRate", 1e-4, 1e-1));

        assertEquals("grid search cannot enumerate logUniform(\"learningRate\", 1.0E-4, 0.1), a continuous range;"
                        + " list the values to try with values(\"learningRate\", ...), or sample the range with"
                        + " RandomSearch.over(space)",
                assertThrows(IllegalArgumentException.class, () -> GridSearch.over(space)).getMessage());
    }

    @Test
    void anAbsurdGridIsRefused() {
        GridSearch grid = GridSearch.over(SearchSpace.of(
                intRange("hidden", 1, 512), intRange("batchSize", 1, 128), values("learningRate", 0.1, 0.01)));

        assertEquals(131_072, grid.size());
        assertEquals("the grid has 131,072 combinations (512 hidden x 128 batchSize x 2 learningRate), more than the"
                        + " limit of 10,000, and each trains a network; take fewer values, sample the space with"
                        + " RandomSearch.over(space).trials(n), or raise the limit with maxTrials(n)",
                assertThrows(IllegalArgumentException.class, grid::configurations).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> grid.run(Objective.maximize("score", config -> TrialResult.of(0))));
    }

    @Test
    void theLimitCanBeRaisedOrLowered() {
        SearchSpace space = SearchSpace.of(intRange("a", 1, 100), intRange("b", 1, 101));

        assertEquals(10_100, GridSearch.over(space).maxTrials(10_100).configurations().size());
        assertThrows(IllegalArgumentException.class, () -> GridSearch.over(space).configurations());
        assertThrows(IllegalArgumentException.class,
                () -> GridSearch.over(SearchSpace.of(intRange("a", 1, 3))).maxTrials(2).configurations());
        assertEquals("maxTrials = 0 must be positive", assertThrows(IllegalArgumentException.class,
                () -> GridSearch.over(space).maxTrials(0)).getMessage());
    }

    @Test
    void aGridTooLargeToCountSaysSo() {
        GridSearch grid = GridSearch.over(SearchSpace.of(intRange("a", Integer.MIN_VALUE, Integer.MAX_VALUE),
                intRange("b", Integer.MIN_VALUE, Integer.MAX_VALUE), intRange("c", 0, 1)));

        assertEquals(Long.MAX_VALUE, grid.size());
        String message = assertThrows(IllegalArgumentException.class, grid::configurations).getMessage();
        assertEquals("the grid has at least 9,223,372,036,854,775,807 combinations (4294967296 a x 4294967296 b"
                + " x 2 c), more than", message.substring(0, message.indexOf(" the limit")));
    }
}
