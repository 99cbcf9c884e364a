package dev.kiln.runtime.tune;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SequencedSet;
import java.util.function.Function;

/**
 * The columns of a search's results, shared by the table ({@link SearchResult#toString()}) and the CSV
 * file: the trial's number, each dimension, the score, each metric in the order first reported, the
 * time, and the failure when a trial failed.
 */
final class ResultTable {

    /** The CSV's and the table's heading for the time a trial took. */
    static final String SECONDS = "seconds";
    /** The heading of the trial numbers. */
    static final String TRIAL = "trial";
    /** The heading of the failures. */
    static final String FAILURE = "failure";

    private ResultTable() {
    }

    /** The metrics' names, in the order the trials first report them. */
    static List<String> metricNames(List<Trial> trials) {
        SequencedSet<String> names = new LinkedHashSet<>();
        for (Trial trial : trials) {
            if (trial.succeeded()) {
                names.addAll(trial.result().metrics().keySet());
            }
        }
        return List.copyOf(names);
    }

    /** The table of {@code rows}, aligned, under a title line. */
    static String table(String title, SearchResult result, List<Trial> rows) {
        List<String> dimensions = result.dimensionNames();
        List<String> metrics = metricNames(result.trials());
        boolean anyFailed = rows.stream().anyMatch(trial -> !trial.succeeded());
        List<Column> columns = new ArrayList<>();
        columns.add(new Column(TRIAL, true, rows, trial -> Integer.toString(trial.number())));
        for (String name : dimensions) {
            boolean numbers = rows.stream().allMatch(trial -> Cells.isNumber(trial.configuration().get(name)));
            columns.add(new Column(name, numbers, rows, trial -> Cells.value(trial.configuration().get(name))));
        }
        columns.add(new Column(result.scoreName(), true, rows,
                trial -> trial.succeeded() ? Cells.metric(trial.score()) : ""));
        for (String name : metrics) {
            columns.add(new Column(name, true, rows, trial -> {
                Double value = trial.succeeded() ? trial.result().metrics().get(name) : null;
                return value == null ? "" : Cells.metric(value);
            }));
        }
        columns.add(new Column(SECONDS, true, rows, trial -> Cells.seconds(trial.time())));
        if (anyFailed) {
            columns.add(new Column(FAILURE, false, rows, Trial::failureMessage));
        }

        StringBuilder text = new StringBuilder(title).append('\n');
        appendLine(text, columns, -1);
        for (int row = 0; row < rows.size(); row++) {
            appendLine(text, columns, row);
        }
        return text.toString();
    }

    /** One line: the headings for {@code row = -1}; columns two spaces apart, no trailing spaces. */
    private static void appendLine(StringBuilder text, List<Column> columns, int row) {
        StringBuilder line = new StringBuilder();
        for (Column column : columns) {
            if (!line.isEmpty()) {
                line.append("  ");
            }
            String cell = row < 0 ? column.heading : column.cells.get(row);
            String padding = " ".repeat(column.width - cell.length());
            line.append(column.right ? padding + cell : cell + padding);
        }
        text.append(line.toString().stripTrailing()).append('\n');
    }

    /** A column: its heading, alignment, cells and width. */
    private static final class Column {

        final String heading;
        final boolean right;
        final List<String> cells;
        final int width;

        Column(String heading, boolean right, List<Trial> rows, Function<Trial, String> cell) {
            this.heading = heading;
            this.right = right;
            this.cells = rows.stream().map(cell).toList();
            this.width = Math.max(heading.length(), cells.stream().mapToInt(String::length).max().orElse(0));
        }
    }
}
