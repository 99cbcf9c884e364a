package dev.kiln.processor.parse;

import dev.kiln.dsl.AvgPool2d;
import dev.kiln.dsl.BatchNorm;
import dev.kiln.dsl.Conv2d;
import dev.kiln.dsl.Dense;
import dev.kiln.dsl.Embedding;
import dev.kiln.dsl.Gru;
import dev.kiln.dsl.Lstm;
import dev.kiln.dsl.OneHot;
import dev.kiln.dsl.Rnn;
import dev.kiln.dsl.Flatten;
import dev.kiln.dsl.MaxPool2d;
import dev.kiln.dsl.Dropout;
import dev.kiln.dsl.Elu;
import dev.kiln.dsl.Identity;
import dev.kiln.dsl.Layer;
import dev.kiln.dsl.LeakyRelu;
import dev.kiln.dsl.Maxout;
import dev.kiln.dsl.Network;
import dev.kiln.dsl.PRelu;
import dev.kiln.dsl.Relu;
import dev.kiln.dsl.Sigmoid;
import dev.kiln.dsl.Softmax;
import dev.kiln.dsl.Tanh;
import dev.kiln.processor.validate.Diagnostic;
import dev.kiln.processor.validate.Location;
import dev.kiln.spec.Activation;
import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.BatchNormSpec;
import dev.kiln.spec.Conv2dSpec;
import dev.kiln.spec.FlattenSpec;
import dev.kiln.spec.Pool2dSpec;
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.DropoutSpec;
import dev.kiln.spec.EmbeddingSpec;
import dev.kiln.spec.OneHotSpec;
import dev.kiln.spec.RecurrentSpec;
import dev.kiln.spec.HeadSpec;
import dev.kiln.spec.Init;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.Loss;
import dev.kiln.spec.MaxoutSpec;
import dev.kiln.spec.NetworkSpec;
import dev.kiln.spec.PReluSpec;
import dev.kiln.spec.Problem;
import dev.kiln.spec.Rule;
import dev.kiln.spec.Tier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * The parse stage: reads a {@code @Network} class into a {@link Declaration}. The only stage that
 * touches {@code javax.lang.model}; annotations are read through their mirrors, so that every value
 * keeps its position in the source for messages.
 */
public final class NetworkParser {

    private static final String NETWORK = Network.class.getCanonicalName();
    private static final String LAYER = Layer.class.getCanonicalName();
    private static final String DENSE = Dense.class.getCanonicalName();

    /** The activation annotations, by qualified name. */
    private static final Map<String, Activation> ACTIVATIONS = Map.of(
            Identity.class.getCanonicalName(), Activation.IDENTITY,
            Sigmoid.class.getCanonicalName(), Activation.SIGMOID,
            Tanh.class.getCanonicalName(), Activation.TANH,
            Relu.class.getCanonicalName(), Activation.RELU,
            LeakyRelu.class.getCanonicalName(), Activation.LEAKY_RELU,
            Elu.class.getCanonicalName(), Activation.ELU,
            Softmax.class.getCanonicalName(), Activation.SOFTMAX);

    /** The annotations of activation layers that are not an {@link Activation}: PReLU and maxout. */
    private static final String PRELU = PRelu.class.getCanonicalName();
    private static final String MAXOUT = Maxout.class.getCanonicalName();
    /** Dropout, which may join a field's Dense layer and activation, and applies after them. */
    private static final String DROPOUT = Dropout.class.getCanonicalName();
    /** The layers that may start a field besides Dense; one per field, before its batch norm and activation. */
    private static final String CONV = Conv2d.class.getCanonicalName();
    private static final String MAX_POOL = MaxPool2d.class.getCanonicalName();
    private static final String AVG_POOL = AvgPool2d.class.getCanonicalName();
    private static final String FLATTEN = Flatten.class.getCanonicalName();
    private static final String ONE_HOT = OneHot.class.getCanonicalName();
    private static final String EMBEDDING = Embedding.class.getCanonicalName();
    /** The recurrent layers' annotations, by qualified name. */
    private static final Map<String, RecurrentSpec.Cell> RECURRENT = Map.of(
            Rnn.class.getCanonicalName(), RecurrentSpec.Cell.RNN,
            Lstm.class.getCanonicalName(), RecurrentSpec.Cell.LSTM,
            Gru.class.getCanonicalName(), RecurrentSpec.Cell.GRU);
    private static final List<String> MAIN_LAYERS = List.of(DENSE, CONV, MAX_POOL, AVG_POOL, FLATTEN, ONE_HOT,
            EMBEDDING, Rnn.class.getCanonicalName(), Lstm.class.getCanonicalName(), Gru.class.getCanonicalName());
    /** Batch norm, which applies after the field's main layer and before its activation. */
    private static final String BATCH_NORM = BatchNorm.class.getCanonicalName();

    private final Elements elements;

    public NetworkParser(Elements elements) {
        this.elements = elements;
    }

    /**
     * Reads one class. Returns empty when the declaration holds values javac could not resolve: javac
     * reports those itself, and Kiln adds nothing to them.
     */
    public Optional<Declaration> parse(TypeElement type) {
        try {
            return Optional.of(new Reading(type).read());
        } catch (UnresolvedValueException e) {
            return Optional.empty();
        }
    }

    /** The state of reading one class. */
    private final class Reading {
        private final TypeElement type;
        private final String sourceName;
        private final List<Diagnostic> findings = new ArrayList<>();
        private final List<LayerSpec> layers = new ArrayList<>();
        private final List<LayerOrigin> origins = new ArrayList<>();

        Reading(TypeElement type) {
            this.type = type;
            this.sourceName = sourceName(type);
        }

        Declaration read() {
            AnnotationMirror network = mirror(type, NETWORK).orElseThrow();
            Map<String, AnnotationValue> values = withDefaults(network);
            checkReachable(network);
            for (VariableElement field : ElementFilter.fieldsIn(type.getEnclosedElements())) {
                readField(field);
            }
            List<Integer> input = new ArrayList<>();
            for (AnnotationValue dim : listValue(values.get("input"))) {
                input.add(intValue(dim));
            }
            List<HeadSpec> heads = new ArrayList<>();
            List<HeadOrigin> headOrigins = new ArrayList<>();
            for (AnnotationValue head : listValue(values.get("heads"))) {
                AnnotationMirror mirror = mirrorValue(head);
                Map<String, AnnotationValue> v = withDefaults(mirror);
                heads.add(new HeadSpec(intValue(v.get("units")), enumValue(v.get("loss"), Loss.class),
                        doubleValue(v.get("weight"))));
                headOrigins.add(new HeadOrigin(new Location(type, network, head), explicitLocations(type, network, mirror)));
            }
            NetworkSpec spec = new NetworkSpec(
                    sourceName,
                    input,
                    layers,
                    NetworkSpec.lossOf(enumValue(values.get("loss"), Loss.class), heads),
                    intValue(values.get("maxBatch")),
                    doubleValue(values.get("margin")),
                    heads);
            String packageName = elements.getPackageOf(type).getQualifiedName().toString();
            Location networkAt = Location.of(type, network);
            Map<String, Location> networkAttributes = explicitLocations(type, network);
            List<LayerOrigin> layerOrigins = List.copyOf(origins);
            List<HeadOrigin> headsAt = List.copyOf(headOrigins);
            return new Declaration(packageName, sourceName, Declaration.generatedName(sourceName), spec,
                    layerOrigins.stream().map(LayerOrigin::field).toList(), type,
                    problem -> locate(problem, networkAt, networkAttributes, layerOrigins, headsAt), findings);
        }

        private void checkReachable(AnnotationMirror network) {
            if (type.getKind() != ElementKind.CLASS) {
                add(Rule.NOT_A_CLASS, Location.of(type, network), sourceName,
                        type.getKind().toString().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
                return;
            }
            String generated = Declaration.generatedName(sourceName);
            for (Element e = type; e instanceof TypeElement; e = e.getEnclosingElement()) {
                Unreachable reason = unreachableBecause(e, e == type);
                if (reason != null) {
                    add(Rule.UNREACHABLE, Location.of(type, network), sourceName, reason.why(), generated, reason.fix());
                    return;
                }
            }
        }

        private void readField(VariableElement field) {
            String where = sourceName + "." + field.getSimpleName();
            Location fieldAt = Location.of(field);
            AnnotationMirror dense = null;
            AnnotationMirror norm = null;
            AnnotationMirror activation = null;
            AnnotationMirror dropout = null;
            for (AnnotationMirror mirror : field.getAnnotationMirrors()) {
                String name = qualifiedName(mirror);
                if (MAIN_LAYERS.contains(name)) {
                    if (dense == null) {
                        dense = mirror;
                    } else {
                        add(Rule.CONFLICTING_ANNOTATIONS, Location.of(field, mirror), where,
                                "@" + simpleName(dense), "@" + simpleName(mirror), "layer (Dense, Conv2d, pooling or Flatten)");
                    }
                } else if (name.equals(BATCH_NORM)) {
                    norm = mirror;
                } else if (name.equals(DROPOUT)) {
                    dropout = mirror;
                } else if (ACTIVATIONS.containsKey(name) || name.equals(PRELU) || name.equals(MAXOUT)) {
                    if (activation == null) {
                        activation = mirror;
                    } else {
                        add(Rule.CONFLICTING_ANNOTATIONS, Location.of(field, mirror), where,
                                "@" + simpleName(activation), "@" + simpleName(mirror), "activation");
                    }
                }
            }
            boolean isLayerType = field.asType().toString().equals(LAYER);
            if (dense == null && norm == null && activation == null && dropout == null) {
                if (isLayerType) {
                    add(Rule.NO_LAYER_ANNOTATION, fieldAt, where);
                }
                return;
            }
            if (!isLayerType) {
                add(Rule.LAYER_TYPE, fieldAt, where, field.asType());
            }
            if (field.getModifiers().contains(Modifier.STATIC)) {
                add(Rule.STATIC_LAYER, fieldAt, where);
            }
            String fieldName = field.getSimpleName().toString();
            if (dense != null && !qualifiedName(dense).equals(DENSE)) {
                LayerSpec layer = mainLayer(field, where, dense);
                if (layer == null) {
                    return;
                }
                layers.add(layer);
                origins.add(new LayerOrigin(fieldName, Location.of(field, dense), explicitLocations(field, dense)));
            } else if (dense != null) {
                Map<String, AnnotationValue> v = withDefaults(dense);
                layers.add(new DenseSpec(
                        intValue(v.get("value")),
                        booleanValue(v.get("bias")),
                        enumValue(v.get("init"), Init.class),
                        doubleValue(v.get("scale")),
                        where,
                        enumValue(v.get("tier"), Tier.class)));
                origins.add(new LayerOrigin(fieldName, Location.of(field, dense), explicitLocations(field, dense)));
            }
            if (norm != null) {
                Map<String, AnnotationValue> v = withDefaults(norm);
                layers.add(new BatchNormSpec(doubleValue(v.get("momentum")), doubleValue(v.get("epsilon")), where));
                origins.add(new LayerOrigin(fieldName, Location.of(field, norm), explicitLocations(field, norm)));
            }
            if (activation != null) {
                String name = qualifiedName(activation);
                Map<String, AnnotationValue> v = withDefaults(activation);
                if (name.equals(PRELU)) {
                    layers.add(new PReluSpec(where));
                } else if (name.equals(MAXOUT)) {
                    layers.add(new MaxoutSpec(intValue(v.get("value")), where));
                } else {
                    Activation function = ACTIVATIONS.get(name);
                    double alpha = function.hasAlpha() ? doubleValue(v.get("alpha")) : function.defaultAlpha();
                    layers.add(new ActivationSpec(function, alpha, where));
                }
                origins.add(new LayerOrigin(fieldName, Location.of(field, activation),
                        explicitLocations(field, activation)));
            }
            if (dropout != null) {
                layers.add(new DropoutSpec(doubleValue(withDefaults(dropout).get("value")), where));
                origins.add(new LayerOrigin(fieldName, Location.of(field, dropout), explicitLocations(field, dropout)));
            }
        }

        /** A layer other than Dense that starts a field, or null when its window values are malformed (reported). */
        private LayerSpec mainLayer(VariableElement field, String where, AnnotationMirror mirror) {
            String name = qualifiedName(mirror);
            Map<String, AnnotationValue> v = withDefaults(mirror);
            if (name.equals(FLATTEN)) {
                return new FlattenSpec(where);
            }
            if (name.equals(ONE_HOT)) {
                return new OneHotSpec(intValue(v.get("value")), where);
            }
            if (name.equals(EMBEDDING)) {
                return new EmbeddingSpec(intValue(v.get("vocabulary")), intValue(v.get("dimension")), where);
            }
            if (RECURRENT.containsKey(name)) {
                RecurrentSpec.Cell cell = RECURRENT.get(name);
                return new RecurrentSpec(cell, intValue(v.get("value")), booleanValue(v.get("returnSequences")),
                        booleanValue(v.get("stateful")), cell == RecurrentSpec.Cell.LSTM
                                ? doubleValue(v.get("forgetBias")) : RecurrentSpec.DEFAULT_FORGET_BIAS, where);
            }
            String what = "@" + simpleName(mirror);
            boolean conv = name.equals(CONV);
            int[] kernel = pair(field, where, mirror, what, conv ? "kernel" : "value", v);
            int[] padding = pair(field, where, mirror, what, "padding", v);
            int[] stride = listValue(v.get("stride")).isEmpty() && !conv ? kernel : pair(field, where, mirror, what, "stride", v);
            if (kernel == null || stride == null || padding == null) {
                return null;
            }
            if (conv) {
                return new Conv2dSpec(intValue(v.get("filters")), kernel[0], kernel[1], stride[0], stride[1],
                        padding[0], padding[1], booleanValue(v.get("bias")), enumValue(v.get("init"), Init.class),
                        doubleValue(v.get("scale")), where);
            }
            return new Pool2dSpec(name.equals(MAX_POOL) ? Pool2dSpec.Kind.MAX : Pool2dSpec.Kind.AVG, kernel[0],
                    kernel[1], stride[0], stride[1], padding[0], padding[1], where);
        }

        /** One value for both directions, or two {down, across}; null (reported) otherwise. */
        private int[] pair(VariableElement field, String where, AnnotationMirror mirror, String what, String attribute,
                           Map<String, AnnotationValue> values) {
            List<? extends AnnotationValue> list = listValue(values.get(attribute));
            if (list.size() == 1 || list.size() == 2) {
                int first = intValue(list.getFirst());
                return new int[] {first, intValue(list.getLast())};
            }
            Map<String, Location> at = explicitLocations(field, mirror);
            add(Rule.WINDOW_VALUES, at.getOrDefault(attribute, Location.of(field, mirror)), where,
                    what + " " + attribute, list.size(), list, attribute, attribute);
            return null;
        }

        private void add(Rule rule, Location at, Object... args) {
            findings.add(new Diagnostic(rule, rule.format(args), at));
        }
    }

    /**
     * Where one {@code @Head} of {@code @Network(heads = ...)} was written.
     *
     * @param head       the head, an element of the {@code heads} value
     * @param attributes the locations of its explicitly written values, by name
     */
    private record HeadOrigin(Location head, Map<String, Location> attributes) {
    }

    /**
     * The network's own attributes ({@code input}, {@code maxBatch}, {@code loss}, {@code margin},
     * {@code heads}) point at the {@code @Network} value, a head's ({@code heads[1].weight}) at the value
     * in its {@code @Head}; anything else about a layer at the layer's annotation or value.
     */
    private static Location locate(Problem problem, Location network, Map<String, Location> networkAttributes,
                                   List<LayerOrigin> origins, List<HeadOrigin> heads) {
        String attribute = problem.attribute();
        if (attribute != null && attribute.startsWith("heads[")) {
            int index = Integer.parseInt(attribute.substring("heads[".length(), attribute.indexOf(']')));
            HeadOrigin head = heads.get(index);
            return head.attributes().getOrDefault(attribute.substring(attribute.indexOf("].") + 2), head.head());
        }
        if (problem.layer() == Problem.NETWORK || "loss".equals(attribute)) {
            return attribute == null ? network : networkAttributes.getOrDefault(attribute, network);
        }
        return origins.get(problem.layer()).at(attribute);
    }

    /** Why a class cannot be named from a sibling class in its package, and what to do about it. */
    private record Unreachable(String why, String fix) {
    }

    /**
     * Why {@code e} cannot be named from a class in its package, or null when it can. (Local classes never
     * reach an annotation processor: javac does not look inside method bodies for them.)
     */
    private static Unreachable unreachableBecause(Element e, boolean self) {
        Element enclosing = e.getEnclosingElement();
        if (e.getModifiers().contains(Modifier.PRIVATE)) {
            return new Unreachable(self ? "private" : "nested in private class " + e.getSimpleName(),
                    "make it package-private or public");
        }
        boolean implicitlyStatic = e.getKind() != ElementKind.CLASS || enclosing.getKind().isInterface();
        if (enclosing instanceof TypeElement && !implicitlyStatic && !e.getModifiers().contains(Modifier.STATIC)) {
            return new Unreachable(self ? "an inner (non-static) class" : "nested in inner class " + e.getSimpleName(),
                    "declare it static");
        }
        return null;
    }

    /** A class's name inside its package, e.g. {@code Outer.Iris}. */
    static String sourceName(TypeElement type) {
        StringBuilder name = new StringBuilder(type.getSimpleName());
        for (Element e = type.getEnclosingElement(); e instanceof TypeElement outer; e = e.getEnclosingElement()) {
            name.insert(0, outer.getSimpleName() + ".");
        }
        return name.toString();
    }

    private static Optional<AnnotationMirror> mirror(Element element, String qualifiedName) {
        return element.getAnnotationMirrors().stream()
                .filter(m -> qualifiedName(m).equals(qualifiedName))
                .map(m -> (AnnotationMirror) m)
                .findFirst();
    }

    private static String qualifiedName(AnnotationMirror mirror) {
        return ((TypeElement) mirror.getAnnotationType().asElement()).getQualifiedName().toString();
    }

    private static String simpleName(AnnotationMirror mirror) {
        return mirror.getAnnotationType().asElement().getSimpleName().toString();
    }

    private Map<String, AnnotationValue> withDefaults(AnnotationMirror mirror) {
        Map<String, AnnotationValue> values = new HashMap<>();
        elements.getElementValuesWithDefaults(mirror).forEach((k, v) -> values.put(k.getSimpleName().toString(), v));
        return values;
    }

    private static Map<String, Location> explicitLocations(Element element, AnnotationMirror mirror) {
        return explicitLocations(element, mirror, mirror);
    }

    /**
     * The explicitly written values of {@code nested}, an annotation inside {@code mirror} (a {@code @Head}
     * in {@code @Network}), as locations in {@code mirror} on {@code element}.
     */
    private static Map<String, Location> explicitLocations(Element element, AnnotationMirror mirror,
                                                           AnnotationMirror nested) {
        Map<String, Location> at = new HashMap<>();
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e : nested.getElementValues().entrySet()) {
            at.put(e.getKey().getSimpleName().toString(), new Location(element, mirror, e.getValue()));
        }
        return at;
    }

    private static AnnotationMirror mirrorValue(AnnotationValue value) {
        return value.getValue() instanceof AnnotationMirror m ? m : unresolved();
    }

    private static int intValue(AnnotationValue value) {
        return value.getValue() instanceof Integer i ? i : unresolved();
    }

    private static double doubleValue(AnnotationValue value) {
        return value.getValue() instanceof Double d ? d : unresolved();
    }

    private static boolean booleanValue(AnnotationValue value) {
        return value.getValue() instanceof Boolean b ? b : unresolved();
    }

    private static <E extends Enum<E>> E enumValue(AnnotationValue value, Class<E> type) {
        if (value.getValue() instanceof VariableElement constant) {
            return Enum.valueOf(type, constant.getSimpleName().toString());
        }
        return unresolved();
    }

    private static List<? extends AnnotationValue> listValue(AnnotationValue value) {
        if (value.getValue() instanceof List<?> list) {
            List<AnnotationValue> values = new ArrayList<>();
            for (Object item : list) {
                values.add(item instanceof AnnotationValue v ? v : unresolved());
            }
            return values;
        }
        return unresolved();
    }

    private static <T> T unresolved() {
        throw new UnresolvedValueException();
    }

    /** Thrown when an annotation value did not resolve (javac has reported why). */
    private static final class UnresolvedValueException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnresolvedValueException() {
            super(null, null, false, false);
        }
    }
}
