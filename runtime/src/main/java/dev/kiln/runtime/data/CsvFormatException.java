package dev.kiln.runtime.data;

import java.io.Serial;

/**
 * A CSV file that {@link Csv} cannot read. The message names the source, the line (numbered from 1),
 * the column where relevant (numbered from 1), what was expected and what was found, e.g.
 * {@code iris.csv line 17, column 3: expected a number, found 'abc'}.
 */
public final class CsvFormatException extends IllegalArgumentException {

    @Serial
    private static final long serialVersionUID = 1L;

    /** An exception with the complete message. */
    public CsvFormatException(String message) {
        super(message);
    }
}
