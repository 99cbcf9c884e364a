package dev.kiln.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The immutable description of a network: what the annotation processor compiles and what the runtime
 * checks. Both read the same rules from {@link #validate()} and the same shapes from
 * {@link #layerInputSizes()}, so a network is judged the same way at compile time and at run time.
 *
 * @param name     the network's name (the declaring class's simple name)
 * @param input    the input shape; Dense networks take a rank-1 shape, the number of features
 * @param layers   the layers in the order they apply
 * @param loss     the training objective; {@link Loss#MULTI_TASK} when the network has heads
 * @param maxBatch the largest batch the network's buffers hold
 * @param margin   the margin of {@link Loss#CONTRASTIVE} (for the network's loss or a head's); ignored
 *                 by every other loss
 * @param heads    for {@link Loss#MULTI_TASK}, the heads that split the last layer's outputs, in order;
 *                 empty otherwise
 */
public record NetworkSpec(String name, List<Integer> input, List<LayerSpec> layers, Loss loss, int maxBatch,
                          double margin, List<HeadSpec> heads) {

    /** The maxBatch used when none is given. */
    public static final int DEFAULT_MAX_BATCH = 128;

    /** The contrastive margin used when none is given. */
    public static final double DEFAULT_MARGIN = 1.0;

    public NetworkSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(loss, "loss");
        input = List.copyOf(input);
        layers = List.copyOf(layers);
        heads = List.copyOf(heads);
    }

    /** A network with one loss (no heads) and the default margin. */
    public NetworkSpec(String name, List<Integer> input, List<LayerSpec> layers, Loss loss, int maxBatch) {
        this(name, input, layers, loss, maxBatch, DEFAULT_MARGIN, List.of());
    }

    /**
     * The loss of a declaration that gives {@code declared} and {@code heads}: heads make the loss
     * {@link Loss#MULTI_TASK} when no other loss was declared (one that was is kept, and
     * {@link #validate()} rejects it); without heads, the declared loss.
     */
    public static Loss lossOf(Loss declared, List<HeadSpec> heads) {
        return heads.isEmpty() || declared != Loss.NONE ? declared : Loss.MULTI_TASK;
    }

    /** Where head {@code index} starts among the last layer's outputs: the units of the heads before it. */
    public int headStart(int index) {
        int start = 0;
        for (int h = 0; h < index; h++) {
            start += heads.get(h).units();
        }
        return start;
    }

    /** Whether a loss of this network pairs rows ({@link Loss#CONTRASTIVE}, as the loss or a head's), so batches must be even. */
    public boolean pairsRows() {
        return loss == Loss.CONTRASTIVE || heads.stream().anyMatch(h -> h.loss() == Loss.CONTRASTIVE);
    }

    /**
     * The loss as messages and generated comments show it: its name, with the margin for
     * {@link Loss#CONTRASTIVE} ({@code CONTRASTIVE (margin 1.0)}) and the heads for
     * {@link Loss#MULTI_TASK} ({@code MULTI_TASK: 1.0 x SOFTMAX_CROSS_ENTROPY on outputs 0 to 2 + 0.5 x MSE on output 3}).
     */
    public String describeLoss() {
        if (loss == Loss.MULTI_TASK && !heads.isEmpty()) {
            StringBuilder s = new StringBuilder(loss.name()).append(": ");
            for (int h = 0; h < heads.size(); h++) {
                s.append(h == 0 ? "" : " + ").append(heads.get(h).describe(headStart(h)));
            }
            return s.append(pairsRows() ? " (margin " + margin + ")" : "").toString();
        }
        return loss == Loss.CONTRASTIVE ? loss.name() + " (margin " + margin + ")" : loss.name();
    }

    /** The number of input features: the product of the input shape (0 when none is declared). */
    public int inputSize() {
        if (input.isEmpty()) {
            return 0;
        }
        long size = 1;
        for (int d : input) {
            size *= d;
        }
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, size));
    }

    /** Every rule this spec breaks, in declaration order; empty when it is valid. */
    public List<Problem> validate() {
        return Validation.check(this);
    }

    /** This spec, if valid. @throws InvalidNetworkException listing every problem otherwise */
    public NetworkSpec requireValid() {
        List<Problem> problems = validate();
        if (!problems.isEmpty()) {
            throw new InvalidNetworkException(problems);
        }
        return this;
    }

    /**
     * The input width of each layer, followed by the network's output width: {@code layers().size() + 1}
     * entries. Meaningful for a valid spec.
     */
    public List<Integer> layerInputSizes() {
        return layerShapes().stream().map(Shapes::size).toList();
    }

    /**
     * The input shape of each layer, followed by the network's output shape: {@code layers().size() + 1}
     * entries, {@code [features]} or {@code [channels, height, width]}. Meaningful for a valid spec.
     */
    public List<List<Integer>> layerShapes() {
        List<List<Integer>> shapes = new ArrayList<>(layers.size() + 1);
        List<Integer> shape = input;
        shapes.add(shape);
        for (LayerSpec layer : layers) {
            shape = List.copyOf(layer.outputShape(shape));
            shapes.add(shape);
        }
        return List.copyOf(shapes);
    }

    /** The number of output features of the whole network. */
    public int outputSize() {
        List<Integer> sizes = layerInputSizes();
        return sizes.get(sizes.size() - 1);
    }

    /**
     * The initialization a Dense or Conv2d layer really uses: its own, or for {@link Init#AUTO} the one
     * that suits the layer right after it, past any dropout, batch norm, pooling or flattening (see
     * {@link Init#AUTO}): He normal before a rectifier (ReLU, leaky ReLU, ELU, PReLU), Xavier uniform
     * otherwise.
     */
    public Init initOf(int layerIndex) {
        Init own = switch (layers.get(layerIndex)) {
            case DenseSpec dense -> dense.init();
            case Conv2dSpec conv -> conv.init();
            default -> throw new IllegalArgumentException("layer " + (layerIndex + 1) + " has no weights to initialize");
        };
        if (own != Init.AUTO) {
            return own;
        }
        // these change no variance that matters here: look past them, at the layer that follows
        int nextIndex = layerIndex + 1;
        while (nextIndex < layers.size() && (layers.get(nextIndex) instanceof DropoutSpec
                || layers.get(nextIndex) instanceof BatchNormSpec || layers.get(nextIndex) instanceof Pool2dSpec
                || layers.get(nextIndex) instanceof FlattenSpec)) {
            nextIndex++;
        }
        LayerSpec next = nextIndex < layers.size() ? layers.get(nextIndex) : null;
        boolean rectifier = switch (next) {
            case ActivationSpec activation -> activation.function().isRectifier();
            case PReluSpec prelu -> true;
            case null, default -> false;
        };
        return rectifier ? Init.HE_NORMAL : Init.XAVIER_UNIFORM;
    }

    /**
     * Whether the last layer is an activation that the loss absorbs: softmax under softmax
     * cross-entropy, sigmoid under binary cross-entropy. The loss then reads the activation's input (the
     * logits) and its gradient skips the activation, which is both exact and stable.
     */
    public boolean lossFusesLastActivation() {
        if (layers.isEmpty() || !(layers.get(layers.size() - 1) instanceof ActivationSpec last)) {
            return false;
        }
        return (loss == Loss.SOFTMAX_CROSS_ENTROPY && last.function() == Activation.SOFTMAX)
                || (loss == Loss.BINARY_CROSS_ENTROPY && last.function() == Activation.SIGMOID);
    }
}
