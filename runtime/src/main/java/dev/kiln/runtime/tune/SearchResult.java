package dev.kiln.runtime.tune;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Every trial of a search, the best one, and the results as a table or a CSV file.
 * <pre>{@code
 * SearchResult result = GridSearch.over(space).run(objective);
 * System.out.println(result);                      // the table, best first
 * Configuration best = result.bestConfiguration();
 * result.writeCsv(Path.of("search.csv"));
 * }</pre>
 * Trials are ranked by score, best first ({@link Direction}); equal scores keep the order the trials ran
 * in, and failed trials come last, in that order too.
 */
public final class SearchResult {

    private final String search;
    private final List<String> dimensionNames;
    private final String scoreName;
    private final Direction direction;
    private final List<Trial> trials;
    private final List<Trial> ranked;

    SearchResult(String search, List<String> dimensionNames, Objective objective, List<Trial> trials) {
        this.search = search;
        this.dimensionNames = List.copyOf(dimensionNames);
        this.scoreName = objective.scoreName();
        this.direction = objective.direction();
        this.trials = List.copyOf(trials);
        List<Trial> sorted = new ArrayList<>(this.trials);
        // List.sort is stable: trials that compare equal keep the order they ran in
        sorted.sort(Comparator.comparing((Trial trial) -> !trial.succeeded())
                .thenComparing((a, b) -> a.succeeded() ? direction.compareBetterFirst(a.score(), b.score()) : 0));
        this.ranked = List.copyOf(sorted);
    }

    /** Every trial, in the order they ran. */
    public List<Trial> trials() {
        return trials;
    }

    /** Every trial, best first; failed trials last. */
    public List<Trial> ranked() {
        return ranked;
    }

    /** The trials that failed, in the order they ran. */
    public List<Trial> failures() {
        return trials.stream().filter(trial -> !trial.succeeded()).toList();
    }

    /**
     * The trial with the best score; of equal ones, the first to run.
     *
     * @throws IllegalStateException if every trial failed, with the first failure as its cause
     */
    public Trial best() {
        Trial best = ranked.getFirst();
        if (!best.succeeded()) {
            Trial first = trials.getFirst();
            throw new IllegalStateException("all " + trials.size() + " trials failed, so there is no best"
                    + " configuration; the first failed with: " + first.failureMessage()
                    + " (see trials() for each failure)", first.failure().orElse(null));
        }
        return best;
    }

    /**
     * The configuration of the best trial.
     *
     * @throws IllegalStateException if every trial failed
     */
    public Configuration bestConfiguration() {
        return best().configuration();
    }

    /** The names of the search space's dimensions, in order. */
    public List<String> dimensionNames() {
        return dimensionNames;
    }

    /** The name of the score the trials are ranked by. */
    public String scoreName() {
        return scoreName;
    }

    /** Whether the highest or the lowest score is best. */
    public Direction direction() {
        return direction;
    }

    /**
     * The results as comma-separated values, one row per trial in the order they ran, under a header:
     * {@code trial}, each dimension, the score, each metric, {@code seconds} and {@code failure} (the
     * whole message, empty for a trial that succeeded). Numbers are written in full precision, a value
     * not measured is empty, and fields are quoted where RFC 4180 says.
     */
    public String toCsv() {
        List<String> metrics = ResultTable.metricNames(trials);
        StringBuilder csv = new StringBuilder();
        List<String> header = new ArrayList<>();
        header.add(ResultTable.TRIAL);
        header.addAll(dimensionNames);
        header.add(scoreName);
        header.addAll(metrics);
        header.add(ResultTable.SECONDS);
        header.add(ResultTable.FAILURE);
        appendCsvLine(csv, header);
        for (Trial trial : trials) {
            List<String> fields = new ArrayList<>();
            fields.add(Integer.toString(trial.number()));
            for (String name : dimensionNames) {
                fields.add(trial.configuration().get(name).toString());
            }
            fields.add(trial.succeeded() ? Double.toString(trial.score()) : "");
            for (String name : metrics) {
                Double value = trial.succeeded() ? trial.result().metrics().get(name) : null;
                fields.add(value == null ? "" : value.toString());
            }
            fields.add(Double.toString(trial.time().toNanos() / 1e9));
            fields.add(trial.failure().map(failure -> Objects.toString(failure.getMessage(),
                    failure.getClass().getName())).orElse(""));
            appendCsvLine(csv, fields);
        }
        return csv.toString();
    }

    /**
     * Writes {@link #toCsv()} to {@code path} in UTF-8, replacing the file if it exists.
     *
     * @throws IOException if the file cannot be written
     */
    public void writeCsv(Path path) throws IOException {
        Files.writeString(path, toCsv(), StandardCharsets.UTF_8);
    }

    /**
     * The results as a table, best first, under a line saying what was searched, e.g.
     * <pre>
     * grid search: 6 trials, 1 failed; best first by dev_accuracy (highest)
     * trial  learningRate  hidden  dev_accuracy  dev_loss  seconds  failure
     *     4          0.01      16        0.9778    0.0912     0.21
     *   ...
     *     6          0.01       0                             0.00  [Kiln/Units] ...
     * </pre>
     * one row per trial and a column per dimension and measure, aligned: numbers to the right, text to
     * the left. Doubles show four significant digits and measures four decimals (the CSV keeps every
     * digit); a failure shows the first line of its message.
     */
    @Override
    public String toString() {
        int failed = failures().size();
        String title = search + ": " + trials.size() + (trials.size() == 1 ? " trial" : " trials")
                + (failed > 0 ? ", " + failed + " failed" : "") + "; best first by " + scoreName + " ("
                + direction.best() + ")";
        return ResultTable.table(title, this, ranked);
    }

    private static void appendCsvLine(StringBuilder csv, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                csv.append(',');
            }
            csv.append(Cells.csv(fields.get(i)));
        }
        csv.append('\n');
    }
}
