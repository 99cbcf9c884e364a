package dev.kiln.runtime.io;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.Parameter;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Saves a model's parameters to a safetensors file and loads them back, into the same class, another
 * {@link Model} of the same network (a generated class and the interpreter share one layout), or PyTorch.
 *
 * <p>Each parameter is one F32 tensor under its {@link Model#parameterLayout()} name and shape:
 * {@code hidden.weight} of shape (outputs, inputs) and {@code hidden.bias} of shape (outputs) for a Dense
 * layer declared as field {@code hidden} (or {@code .named("hidden")}), which is what PyTorch's
 * {@code nn.Linear} holds under a module attribute {@code hidden}: its {@code state_dict()} has the same
 * names and shapes, row-major, no transpose. The file lists them in the model's layout order, layer by
 * layer, weight before bias.
 * <pre>{@code
 * Weights.save(net, Path.of("iris.safetensors"), Map.of("epochs", "100"));
 * KilnIris copy = new KilnIris();
 * Weights.load(copy, Path.of("iris.safetensors"));
 * }</pre>
 *
 * <p>Loading checks the file's tensors against the model's layout and rejects every mismatch at once
 * (missing, unexpected, wrong shape, wrong dtype) in one {@link WeightsMismatchException}; the model's
 * parameters change only when everything fits and every value has been read.
 */
public final class Weights {

    private Weights() {
    }

    /**
     * The model's parameters as tensors, in layout order: live views of {@link Model#parameters()}, so
     * later training changes them. The model's part of a checkpoint (see {@link SafeTensors}).
     */
    public static List<Tensor> tensors(Model model) {
        List<Tensor> tensors = new ArrayList<>(model.parameterLayout().size() + model.stateLayout().size());
        for (Slot slot : slots(model)) {
            Parameter p = slot.tensor();
            tensors.add(new Tensor(p.name(), p.shape(), Memory.slice(slot.memory(), p.offset(), p.size())));
        }
        return tensors;
    }

    /**
     * One tensor the model saves: a parameter, or a state tensor ({@link Model#stateLayout()}, batch norm's
     * running statistics), which is saved and loaded alike.
     *
     * @param tensor  its name, shape and offset in {@code memory}
     * @param memory  the model's parameters or state
     * @param staging where it sits while a load is staged, in floats: parameters first, then the state
     */
    private record Slot(Parameter tensor, MemorySegment memory, long staging) {
    }

    private static List<Slot> slots(Model model) {
        List<Slot> slots = new ArrayList<>();
        long parameters = Memory.floats(model.parameters());
        for (Parameter p : model.parameterLayout()) {
            slots.add(new Slot(p, model.parameters(), p.offset()));
        }
        for (Parameter p : model.stateLayout()) {
            slots.add(new Slot(p, model.state(), parameters + p.offset()));
        }
        return slots;
    }

    private static float[] stagingArray(Model model) {
        return new float[Math.toIntExact(Memory.floats(model.parameters()) + Memory.floats(model.state()))];
    }

    /**
     * Saves the model's parameters to {@code path}, atomically replacing any file there.
     *
     * @throws IOException if the file cannot be written; a previous file is then left as it was
     */
    public static void save(Model model, Path path) throws IOException {
        save(model, path, Map.of());
    }

    /**
     * Saves the model's parameters and {@code metadata} (stored as the file's {@code __metadata__}) to
     * {@code path}, atomically replacing any file there.
     *
     * @throws IOException if the file cannot be written; a previous file is then left as it was
     */
    public static void save(Model model, Path path, Map<String, String> metadata) throws IOException {
        SafeTensors.write(path, tensors(model), metadata);
    }

    /**
     * Loads the parameters saved at {@code path} into {@code model}.
     *
     * @return the file's metadata, empty if it has none
     * @throws WeightsMismatchException   if the file's tensors do not fit the model's layout; it lists every
     *     mismatch, and the model is unchanged
     * @throws SafeTensorsFormatException if the file is not a well-formed safetensors file; the model is
     *     unchanged
     * @throws IOException                if it cannot be read; the model is unchanged
     */
    public static Map<String, String> load(Model model, Path path) throws IOException {
        Objects.requireNonNull(model, "model");
        try (SafeTensorsReader reader = SafeTensorsReader.open(path)) {
            SafeTensors.Header header = reader.header();
            List<Found> found = new ArrayList<>();
            for (TensorInfo t : header.tensors()) {
                found.add(new Found(t.name(), t.dtype(), t.shape()));
            }
            check(model, found, reader.source());
            Map<String, TensorInfo> byName = new LinkedHashMap<>();
            header.tensors().forEach(t -> byName.put(t.name(), t));
            MemorySegment staging = MemorySegment.ofArray(stagingArray(model));
            for (Slot slot : slots(model)) {
                reader.readFloats(byName.get(slot.tensor().name()), staging, slot.staging() * Float.BYTES);
            }
            commit(model, staging);
            return header.metadata();
        }
    }

    /**
     * Copies {@code tensors} into the model's parameters, one per parameter, matched by name: the
     * counterpart of {@link #load(Model, Path)} for tensors already in memory, e.g. the weights among a
     * checkpoint's tensors.
     *
     * @throws WeightsMismatchException if the tensors do not fit the model's layout; it lists every
     *     mismatch, and the model is unchanged
     * @throws IllegalArgumentException if two tensors have one name
     */
    public static void load(Model model, Collection<Tensor> tensors) {
        Objects.requireNonNull(model, "model");
        Map<String, Tensor> byName = new SafeTensors.Contents(List.copyOf(tensors), Map.of()).tensors().stream()
                .collect(LinkedHashMap::new, (map, t) -> map.put(t.name(), t), Map::putAll);
        List<Found> found = new ArrayList<>();
        for (Tensor t : byName.values()) {
            found.add(new Found(t.name(), DType.F32, t.shape().stream().map(Integer::longValue).toList()));
        }
        check(model, found, null);
        MemorySegment staging = MemorySegment.ofArray(stagingArray(model));
        for (Slot slot : slots(model)) {
            Parameter p = slot.tensor();
            MemorySegment.copy(byName.get(p.name()).data(), 0, staging, slot.staging() * Float.BYTES,
                    (long) p.size() * Float.BYTES);
        }
        commit(model, staging);
    }

    /** A tensor as found in a file or a collection. */
    private record Found(String name, DType dtype, List<Long> shape) {
    }

    /** Copies each parameter and state tensor from {@code staging}, laid out as {@link #slots} says. */
    private static void commit(Model model, MemorySegment staging) {
        for (Slot slot : slots(model)) {
            Parameter p = slot.tensor();
            MemorySegment.copy(staging, slot.staging() * Float.BYTES, slot.memory(), (long) p.offset() * Float.BYTES,
                    (long) p.size() * Float.BYTES);
        }
    }

    /**
     * Checks the found tensors against the model's layout.
     *
     * @param source the file, which starts the message; null for tensors in memory
     * @throws WeightsMismatchException listing every mismatch
     */
    private static void check(Model model, List<Found> found, String source) {
        Map<String, Found> byName = new LinkedHashMap<>();
        found.forEach(f -> byName.put(f.name(), f));
        List<String> problems = new ArrayList<>();
        for (Slot slot : slots(model)) {
            Parameter p = slot.tensor();
            List<Long> expected = p.shape().stream().map(Integer::longValue).toList();
            Found f = byName.remove(p.name());
            if (f == null) {
                problems.add("missing: " + p.name() + ", F32 " + expected);
                continue;
            }
            if (!f.shape().equals(expected)) {
                problems.add("wrong shape: " + p.name() + " is " + f.shape() + ", expected " + expected
                        + (f.shape().equals(expected.reversed()) && expected.size() == 2 ? " (its transpose: a"
                        + " weight is (outputs, inputs), as in PyTorch's nn.Linear)" : ""));
            }
            if (f.dtype() != DType.F32) {
                problems.add("wrong dtype: " + p.name() + " is " + f.dtype() + ", expected F32 (convert it"
                        + " before saving; in PyTorch: tensor.float())");
            }
        }
        for (Found f : byName.values()) {
            problems.add("unexpected: " + f.name() + ", " + f.dtype() + " " + f.shape());
        }
        if (!problems.isEmpty()) {
            int n = problems.size();
            throw new WeightsMismatchException((source == null ? "" : source + ": ") + "the tensors do not fit"
                    + " network " + model.spec().name() + " (" + n + " mismatch" + (n == 1 ? "" : "es")
                    + "; the model was not changed):", problems);
        }
    }
}
