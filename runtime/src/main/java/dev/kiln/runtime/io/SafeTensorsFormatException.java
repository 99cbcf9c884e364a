package dev.kiln.runtime.io;

import java.io.Serial;

/**
 * A file that is not a well-formed safetensors file, or holds a tensor Kiln cannot read. The message
 * names the file, the tensor or the byte at fault and what was wrong, e.g.
 * {@code model.safetensors: tensor "hidden.weight": data_offsets [0, 12] span 12 bytes, but shape [4, 16]
 * of F32 needs 256 (64 values of 4 bytes)}.
 */
public final class SafeTensorsFormatException extends IllegalArgumentException {

    @Serial
    private static final long serialVersionUID = 1L;

    /** An exception with the complete message. */
    public SafeTensorsFormatException(String message) {
        super(message);
    }
}
