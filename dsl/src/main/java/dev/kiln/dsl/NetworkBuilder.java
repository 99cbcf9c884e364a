package dev.kiln.dsl;

import dev.kiln.spec.Activation;
import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.BatchNormSpec;
import dev.kiln.spec.Conv2dSpec;
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.DropoutSpec;
import dev.kiln.spec.EmbeddingSpec;
import dev.kiln.spec.FlattenSpec;
import dev.kiln.spec.HeadSpec;
import dev.kiln.spec.Init;
import dev.kiln.spec.InvalidNetworkException;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.Loss;
import dev.kiln.spec.MaxoutSpec;
import dev.kiln.spec.NetworkSpec;
import dev.kiln.spec.OneHotSpec;
import dev.kiln.spec.PReluSpec;
import dev.kiln.spec.Pool2dSpec;
import dev.kiln.spec.Problem;
import dev.kiln.spec.RecurrentSpec;
import dev.kiln.spec.Rule;
import dev.kiln.spec.Tier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A network declaration in progress, one call at a time, started by {@link Kiln#input} or
 * {@link Kiln#network}. Each call returns a new builder and leaves this one unchanged, so a partial
 * chain can be shared; {@link #build()} gives the immutable {@link NetworkSpec}.
 *
 * <p>Layers group into <em>blocks</em>, as fields do in an {@link Network @Network} class: {@link #dense}
 * starts a block, and an activation right after it joins that block (one field {@code @Dense(16) @Relu}
 * is one block {@code .dense(16).relu()}); any other activation is a block of its own. A block is
 * named by {@link #named}, or else by its kind and number ({@code dense1}, {@code dense2},
 * {@code relu1}); its layers' source is {@code <network>.<block>} and its parameters are
 * {@code <block>.weight} and {@code <block>.bias}, exactly as for a field of that name. {@link #prelu()},
 * whose slopes are a {@code weight} too, always starts a block of its own; {@link #dropout} ends the
 * current block, as {@link Dropout @Dropout} applies last on its field.
 *
 * <p>Mistakes in how the chain is written (an option in the wrong place, a bad name) throw a
 * {@link BuilderException} at the call; rules about the network itself ({@link NetworkSpec#validate()}:
 * sizes, parameters, losses) are checked by {@link #build()}, which names the call behind each problem.
 */
public final class NetworkBuilder {

    /** The name of a network started with {@link Kiln#input} rather than {@link Kiln#network}. */
    public static final String DEFAULT_NAME = "Network";

    /** Where a problem found by {@link #build()} was written: which call, and which of its arguments. */
    public record Call(int index, String text, int argument) {

        /** The {@link #argument()} of a problem with the call as a whole. */
        public static final int WHOLE_CALL = -1;
    }

    /** One layer so far: its spec (with a provisional source), its block, and the call that made it. */
    private record Part(LayerSpec layer, int block, int call) {
    }

    /** A group of layers declared together; {@code name} is null until {@link #named} gives one. */
    private record Block(String kind, String name, int nameCall) {
    }

    private static final Set<String> KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case",
            "catch", "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends",
            "final", "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int",
            "interface", "long", "native", "new", "package", "private", "protected", "public", "return", "short",
            "static", "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try",
            "void", "volatile", "while", "true", "false", "null", "_");

    private final String name;
    private final List<Integer> input;
    private final List<Part> parts;
    private final List<Block> blocks;
    private final Loss loss;
    private final int maxBatch;
    private final double margin;
    private final List<HeadSpec> heads;
    private final List<String> calls;
    /** For each attribute, the call that set it last; keys {@code layer/attribute}, layer -1 for the network. */
    private final Map<String, Integer> setters;

    private NetworkBuilder(String name, List<Integer> input, List<Part> parts, List<Block> blocks, Loss loss,
                           int maxBatch, double margin, List<HeadSpec> heads, List<String> calls,
                           Map<String, Integer> setters) {
        this.name = name;
        this.input = input;
        this.parts = parts;
        this.blocks = blocks;
        this.loss = loss;
        this.maxBatch = maxBatch;
        this.margin = margin;
        this.heads = heads;
        this.calls = calls;
        this.setters = setters;
    }

    static NetworkBuilder start(String name, String root) {
        Objects.requireNonNull(name, "network name");
        NetworkBuilder start = new NetworkBuilder(name, null, List.of(), List.of(), Loss.NONE,
                NetworkSpec.DEFAULT_MAX_BATCH, NetworkSpec.DEFAULT_MARGIN, List.of(), List.of(), Map.of());
        if (root.equals("Kiln.network")) {
            return start.with(root + "(" + quote(name) + ")").build();
        }
        return start;
    }

    // ---------------------------------------------------------------- network

    /**
     * The input shape; for Dense networks, the number of input features. Given once: by
     * {@link Kiln#input}, or after {@link Kiln#network}.
     *
     * @throws BuilderException if the shape was already given
     */
    public NetworkBuilder input(int... shape) {
        Objects.requireNonNull(shape, "input shape");
        List<Integer> dims = Arrays.stream(shape).boxed().toList();
        String text = (calls.isEmpty() ? "Kiln.input" : "input") + "(" + dims.stream().map(String::valueOf)
                .collect(Collectors.joining(", ")) + ")";
        if (input != null) {
            throw new BuilderException(Rule.INPUT_REPEATED, calls.size(), BuilderException.WHOLE_CALL, text, input);
        }
        Builder b = with(text);
        b.input = dims;
        b.set(Problem.NETWORK, "input");
        return b.build();
    }

    /**
     * The training objective; {@link Loss#NONE} (the default) for a network that only runs forward. For
     * {@link Loss#CONTRASTIVE} the margin is {@value NetworkSpec#DEFAULT_MARGIN}; see
     * {@link #loss(Loss, double)}. A multi-task network declares {@link #head}s instead.
     */
    public NetworkBuilder loss(Loss loss) {
        Objects.requireNonNull(loss, "loss");
        Builder b = with("loss(Loss." + loss.name() + ")");
        b.loss = loss;
        b.margin = NetworkSpec.DEFAULT_MARGIN;
        b.set(Problem.NETWORK, "loss");
        return b.build();
    }

    /**
     * The training objective with the margin of {@link Loss#CONTRASTIVE} (how far apart dissimilar pairs
     * are pushed; finite and positive), e.g. {@code .loss(Loss.CONTRASTIVE, 2.0)}. Other losses ignore it;
     * for a contrastive {@link #head}, give it with the heads' loss: {@code .loss(Loss.MULTI_TASK, 2.0)}.
     */
    public NetworkBuilder loss(Loss loss, double margin) {
        Objects.requireNonNull(loss, "loss");
        Builder b = with("loss(Loss." + loss.name() + ", " + margin + ")");
        b.loss = loss;
        b.margin = margin;
        b.set(Problem.NETWORK, "loss");
        b.set(Problem.NETWORK, "margin");
        return b.build();
    }

    /**
     * The next head of a multi-task network, of weight {@value HeadSpec#DEFAULT_WEIGHT}: see
     * {@link #head(int, Loss, double)}.
     */
    public NetworkBuilder head(int units, Loss loss) {
        Objects.requireNonNull(loss, "loss");
        return head(units, loss, HeadSpec.DEFAULT_WEIGHT, "head(" + units + ", Loss." + loss.name() + ")");
    }

    /**
     * The next head of a multi-task network: the {@code units} outputs of the last layer after those of
     * the heads before it, with their own loss and weight. Heads make the network's loss the weighted
     * sum of theirs ({@link Loss#MULTI_TASK}); their units add up to the last layer's width:
     * {@code .dense(4).head(3, Loss.SOFTMAX_CROSS_ENTROPY).head(1, Loss.MSE, 0.5)}.
     */
    public NetworkBuilder head(int units, Loss loss, double weight) {
        Objects.requireNonNull(loss, "loss");
        return head(units, loss, weight, "head(" + units + ", Loss." + loss.name() + ", " + weight + ")");
    }

    private NetworkBuilder head(int units, Loss loss, double weight, String text) {
        Builder b = with(text);
        String at = "heads[" + heads.size() + "]";
        b.heads.add(new HeadSpec(units, loss, weight));
        b.set(Problem.NETWORK, at + ".units");
        b.set(Problem.NETWORK, at + ".loss");
        b.set(Problem.NETWORK, at + ".weight");
        b.set(Problem.NETWORK, "heads");
        return b.build();
    }

    /** The largest batch the network's buffers hold (default {@value NetworkSpec#DEFAULT_MAX_BATCH}). */
    public NetworkBuilder maxBatch(int maxBatch) {
        Builder b = with("maxBatch(" + maxBatch + ")");
        b.maxBatch = maxBatch;
        b.set(Problem.NETWORK, "maxBatch");
        return b.build();
    }

    // ---------------------------------------------------------------- dense

    /**
     * A fully connected layer of {@code units} outputs, with a bias and the {@link Init#AUTO}
     * initialization, starting a new block; follow it with {@link #noBias()} or {@link #init} to change
     * those, and with an activation.
     */
    public NetworkBuilder dense(int units) {
        Builder b = with("dense(" + units + ")");
        b.addBlock("dense");
        b.addLayer(new DenseSpec(units, true, Init.AUTO, DenseSpec.DEFAULT_SCALE, ""));
        b.set(parts.size(), "value");
        return b.build();
    }

    /** The preceding {@link #dense} or {@link #conv2d} layer adds no bias. */
    public NetworkBuilder noBias() {
        String text = "noBias()";
        LayerSpec layer = openWeighted(text);
        Builder b = with(text);
        b.replaceLast(switch (layer) {
            case DenseSpec dense -> new DenseSpec(dense.units(), false, dense.init(), dense.scale(), "", dense.tier());
            case Conv2dSpec c -> new Conv2dSpec(c.filters(), c.kernelHeight(), c.kernelWidth(), c.strideHeight(),
                    c.strideWidth(), c.padHeight(), c.padWidth(), false, c.init(), c.scale(), "");
            default -> throw new IllegalStateException(layer.toString());
        });
        b.set(parts.size() - 1, "bias");
        return b.build();
    }

    /** How the preceding {@link #dense} or {@link #conv2d} layer's weights start. */
    public NetworkBuilder init(Init init) {
        Objects.requireNonNull(init, "init");
        String text = "init(Init." + init.name() + ")";
        LayerSpec layer = openWeighted(text);
        Builder b = with(text);
        b.replaceLast(withInit(layer, init, scaleOf(layer)));
        b.set(parts.size() - 1, "init");
        return b.build();
    }

    /**
     * How the preceding {@link #dense} or {@link #conv2d} layer's weights start, with the scale that
     * {@link Init#UNIFORM} (the half-width) and {@link Init#NORMAL} (the standard deviation) use.
     */
    public NetworkBuilder init(Init init, double scale) {
        Objects.requireNonNull(init, "init");
        String text = "init(Init." + init.name() + ", " + scale + ")";
        LayerSpec layer = openWeighted(text);
        Builder b = with(text);
        b.replaceLast(withInit(layer, init, scale));
        b.set(parts.size() - 1, "init");
        b.set(parts.size() - 1, "scale");
        return b.build();
    }

    private static double scaleOf(LayerSpec layer) {
        return layer instanceof DenseSpec dense ? dense.scale() : ((Conv2dSpec) layer).scale();
    }

    private static LayerSpec withInit(LayerSpec layer, Init init, double scale) {
        return switch (layer) {
            case DenseSpec dense -> new DenseSpec(dense.units(), dense.bias(), init, scale, "", dense.tier());
            case Conv2dSpec c -> new Conv2dSpec(c.filters(), c.kernelHeight(), c.kernelWidth(), c.strideHeight(),
                    c.strideWidth(), c.padHeight(), c.padWidth(), c.bias(), init, scale, "");
            default -> throw new IllegalStateException(layer.toString());
        };
    }

    /** How the generated class computes the preceding {@link #dense} layer (default {@link Tier#AUTO}). */
    public NetworkBuilder tier(Tier tier) {
        Objects.requireNonNull(tier, "tier");
        String text = "tier(Tier." + tier.name() + ")";
        DenseSpec dense = openDense(text);
        Builder b = with(text);
        b.replaceLast(new DenseSpec(dense.units(), dense.bias(), dense.init(), dense.scale(), "", tier));
        b.set(parts.size() - 1, "tier");
        return b.build();
    }

    // ---------------------------------------------------------------- convolutions

    /**
     * A 2-D convolution of {@code filters} square {@code kernel x kernel} kernels, stride 1, no padding,
     * with a bias and the {@link Init#AUTO} initialization, starting a new block ({@code conv1}, ...); the
     * input must be an image, {@code Kiln.input(channels, height, width)}. Follow it with {@link #stride},
     * {@link #padding}, {@link #samePadding()}, {@link #noBias()} or {@link #init} to change those, and
     * with an activation.
     */
    public NetworkBuilder conv2d(int filters, int kernel) {
        return conv2d(filters, kernel, kernel, "conv2d(" + filters + ", " + kernel + ")");
    }

    /** A 2-D convolution with {@code kernelHeight x kernelWidth} kernels; see {@link #conv2d(int, int)}. */
    public NetworkBuilder conv2d(int filters, int kernelHeight, int kernelWidth) {
        return conv2d(filters, kernelHeight, kernelWidth,
                "conv2d(" + filters + ", " + kernelHeight + ", " + kernelWidth + ")");
    }

    private NetworkBuilder conv2d(int filters, int kernelHeight, int kernelWidth, String text) {
        Builder b = with(text);
        b.addBlock("conv");
        b.addLayer(new Conv2dSpec(filters, kernelHeight, kernelWidth, 1, 1, 0, 0, true, Init.AUTO,
                DenseSpec.DEFAULT_SCALE, ""));
        b.set(parts.size(), "filters");
        b.set(parts.size(), "kernel");
        return b.build();
    }

    /**
     * Max pooling over {@code kernel x kernel} windows with stride {@code kernel} (windows side by side),
     * a block of its own ({@code maxPool1}, ...); {@link #stride} and {@link #padding} may follow.
     */
    public NetworkBuilder maxPool2d(int kernel) {
        return pool(Pool2dSpec.Kind.MAX, kernel, kernel, "maxPool2d(" + kernel + ")");
    }

    /** Max pooling over {@code kernelHeight x kernelWidth} windows; see {@link #maxPool2d(int)}. */
    public NetworkBuilder maxPool2d(int kernelHeight, int kernelWidth) {
        return pool(Pool2dSpec.Kind.MAX, kernelHeight, kernelWidth, "maxPool2d(" + kernelHeight + ", " + kernelWidth + ")");
    }

    /**
     * Average pooling over {@code kernel x kernel} windows with stride {@code kernel}, a block of its own
     * ({@code avgPool1}, ...); {@link #stride} and {@link #padding} may follow.
     */
    public NetworkBuilder avgPool2d(int kernel) {
        return pool(Pool2dSpec.Kind.AVG, kernel, kernel, "avgPool2d(" + kernel + ")");
    }

    /** Average pooling over {@code kernelHeight x kernelWidth} windows; see {@link #avgPool2d(int)}. */
    public NetworkBuilder avgPool2d(int kernelHeight, int kernelWidth) {
        return pool(Pool2dSpec.Kind.AVG, kernelHeight, kernelWidth, "avgPool2d(" + kernelHeight + ", " + kernelWidth + ")");
    }

    private NetworkBuilder pool(Pool2dSpec.Kind kind, int kernelHeight, int kernelWidth, String text) {
        Builder b = with(text);
        b.addBlock(kind == Pool2dSpec.Kind.MAX ? "maxPool" : "avgPool");
        b.addLayer(new Pool2dSpec(kind, kernelHeight, kernelWidth, kernelHeight, kernelWidth, 0, 0, ""));
        b.set(parts.size(), "kernel");
        return b.build();
    }

    /** The step between the windows of the preceding {@link #conv2d} or pooling layer, down and across. */
    public NetworkBuilder stride(int stride) {
        return window("stride(" + stride + ")", "stride", stride, stride);
    }

    /** The steps between the windows of the preceding {@link #conv2d} or pooling layer: {@code down}, {@code across}. */
    public NetworkBuilder stride(int down, int across) {
        return window("stride(" + down + ", " + across + ")", "stride", down, across);
    }

    /** Zero rows above and below and columns left and right of the preceding {@link #conv2d} or pooling layer's input. */
    public NetworkBuilder padding(int padding) {
        return window("padding(" + padding + ")", "padding", padding, padding);
    }

    /** {@code rows} zero rows above and below, {@code columns} zero columns left and right. */
    public NetworkBuilder padding(int rows, int columns) {
        return window("padding(" + rows + ", " + columns + ")", "padding", rows, columns);
    }

    /**
     * The padding that keeps {@code ceil(size / stride)} outputs down and across ({@link Conv2dSpec#SAME}):
     * at stride 1 the output is as large as the input.
     */
    public NetworkBuilder samePadding() {
        return window("samePadding()", "padding", Conv2dSpec.SAME, Conv2dSpec.SAME);
    }

    private NetworkBuilder window(String text, String attribute, int first, int second) {
        if (parts.isEmpty() || !(parts.get(parts.size() - 1).layer() instanceof Conv2dSpec
                || parts.get(parts.size() - 1).layer() instanceof Pool2dSpec)) {
            throw new BuilderException(Rule.BUILDER_ORDER, calls.size(), BuilderException.WHOLE_CALL, text,
                    "conv2d(...), maxPool2d(...) or avgPool2d(...) (or another of their options)");
        }
        boolean stride = attribute.equals("stride");
        Builder b = with(text);
        b.replaceLast(switch (parts.get(parts.size() - 1).layer()) {
            case Conv2dSpec c -> new Conv2dSpec(c.filters(), c.kernelHeight(), c.kernelWidth(),
                    stride ? first : c.strideHeight(), stride ? second : c.strideWidth(),
                    stride ? c.padHeight() : first, stride ? c.padWidth() : second, c.bias(), c.init(), c.scale(), "");
            case Pool2dSpec p -> new Pool2dSpec(p.kind(), p.kernelHeight(), p.kernelWidth(),
                    stride ? first : p.strideHeight(), stride ? second : p.strideWidth(),
                    stride ? p.padHeight() : first, stride ? p.padWidth() : second, "");
            default -> throw new IllegalStateException();
        });
        b.set(parts.size() - 1, attribute);
        return b.build();
    }

    /** Flattens each sample to its {@code channels x height x width} values, before Dense layers; a block of its own. */
    public NetworkBuilder flatten() {
        Builder b = with("flatten()");
        b.addBlock("flatten");
        b.addLayer(new FlattenSpec(""));
        return b.build();
    }

    /**
     * Batch normalization with PyTorch's defaults (momentum {@value BatchNormSpec#DEFAULT_MOMENTUM}, epsilon
     * {@value BatchNormSpec#DEFAULT_EPSILON}), per feature of a flat input or per channel of an image. It
     * starts a block of its own ({@code batchNorm1}, ...), which an activation right after it joins: its
     * scale and shift are {@code <block>.weight} and {@code <block>.bias}, as {@code torch.nn.BatchNorm2d}
     * names them.
     */
    public NetworkBuilder batchNorm() {
        return batchNorm(BatchNormSpec.DEFAULT_MOMENTUM, BatchNormSpec.DEFAULT_EPSILON, "batchNorm()");
    }

    /** Batch normalization with its running statistics' {@code momentum} and the variance's {@code epsilon}. */
    public NetworkBuilder batchNorm(double momentum, double epsilon) {
        return batchNorm(momentum, epsilon, "batchNorm(" + momentum + ", " + epsilon + ")");
    }

    private NetworkBuilder batchNorm(double momentum, double epsilon, String text) {
        Builder b = with(text);
        b.addBlock("batchNorm");
        b.addLayer(new BatchNormSpec(momentum, epsilon, ""));
        b.set(parts.size(), "momentum");
        b.set(parts.size(), "epsilon");
        return b.build();
    }

    // ---------------------------------------------------------------- sequences

    /**
     * Reads the input as one class id per step and encodes it one-hot over {@code vocabulary} ids
     * ({@link OneHotSpec}); only first, on an input of the number of steps ({@code Kiln.input(64)}). A block
     * of its own ({@code oneHot1}).
     */
    public NetworkBuilder oneHot(int vocabulary) {
        Builder b = with("oneHot(" + vocabulary + ")");
        b.addBlock("oneHot");
        b.addLayer(new OneHotSpec(vocabulary, ""));
        b.set(parts.size(), "vocabulary");
        return b.build();
    }

    /**
     * Reads the input as one class id per step and looks up a learned vector of {@code dimension} values for
     * each ({@link EmbeddingSpec}); only first. A block of its own ({@code embedding1}), whose table is
     * {@code <block>.weight}.
     */
    public NetworkBuilder embedding(int vocabulary, int dimension) {
        Builder b = with("embedding(" + vocabulary + ", " + dimension + ")");
        b.addBlock("embedding");
        b.addLayer(new EmbeddingSpec(vocabulary, dimension, ""));
        b.set(parts.size(), "vocabulary");
        b.set(parts.size(), "dimension");
        return b.build();
    }

    /**
     * A vanilla recurrent layer of {@code units} tanh units over a sequence ({@link RecurrentSpec}), giving
     * every step's state, each pass starting from zeros; a block of its own ({@code rnn1}). Follow it with
     * {@link #lastStepOnly()} or {@link #stateful()}.
     */
    public NetworkBuilder rnn(int units) {
        return recurrent(RecurrentSpec.Cell.RNN, units);
    }

    /** An LSTM layer of {@code units} units, forget-gate bias starting at 1; see {@link #rnn} and {@link #forgetBias}. */
    public NetworkBuilder lstm(int units) {
        return recurrent(RecurrentSpec.Cell.LSTM, units);
    }

    /** A GRU layer of {@code units} units; see {@link #rnn}. */
    public NetworkBuilder gru(int units) {
        return recurrent(RecurrentSpec.Cell.GRU, units);
    }

    private NetworkBuilder recurrent(RecurrentSpec.Cell cell, int units) {
        Builder b = with(cell.lowerName() + "(" + units + ")");
        b.addBlock(cell.lowerName());
        b.addLayer(new RecurrentSpec(cell, units, true, false, RecurrentSpec.DEFAULT_FORGET_BIAS, ""));
        b.set(parts.size(), "value");
        return b.build();
    }

    /** The preceding recurrent layer gives only its last step's state, {@code [units]}. */
    public NetworkBuilder lastStepOnly() {
        RecurrentSpec r = openRecurrent("lastStepOnly()");
        Builder b = with("lastStepOnly()");
        b.replaceLast(new RecurrentSpec(r.cell(), r.units(), false, r.stateful(), r.forgetBias(), ""));
        return b.build();
    }

    /**
     * The preceding recurrent layer carries its final state into the next forward pass, one row per stream of
     * the batch, without a gradient through it (truncated back-propagation through time);
     * {@code Model.resetState()} starts over from zeros.
     */
    public NetworkBuilder stateful() {
        RecurrentSpec r = openRecurrent("stateful()");
        Builder b = with("stateful()");
        b.replaceLast(new RecurrentSpec(r.cell(), r.units(), r.returnSequences(), true, r.forgetBias(), ""));
        return b.build();
    }

    /** The initial forget-gate bias of the preceding {@link #lstm} layer (default 1). */
    public NetworkBuilder forgetBias(double bias) {
        String text = "forgetBias(" + bias + ")";
        RecurrentSpec r = openRecurrent(text);
        Builder b = with(text);
        b.replaceLast(new RecurrentSpec(r.cell(), r.units(), r.returnSequences(), r.stateful(), bias, ""));
        b.set(parts.size() - 1, "forgetBias");
        return b.build();
    }

    private RecurrentSpec openRecurrent(String text) {
        if (parts.isEmpty() || !(parts.get(parts.size() - 1).layer() instanceof RecurrentSpec recurrent)) {
            throw new BuilderException(Rule.BUILDER_ORDER, calls.size(), BuilderException.WHOLE_CALL, text,
                    "rnn(...), lstm(...) or gru(...) (or another of their options)");
        }
        return recurrent;
    }

    // ---------------------------------------------------------------- activations

    /** {@code f(x) = x}. */
    public NetworkBuilder identity() {
        return activation(Activation.IDENTITY, "identity()", Activation.IDENTITY.defaultAlpha());
    }

    /** The logistic sigmoid {@code 1 / (1 + e^-x)}. */
    public NetworkBuilder sigmoid() {
        return activation(Activation.SIGMOID, "sigmoid()", Activation.SIGMOID.defaultAlpha());
    }

    /** The hyperbolic tangent. */
    public NetworkBuilder tanh() {
        return activation(Activation.TANH, "tanh()", Activation.TANH.defaultAlpha());
    }

    /** {@code max(0, x)}. */
    public NetworkBuilder relu() {
        return activation(Activation.RELU, "relu()", Activation.RELU.defaultAlpha());
    }

    /** Leaky ReLU with slope 0.01 below zero. */
    public NetworkBuilder leakyRelu() {
        return activation(Activation.LEAKY_RELU, "leakyRelu()", Activation.LEAKY_RELU.defaultAlpha());
    }

    /** Leaky ReLU with slope {@code alpha} below zero, in [0, 1). */
    public NetworkBuilder leakyRelu(double alpha) {
        return activation(Activation.LEAKY_RELU, "leakyRelu(" + alpha + ")", alpha);
    }

    /** ELU with {@code alpha = 1}. */
    public NetworkBuilder elu() {
        return activation(Activation.ELU, "elu()", Activation.ELU.defaultAlpha());
    }

    /** ELU, {@code alpha (e^x - 1)} below zero, with a positive {@code alpha}. */
    public NetworkBuilder elu(double alpha) {
        return activation(Activation.ELU, "elu(" + alpha + ")", alpha);
    }

    /** Softmax over each sample's features; only as the last layer. */
    public NetworkBuilder softmax() {
        return activation(Activation.SOFTMAX, "softmax()", Activation.SOFTMAX.defaultAlpha());
    }

    /**
     * A parametric ReLU, {@code x} above zero and {@code a_j x} below, with a slope {@code a_j} learned
     * per feature (starting at {@value PReluSpec#INITIAL_SLOPE}). It always starts a block of its own,
     * named {@code prelu1}, {@code prelu2}, ... unless {@link #named}: its slopes are the tensor
     * {@code <block>.weight}, as {@code torch.nn.PReLU} names it, which a Dense block's weight would clash
     * with.
     */
    public NetworkBuilder prelu() {
        Builder b = with("prelu()");
        b.addBlock("prelu");
        b.addLayer(new PReluSpec(""));
        return b.build();
    }

    /**
     * Maxout with {@code pieces} pieces: each output is the largest of a group of {@code pieces}
     * consecutive input features, so the output is {@code pieces} times narrower. Right after
     * {@link #dense} it joins that block ({@code .dense(64).maxout(4)} gives 16 features), otherwise it
     * is a block of its own.
     */
    public NetworkBuilder maxout(int pieces) {
        Builder b = with("maxout(" + pieces + ")");
        if (!opensOnDense()) {
            b.addBlock("maxout");
        }
        b.addLayer(new MaxoutSpec(pieces, ""));
        b.set(parts.size(), "value");
        return b.build();
    }

    /**
     * Inverted dropout with rate {@code rate}, the probability of dropping each value in training mode
     * (the others are scaled by {@code 1 / (1 - rate)}); in inference mode it passes values through. It
     * joins the current block, as {@link Dropout @Dropout} joins the layers of its field
     * ({@code .dense(64).relu().dropout(0.5)} is one block, {@code @Dense(64) @Relu @Dropout(0.5)}), and
     * starts a block of its own ({@code dropout1}, ...) when there is none yet or the current one already
     * ends with a dropout.
     */
    public NetworkBuilder dropout(double rate) {
        Builder b = with("dropout(" + rate + ")");
        if (parts.isEmpty() || parts.get(parts.size() - 1).layer() instanceof DropoutSpec) {
            b.addBlock("dropout");
        }
        b.addLayer(new DropoutSpec(rate, ""));
        b.set(parts.size(), "value");
        return b.build();
    }

    /** Any activation, with its default parameter. */
    public NetworkBuilder activation(Activation function) {
        Objects.requireNonNull(function, "activation");
        return activation(function, "activation(Activation." + function.name() + ")", function.defaultAlpha());
    }

    /** Any activation, with the parameter {@code alpha} for leaky ReLU and ELU (ignored by the others). */
    public NetworkBuilder activation(Activation function, double alpha) {
        Objects.requireNonNull(function, "activation");
        return activation(function, "activation(Activation." + function.name() + ", " + alpha + ")", alpha);
    }

    private NetworkBuilder activation(Activation function, String text, double alpha) {
        Builder b = with(text);
        if (!opensOnDense()) {
            b.addBlock(function.camelName());
        }
        b.addLayer(new ActivationSpec(function, alpha, ""));
        b.set(parts.size(), "alpha");
        return b.build();
    }


    // ---------------------------------------------------------------- names

    /**
     * Names the current block (the last {@link #dense} with its activation, or the last standalone
     * activation): its layers' source becomes {@code <network>.<name>} and its parameters
     * {@code <name>.weight} and {@code <name>.bias}.
     *
     * @throws BuilderException if there is no layer yet, or the name is not a Java identifier
     */
    public NetworkBuilder named(String blockName) {
        Objects.requireNonNull(blockName, "layer name");
        String text = "named(" + quote(blockName) + ")";
        if (blocks.isEmpty()) {
            throw new BuilderException(Rule.BUILDER_ORDER, calls.size(), BuilderException.WHOLE_CALL, text,
                    "a layer (dense(...) or an activation)");
        }
        if (!isIdentifier(blockName)) {
            throw new BuilderException(Rule.LAYER_NAME, calls.size(), 0, text, blockName, "is not a Java identifier");
        }
        Builder b = with(text);
        Block last = blocks.get(blocks.size() - 1);
        b.blocks.set(blocks.size() - 1, new Block(last.kind(), blockName, calls.size()));
        return b.build();
    }

    // ---------------------------------------------------------------- build

    /**
     * The network, checked against every rule of {@link NetworkSpec#validate()}.
     *
     * @throws InvalidNetworkException listing every problem, each with the call it comes from
     * @throws BuilderException        if two blocks have the same name
     */
    public NetworkSpec build() {
        List<String> names = blockNames();
        NetworkSpec spec = spec(names);
        List<Problem> problems = spec.validate();
        if (!problems.isEmpty()) {
            StringBuilder message = new StringBuilder();
            for (Problem problem : problems) {
                Call call = callOf(problem);
                if (!message.isEmpty()) {
                    message.append('\n');
                }
                message.append(problem.message()).append(" (at ").append(call.text());
                if (call.index() >= 0) {
                    message.append(", call ").append(call.index() + 1).append(" of the chain");
                }
                message.append(')');
            }
            throw new InvalidNetworkException(message.toString(), problems);
        }
        return spec;
    }

    /**
     * The spec as declared so far, without checking it; {@link #build()} is the way to get a network.
     * The annotation processor uses this to report problems at the calls behind them.
     *
     * @throws BuilderException if two blocks have the same name
     */
    public NetworkSpec unchecked() {
        return spec(blockNames());
    }

    /**
     * The call a problem of {@link #unchecked()}'s spec points at: the one that set the attribute at
     * fault, or made the layer, or started the chain.
     */
    public Call callOf(Problem problem) {
        Integer at = null;
        if (problem.attribute() != null) {
            at = setters.get(problem.layer() + "/" + problem.attribute());
            if (at == null) {
                at = setters.get(Problem.NETWORK + "/" + problem.attribute());
            }
        }
        int argument = Call.WHOLE_CALL;
        if (at != null) {
            argument = switch (problem.attribute()) {
                case "scale", "margin" -> 1;
                case "kernel" -> calls.get(at).startsWith("conv2d(") ? 1 : 0;
                case "momentum", "epsilon" -> calls.get(at).endsWith("()") ? Call.WHOLE_CALL
                        : problem.attribute().equals("epsilon") ? 1 : 0;
                case "heads" -> Call.WHOLE_CALL;
                case "alpha" -> calls.get(at).endsWith("()") ? Call.WHOLE_CALL
                        : calls.get(at).startsWith("activation(") ? 1 : 0;
                case "input" -> Call.WHOLE_CALL;
                default -> headArgument(problem.attribute(), calls.get(at));
            };
        } else if (problem.layer() >= 0 && problem.layer() < parts.size()) {
            at = parts.get(problem.layer()).call();
        } else {
            at = calls.isEmpty() ? -1 : 0;
        }
        return new Call(at, at < 0 ? "Kiln.network(...)" : calls.get(at), argument);
    }

    /** The argument of a {@link #head} call that an attribute ({@code heads[1].weight}) names, else the first. */
    private static int headArgument(String attribute, String call) {
        if (!attribute.startsWith("heads[")) {
            return 0;
        }
        String part = attribute.substring(attribute.indexOf("].") + 2);
        return switch (part) {
            case "loss" -> 1;
            case "weight" -> call.split(",").length == 3 ? 2 : Call.WHOLE_CALL;
            default -> 0;
        };
    }

    /** The calls so far, from the first ({@code Kiln.input(4)}) on, as they would be written. */
    public List<String> calls() {
        return calls;
    }

    @Override
    public String toString() {
        return String.join(".", calls) + (calls.isEmpty() ? "" : ".") + "...";
    }

    // ---------------------------------------------------------------- internals

    private NetworkSpec spec(List<String> names) {
        List<LayerSpec> layers = new ArrayList<>(parts.size());
        for (Part part : parts) {
            String source = name + "." + names.get(part.block());
            layers.add(part.layer().withSource(source));
        }
        return new NetworkSpec(name, input == null ? List.of() : input, layers, NetworkSpec.lossOf(loss, heads),
                maxBatch, margin, heads);
    }

    /** Each block's name: its own, or its kind and its number among the blocks of that kind. */
    private List<String> blockNames() {
        Map<String, Integer> counts = new HashMap<>();
        List<String> names = new ArrayList<>(blocks.size());
        Map<String, Integer> taken = new HashMap<>();
        for (int i = 0; i < blocks.size(); i++) {
            Block block = blocks.get(i);
            int number = counts.merge(block.kind(), 1, Integer::sum);
            String blockName = block.name() != null ? block.name() : block.kind() + number;
            Integer earlier = taken.putIfAbsent(blockName, i);
            if (earlier != null) {
                int call = block.name() != null ? block.nameCall() : firstCallOf(i);
                throw new BuilderException(Rule.LAYER_NAME, call, block.name() != null ? 0 : BuilderException.WHOLE_CALL,
                        calls.get(call), blockName, "is already the name of block " + (earlier + 1) + " of the chain");
            }
            names.add(blockName);
        }
        return names;
    }

    private int firstCallOf(int block) {
        return parts.stream().filter(p -> p.block() == block).findFirst().orElseThrow().call();
    }

    /**
     * Whether the current block is a layer that an activation joins and has no activation yet: a Dense or
     * Conv2d layer, or batch norm.
     */
    private boolean opensOnDense() {
        if (parts.isEmpty()) {
            return false;
        }
        LayerSpec last = parts.get(parts.size() - 1).layer();
        return last instanceof DenseSpec || last instanceof Conv2dSpec || last instanceof BatchNormSpec;
    }

    /** The Dense or Conv2d layer a weight option applies to. */
    private LayerSpec openWeighted(String text) {
        LayerSpec last = parts.isEmpty() ? null : parts.get(parts.size() - 1).layer();
        if (!(last instanceof DenseSpec || last instanceof Conv2dSpec)) {
            throw new BuilderException(Rule.BUILDER_ORDER, calls.size(), BuilderException.WHOLE_CALL, text,
                    "dense(...) or conv2d(...) (or another of their options, before the activation)");
        }
        return last;
    }

    /** The dense layer a dense option applies to. */
    private DenseSpec openDense(String text) {
        if (!opensOnDense()) {
            throw new BuilderException(Rule.BUILDER_ORDER, calls.size(), BuilderException.WHOLE_CALL, text,
                    "dense(...) (or another of its options, before its activation)");
        }
        return (DenseSpec) parts.get(parts.size() - 1).layer();
    }

    private static boolean isIdentifier(String s) {
        if (s.isEmpty() || KEYWORDS.contains(s) || !Character.isJavaIdentifierStart(s.codePointAt(0))) {
            return false;
        }
        return s.codePoints().skip(1).allMatch(Character::isJavaIdentifierPart);
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** A mutable copy of this builder's state with one more call recorded. */
    private Builder with(String callText) {
        return new Builder(callText);
    }

    /** The one place a new builder is assembled from a copy of this one. */
    private final class Builder {
        List<Integer> input = NetworkBuilder.this.input;
        final List<Part> parts = new ArrayList<>(NetworkBuilder.this.parts);
        final List<Block> blocks = new ArrayList<>(NetworkBuilder.this.blocks);
        Loss loss = NetworkBuilder.this.loss;
        int maxBatch = NetworkBuilder.this.maxBatch;
        double margin = NetworkBuilder.this.margin;
        final List<HeadSpec> heads = new ArrayList<>(NetworkBuilder.this.heads);
        final List<String> calls = new ArrayList<>(NetworkBuilder.this.calls);
        final Map<String, Integer> setters = new HashMap<>(NetworkBuilder.this.setters);
        final int call;

        Builder(String callText) {
            call = calls.size();
            calls.add(callText);
        }

        void addBlock(String kind) {
            blocks.add(new Block(kind, null, -1));
        }

        void addLayer(LayerSpec layer) {
            parts.add(new Part(layer, blocks.size() - 1, call));
        }

        void replaceLast(LayerSpec layer) {
            Part last = parts.get(parts.size() - 1);
            parts.set(parts.size() - 1, new Part(layer, last.block(), last.call()));
        }

        void set(int layer, String attribute) {
            setters.put(layer + "/" + attribute, call);
        }

        NetworkBuilder build() {
            return new NetworkBuilder(name, input, List.copyOf(parts), List.copyOf(blocks), loss, maxBatch, margin,
                    List.copyOf(heads), List.copyOf(calls), Map.copyOf(setters));
        }
    }
}
