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
 * @param loss     the training objective
 * @param maxBatch the largest batch the network's buffers hold
 */
public record NetworkSpec(String name, List<Integer> input, List<LayerSpec> layers, Loss loss, int maxBatch) {

    /** The maxBatch used when none is given. */
    public static final int DEFAULT_MAX_BATCH = 128;

    public NetworkSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(loss, "loss");
        input = List.copyOf(input);
        layers = List.copyOf(layers);
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
        List<Integer> sizes = new ArrayList<>(layers.size() + 1);
        int size = inputSize();
        sizes.add(size);
        for (LayerSpec layer : layers) {
            size = layer.outputSize(size);
            sizes.add(size);
        }
        return List.copyOf(sizes);
    }

    /** The number of output features of the whole network. */
    public int outputSize() {
        List<Integer> sizes = layerInputSizes();
        return sizes.get(sizes.size() - 1);
    }

    /**
     * The initialization a Dense layer really uses: its own, or for {@link Init#AUTO} the one that suits
     * the activation right after it (see {@link Init#AUTO}).
     */
    public Init initOf(int layerIndex) {
        DenseSpec dense = (DenseSpec) layers.get(layerIndex);
        if (dense.init() != Init.AUTO) {
            return dense.init();
        }
        if (layerIndex + 1 < layers.size()
                && layers.get(layerIndex + 1) instanceof ActivationSpec next
                && next.function().isRectifier()) {
            return Init.HE_NORMAL;
        }
        return Init.XAVIER_UNIFORM;
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
