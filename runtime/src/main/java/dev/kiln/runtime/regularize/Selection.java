package dev.kiln.runtime.regularize;

import dev.kiln.runtime.EditDistance;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which of a model's parameter tensors a regularizer or constraint acts on: every layer or the layers
 * named, and of those the weights only (tensors of two or more dimensions) or every tensor.
 *
 * <p>A tensor's layer is the part of its name before the last dot ({@code hidden} for
 * {@code hidden.weight}), or its whole name when it has none. Immutable; {@link #resolve} turns it into the
 * places of the tensors in one model's parameters.
 */
final class Selection {

    /** Every layer's weights: the default. */
    static final Selection WEIGHTS = new Selection(null, false);

    /** The layers named, in the order given without repeats; null for every layer. */
    private final List<String> layers;
    /** Whether one-dimensional tensors (biases) are included. */
    private final boolean vectors;

    private Selection(List<String> layers, boolean vectors) {
        this.layers = layers;
        this.vectors = vectors;
    }

    /**
     * This selection restricted to the layers named, replacing any earlier list of layers.
     *
     * @param call the call being made, e.g. {@code l2(1.0E-4).only}, for messages
     * @throws IllegalArgumentException if no name is given or a name is blank
     * @throws NullPointerException     if a name is null
     */
    Selection only(String call, String... names) {
        Objects.requireNonNull(names, "names");
        if (names.length == 0) {
            throw new IllegalArgumentException(call + "() needs at least one layer name, e.g. only(\"hidden\"); to"
                    + " act on every layer, leave out only(...)");
        }
        Set<String> unique = new LinkedHashSet<>();
        for (String name : names) {
            Objects.requireNonNull(name, () -> call + ": a layer name is null");
            if (name.isBlank()) {
                throw new IllegalArgumentException(call + ": a layer name is blank; give layer names as declared,"
                        + " e.g. \"hidden\" for the tensors hidden.weight and hidden.bias");
            }
            unique.add(name);
        }
        return new Selection(List.copyOf(unique), vectors);
    }

    /** This selection with one-dimensional tensors (biases) included. */
    Selection withVectors() {
        return new Selection(layers, true);
    }

    /** Whether one-dimensional tensors are included. */
    boolean vectors() {
        return vectors;
    }

    /** The call that makes this selection, to append to a factory call: {@code .only("a", "b")}, or nothing. */
    String describe() {
        if (layers == null) {
            return "";
        }
        StringBuilder call = new StringBuilder(".only(");
        for (int i = 0; i < layers.size(); i++) {
            call.append(i == 0 ? "\"" : ", \"").append(layers.get(i)).append('"');
        }
        return call.append(')').toString();
    }

    /**
     * The tensors of {@code model} this selection takes, in layout order.
     *
     * @param owner    the regularizer or constraint, as its factory call, which starts every message
     * @param vectorHint what to say when a named layer has only one-dimensional tensors
     * @throws IllegalArgumentException if a named layer does not exist in the model, listing the model's
     *     layers, or has no tensor this selection takes
     */
    Tensors resolve(Model model, String owner, String vectorHint) {
        List<Parameter> layout = model.parameterLayout();
        List<String> modelLayers = new ArrayList<>();
        for (Parameter p : layout) {
            String layer = layerOf(p.name());
            if (!modelLayers.contains(layer)) {
                modelLayers.add(layer);
            }
        }
        if (layers != null) {
            checkNamesExist(model, owner, modelLayers);
        }
        List<Parameter> taken = new ArrayList<>();
        for (Parameter p : layout) {
            if ((layers == null || layers.contains(layerOf(p.name()))) && (vectors || p.shape().size() >= 2)) {
                taken.add(p);
            }
        }
        if (layers != null && !vectors) {
            checkEachLayerTaken(model, owner, vectorHint, layout, taken);
        }
        return Tensors.of(taken);
    }

    private void checkNamesExist(Model model, String owner, List<String> modelLayers) {
        List<String> missing = new ArrayList<>();
        for (String layer : layers) {
            if (!modelLayers.contains(layer)) {
                missing.add(layer);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder(owner).append(": network ").append(model.spec().name())
                .append(" has no layer");
        message.append(missing.size() == 1 ? " " : "s ").append(quoted(missing)).append(';');
        if (missing.size() == 1) {
            String similar = mostSimilar(missing.getFirst(), modelLayers);
            if (similar != null) {
                message.append(" did you mean \"").append(similar).append("\"?");
            }
        }
        message.append(modelLayers.isEmpty() ? " it has no parameters at all"
                : " its layers with parameters are " + quoted(modelLayers));
        throw new IllegalArgumentException(message.toString());
    }

    /** Throws if a named layer gives no tensor: it exists, so all its tensors are one-dimensional. */
    private void checkEachLayerTaken(Model model, String owner, String vectorHint, List<Parameter> layout,
                                     List<Parameter> taken) {
        for (String layer : layers) {
            boolean found = false;
            for (Parameter p : taken) {
                found |= layerOf(p.name()).equals(layer);
            }
            if (!found) {
                throw new IllegalArgumentException(owner + ": layer \"" + layer + "\" of network "
                        + model.spec().name() + " has no weight (a tensor of two or more dimensions), only "
                        + tensorsOf(layer, layout) + vectorHint);
            }
        }
    }

    private static String tensorsOf(String layer, List<Parameter> layout) {
        StringBuilder text = new StringBuilder();
        for (Parameter p : layout) {
            if (layerOf(p.name()).equals(layer)) {
                text.append(text.isEmpty() ? "" : ", ").append(p.name()).append(' ').append(p.shape());
            }
        }
        return text.toString();
    }

    /** The layer of a tensor: its name up to the last dot, or the whole name. */
    static String layerOf(String tensor) {
        int dot = tensor.lastIndexOf('.');
        return dot < 0 ? tensor : tensor.substring(0, dot);
    }

    private static String quoted(List<String> names) {
        StringBuilder text = new StringBuilder();
        for (String name : names) {
            text.append(text.isEmpty() ? "\"" : ", \"").append(name).append('"');
        }
        return text.toString();
    }

    /** The name within edit distance 2 of {@code name} (and less than its length) closest to it, or null. */
    private static String mostSimilar(String name, List<String> candidates) {
        String best = null;
        int bestDistance = Math.min(3, name.length());
        for (String candidate : candidates) {
            int distance = EditDistance.between(name, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    /**
     * The places of the selected tensors in a model's parameters: tensor {@code i} occupies
     * {@code [offsets[i], offsets[i] + sizes[i])}, as {@code rows[i]} rows (its first dimension; 1 for a
     * scalar) of {@code sizes[i] / rows[i]} values.
     */
    record Tensors(int[] offsets, int[] sizes, int[] rows) {

        static Tensors of(List<Parameter> parameters) {
            int n = parameters.size();
            int[] offsets = new int[n];
            int[] sizes = new int[n];
            int[] rows = new int[n];
            for (int i = 0; i < n; i++) {
                Parameter p = parameters.get(i);
                offsets[i] = p.offset();
                sizes[i] = p.size();
                rows[i] = p.shape().isEmpty() ? 1 : p.shape().getFirst();
            }
            return new Tensors(offsets, sizes, rows);
        }

        int count() {
            return offsets.length;
        }
    }
}
