package dev.kiln.samples.tour;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small text table for the tour's results: a header and rows of cells, printed with each column as
 * wide as its widest cell, the first column to the left and the others to the right.
 * <pre>{@code
 * Table table = new Table("activation", "dev accuracy");
 * table.row("ReLU", Table.number(0.9611));
 * tour.println(table.toString());
 * }</pre>
 */
final class Table {

    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    /** A table with these column headings. */
    Table(String... headings) {
        this.columns = headings.length;
        rows.add(headings.clone());
    }

    /**
     * Adds a row.
     *
     * @throws IllegalArgumentException if it has another number of cells than there are columns
     */
    Table row(String... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException(cells.length + (cells.length == 1 ? " cell" : " cells")
                    + " for a table of " + columns + " columns; give one per column");
        }
        rows.add(cells.clone());
        return this;
    }

    /** A measure with four decimals, as the runtime's reports print them. */
    static String number(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }

    /** The table, one line per row, each ending with a new line. */
    @Override
    public String toString() {
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < columns; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        StringBuilder s = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                String format = c == 0 ? "%-" + width[c] + "s" : "  %" + width[c] + "s";
                line.append(String.format(Locale.ROOT, format, row[c]));
            }
            s.append(line.toString().stripTrailing()).append('\n');
        }
        return s.toString();
    }
}
