package dev.kiln.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Csv}: the real Iris file, both layouts, gzip, and one test per malformed input. */
class CsvTest {

    private static final String HEADER = "3,2,a,b,c\n";

    @Test
    void readsTheRealIrisFile() throws IOException {
        Dataset iris;
        try (InputStream in = CsvTest.class.getResourceAsStream("/iris.csv")) {
            iris = Csv.readClassification(in, "iris.csv");
        }

        assertEquals(150, iris.size());
        assertEquals(4, iris.featureSize());
        assertEquals(3, iris.classes());
        assertArrayEquals(new float[] {5.1f, 3.5f, 1.4f, 0.2f}, Arrays.copyOf(iris.features(), 4));
        int[] counts = new int[3];
        for (int label : iris.labels()) {
            counts[label]++;
        }
        assertArrayEquals(new int[] {50, 50, 50}, counts);
        assertEquals(2, iris.labels()[149]);
    }

    @Test
    void readsAPathAndNamesItInMessages(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("tiny.csv");
        Files.writeString(file, HEADER + "1,2,0\n3,4,1\n5,6,2\n");
        Path bad = directory.resolve("bad.csv");
        Files.writeString(bad, "1,x,0\n");

        assertEquals(3, Csv.readClassification(file).size());
        assertEquals("bad.csv line 1, column 2: expected a number, found 'x'",
                assertThrows(CsvFormatException.class, () -> Csv.readClassification(bad)).getMessage());
    }

    @Test
    void withoutAHeaderTheClassesAreTheLargestLabelPlusOne() throws IOException {
        Dataset data = read("0,16,3\n5,2,9\n1,1,0\n");

        assertEquals(3, data.size());
        assertEquals(2, data.featureSize());
        assertEquals(10, data.classes());
        assertArrayEquals(new int[] {3, 9, 0}, data.labels());
    }

    @Test
    void gzipIsRecognizedByItsMagicBytes() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write("0,0,5,13,1\n0,1,2,3,0\n".getBytes(StandardCharsets.US_ASCII));
        }

        Dataset data = Csv.readClassification(new ByteArrayInputStream(bytes.toByteArray()), "digits.csv.gz");

        assertEquals(2, data.size());
        assertEquals(4, data.featureSize());
        assertArrayEquals(new float[] {0, 0, 5, 13, 0, 1, 2, 3}, data.features());
    }

    @Test
    void blankLinesAndWindowsLineEndingsAndSpacesAreAccepted() throws IOException {
        Dataset data = read("3,2,a,b,c\r\n\r\n 1 , 2e-1 ,0\r\n-3,.5,1\r\n+5,6.,2\r\n\r\n");

        assertArrayEquals(new float[] {1, 0.2f, -3, 0.5f, 5, 6}, data.features());
        assertArrayEquals(new int[] {0, 1, 2}, data.labels());
    }

    @Test
    void aValueThatIsNotANumber() {
        assertMessage("iris.csv line 3, column 2: expected a number, found 'abc'", HEADER + "1,2,0\n3,abc,1\n5,6,2\n");
        assertMessage("iris.csv line 2, column 1: expected a number, found ''", HEADER + ",2,0\n");
        assertMessage("iris.csv line 2, column 1: expected a number, found '0x1p3'", HEADER + "0x1p3,2,0\n");
    }

    @Test
    void aLineWithTheWrongNumberOfValues() {
        assertMessage("iris.csv line 3: expected 3 values (2 features and a label), found 2",
                HEADER + "1,2,0\n3,1\n5,6,2\n");
        assertMessage("iris.csv line 2: expected 3 values (2 features and a label), found 4",
                "1,2,0\n3,4,5,1\n");
    }

    @Test
    void lineNumbersCountBlankLines() {
        assertMessage("iris.csv line 4, column 1: expected a number, found 'x'", HEADER + "1,2,0\n\nx,6,2\n");
    }

    @Test
    void nonFiniteValues() {
        assertMessage("iris.csv line 2, column 2: expected a finite number, found 'NaN'", HEADER + "1,NaN,0\n");
        assertMessage("iris.csv line 2, column 1: expected a finite number, found '-Infinity'",
                HEADER + "-Infinity,1,0\n");
        assertMessage("iris.csv line 2, column 2: expected a number within float range, found '1e39'",
                HEADER + "1,1e39,0\n");
    }

    @Test
    void labelsThatAreNotClassIndices() {
        assertMessage("iris.csv line 2, column 3: expected a class label, an integer in [0, 3), found '1.5'",
                HEADER + "1,2,1.5\n");
        assertMessage("iris.csv line 3, column 3: expected a class label, an integer in [0, 3), found '3'",
                HEADER + "1,2,0\n1,2,3\n");
        assertMessage("iris.csv line 1, column 3: expected a class label, a non-negative integer, found '-1'",
                "1,2,-1\n");
        assertMessage("iris.csv line 1, column 3: expected a class label, a non-negative integer,"
                + " found '99999999999'", "1,2,99999999999\n");
    }

    @Test
    void aHeaderWhoseRowCountDisagrees() {
        assertMessage("iris.csv: the header (line 1) declares 3 rows, but the file has 2", HEADER + "1,2,0\n3,4,1\n");
    }

    @Test
    void aHeaderWithoutFeatures() {
        assertMessage("iris.csv line 1, column 2: expected a positive feature count, found '0'", "3,0,a,b\n");
    }

    @Test
    void aHeaderWithASingleClass() {
        assertMessage("iris.csv line 1: expected at least 2 class names after the row and feature counts, found 1",
                "2,1,only\n1,0\n2,0\n");
    }

    @Test
    void anEmptyFile() {
        assertMessage("iris.csv: the file is empty", "");
        assertMessage("iris.csv: the file is empty", "\n  \n");
    }

    @Test
    void aHeaderWithoutSamples() {
        assertMessage("iris.csv: no samples after the header (line 1)", "0,4,a,b\n");
    }

    @Test
    void aLineWithoutALabel() {
        assertMessage("iris.csv line 1: expected at least 2 values (features and a label), found 1", "5\n");
    }

    @Test
    void dataWithASingleClass() {
        assertMessage("iris.csv: every label is 0, but a classification needs at least 2 classes",
                "1,2,0\n3,4,0\n");
    }

    private static Dataset read(String text) throws IOException {
        return Csv.readClassification(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "iris.csv");
    }

    private static void assertMessage(String message, String text) {
        assertEquals(message, assertThrows(CsvFormatException.class, () -> read(text)).getMessage());
    }
}
