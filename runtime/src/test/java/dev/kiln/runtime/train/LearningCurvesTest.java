package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A history by metric name, as CSV, and drawn as a PNG. */
class LearningCurvesTest {

    @TempDir
    Path directory;

    private static final History CLASSIFICATION = new History(List.of(
            new EpochStats(1, 3, new Measures(1.25, 0.5, 0.25, 0.75, 0.375), new Measures(1.5, 0.4, 0.3, 0.2, 0.1),
                    0.01f, 0.5),
            new EpochStats(2, 3, new Measures(0.75, 0.625, 0.5, 0.5, 0.5), new Measures(1.0, 0.6, 0.6, 0.6, 0.6),
                    0.005f, 0.25),
            new EpochStats(3, 3, new Measures(0.5, 0.875, 0.875, 0.875, 0.875), new Measures(1.125, 0.5, 0.5, 0.5, 0.5),
                    0.0025f, 0.125)));

    private static final History REGRESSION = new History(List.of(
            new EpochStats(1, 2, EpochStatsTest.loss(2.0), Measures.NONE, 0.1f, 1.5),
            new EpochStats(2, 2, EpochStatsTest.loss(1.0), Measures.NONE, 0.1f, 1.25)));

    @Test
    void valuesByMetricName() {
        assertArrayEquals(new double[] {1.5, 1.0, 1.125}, CLASSIFICATION.values("val_loss"));
        assertArrayEquals(new double[] {0.5, 0.625, 0.875}, CLASSIFICATION.values("accuracy"));
        assertTrue(CLASSIFICATION.has("val_f1"));
        assertFalse(REGRESSION.has("accuracy"));
        assertEquals("no metric is named 'acc'; the metrics are loss, accuracy, precision, recall, f1, val_loss,"
                + " val_accuracy, val_precision, val_recall, val_f1, learning_rate, seconds",
                assertThrows(IllegalArgumentException.class, () -> CLASSIFICATION.values("acc")).getMessage());
    }

    @Test
    void theCsvHasAHeaderAndOneRowPerEpoch() {
        assertEquals("""
                epoch,loss,accuracy,precision,recall,f1,val_loss,val_accuracy,val_precision,val_recall,val_f1,\
                learning_rate,seconds
                1,1.25,0.5,0.25,0.75,0.375,1.5,0.4,0.3,0.2,0.1,0.01,0.5
                2,0.75,0.625,0.5,0.5,0.5,1.0,0.6,0.6,0.6,0.6,0.005,0.25
                3,0.5,0.875,0.875,0.875,0.875,1.125,0.5,0.5,0.5,0.5,0.0025,0.125
                """, CLASSIFICATION.toCsv());
    }

    @Test
    void measuresNotTakenAreEmptyCells() {
        assertEquals(LearningCurves.CSV_HEADER + "\n1,2.0,,,,,,,,,,0.1,1.5\n2,1.0,,,,,,,,,,0.1,1.25\n",
                LearningCurves.csv(REGRESSION));
    }

    @Test
    void theCsvIsWrittenToAFile() throws IOException {
        Path file = directory.resolve("history.csv");

        CLASSIFICATION.writeCsv(file);

        assertEquals(CLASSIFICATION.toCsv(), Files.readString(file, StandardCharsets.UTF_8));
    }

    @Test
    void thePngDecodesAtTheSizeAskedFor() throws IOException {
        Path file = directory.resolve("curves.png");

        LearningCurves.writePng(CLASSIFICATION, file, 640, 300);

        BufferedImage image = ImageIO.read(file.toFile());
        assertEquals(640, image.getWidth());
        assertEquals(300, image.getHeight());
        assertTrue(distinctColours(image) > 10, "the image shows curves, axes and text, not a blank");
        assertEquals("true", System.getProperty("java.awt.headless"));
    }

    @Test
    void theDefaultSizeAndALossOnlyHistory() throws IOException {
        Path file = directory.resolve("loss.png");

        REGRESSION.writePng(file);

        BufferedImage image = ImageIO.read(file.toFile());
        assertEquals(LearningCurves.WIDTH, image.getWidth());
        assertEquals(LearningCurves.HEIGHT, image.getHeight());
        assertTrue(distinctColours(image) > 10, "the image shows a curve, axes and text, not a blank");
    }

    @Test
    void aTinyImageIsRejected() {
        assertEquals("a plot of 100 x 100 pixels is too small for its axes; give at least 200 x 150",
                assertThrows(IllegalArgumentException.class,
                        () -> LearningCurves.writePng(CLASSIFICATION, directory.resolve("x.png"), 100, 100))
                        .getMessage());
    }

    @Test
    void withoutXChartThePngNamesTheDependency() throws Exception {
        // the runtime's classes alone, in a class loader that cannot see XChart
        URL classes = LearningCurves.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
            Class<?> curves = loader.loadClass(LearningCurves.class.getName());
            Class<?> measures = loader.loadClass(Measures.class.getName());
            Class<?> stats = loader.loadClass(EpochStats.class.getName());
            Object none = measures.getField("NONE").get(null);
            Object epoch = stats.getConstructor(int.class, int.class, measures, measures, double.class, double.class)
                    .newInstance(1, 1, none, none, 0.1, 1.0);
            Object history = loader.loadClass(History.class.getName()).getConstructor(List.class)
                    .newInstance(List.of(epoch));
            Method writePng = curves.getMethod("writePng", history.getClass(), Path.class);
            Path file = directory.resolve("none.png");

            InvocationTargetException e = assertThrows(InvocationTargetException.class,
                    () -> writePng.invoke(null, history, file));

            IllegalStateException cause = assertInstanceOf(IllegalStateException.class, e.getCause());
            assertEquals("drawing learning curves needs XChart, an optional dependency of kiln-runtime, which is not"
                    + " on the class path: add org.knowm.xchart:xchart:4.0.3 to your project (Maven: <groupId>"
                    + "org.knowm.xchart</groupId> <artifactId>xchart</artifactId>), or write the history as CSV with"
                    + " writeCsv and plot it elsewhere", cause.getMessage());
            assertFalse(Files.exists(file));
        }
    }

    private static int distinctColours(BufferedImage image) {
        return (int) java.util.stream.IntStream.range(0, image.getWidth() * image.getHeight())
                .map(i -> image.getRGB(i % image.getWidth(), i / image.getWidth())).distinct().count();
    }
}
