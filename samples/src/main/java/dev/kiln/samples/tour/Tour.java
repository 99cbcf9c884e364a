package dev.kiln.samples.tour;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What every chapter of the tour shares: where it prints, where it writes its files, whether it runs
 * quickly (fewer epochs, for tests) and the one seed behind every split, initialization and batch order.
 *
 * @param out       where the chapters print their headings, tables and results
 * @param directory where the chapters write files (learning curves, the search's results, weights)
 * @param quick     whether to train for fewer epochs
 */
record Tour(PrintStream out, Path directory, boolean quick) {

    /** The seed of every split, every initialization and every order of batches in the tour. */
    static final long SEED = 42;

    /** The number of epochs: {@code full} normally, {@code quick} in a quick run. */
    int epochs(int full, int quick) {
        return this.quick ? quick : full;
    }

    /** The width at which {@link #explain} wraps its text. */
    static final int WIDTH = 100;

    /** Prints a chapter's heading, numbered, and what it shows, wrapped at {@link #WIDTH} characters. */
    void heading(int number, String title, String what) {
        out.println();
        String line = number + ". " + title;
        out.println(line);
        out.println("=".repeat(line.length()));
        explain(what);
        out.println();
    }

    /** Prints {@code text} wrapped at {@link #WIDTH} characters, breaking lines between words. */
    void explain(String text) {
        out.print(wrap(text, WIDTH));
    }

    /** {@code text} with its spaces replaced by line breaks wherever a line would exceed {@code width}. */
    static String wrap(String text, int width) {
        StringBuilder wrapped = new StringBuilder();
        int lineStart = 0;
        for (String word : text.split(" ")) {
            int lineLength = wrapped.length() - lineStart;
            if (lineLength > 0 && lineLength + 1 + word.length() > width) {
                wrapped.append('\n');
                lineStart = wrapped.length();
            } else if (lineLength > 0) {
                wrapped.append(' ');
            }
            wrapped.append(word);
        }
        return wrapped.append('\n').toString();
    }

    /** Prints one line, formatted with {@link Locale#ROOT} so that the output reads the same everywhere. */
    void printf(String format, Object... args) {
        out.print(String.format(Locale.ROOT, format, args));
    }

    /** Prints one line. */
    void println(String line) {
        out.println(line);
    }

    /** The file {@code name} in the output directory, created first if it does not exist. */
    Path file(String name) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the output directory " + directory, e);
        }
        return directory.resolve(name);
    }
}
