package dev.kiln.runtime.data;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Reads classification data sets from CSV files laid out as scikit-learn ships them: one sample per line,
 * its features then its integer class label, values separated by commas (no quoting). Two variants:
 * <ul>
 *   <li>with a header line {@code rows,features,name0,name1,...} (as {@code iris.csv}:
 *       {@code 150,4,setosa,versicolor,virginica}), whose row and feature counts are checked and whose
 *       class names give the number of classes;</li>
 *   <li>without one (as {@code digits.csv.gz}): the first line gives the number of features, and there are
 *       {@code max(label) + 1} classes.</li>
 * </ul>
 * A gzip-compressed file is recognized by its first two bytes and decompressed on the fly. Blank lines are
 * skipped. Every value must be a finite decimal number; anything else is a {@link CsvFormatException}
 * naming the source, the line and the column.
 */
public final class Csv {

    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
    private static final Set<String> NON_FINITE = Set.of("nan", "inf", "infinity");
    private static final int GZIP_MAGIC_1 = 0x1f;
    private static final int GZIP_MAGIC_2 = 0x8b;

    private final String source;
    private final List<float[]> features = new ArrayList<>();
    private final List<Integer> labels = new ArrayList<>();
    private int featureCount = -1;
    private int declaredRows = -1;
    private int declaredClasses = -1;
    private int headerLine;

    private Csv(String source) {
        this.source = source;
    }

    /**
     * Reads the file at {@code path}, compressed or not; messages name it by its file name.
     *
     * @throws CsvFormatException if the file is not a well-formed classification CSV
     * @throws IOException        if it cannot be read
     */
    public static Dataset readClassification(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return readClassification(in, path.getFileName().toString());
        }
    }

    /**
     * Reads {@code in} to its end, compressed or not, and closes it.
     *
     * @param sourceName what messages call the data, e.g. its file name
     * @throws CsvFormatException if the data is not a well-formed classification CSV
     * @throws IOException        if it cannot be read
     */
    public static Dataset readClassification(InputStream in, String sourceName) throws IOException {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(decompressed(in), StandardCharsets.UTF_8))) {
            return new Csv(sourceName).read(reader);
        }
    }

    /** {@code in}, decompressed if it starts with the gzip magic bytes. */
    private static InputStream decompressed(InputStream in) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in);
        buffered.mark(2);
        boolean gzip = buffered.read() == GZIP_MAGIC_1 && buffered.read() == GZIP_MAGIC_2;
        buffered.reset();
        return gzip ? new GZIPInputStream(buffered) : buffered;
    }

    private Dataset read(BufferedReader reader) throws IOException {
        int lineNumber = 0;
        boolean first = true;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.split(",", -1);
            for (int j = 0; j < fields.length; j++) {
                fields[j] = fields[j].strip();
            }
            if (first && isHeader(fields)) {
                header(fields, lineNumber);
            } else {
                row(fields, lineNumber);
            }
            first = false;
        }
        return dataset();
    }

    /** Whether a first line is a header: two integers, then names that are not all numbers. */
    private static boolean isHeader(String[] fields) {
        if (fields.length < 3 || !INTEGER.matcher(fields[0]).matches() || !INTEGER.matcher(fields[1]).matches()) {
            return false;
        }
        for (int j = 2; j < fields.length; j++) {
            if (!NUMBER.matcher(fields[j]).matches()) {
                return true;
            }
        }
        return false;
    }

    private void header(String[] fields, int line) {
        headerLine = line;
        declaredRows = count(fields[0], line, 1, "a row count");
        featureCount = count(fields[1], line, 2, "a feature count");
        if (featureCount == 0) {
            throw error(line, 2, "expected a positive feature count, found '0'");
        }
        declaredClasses = fields.length - 2;
        if (declaredClasses < 2) {
            throw error(line, "expected at least 2 class names after the row and feature counts, found "
                    + declaredClasses);
        }
    }

    private void row(String[] fields, int line) {
        if (featureCount < 0) {
            if (fields.length < 2) {
                throw error(line, "expected at least 2 values (features and a label), found " + fields.length);
            }
            featureCount = fields.length - 1;
        }
        if (fields.length != featureCount + 1) {
            throw error(line, "expected " + (featureCount + 1) + " values (" + featureCount
                    + " features and a label), found " + fields.length);
        }
        float[] row = new float[featureCount];
        for (int j = 0; j < featureCount; j++) {
            row[j] = number(fields[j], line, j + 1);
        }
        features.add(row);
        labels.add(label(fields[featureCount], line, featureCount + 1));
    }

    private Dataset dataset() {
        if (features.isEmpty()) {
            throw new CsvFormatException(source + (headerLine == 0 ? ": the file is empty"
                    : ": no samples after the header (line " + headerLine + ")"));
        }
        if (declaredRows >= 0 && declaredRows != features.size()) {
            throw new CsvFormatException(source + ": the header (line " + headerLine + ") declares "
                    + declaredRows + " rows, but the file has " + features.size());
        }
        int[] labelArray = labels.stream().mapToInt(Integer::intValue).toArray();
        int classes = declaredClasses >= 0 ? declaredClasses : Arrays.stream(labelArray).max().orElseThrow() + 1;
        if (classes < 2) {
            throw new CsvFormatException(source + ": every label is 0, but a classification needs at least 2"
                    + " classes");
        }
        return Dataset.classification(features.toArray(float[][]::new), labelArray, classes);
    }

    private float number(String text, int line, int column) {
        if (!NUMBER.matcher(text).matches()) {
            String unsigned = text.toLowerCase(Locale.ROOT).replaceFirst("^[+-]", "");
            String expected = NON_FINITE.contains(unsigned) ? "a finite number" : "a number";
            throw error(line, column, "expected " + expected + ", found '" + text + "'");
        }
        float value = Float.parseFloat(text);
        if (!Float.isFinite(value)) {
            throw error(line, column, "expected a number within float range, found '" + text + "'");
        }
        return value;
    }

    private int label(String text, int line, int column) {
        String range = declaredClasses < 0 ? "a non-negative integer" : "an integer in [0, " + declaredClasses + ")";
        int label = parseIntOr(text, -1);
        if (label < 0 || (declaredClasses >= 0 && label >= declaredClasses)) {
            throw error(line, column, "expected a class label, " + range + ", found '" + text + "'");
        }
        return label;
    }

    private int count(String text, int line, int column, String what) {
        int count = parseIntOr(text, -1);
        if (count < 0) {
            throw error(line, column, "expected " + what + ", a non-negative integer, found '" + text + "'");
        }
        return count;
    }

    private static int parseIntOr(String text, int fallback) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private CsvFormatException error(int line, String message) {
        return new CsvFormatException(source + " line " + line + ": " + message);
    }

    private CsvFormatException error(int line, int column, String message) {
        return new CsvFormatException(source + " line " + line + ", column " + column + ": " + message);
    }
}
