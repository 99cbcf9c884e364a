package dev.kiln.samples.data;

import dev.kiln.runtime.data.Csv;
import dev.kiln.runtime.data.Dataset;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The small real data sets the samples run on with nothing to download, copies of the UCI sets as
 * scikit-learn ships them, kept in the samples' resources:
 * <ul>
 *   <li>{@link #iris()}: 150 flowers, 4 measurements, 3 species;</li>
 *   <li>{@link #digits()}: 1,797 handwritten digits as 8 x 8 images of pixel values 0..16 (row-major), 10 classes;</li>
 *   <li>{@link #wine()}: 178 wines, 13 chemical measurements, 3 cultivars.</li>
 * </ul>
 */
public final class SmallDatasets {

    private SmallDatasets() {
    }

    /** Fisher's Iris. */
    public static Dataset iris() {
        return read("/dev/kiln/samples/iris/iris.csv");
    }

    /** The optical handwritten digits, 8 x 8 pixels in 0..16. */
    public static Dataset digits() {
        return read("/dev/kiln/samples/data/digits.csv.gz");
    }

    /** The wine recognition data. */
    public static Dataset wine() {
        return read("/dev/kiln/samples/data/wine.csv");
    }

    private static Dataset read(String resource) {
        try (InputStream in = SmallDatasets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the class path; it ships in kiln-samples' resources");
            }
            return Csv.readClassification(in, resource.substring(resource.lastIndexOf('/') + 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
