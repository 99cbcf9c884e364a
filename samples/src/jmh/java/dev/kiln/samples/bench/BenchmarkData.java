package dev.kiln.samples.bench;

import dev.kiln.runtime.Rng;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.samples.fashion.FashionMnist;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * The inputs of the JMH benchmarks: the first images of the Fashion-MNIST test set with their one-hot
 * targets when the data is installed (found as {@link FashionMnist#find()} says), else random images of
 * the same shape with random labels, so that the benchmarks run anywhere; the products cost the same.
 */
final class BenchmarkData {

    static final int FEATURES = FashionMnist.IMAGE_SIZE;
    static final int CLASSES = FashionMnist.CLASSES;

    /** The first {@code count} images, flattened one after the other. */
    final float[] images;
    /** Their one-hot targets, {@code CLASSES} values each. */
    final float[] targets;
    /** Where they came from, for the log. */
    final String source;

    private BenchmarkData(float[] images, float[] targets, String source) {
        this.images = images;
        this.targets = targets;
        this.source = source;
    }

    /** The first {@code count} test images, or random ones. */
    static BenchmarkData firstTestImages(int count) {
        Optional<Path> directory = FashionMnist.find();
        if (directory.isPresent()) {
            try {
                Dataset test = FashionMnist.test(directory.get());
                return new BenchmarkData(Arrays.copyOf(test.features(), count * FEATURES),
                        Arrays.copyOf(test.targets(), count * CLASSES), "Fashion-MNIST test set in " + directory.get());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Rng rng = new Rng(42);
        float[] images = new float[count * FEATURES];
        float[] targets = new float[count * CLASSES];
        for (int j = 0; j < images.length; j++) {
            images[j] = rng.nextFloat();
        }
        for (int s = 0; s < count; s++) {
            targets[s * CLASSES + rng.nextInt(CLASSES)] = 1f;
        }
        return new BenchmarkData(images, targets, "random images (Fashion-MNIST not found)");
    }

    /** Image {@code s} as an array of its own. */
    float[] image(int s) {
        return Arrays.copyOfRange(images, s * FEATURES, (s + 1) * FEATURES);
    }
}
