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
        // the shape each layer receives, while every layer before it is sound; null from the first that is not
        List<Integer> shape = v.inputIsValid() ? spec.input() : null;
        for (int i = 0; i < spec.layers().size(); i++) {
            LayerSpec layer = spec.layers().get(i);
            int before = v.problems.size();
            switch (layer) {
                case DenseSpec dense -> v.dense(i, dense, shape);
                case ActivationSpec activation -> v.activation(i, activation, shape);
                case PReluSpec prelu -> v.prelu(i, prelu, shape);
                case MaxoutSpec maxout -> v.maxout(i, maxout, shape);
                case DropoutSpec dropout -> v.dropout(i, dropout);
                case Conv2dSpec conv -> v.conv(i, conv, shape);
                case Pool2dSpec pool -> v.pool(i, pool, shape);
                case FlattenSpec flatten -> { }
                case BatchNormSpec norm -> v.batchNorm(i, norm, shape);
                case RecurrentSpec recurrent -> v.recurrent(i, recurrent, shape);
                case OneHotSpec oneHot -> v.ids(i, "OneHot", oneHot.source(), "vocabulary", oneHot.vocabulary(), 1, "@OneHot(114)");
                case EmbeddingSpec embedding -> v.embedding(i, embedding);
            }
            shape = shape == null || v.problems.size() > before ? null : layer.outputShape(shape);
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
        } else if (shape.size() > 3) {
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

    private void dense(int index, DenseSpec dense, List<Integer> shape) {
        if (shape != null && shape.size() == 3 && needsFlat(index, dense.source(), "Dense", shape)) {
            return;
        }
        if (dense.units() <= 0) {
            add(Rule.UNITS, index, "value", dense.source(), dense.units());
        }
        if (dense.init().usesScale() && !(Double.isFinite(dense.scale()) && dense.scale() > 0)) {
            add(Rule.INIT_SCALE, index, "scale", dense.source(), dense.init(), dense.scale());
        }
        if (dense.tier() == Tier.UNROLLED && dense.units() > 0 && shape != null) {
            long in = shape.getLast();
            long weights = in * dense.units();
            if (weights > Tier.UNROLLED_MAX_WEIGHTS || dense.units() > Tier.UNROLLED_MAX_OUTPUTS) {
                String has = weights > Tier.UNROLLED_MAX_WEIGHTS ? String.format(java.util.Locale.ROOT, "%,d weights", weights)
                        : dense.units() + " outputs";
                add(Rule.UNROLLED_TOO_LARGE, index, "tier", dense.source(), in, dense.units(), has,
                        Tier.UNROLLED_MAX_WEIGHTS, Tier.UNROLLED_MAX_OUTPUTS);
            }
        }
    }

    private void activation(int index, ActivationSpec activation, List<Integer> shape) {
        if (activation.function() == Activation.SOFTMAX && shape != null && shape.size() == 3
                && needsFlat(index, activation.source(), "softmax", shape)) {
            return;
        }
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

    private void prelu(int index, PReluSpec prelu, List<Integer> shape) {
        if (shape != null && needsFlat(index, prelu.source(), "PReLU (a slope per feature)", shape)) {
            return;
        }
        // the field's name names both tensors: the Dense layer's weight and the slopes would be one name
        if (index > 0 && spec.layers().get(index - 1) instanceof DenseSpec dense
                && dense.source().equals(prelu.source())) {
            String source = prelu.source();
            add(Rule.PRELU_FIELD, index, null, source, source.substring(source.lastIndexOf('.') + 1));
        }
    }

    private void maxout(int index, MaxoutSpec maxout, List<Integer> shape) {
        int k = maxout.pieces();
        if (k < 2) {
            add(Rule.MAXOUT_PIECES, index, "value", maxout.source(), k);
            return;
        }
        if (shape == null || needsFlat(index, maxout.source(), "maxout", shape)) {
            return;
        }
        int in = Shapes.size(shape);
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

    /** Whether the input is a valid shape (features, or an image), so that layer shapes can be computed. */
    private boolean inputIsValid() {
        List<Integer> shape = spec.input();
        return !shape.isEmpty() && shape.size() <= 3 && shape.stream().allMatch(d -> d > 0);
    }

    /** Reports a layer that takes features but receives an image; true when it did. */
    private boolean needsFlat(int index, String source, String what, List<Integer> shape) {
        if (shape.size() == 1) {
            return false;
        }
        add(Rule.NEEDS_FLAT, index, null, source, what, describeInput(shape));
        return true;
    }

    /** {@code the image 6x24x24}, {@code the sequence 64x114}, {@code 784 features}. */
    private static String describeInput(List<Integer> shape) {
        return switch (shape.size()) {
            case 3 -> "the image " + Shapes.describe(shape);
            case 2 -> "the sequence " + Shapes.describe(shape);
            default -> shape.getFirst() + " features";
        };
    }

    private void recurrent(int index, RecurrentSpec recurrent, List<Integer> shape) {
        String what = recurrent.cell().display();
        if (recurrent.units() <= 0) {
            add(Rule.SEQUENCE_PARAMETER, index, "value", recurrent.source(), what, "units", "positive",
                    recurrent.units(), "@Lstm(128) or .lstm(128)");
        }
        if (recurrent.cell() == RecurrentSpec.Cell.LSTM && !Double.isFinite(recurrent.forgetBias())) {
            add(Rule.SEQUENCE_PARAMETER, index, "forgetBias", recurrent.source(), what, "forget-gate bias", "finite",
                    recurrent.forgetBias(), "forgetBias = 1.0");
        }
        if (shape != null && shape.size() != 2) {
            add(Rule.NEEDS_SEQUENCE, index, null, recurrent.source(), what, describeInput(shape));
        }
    }

    /** A layer that reads ids: positive sizes, first, on a rank-1 input (the steps). */
    private void ids(int index, String what, String source, String name, int value, int minimum, String example) {
        if (value < minimum) {
            add(Rule.SEQUENCE_PARAMETER, index, name, source, what, name, "positive", value, example);
        }
        if (index != 0) {
            add(Rule.IDS_FIRST, index, null, source, what, index + 1, spec.layers().size());
        } else if (spec.input().size() != 1) {
            add(Rule.IDS_INPUT, index, null, source, what, "the shape " + spec.input());
        }
    }

    private void embedding(int index, EmbeddingSpec embedding) {
        ids(index, "Embedding", embedding.source(), "vocabulary", embedding.vocabulary(), 1, "@Embedding(vocabulary = 114, dimension = 32)");
        if (embedding.dimension() <= 0) {
            add(Rule.SEQUENCE_PARAMETER, index, "dimension", embedding.source(), "Embedding", "dimension", "positive",
                    embedding.dimension(), "@Embedding(vocabulary = 114, dimension = 32)");
        }
    }

    /** Reports a layer that takes an image but receives features; true when it did. */
    private boolean needsImage(int index, String source, String what, List<Integer> shape) {
        if (Shapes.isImage(shape)) {
            return false;
        }
        add(Rule.NEEDS_IMAGE, index, null, source, what, describeInput(shape));
        return true;
    }

    private void conv(int index, Conv2dSpec conv, List<Integer> shape) {
        String source = conv.source();
        int before = problems.size();
        positive(index, source, "Conv2d", "filters", "filters", conv.filters(), "@Conv2d(filters = 6, kernel = 5) or .conv2d(6, 5)");
        windowParameters(index, source, "Conv2d", conv.kernelHeight(), conv.kernelWidth(), conv.strideHeight(),
                conv.strideWidth(), conv.padHeight(), conv.padWidth(), false);
        if (conv.init().usesScale() && !(Double.isFinite(conv.scale()) && conv.scale() > 0)) {
            add(Rule.INIT_SCALE, index, "scale", source, conv.init(), conv.scale());
        }
        if (shape == null || problems.size() > before || needsImage(index, source, "Conv2d", shape)) {
            return;
        }
        windows(index, source, "Conv2d", shape, conv.kernelHeight(), conv.kernelWidth(), conv.strideHeight(),
                conv.strideWidth(), conv.padHeight(), conv.padWidth());
    }

    private void pool(int index, Pool2dSpec pool, List<Integer> shape) {
        String what = pool.kind().display();
        int before = problems.size();
        windowParameters(index, pool.source(), what, pool.kernelHeight(), pool.kernelWidth(), pool.strideHeight(),
                pool.strideWidth(), pool.padHeight(), pool.padWidth(), true);
        if (shape == null || problems.size() > before || needsImage(index, pool.source(), what, shape)) {
            return;
        }
        windows(index, pool.source(), what, shape, pool.kernelHeight(), pool.kernelWidth(), pool.strideHeight(),
                pool.strideWidth(), pool.padHeight(), pool.padWidth());
    }

    private void positive(int index, String source, String what, String name, String attribute, int value,
                          String example) {
        if (value <= 0) {
            add(Rule.WINDOW_PARAMETER, index, attribute, source, what, name, "positive", value, example);
        }
    }

    /** Kernel and stride positive; padding at least 0 or SAME, and for pooling at most half the kernel. */
    private void windowParameters(int index, String source, String what, int kh, int kw, int sh, int sw, int ph,
                                  int pw, boolean pooling) {
        String example = pooling ? "@MaxPool2d(2) or .maxPool2d(2)" : "kernel = 5 or kernel = {3, 5}";
        positive(index, source, what, "kernel height", "kernel", kh, example);
        positive(index, source, what, "kernel width", "kernel", kw, example);
        positive(index, source, what, "stride down", "stride", sh, "stride = 2");
        positive(index, source, what, "stride across", "stride", sw, "stride = 2");
        String paddingRule = "0 or more, or Conv2d.SAME (-1)";
        if (ph < Conv2dSpec.SAME) {
            add(Rule.WINDOW_PARAMETER, index, "padding", source, what, "padding (rows)", paddingRule, ph, "padding = 2");
        }
        if (pw < Conv2dSpec.SAME) {
            add(Rule.WINDOW_PARAMETER, index, "padding", source, what, "padding (columns)", paddingRule, pw, "padding = 2");
        }
        if (pooling) {
            if (kh > 0 && ph > kh / 2) {
                add(Rule.WINDOW_PARAMETER, index, "padding", source, what, "padding (rows)",
                        "at most half the kernel (" + kh / 2 + "), or a window could hold only padding", ph,
                        "padding = " + kh / 2);
            }
            if (kw > 0 && pw > kw / 2) {
                add(Rule.WINDOW_PARAMETER, index, "padding", source, what, "padding (columns)",
                        "at most half the kernel (" + kw / 2 + "), or a window could hold only padding", pw,
                        "padding = " + kw / 2);
            }
        }
    }

    /** The windows must fit the image exactly, down and across: {@code (N - F + 2P) / S + 1} whole and positive. */
    private void windows(int index, String source, String what, List<Integer> shape, int kh, int kw, int sh, int sw,
                         int ph, int pw) {
        window(index, source, what, shape.get(1), "rows", kh, sh, ph);
        window(index, source, what, shape.get(2), "columns", kw, sw, pw);
    }

    private void window(int index, String source, String what, int in, String unit, int kernel, int stride,
                        int padding) {
        if (Shapes.divides(in, kernel, stride, padding)) {
            return;
        }
        int span = in - kernel + 2 * padding;
        String value = span % stride == 0 ? String.valueOf(span / stride + 1)
                : String.format(java.util.Locale.ROOT, "%.4g", span / (double) stride + 1).replaceAll("\\.?0+$", "");
        String what2 = span < 0 ? "so no window fits" : "not a whole number";
        add(Rule.WINDOW_SHAPE, index, span < 0 ? "kernel" : "stride", source, what, in, unit, in, kernel, padding,
                stride, value, what2, fix(in, kernel, stride, padding));
    }

    /** A padding, stride or kernel that makes the windows fit, with the size it gives. */
    private static String fix(int in, int kernel, int stride, int padding) {
        List<String> ways = new ArrayList<>();
        for (int p = padding + 1; p < padding + stride + kernel; p++) {
            int span = in - kernel + 2 * p;
            if (span >= 0 && span % stride == 0) {
                ways.add("padding " + p + " (gives " + (span / stride + 1) + ")");
                break;
            }
        }
        for (int p = padding - 1; p >= 0; p--) {
            int span = in - kernel + 2 * p;
            if (span >= 0 && span % stride == 0) {
                ways.add(0, "padding " + p + " (gives " + (span / stride + 1) + ")");
                break;
            }
        }
        int span = in - kernel + 2 * padding;
        if (span >= 0) {
            for (int s = stride - 1; s >= 1; s--) {
                if (span % s == 0) {
                    ways.add("stride " + s + " (gives " + (span / s + 1) + ")");
                    break;
                }
            }
        } else {
            ways.add("a kernel of at most " + (in + 2 * padding));
        }
        ways.add("Conv2d.SAME padding (gives " + (in + stride - 1) / stride + ")");
        return "use " + String.join(", or ", ways);
    }

    private void batchNorm(int index, BatchNormSpec norm, List<Integer> shape) {
        if (shape != null && shape.size() == 2 && needsFlat(index, norm.source(), "batch norm", shape)) {
            return;
        }
        double m = norm.momentum();
        if (!(m > 0 && m <= 1)) {
            add(Rule.BATCH_NORM_PARAMETER, index, "momentum", norm.source(), "momentum", "in (0, 1]", m, "0.1");
        }
        double e = norm.epsilon();
        if (!(Double.isFinite(e) && e > 0)) {
            add(Rule.BATCH_NORM_PARAMETER, index, "epsilon", norm.source(), "epsilon", "finite and positive", e, "1e-5");
        }
        if (index > 0 && spec.layers().get(index - 1) instanceof LayerSpec previous
                && (previous instanceof DenseSpec || previous instanceof Conv2dSpec)
                && previous.source().equals(norm.source())) {
            String field = norm.source().substring(norm.source().lastIndexOf('.') + 1);
            add(Rule.PARAMETER_FIELD, index, null, norm.source(), "batch norm", field, field,
                    previous instanceof DenseSpec ? "Dense" : "Conv2d",
                    "@Conv2d(filters = 16, kernel = 3) Layer conv; @BatchNorm @Relu Layer convNorm;");
        }
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
        List<Integer> shape = spec.input();
        for (int i = 0; i < spec.layers().size(); i++) {
            LayerSpec layer = spec.layers().get(i);
            List<Integer> outShape = layer.outputShape(shape);
            long in = shape.getLast();
            long out = Shapes.size(outShape);
            long count = switch (layer) {
                case DenseSpec dense -> (long) dense.units() * shape.getLast() + (dense.bias() ? dense.units() : 0);
                case PReluSpec prelu -> out;
                case Conv2dSpec conv -> conv.weightCount(shape.getFirst()) + (conv.bias() ? conv.filters() : 0);
                case BatchNormSpec norm -> 2L * BatchNormSpec.channels(shape);
                case RecurrentSpec r -> (long) r.cell().gates() * r.units() * (shape.getLast() + r.units() + 2);
                case EmbeddingSpec e -> (long) e.vocabulary() * e.dimension();
                default -> 0;
            };
            parameters += count;
            if (count > 0 && parameters > MAX_ARRAY) {
                add(Rule.TOO_LARGE, i, "value", layer.source(), "the parameter array, up to this layer,",
                        parameters, MAX_ARRAY, "use fewer units");
                return;
            }
            if (batch * out > MAX_ARRAY) {
                add(Rule.TOO_LARGE, i, null, layer.source(), "the output buffer (maxBatch " + batch + " x " + out
                        + " features)", batch * out, MAX_ARRAY, "lower maxBatch or use fewer units");
                return;
            }
            shape = outShape;
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
            case Conv2dSpec c -> "Conv2d(" + c.filters() + ")";
            case Pool2dSpec p -> p.kind().display();
            case FlattenSpec f -> "Flatten";
            case BatchNormSpec b -> "BatchNorm";
            case RecurrentSpec r -> r.cell().display() + "(" + r.units() + ")";
            case OneHotSpec o -> "OneHot";
            case EmbeddingSpec e -> "Embedding";
        } + ")";
    }
}
