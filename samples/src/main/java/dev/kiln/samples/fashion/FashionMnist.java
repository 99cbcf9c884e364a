package dev.kiln.samples.fashion;

import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.Idx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds and loads Fashion-MNIST (Zalando's 28 x 28 grey images of clothing, 10 classes; 60,000 for
 * training, 10,000 for testing) from its four IDX files, gzip-compressed ({@code train-images-idx3-ubyte.gz},
 * {@code train-labels-idx1-ubyte.gz}, {@code t10k-images-idx3-ubyte.gz}, {@code t10k-labels-idx1-ubyte.gz})
 * or not (the same names without {@code .gz}).
 *
 * <p>The directory is, in order: the one given by the caller (a program argument), the system property
 * {@value #PROPERTY}, the environment variable {@value #ENVIRONMENT_VARIABLE}, else {@code
 * /usr/share/datasets/fashion-mnist}, where Debian's package {@code dataset-fashion-mnist} puts it.
 *
 * <p>Pixels become {@code pixel / 255} in {@code [0, 1]}, flattened row by row to 784 features, with no
 * other normalization; targets are one-hot rows of 10.
 */
public final class FashionMnist {

    /** The system property that names the data directory, e.g. {@code -Dkiln.fashionMnist=/data/fmnist}. */
    public static final String PROPERTY = "kiln.fashionMnist";

    /** The environment variable that names the data directory when {@value #PROPERTY} is unset. */
    public static final String ENVIRONMENT_VARIABLE = "KILN_FASHION_MNIST";

    /** Where Debian's {@code dataset-fashion-mnist} installs the files. */
    public static final Path DEBIAN_DIRECTORY = Path.of("/usr/share/datasets/fashion-mnist");

    /** The number of classes. */
    public static final int CLASSES = 10;

    /** Features per image: 28 x 28 pixels. */
    public static final int IMAGE_SIZE = 28 * 28;

    /** The training images. */
    public static final int TRAIN_SIZE = 60_000;

    /** The test images. */
    public static final int TEST_SIZE = 10_000;

    /** The class names, by label. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    private static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    private static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    private static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    private static final List<String> FILES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    private FashionMnist() {
    }

    /**
     * The training and the test set.
     *
     * @param train the 60,000 training images
     * @param test  the 10,000 test images
     */
    public record Data(Dataset train, Dataset test) {
    }

    /**
     * Where to look for the data and what chose it.
     *
     * @param directory the directory
     * @param origin    what named it, for messages: {@code the argument}, {@code the system property ...},
     *                  {@code the environment variable ...} or {@code the default}
     */
    public record Location(Path directory, String origin) {
    }

    /**
     * The directory to look in, without checking it: {@code argument} unless null or blank, else the
     * system property, else the environment variable, else the Debian directory.
     */
    public static Location locate(String argument) {
        if (argument != null && !argument.isBlank()) {
            return new Location(Path.of(argument.strip()), "the argument");
        }
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return new Location(Path.of(property.strip()), "the system property " + PROPERTY);
        }
        String variable = System.getenv(ENVIRONMENT_VARIABLE);
        if (variable != null && !variable.isBlank()) {
            return new Location(Path.of(variable.strip()), "the environment variable " + ENVIRONMENT_VARIABLE);
        }
        return new Location(DEBIAN_DIRECTORY, "the default");
    }

    /**
     * The directory that holds the four files, found as {@link #locate} says.
     *
     * @throws IllegalStateException if a file is missing there, saying which, where it looked and how to
     *     install the data or point at it
     */
    public static Path directory(String argument) {
        Location location = locate(argument);
        List<String> missing = missing(location.directory());
        if (!missing.isEmpty()) {
            throw new IllegalStateException(notFound(location, missing));
        }
        return location.directory();
    }

    /** The directory {@link #locate locate(null)} names, if the four files are there: for optional uses such as tests. */
    public static Optional<Path> find() {
        Path directory = locate(null).directory();
        return missing(directory).isEmpty() ? Optional.of(directory) : Optional.empty();
    }

    /**
     * Loads both sets from {@code directory}.
     *
     * @throws IllegalStateException if a file is missing
     * @throws IOException           if a file cannot be read
     * @throws dev.kiln.runtime.data.IdxFormatException if a file is malformed
     */
    public static Data load(Path directory) throws IOException {
        return new Data(train(directory), test(directory));
    }

    /** The 60,000 training images; errors as {@link #load}. */
    public static Dataset train(Path directory) throws IOException {
        return read(directory, TRAIN_IMAGES, TRAIN_LABELS, "Fashion-MNIST train");
    }

    /** The 10,000 test images; errors as {@link #load}. */
    public static Dataset test(Path directory) throws IOException {
        return read(directory, TEST_IMAGES, TEST_LABELS, "Fashion-MNIST test");
    }

    private static Dataset read(Path directory, String images, String labels, String name) throws IOException {
        Location location = new Location(directory, "the caller");
        Path imageFile = file(directory, images);
        Path labelFile = file(directory, labels);
        if (imageFile == null || labelFile == null) {
            throw new IllegalStateException(notFound(location, missing(directory)));
        }
        return Idx.readClassification(imageFile, labelFile, CLASSES, name);
    }

    /** The file {@code base}.gz in {@code directory}, else {@code base}, else null. */
    private static Path file(Path directory, String base) {
        for (String name : List.of(base + ".gz", base)) {
            Path file = directory.resolve(name);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        return null;
    }

    private static List<String> missing(Path directory) {
        List<String> missing = new ArrayList<>();
        for (String base : FILES) {
            if (file(directory, base) == null) {
                missing.add(base + ".gz");
            }
        }
        return missing;
    }

    private static String notFound(Location location, List<String> missing) {
        String where = Files.isDirectory(location.directory())
                ? "in " + location.directory() + " (named by " + location.origin() + "): missing "
                        + String.join(", ", missing)
                : "at " + location.directory() + " (named by " + location.origin() + "): there is no such directory";
        return "Fashion-MNIST was not found " + where + ".\n"
                + "On Debian or Ubuntu, install it with\n"
                + "    apt-get install -y dataset-fashion-mnist\n"
                + "(it goes to " + DEBIAN_DIRECTORY + "), or pass the directory that holds the four files ("
                + String.join(", ", FILES.stream().map(f -> f + ".gz").toList())
                + ", compressed or not): as the program's argument, with -D" + PROPERTY + "=DIR, or in the"
                + " environment variable " + ENVIRONMENT_VARIABLE + ".";
    }
}
