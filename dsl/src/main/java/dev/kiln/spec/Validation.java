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
                case PReluSpec prelu -> v.prelu(i, prelu);
                case MaxoutSpec maxout -> v.maxout(i, maxout);
                case DropoutSpec dropout -> v.dropout(i, dropout);
            }
        }
        if (v.problems.isEmpty()) {
            v.sizesFitInArrays();
        }
        // the output width is known only when the layers are sound
        boolean shapesKnown = v.problems.isEmpty();
        v.lossFitsLastLayer(shapesKnown);
        v.margin();
        v.heads(shapesKnown);
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

    private void prelu(int index, PReluSpec prelu) {
        // the field's name names both tensors: the Dense layer's weight and the slopes would be one name
        if (index > 0 && spec.layers().get(index - 1) instanceof DenseSpec dense
                && dense.source().equals(prelu.source())) {
            String source = prelu.source();
            add(Rule.PRELU_FIELD, index, null, source, source.substring(source.lastIndexOf('.') + 1));
        }
    }

    private void maxout(int index, MaxoutSpec maxout) {
        int k = maxout.pieces();
        if (k < 2) {
            add(Rule.MAXOUT_PIECES, index, "value", maxout.source(), k);
            return;
        }
        if (!inputIsValid() || !layersBeforeAreSound(index)) {
            return;
        }
        int in = spec.layerInputSizes().get(index);
        if (in % k != 0) {
            int below = in / k * k;
            String fix = below > 0
                    ? "make the layer before it " + below + " or " + (below + k) + " features wide, or take a k that divides " + in
                    : "make the layer before it at least " + k + " features wide, e.g. " + k;
            add(Rule.MAXOUT_WIDTH, index, "value", maxout.source(), k, in, k, fix);
        }
    }

    private void dropout(int index, DropoutSpec dropout) {
        double rate = dropout.rate();
        if (!(rate >= 0 && rate < 1)) {
            add(Rule.DROPOUT_RATE, index, "value", dropout.source(), rate);
        }
        if (index == spec.layers().size() - 1) {
            add(Rule.DROPOUT_LAST, index, null, dropout.source(), spec.name());
        }
    }

    /** Whether the layers before {@code index} have sizes that can be computed (positive units, valid maxouts). */
    private boolean layersBeforeAreSound(int index) {
        int width = spec.inputSize();
        for (int i = 0; i < index; i++) {
            LayerSpec layer = spec.layers().get(i);
            if (layer instanceof DenseSpec dense && dense.units() <= 0
                    || layer instanceof MaxoutSpec m && (m.pieces() < 2 || width % m.pieces() != 0)) {
                return false;
            }
            width = layer.outputSize(width);
        }
        return true;
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
            if (layer instanceof DenseSpec || layer instanceof PReluSpec) {
                parameters += layer instanceof DenseSpec dense ? out * width + (dense.bias() ? out : 0) : out;
                if (parameters > MAX_ARRAY) {
                    add(Rule.TOO_LARGE, i, "value", layer.source(), "the parameter array, up to this layer,",
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

    private void lossFitsLastLayer(boolean shapesKnown) {
        if (spec.layers().isEmpty() || spec.loss() == Loss.MULTI_TASK) {
            return;
        }
        String why = mismatch(spec.loss());
        if (why == null && spec.loss().needsClasses() && shapesKnown && spec.outputSize() < 2) {
            why = "it needs at least 2 classes, but the network has " + spec.outputSize() + " output; use "
                    + (spec.loss() == Loss.MULTICLASS_HINGE ? "HINGE" : "BINARY_CROSS_ENTROPY") + " for a single output";
        }
        if (why != null) {
            add(Rule.LOSS_MISMATCH, spec.layers().size() - 1, "loss", spec.loss(), describeLast(), spec.name(), why);
        }
    }

    /** Why {@code loss} does not suit the last layer's activation, or null when it does. */
    private String mismatch(Loss loss) {
        LayerSpec layer = spec.layers().get(spec.layers().size() - 1);
        Activation last = layer instanceof ActivationSpec a ? a.function() : null;
        boolean activated = layer instanceof ActivationSpec && last != Activation.IDENTITY
                || layer instanceof PReluSpec || layer instanceof MaxoutSpec;
        return switch (loss) {
            case MSE, MAE -> last == Activation.SOFTMAX
                    ? "a softmax output under " + (loss == Loss.MSE ? "squared" : "absolute") + " error learns "
                            + "slowly and is rarely meant; use SOFTMAX_CROSS_ENTROPY for classes, or drop the "
                            + "softmax for regression"
                    : null;
            case BINARY_CROSS_ENTROPY -> activated && last != Activation.SIGMOID
                    ? "it needs probabilities from a sigmoid, or logits; end with @Sigmoid or with no activation"
                    : null;
            case SOFTMAX_CROSS_ENTROPY -> activated && last != Activation.SOFTMAX
                    ? "it needs a softmax or logits; end with @Softmax or with no activation"
                    : null;
            case HINGE -> last == Activation.SIGMOID || last == Activation.SOFTMAX || last == Activation.RELU
                    ? "its outputs are never negative, so a target of -1 is never met; end with no activation "
                            + "(scores), or with @Tanh"
                    : null;
            case MULTICLASS_HINGE -> last == Activation.SIGMOID || last == Activation.SOFTMAX
                    ? "its outputs lie between 0 and 1, so no score can beat another by the margin of 1; end "
                            + "with no activation (scores)"
                    : null;
            case MEAN_BIAS_ERROR, CONTRASTIVE, MULTI_TASK, NONE -> null;
        };
    }

    private void margin() {
        double margin = spec.margin();
        if (spec.pairsRows() && !(Double.isFinite(margin) && margin > 0)) {
            add(Rule.MARGIN, Problem.NETWORK, "margin", spec.name(), margin);
        }
    }

    /** The heads of a multi-task network, each against the last layer, and their widths against its output. */
    private void heads(boolean shapesKnown) {
        List<HeadSpec> heads = spec.heads();
        if (heads.isEmpty()) {
            if (spec.loss() == Loss.MULTI_TASK) {
                add(Rule.NO_HEADS, Problem.NETWORK, "loss", spec.name());
            }
            return;
        }
        if (spec.loss() != Loss.MULTI_TASK) {
            add(Rule.HEADS_WITH_LOSS, Problem.NETWORK, "loss", spec.name(), spec.loss());
            return;
        }
        boolean unitsKnown = true;
        for (int h = 0; h < heads.size(); h++) {
            HeadSpec head = heads.get(h);
            String at = "heads[" + h + "].";
            if (head.units() <= 0) {
                add(Rule.HEAD_UNITS, Problem.NETWORK, at + "units", spec.name(), h + 1, head.units());
                unitsKnown = false;
            }
            if (!(Double.isFinite(head.weight()) && head.weight() > 0)) {
                add(Rule.HEAD_WEIGHT, Problem.NETWORK, at + "weight", spec.name(), h + 1, head.weight());
            }
            if (!head.loss().isHeadLoss()) {
                add(Rule.HEAD_LOSS, Problem.NETWORK, at + "loss", spec.name(), h + 1, head.loss()
                        + " is not a loss a head can have; give the head a loss of its own, e.g. Loss.MSE");
            } else if (head.loss().needsClasses() && head.units() == 1) {
                add(Rule.HEAD_LOSS, Problem.NETWORK, at + "loss", spec.name(), h + 1, head.loss()
                        + " needs at least 2 classes, but the head takes 1 output; use "
                        + (head.loss() == Loss.MULTICLASS_HINGE ? "HINGE" : "BINARY_CROSS_ENTROPY")
                        + " for a single output");
            } else if (!spec.layers().isEmpty()) {
                String why = headMismatch(head.loss());
                if (why != null) {
                    add(Rule.HEAD_LAST_LAYER, Problem.NETWORK, at + "loss", spec.name(), h + 1,
                            head.loss(), why);
                }
            }
        }
        if (shapesKnown && unitsKnown) {
            int sum = heads.stream().mapToInt(HeadSpec::units).sum();
            if (sum != spec.outputSize()) {
                String units = heads.stream().map(head -> String.valueOf(head.units()))
                        .collect(java.util.stream.Collectors.joining(" + "));
                add(Rule.HEADS_WIDTH, Problem.NETWORK, "heads", spec.name(), sum, units, describeLast(),
                        spec.outputSize(), spec.outputSize());
            }
        }
    }

    /**
     * Why a head's loss does not suit the last layer, whose activation applies to every head's outputs,
     * or null when it does.
     */
    private String headMismatch(Loss loss) {
        LayerSpec layer = spec.layers().get(spec.layers().size() - 1);
        String fix = "; end the network with a Dense layer and let each head's loss read its own outputs";
        if (endsWith(Activation.SOFTMAX)) {
            return "the last layer " + describeLast() + " normalizes across every head's outputs" + fix;
        }
        boolean activated = layer instanceof ActivationSpec a && a.function() != Activation.IDENTITY
                || layer instanceof PReluSpec || layer instanceof MaxoutSpec;
        if (loss.readsLogits() && activated) {
            return "it reads logits and applies its own " + (loss == Loss.SOFTMAX_CROSS_ENTROPY ? "softmax" : "sigmoid")
                    + ", but the last layer " + describeLast() + " applies to every output, across the heads" + fix;
        }
        return mismatch(loss);
    }

    private boolean endsWith(Activation function) {
        return spec.layers().get(spec.layers().size() - 1) instanceof ActivationSpec a && a.function() == function;
    }

    private String describeLast() {
        LayerSpec layer = spec.layers().get(spec.layers().size() - 1);
        return layer.source() + " (" + switch (layer) {
            case DenseSpec d -> "Dense(" + d.units() + ")";
            case ActivationSpec a -> a.function().display();
            case PReluSpec p -> "PReLU";
            case MaxoutSpec m -> "maxout";
            case DropoutSpec d -> "dropout";
        } + ")";
    }
}
