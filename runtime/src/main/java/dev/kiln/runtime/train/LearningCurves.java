package dev.kiln.runtime.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A {@link History} as learning curves: a CSV table, and a PNG image of the training and validation loss
 * and accuracy, epoch by epoch.
 *
 * <p><b>CSV.</b> The header {@value #CSV_HEADER}, then one row per epoch, lines ending with a line feed.
 * The columns are the epoch and {@link EpochStats#METRICS}: the training measures, the validation measures
 * ({@code val_}), the learning rate and the epoch's wall time in seconds. Values are written as
 * {@link Double#toString(double)} writes them (the shortest text that reads back to the same double; the
 * learning rate, a float, as {@link Float#toString(float)}), and a measure that was not taken is left
 * empty, which pandas, R and spreadsheets read as missing.
 *
 * <p><b>PNG.</b> Drawn with XChart ({@value #XCHART}), an optional dependency of the runtime: add it to
 * your project to draw curves; without it {@link #writePng} says so. Two panels side by side, the loss and
 * the accuracy (the loss alone for data without labels), each with the training curve and, where
 * measured, the validation curve. It draws off-screen: unless the application has set
 * {@code java.awt.headless} itself, it is set to {@code true} first, so no display is needed.
 */
public final class LearningCurves {

    /** The first line of the CSV text. */
    public static final String CSV_HEADER = "epoch,loss,accuracy,precision,recall,f1,val_loss,val_accuracy,"
            + "val_precision,val_recall,val_f1,learning_rate,seconds";
    /** The Maven coordinates of the plotting library {@link #writePng} needs. */
    public static final String XCHART = "org.knowm.xchart:xchart:4.0.3";
    /** The default image width, in pixels. */
    public static final int WIDTH = 1200;
    /** The default image height, in pixels. */
    public static final int HEIGHT = 450;

    private LearningCurves() {
    }

    /** The history as CSV text: {@link #CSV_HEADER} and one row per epoch. */
    public static String csv(History history) {
        StringBuilder text = new StringBuilder(CSV_HEADER).append('\n');
        for (EpochStats stats : history.epochs()) {
            text.append(stats.epoch());
            for (String metric : EpochStats.METRICS) {
                text.append(',');
                double value = stats.value(metric);
                if (!Double.isNaN(value)) {
                    text.append(metric.equals("learning_rate") ? Float.toString((float) value)
                            : Double.toString(value));
                }
            }
            text.append('\n');
        }
        return text.toString();
    }

    /**
     * Writes {@link #csv(History)} to {@code path} in UTF-8, replacing any file there.
     *
     * @throws IOException if it cannot be written
     */
    public static void writeCsv(History history, Path path) throws IOException {
        Files.writeString(Objects.requireNonNull(path, "path"), csv(history), StandardCharsets.UTF_8);
    }

    /**
     * Draws the curves as a PNG image of {@link #WIDTH} x {@link #HEIGHT} pixels at {@code path}.
     *
     * @throws IllegalStateException if XChart is not on the class path, naming the dependency to add
     * @throws IOException           if the file cannot be written
     */
    public static void writePng(History history, Path path) throws IOException {
        writePng(history, path, WIDTH, HEIGHT);
    }

    /**
     * Draws the curves as a PNG image of {@code width} x {@code height} pixels at {@code path}, replacing any
     * file there.
     *
     * @throws IllegalArgumentException if the size is below 200 x 150 pixels, too small for the axes
     * @throws IllegalStateException    if XChart is not on the class path, naming the dependency to add
     * @throws IOException              if the file cannot be written
     */
    public static void writePng(History history, Path path, int width, int height) throws IOException {
        Objects.requireNonNull(history, "history");
        Objects.requireNonNull(path, "path");
        if (width < 200 || height < 150) {
            throw new IllegalArgumentException("a plot of " + width + " x " + height + " pixels is too small for its"
                    + " axes; give at least 200 x 150");
        }
        requireXChart(LearningCurves.class.getClassLoader());
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        CurvePlot.write(history, path, width, height);
    }

    /**
     * Checks that XChart can be loaded by {@code loader}.
     *
     * @throws IllegalStateException naming the dependency to add, if it cannot
     */
    static void requireXChart(ClassLoader loader) {
        try {
            Class.forName("org.knowm.xchart.XYChart", false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("drawing learning curves needs XChart, an optional dependency of"
                    + " kiln-runtime, which is not on the class path: add " + XCHART + " to your project (Maven:"
                    + " <groupId>org.knowm.xchart</groupId> <artifactId>xchart</artifactId>), or write the"
                    + " history as CSV with writeCsv and plot it elsewhere", e);
        }
    }
}
