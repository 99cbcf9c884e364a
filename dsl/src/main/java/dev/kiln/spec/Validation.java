package dev.kiln.spec;

import java.util.ArrayList;
import java.util.List;

/** The rules of {@link NetworkSpec#validate()}: each method checks one rule and adds what it finds. */
final class Validation {

    private final NetworkSpec spec;
    private final List<Problem> problems = new ArrayList<>();

    private Validation(NetworkSpec spec) {
        this.spec = spec;
    }

    static List<Problem> check(NetworkSpec spec) {
        Validation v = new Validation(spec);
        v.input();
        v.maxBatch();
        v.notEmpty();
        for (int i = 0; i < spec.layers().size(); i++) {
            switch (spec.layers().get(i)) {
                case DenseSpec dense -> v.dense(i, dense);
                case ActivationSpec activation -> v.activation(i, activation);
            }
        }
        if (v.problems.isEmpty()) {
            v.sizesFitInArrays();
        }
        v.lossFitsLastLayer();
        return List.copyOf(v.problems);
    }

    private void add(Rule rule, int layer, String attribute, Object... args) {
        problems.add(new Problem(rule, layer, attribute, rule.format(args)));
    }

    private void input() {
        List<Integer> shape = spec.input();
        if (shape.isEmpty()) {
            add(Rule.NO_INPUT, Problem.NETWORK, "input", spec.name());
        } else if (shape.stream().anyMatch(d -> d <= 0)) {
            add(Rule.INPUT_DIMENSION, Problem.NETWORK, "input", spec.name(), shape);
        } else if (shape.size() != 1) {
            add(Rule.INPUT_RANK, Problem.NETWORK, "input", spec.name(), shape, shape.size(), spec.inputSize());
        }
    }

    private void maxBatch() {
        if (spec.maxBatch() <= 0) {
            add(Rule.MAX_BATCH, Problem.NETWORK, "maxBatch", spec.name(), spec.maxBatch());
        }
    }

    private void notEmpty() {
        if (spec.layers().isEmpty()) {
            add(Rule.EMPTY_NETWORK, Problem.NETWORK, null, spec.name());
        }
    }

    private void dense(int index, DenseSpec dense) {
        if (dense.units() <= 0) {
            add(Rule.UNITS, index, "value", dense.source(), dense.units());
        }
        if (dense.init().usesScale() && !(Double.isFinite(dense.scale()) && dense.scale() > 0)) {
            add(Rule.INIT_SCALE, index, "scale", dense.source(), dense.init(), dense.scale());
        }
        if (dense.tier() == Tier.UNROLLED && dense.units() > 0 && inputIsValid()) {
            long in = spec.layerInputSizes().get(index);
            long weights = in * dense.units();
            if (weights > Tier.UNROLLED_MAX_WEIGHTS || dense.units() > Tier.UNROLLED_MAX_OUTPUTS) {
                String has = weights > Tier.UNROLLED_MAX_WEIGHTS ? String.format(java.util.Locale.ROOT, "%,d weights", weights)
                        : dense.units() + " outputs";
                add(Rule.UNROLLED_TOO_LARGE, index, "tier", dense.source(), in, dense.units(), has,
                        Tier.UNROLLED_MAX_WEIGHTS, Tier.UNROLLED_MAX_OUTPUTS);
            }
        }
    }

    private void activation(int index, ActivationSpec activation) {
        double alpha = activation.alpha();
        switch (activation.function()) {
            case LEAKY_RELU -> {
                if (!(Double.isFinite(alpha) && alpha >= 0 && alpha < 1)) {
                    add(Rule.ACTIVATION_PARAMETER, index, "alpha", activation.source(), "leaky ReLU",
                            "finite and in [0, 1)", alpha, "0.01");
                }
            }
            case ELU -> {
                if (!(Double.isFinite(alpha) && alpha > 0)) {
                    add(Rule.ACTIVATION_PARAMETER, index, "alpha", activation.source(), "ELU",
                            "finite and positive", alpha, "1.0");
                }
            }
            case SOFTMAX -> {
                int count = spec.layers().size();
                if (index != count - 1) {
                    add(Rule.SOFTMAX_NOT_LAST, index, null, activation.source(), index + 1, count);
                }
            }
            default -> { }
        }
    }

    /** Whether the input is one positive number of features, so that layer sizes can be computed. */
    private boolean inputIsValid() {
        return spec.input().size() == 1 && spec.input().getFirst() > 0;
    }

    /** The largest array the JVM allocates, a few words under {@code Integer.MAX_VALUE}. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /** Every buffer ({@code maxBatch} rows of a layer's width) and the parameter array must fit in an array. */
    private void sizesFitInArrays() {
        long batch = spec.maxBatch();
        long width = spec.inputSize();
        if (batch * width > MAX_ARRAY) {
            add(Rule.TOO_LARGE, Problem.NETWORK, "maxBatch", "network " + spec.name(), "the input buffer (maxBatch "
                    + batch + " x " + width + " features)", batch * width, MAX_ARRAY, "lower maxBatch");
            return;
        }
        long parameters = 0;
        for (int i = 0; i < spec.layers().size(); i++) {
            LayerSpec layer = spec.layers().get(i);
            long out = layer.outputSize((int) width);
            if (layer instanceof DenseSpec dense) {
                parameters += out * width + (dense.bias() ? out : 0);
                if (parameters > MAX_ARRAY) {
                    add(Rule.TOO_LARGE, i, "value", dense.source(), "the parameter array, up to this layer,",
                            parameters, MAX_ARRAY, "use fewer units");
                    return;
                }
            }
            if (batch * out > MAX_ARRAY) {
                add(Rule.TOO_LARGE, i, null, layer.source(), "the output buffer (maxBatch " + batch + " x " + out
                        + " features)", batch * out, MAX_ARRAY, "lower maxBatch or use fewer units");
                return;
            }
            width = out;
        }
    }

    private void lossFitsLastLayer() {
        if (spec.layers().isEmpty()) {
            return;
        }
        int last = spec.layers().size() - 1;
        LayerSpec layer = spec.layers().get(last);
        String lastName = describeLast();
        String why = switch (spec.loss()) {
            case MSE -> endsWith(Activation.SOFTMAX)
                    ? "a softmax output under squared error learns slowly and is rarely meant; "
                            + "use SOFTMAX_CROSS_ENTROPY for classes, or drop the softmax for regression"
                    : null;
            case BINARY_CROSS_ENTROPY -> {
                if (layer instanceof ActivationSpec a && a.function() != Activation.SIGMOID
                        && a.function() != Activation.IDENTITY) {
                    yield "it needs probabilities from a sigmoid, or logits; end with @Sigmoid or with no activation";
                }
                yield null;
            }
            case SOFTMAX_CROSS_ENTROPY -> {
                if (layer instanceof ActivationSpec a && a.function() != Activation.SOFTMAX
                        && a.function() != Activation.IDENTITY) {
                    yield "it needs a softmax or logits; end with @Softmax or with no activation";
                }
                if (problems.isEmpty() && spec.outputSize() < 2) {
                    yield "it needs at least 2 classes, but the network has " + spec.outputSize()
                            + " output; use BINARY_CROSS_ENTROPY for a single output";
                }
                yield null;
            }
            case NONE -> null;
        };
        if (why != null) {
            add(Rule.LOSS_MISMATCH, last, "loss", spec.loss(), lastName, spec.name(), why);
        }
    }

    private boolean endsWith(Activation function) {
        return spec.layers().get(spec.layers().size() - 1) instanceof ActivationSpec a && a.function() == function;
    }

    private String describeLast() {
        LayerSpec layer = spec.layers().get(spec.layers().size() - 1);
        return layer.source() + " (" + switch (layer) {
            case DenseSpec d -> "Dense(" + d.units() + ")";
            case ActivationSpec a -> a.function().display();
        } + ")";
    }
}
