package dev.kiln.runtime.train;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Print streams for tests: one that keeps what is written, one that drops it. */
final class TestOutput {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    /** The stream to write to. */
    PrintStream stream() {
        return stream;
    }

    /** Everything written so far. */
    String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** A stream that drops everything. */
    static PrintStream discarding() {
        return new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    }
}
