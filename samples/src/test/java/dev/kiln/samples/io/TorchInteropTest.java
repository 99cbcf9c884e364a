package dev.kiln.samples.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.runtime.Model;
import dev.kiln.runtime.interpret.Interpreter;
import dev.kiln.runtime.io.SafeTensors;
import dev.kiln.runtime.io.Tensor;
import dev.kiln.runtime.io.Weights;
import dev.kiln.samples.iris.KilnIris;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * Weights move between Kiln and PyTorch without conversion, both ways, in safetensors files that each
 * side reads and writes by itself ({@code torch_interop.py} uses only json, struct and torch).
 *
 * <p>For the Iris network and {@link Mixed} (every activation PyTorch spells differently, a layer without
 * bias, a softmax output): Kiln's initialized weights, loaded by PyTorch into {@code torch.nn} modules
 * named like Kiln's fields, give in PyTorch the outputs Kiln computes; and weights PyTorch initialized
 * and saved, loaded into the generated class and into the interpreter, give in Kiln the outputs PyTorch
 * computed. PyTorch computes in float64, so its outputs are a double-precision reference; Kiln's float32
 * outputs must match them within 1e-5 relative (plus 1e-6 absolute, for values near zero), at a batch of 7
 * (matrix products) and one sample at a time (the loops the planner uses for small layers).
 */
class TorchInteropTest {

    private static final double RELATIVE = 1e-5;
    private static final double ABSOLUTE = 1e-6;
    private static final int BATCH = 7;

    @TempDir
    Path directory;

    @Test
    void irisWeightsFromKilnRunInPyTorch() throws IOException {
        kilnToTorch("iris", new KilnIris(42));
    }

    @Test
    void mixedWeightsFromKilnRunInPyTorch() throws IOException {
        kilnToTorch("mixed", new KilnMixed(42));
    }

    @Test
    void irisWeightsFromPyTorchRunInKiln() throws IOException {
        torchToKiln("iris", KilnIris::new, 7);
    }

    @Test
    void mixedWeightsFromPyTorchRunInKiln() throws IOException {
        torchToKiln("mixed", KilnMixed::new, 11);
    }

    @Test
    void withoutPyTorchTheTestsSkipOrFailWithTheFix() {
        List<Path> nowhere = List.of(directory.resolve("no-python3"));

        String skipped = assertThrows(TestAbortedException.class,
                () -> Torch.require(Optional.empty(), nowhere, null)).getMessage();
        String failed = assertThrows(AssertionFailedError.class,
                () -> Torch.require(Optional.empty(), nowhere, "1")).getMessage();

        String missing = "no python3 that can import torch was found (tried " + nowhere + "); install PyTorch, on"
                + " Debian or Ubuntu: apt-get install -y python3-torch";
        assertEquals("Assumption failed: " + missing + "; skipping the PyTorch tests (set KILN_REQUIRE_TORCH=1 to"
                + " fail instead)", skipped);
        assertEquals(missing + " (KILN_REQUIRE_TORCH=1 requires the PyTorch tests to run)", failed);
        assertEquals(Optional.empty(), Torch.find(nowhere));
        assertEquals(Path.of("/usr/bin/python3"), Torch.candidates().getFirst());
    }

    /** Kiln initializes and saves; PyTorch loads, runs and saves its outputs; Kiln's must match them. */
    private void kilnToTorch(String network, Model model) throws IOException {
        Torch.python(); // skip early, before writing anything, when there is no PyTorch
        Path weights = directory.resolve("kiln.safetensors");
        Path inputs = directory.resolve("inputs.safetensors");
        Path outputs = directory.resolve("outputs.safetensors");
        float[] x = inputs(model.inputSize(), 5);
        Weights.save(model, weights, Map.of("network", network));
        SafeTensors.write(inputs, List.of(Tensor.of("x", x, BATCH, model.inputSize())), Map.of());

        Torch.interop(directory, "forward", network, weights.toString(), inputs.toString(), outputs.toString());

        Tensor y = SafeTensors.read(outputs).tensor("y");
        assertEquals(List.of(BATCH, model.outputSize()), y.shape());
        assertMatches(y.toArray(), model, x, network + ", Kiln's weights");
    }

    /** PyTorch initializes, saves and runs; the generated class and the interpreter load and must match. */
    private void torchToKiln(String network, Supplier<Model> generated, int seed) throws IOException {
        Torch.python();
        Path weights = directory.resolve("torch.safetensors");
        Path inputs = directory.resolve("inputs.safetensors");
        Path outputs = directory.resolve("outputs.safetensors");

        Torch.interop(directory, "create", network, Integer.toString(seed), weights.toString(), inputs.toString(),
                outputs.toString());

        float[] x = SafeTensors.read(inputs).tensor("x").toArray();
        float[] y = SafeTensors.read(outputs).tensor("y").toArray();
        Model model = generated.get();
        Map<String, String> metadata = Weights.load(model, weights);
        assertEquals("pt", metadata.get("format"));
        assertTrue(metadata.get("source").startsWith("torch "), metadata.toString());
        assertMatches(y, model, x, network + ", PyTorch's weights, generated class");
        Model interpreted = Interpreter.of(model.spec());
        Weights.load(interpreted, weights);
        assertMatches(y, interpreted, x, network + ", PyTorch's weights, interpreter");
    }

    /** Kiln's outputs on {@code x}, as one batch and one sample at a time, against PyTorch's {@code expected}. */
    private static void assertMatches(float[] expected, Model model, float[] x, String what) {
        int out = model.outputSize();
        assertEquals(BATCH * out, expected.length, what);
        float[] batch = model.forward(x, 0, BATCH).clone();
        for (int s = 0; s < BATCH; s++) {
            float[] single = model.forward(x, s * model.inputSize(), 1);
            for (int j = 0; j < out; j++) {
                int i = s * out + j;
                check(expected[i], batch[i], what + ", batch of " + BATCH + ", sample " + s + ", output " + j);
                check(expected[i], single[j], what + ", batch of 1, sample " + s + ", output " + j);
            }
        }
    }

    private static void check(double expected, double actual, String where) {
        if (!(Math.abs(actual - expected) <= RELATIVE * Math.abs(expected) + ABSOLUTE)) {
            fail(where + ": Kiln gives " + actual + ", PyTorch " + expected + " (difference "
                    + Math.abs(actual - expected) + ")");
        }
    }

    /** {@code BATCH} samples of {@code size} features, standard normal, from {@code seed}. */
    private static float[] inputs(int size, long seed) {
        Random random = new Random(seed);
        float[] x = new float[BATCH * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (2 * random.nextGaussian());
        }
        return x;
    }
}
