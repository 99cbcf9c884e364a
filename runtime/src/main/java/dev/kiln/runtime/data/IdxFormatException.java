package dev.kiln.runtime.data;

import java.io.Serial;

/**
 * An IDX file that {@link Idx} cannot read. The message names the source, the byte offset or header
 * field at fault (offsets count bytes of the IDX data, after decompression), what was expected and what
 * was found, e.g.
 * {@code train-labels-idx1-ubyte.gz: byte 3 (number of dimensions): expected 1 (items), found 3}.
 */
public final class IdxFormatException extends IllegalArgumentException {

    @Serial
    private static final long serialVersionUID = 1L;

    /** An exception with the complete message. */
    public IdxFormatException(String message) {
        super(message);
    }

    /** An exception with the complete message and the error that revealed it (a corrupt gzip stream). */
    public IdxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
