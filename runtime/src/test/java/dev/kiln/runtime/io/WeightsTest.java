package dev.kiln.runtime.io;

import static dev.kiln.runtime.io.RawFiles.f32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.runtime.Model;
import dev.kiln.runtime.interpret.Interpreter;
import dev.kiln.spec.Activation;
import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.Init;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Weights}: a model's parameters saved and loaded back exactly, under the layout's names, shapes
 * and order; every mismatch listed in one exception with the model unchanged; checkpoints of weights and
 * further tensors.
 */
class WeightsTest {

    /** 3 inputs, tanh hidden layer of 4, 2 outputs without bias: hidden.weight [4, 3], hidden.bias [4], out.weight [2, 4]. */
    private static final NetworkSpec TINY = new NetworkSpec("Tiny", List.of(3), List.of(
            new DenseSpec(4, true, Init.NORMAL, 0.5, "Tiny.hidden"),
            ActivationSpec.of(Activation.TANH, "Tiny.hidden"),
            new DenseSpec(2, false, Init.AUTO, DenseSpec.DEFAULT_SCALE, "Tiny.out")), Loss.MSE, 8);

    private static final float[] INPUT = {0.5f, -1f, 2f, 0.25f, 0f, -0.75f};

    @TempDir
    Path directory;

    @Test
    void aModelLoadsBackExactlyWhatItSaved() throws IOException {
        Model saved = Interpreter.of(TINY, 1);
        Path path = directory.resolve("tiny.safetensors");
        Weights.save(saved, path, Map.of("epochs", "3"));
        Model loaded = Interpreter.of(TINY, 2);

        Map<String, String> metadata = Weights.load(loaded, path);

        assertEquals(Map.of("epochs", "3"), metadata);
        assertArrayEquals(parameters(saved), parameters(loaded));
        assertArrayEquals(saved.forward(INPUT, 0, 2).clone(), loaded.forward(INPUT, 0, 2).clone());
    }

    @Test
    void theFileHoldsTheLayoutsNamesShapesAndOrder() throws IOException {
        Model model = Interpreter.of(TINY, 3);
        Path path = directory.resolve("tiny.safetensors");
        Weights.save(model, path);

        SafeTensors.Header header = SafeTensors.readHeader(path);
        SafeTensors.Contents contents = SafeTensors.read(path);

        assertEquals(List.of(new TensorInfo("hidden.weight", DType.F32, List.of(4L, 3L), 0, 48),
                new TensorInfo("hidden.bias", DType.F32, List.of(4L), 48, 64),
                new TensorInfo("out.weight", DType.F32, List.of(2L, 4L), 64, 96)), header.tensors());
        assertEquals(Map.of(), header.metadata());
        float[] all = parameters(model);
        // row-major (outputs, inputs): row 1 of hidden.weight is the weights of hidden unit 1
        assertArrayEquals(slice(all, 0, 12), contents.tensor("hidden.weight").toArray());
        assertArrayEquals(slice(all, 12, 4), contents.tensor("hidden.bias").toArray());
        assertArrayEquals(slice(all, 16, 8), contents.tensor("out.weight").toArray());
    }

    @Test
    void tensorsAreMatchedByNameWhateverTheirOrder() throws IOException {
        Model source = Interpreter.of(TINY, 4);
        List<Tensor> reversed = new ArrayList<>(Weights.tensors(source)).reversed();
        Path path = directory.resolve("reversed.safetensors");
        SafeTensors.write(path, reversed, Map.of());
        Model target = Interpreter.of(TINY);

        Weights.load(target, path);

        assertArrayEquals(parameters(source), parameters(target));
        assertEquals("out.weight", SafeTensors.readHeader(path).tensors().getFirst().name());
    }

    @Test
    void tensorsAreLiveViewsOfTheParameters() {
        Model model = Interpreter.of(TINY, 5);
        Tensor bias = Weights.tensors(model).get(1);

        model.parameters().setAtIndex(ValueLayout.JAVA_FLOAT, 12, 7.5f);

        assertEquals("hidden.bias", bias.name());
        assertEquals(7.5f, bias.toArray()[0]);
    }

    @Test
    void everyMismatchIsListedAndTheModelIsUnchanged() throws IOException {
        // hidden.weight transposed, hidden.bias in double precision, out.weight missing, one tensor too many
        String json = "{" + f32("hidden.weight", "[3,4]", 0, 48)
                + ",\"hidden.bias\":{\"dtype\":\"F64\",\"shape\":[4],\"data_offsets\":[48,80]},"
                + f32("extra", "[1]", 80, 84) + "}";
        Path path = RawFiles.write(directory, "wrong.safetensors", RawFiles.file(json, 84));
        Model model = Interpreter.of(TINY, 6);
        float[] before = parameters(model);

        WeightsMismatchException e = assertThrows(WeightsMismatchException.class, () -> Weights.load(model, path));

        List<String> problems = List.of(
                "wrong shape: hidden.weight is [3, 4], expected [4, 3] (its transpose: a weight is (outputs, inputs),"
                        + " as in PyTorch's nn.Linear)",
                "wrong dtype: hidden.bias is F64, expected F32 (convert it before saving; in PyTorch: tensor.float())",
                "missing: out.weight, F32 [2, 4]",
                "unexpected: extra, F32 [1]");
        assertEquals(problems, e.problems());
        assertEquals(path + ": the tensors do not fit network Tiny (4 mismatches; the model was not changed):\n  "
                + String.join("\n  ", problems), e.getMessage());
        assertArrayEquals(before, parameters(model));
    }

    @Test
    void aWrongShapeThatIsNotATransposeGetsNoHint() throws IOException {
        Model model = Interpreter.of(TINY, 6);
        List<Tensor> tensors = new ArrayList<>(Weights.tensors(model));
        tensors.set(2, Tensor.of("out.weight", new float[8], 8));

        WeightsMismatchException e = assertThrows(WeightsMismatchException.class, () -> Weights.load(model, tensors));

        assertEquals("the tensors do not fit network Tiny (1 mismatch; the model was not changed):\n"
                + "  wrong shape: out.weight is [8], expected [2, 4]", e.getMessage());
    }

    @Test
    void aMalformedFileLeavesTheModelUnchanged() throws IOException {
        Model source = Interpreter.of(TINY, 7);
        Path path = directory.resolve("tiny.safetensors");
        Weights.save(source, path);
        byte[] bytes = Files.readAllBytes(path);
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 4);
        RawFiles.write(directory, "tiny.safetensors", longer);
        Model model = Interpreter.of(TINY, 8);
        float[] before = parameters(model);

        assertThrows(SafeTensorsFormatException.class, () -> Weights.load(model, path));

        assertArrayEquals(before, parameters(model));
    }

    @Test
    void aCheckpointHoldsTheWeightsBesideOtherState() throws IOException {
        Model model = Interpreter.of(TINY, 9);
        List<Tensor> checkpoint = new ArrayList<>(Weights.tensors(model));
        checkpoint.add(Tensor.of("optimizer.step", new float[] {12f}, 1));
        Path path = directory.resolve("checkpoint.safetensors");
        SafeTensors.write(path, checkpoint, Map.of("epoch", "12"));

        SafeTensors.Contents read = SafeTensors.read(path);
        Model restored = Interpreter.of(TINY);
        Weights.load(restored, read.tensors().stream().filter(t -> !t.name().startsWith("optimizer.")).toList());

        assertArrayEquals(parameters(model), parameters(restored));
        assertEquals(12f, read.tensor("optimizer.step").toArray()[0]);
        assertEquals(Map.of("epoch", "12"), read.metadata());
        // all of it is not weights
        WeightsMismatchException e = assertThrows(WeightsMismatchException.class,
                () -> Weights.load(Interpreter.of(TINY), read.tensors()));
        assertEquals(List.of("unexpected: optimizer.step, F32 [1]"), e.problems());
    }

    @Test
    void loadingAModelsOwnTensorsChangesNothing() {
        Model model = Interpreter.of(TINY, 10);
        float[] before = parameters(model);

        Weights.load(model, Weights.tensors(model));

        assertArrayEquals(before, parameters(model));
        assertFalse(before.length == 0);
    }

    private static float[] parameters(Model model) {
        return model.parameters().toArray(ValueLayout.JAVA_FLOAT);
    }

    private static float[] slice(float[] values, int from, int count) {
        return Arrays.copyOfRange(values, from, from + count);
    }
}
