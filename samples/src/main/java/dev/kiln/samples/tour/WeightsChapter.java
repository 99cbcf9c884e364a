package dev.kiln.samples.tour;

import dev.kiln.runtime.Model;
import dev.kiln.runtime.interpret.Interpreter;
import dev.kiln.runtime.io.SafeTensors;
import dev.kiln.runtime.io.TensorInfo;
import dev.kiln.runtime.io.Weights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chapter 9: saving and loading weights. The Iris MLP trained in chapter 1 is saved in the safetensors
 * format (PyTorch's and Hugging Face's), its tensors listed from the file's header, and loaded into a
 * fresh generated class and into the interpreter: both give the trained model's outputs exactly.
 */
final class WeightsChapter {

    /** The weights' file name in the output directory. */
    static final String FILE = "iris-mlp.safetensors";

    /**
     * What the chapter measured.
     *
     * @param file                  the file written
     * @param tensors               the tensors in the file, in order
     * @param metadata              the metadata read back
     * @param generatedIdentical    whether a fresh generated class with the loaded weights gives exactly the
     *                              trained model's test outputs
     * @param interpretedDifference the largest difference between the interpreter's outputs with the loaded
     *                              weights and the trained model's
     */
    record Result(Path file, List<TensorInfo> tensors, Map<String, String> metadata, boolean generatedIdentical,
                  double interpretedDifference) {
    }

    private WeightsChapter() {
    }

    /** Saves {@code trained}, loads it back twice, and compares the outputs on {@code iris}'s test data. */
    static Result run(Tour tour, KilnIrisMlp trained, TourData.ThreeWay iris) {
        tour.heading(9, "Saving and loading weights", "The Iris MLP of chapter 1 saved as safetensors, then loaded"
                + " into a fresh generated class and into the interpreter; the same test flowers go through all"
                + " three.");
        Path file = tour.file(FILE);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("network", trained.spec().name());
        metadata.put("seed", Long.toString(Tour.SEED));
        List<TensorInfo> tensors;
        Map<String, String> readBack;
        KilnIrisMlp fresh = new KilnIrisMlp();
        Model interpreted = Interpreter.of(IrisMlpChain.IRIS_MLP_CHAIN);
        try {
            Weights.save(trained, file, metadata);
            tensors = SafeTensors.readHeader(file).tensors();
            readBack = Weights.load(fresh, file);
            Weights.load(interpreted, file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not save or load " + file, e);
        }
        tour.printf("%s, metadata %s:%n", file.getFileName(), readBack);
        Table table = new Table("tensor", "dtype", "shape", "bytes");
        for (TensorInfo t : tensors) {
            table.row(t.name(), t.dtype().toString(), t.shape().toString(), Long.toString(t.byteSize()));
        }
        tour.out().print(table);

        float[] x = iris.test().features();
        int n = iris.test().size();
        float[] expected = Arrays.copyOf(trained.forward(x, 0, n), n * trained.outputSize());
        float[] reloaded = Arrays.copyOf(fresh.forward(x, 0, n), n * fresh.outputSize());
        boolean identical = Arrays.equals(expected, reloaded);
        double difference = PerceptronChapter.largestDifference(trained, interpreted, x, n);
        tour.printf("a fresh KilnIrisMlp with the loaded weights: test outputs identical, bit for bit: %s%n",
                identical);
        tour.printf("the interpreter with the loaded weights: largest difference %.2e%n", difference);
        tour.explain("The file holds numbers only, under PyTorch's names and shapes (weight: outputs x inputs);"
                + " the architecture is the code's, so torch.nn.Linear modules named hidden and out load it"
                + " unchanged.");
        return new Result(file, tensors, readBack, identical, difference);
    }
}
