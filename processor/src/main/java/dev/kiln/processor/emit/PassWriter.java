package dev.kiln.processor.emit;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.processor.model.LayerPlan;
import dev.kiln.processor.model.LossPlan;
import dev.kiln.processor.model.NetworkPlan;
import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.Init;
import dev.kiln.spec.Tier;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the bodies of the passes: initialization, forward, loss and backward, one block per layer,
 * each introduced by the layer's title. Widths are written as literals, so every shape is a constant.
 */
final class PassWriter {

    private final NetworkPlan plan;

    PassWriter(NetworkPlan plan) {
        this.plan = plan;
    }

    // layer 1: Dense(4 -> 16), from Iris.hidden
    // Initializers.fill(params, HIDDEN_WEIGHT, 64, Init.HE_NORMAL, 0.01, 4, 16, rng);
    // Initializers.zeros(params, HIDDEN_BIAS, 16);
    CodeBlock initialize() {
        CodeBlock.Builder code = CodeBlock.builder().addStatement("$T rng = new $T(seed)", RuntimeTypes.RNG, RuntimeTypes.RNG);
        for (LayerPlan layer : plan.layers()) {
            if (layer.weight() == null) {
                continue;
            }
            DenseSpec dense = (DenseSpec) layer.spec();
            Init init = plan.spec().initOf(layer.number() - 1);
            code.add("// $L: $L\n", layer.title(), describe(dense, init));
            code.addStatement("$T.fill(params, $N, $L, $T.$L, $L, $L, $L, rng)", RuntimeTypes.INITIALIZERS,
                    layer.weight().constant(), layer.weight().size(), Init.class, init.name(), dense.scale(),
                    layer.inputSize(), layer.outputSize());
            if (layer.bias() != null) {
                code.addStatement("$T.zeros(params, $N, $L)", RuntimeTypes.INITIALIZERS, layer.bias().constant(),
                        layer.bias().size());
            }
        }
        return code.build();
    }

    private static String describe(DenseSpec dense, Init init) {
        String how = init == dense.init() ? "weights " + init : "weights " + init + " (AUTO)";
        return how + (dense.bias() ? ", bias zeros" : "");
    }

    // layer 1: Dense(4 -> 16), from Iris.hidden, with layer 2: ReLU(16) fused
    // ... loops or a product and one pass (DenseWriter) ...
    CodeBlock forward() {
        CodeBlock.Builder code = CodeBlock.builder();
        List<LayerPlan> layers = plan.layers();
        for (int i = 0; i < layers.size(); i++) {
            LayerPlan layer = layers.get(i);
            LayerPlan next = i + 1 < layers.size() && layers.get(i + 1).fused() ? layers.get(i + 1) : null;
            switch (layer.spec()) {
                case DenseSpec dense -> {
                    code.add("// $L$L; $L\n", layer.title(), next == null ? "" : ", and " + fusedTitle(next),
                            tierComment(layer));
                    code.add(DenseWriter.forward(layer, next));
                }
                case ActivationSpec activation -> {
                    if (layer.fused()) {
                        continue;
                    }
                    code.add("// $L\n", layer.title());
                    code.addStatement("$T.$L($N, 0, $N, 0, $L)", RuntimeTypes.ACTIVATIONS,
                            kernel(activation) + "Forward", layer.input().name(), layer.output().name(),
                            extent(activation, layer.outputSize()));
                }
            }
        }
        return code.build();
    }

    /**
     * A writer for each Dense layer computed unrolled (on every batch, or on small ones), with the
     * activation fused into it forward and, unless the loss absorbed it, backward.
     */
    List<UnrolledWriter> unrolled() {
        List<UnrolledWriter> writers = new ArrayList<>();
        List<LayerPlan> layers = plan.layers();
        for (int i = 0; i < layers.size(); i++) {
            LayerPlan layer = layers.get(i);
            if (layer.tier() != Tier.UNROLLED && !layer.batchSwitch()) {
                continue;
            }
            LayerPlan next = i + 1 < layers.size() && layers.get(i + 1).fused() ? layers.get(i + 1) : null;
            LayerPlan derivative = next != null && next.outputGradient() != null ? next : null;
            writers.add(new UnrolledWriter(layer, next, derivative));
        }
        return writers;
    }

    /** A fused activation in its Dense layer's comment: {@code layer 2: ReLU(16)}. */
    private static String fusedTitle(LayerPlan activation) {
        return "layer " + activation.number() + ": " + activation.spec().describe(activation.inputSize());
    }

    /** How a Dense layer is computed, for its comment. */
    private static String tierComment(LayerPlan layer) {
        int weights = layer.inputSize() * layer.outputSize();
        String how = switch (layer.tier()) {
            case BLAS -> "matrix products through the Blas backend";
            case LOOPS -> "loops";
            case UNROLLED -> layer.batchSwitch() ? "unrolled for batches up to " + layer.unrolledMaxBatch()
                    + ", else matrix products through the Blas backend" : "unrolled";
            case AUTO -> throw new IllegalArgumentException("the planner resolves AUTO");
        };
        return String.format(java.util.Locale.ROOT, "%s (%,d weights)", how, weights);
    }

    // SOFTMAX_CROSS_ENTROPY absorbs layer 4 (softmax): it reads the logits and its gradient skips that layer
    // float loss = Losses.softmaxCrossEntropyWithLogits(out3, 0, t, 0, dOut3, 0, batch, 3);
    CodeBlock loss() {
        LossPlan loss = plan.loss();
        String kernel = switch (loss.loss()) {
            case MSE -> "meanSquaredError";
            case BINARY_CROSS_ENTROPY -> "binaryCrossEntropyWithLogits";
            case SOFTMAX_CROSS_ENTROPY -> "softmaxCrossEntropyWithLogits";
            case NONE -> throw new IllegalStateException("no loss to write");
        };
        CodeBlock.Builder code = CodeBlock.builder();
        if (loss.fused()) {
            LayerPlan last = plan.layers().getLast();
            code.add("// $L absorbs layer $L ($L): it reads the logits and its gradient skips that layer\n",
                    loss.loss(), last.number(), ((ActivationSpec) last.spec()).function().display());
        }
        return code
                .addStatement("float loss = $T.$L($N, 0, $N, 0, $N, 0, batch, $L)", RuntimeTypes.LOSSES, kernel,
                        loss.on().name(), loss.target().name(), loss.gradient().name(), loss.width())
                .build();
    }

    // layer 3: Dense(16 -> 3), from Iris.out
    // ... (DenseWriter) ...
    CodeBlock backward() {
        CodeBlock.Builder code = CodeBlock.builder();
        List<LayerPlan> layers = plan.layers();
        for (LayerPlan layer : plan.backwardLayers()) {
            int i = layer.number() - 1;
            switch (layer.spec()) {
                case DenseSpec dense -> {
                    LayerPlan next = i + 1 < layers.size() && layers.get(i + 1).fused() ? layers.get(i + 1) : null;
                    // a fused activation that the loss absorbs has no backward: the loss wrote dz already
                    LayerPlan derivative = next != null && next.outputGradient() != null ? next : null;
                    code.add("// $L$L\n", layer.title(), derivative == null ? "" : ", and " + fusedTitle(derivative));
                    code.add(DenseWriter.backward(layer, derivative));
                }
                case ActivationSpec activation -> {
                    if (layer.fused()) {
                        continue;
                    }
                    boolean first = layer.first();
                    code.add("// $L\n", layer.title());
                    CodeBlock call = CodeBlock.of("$T.$L($N, 0, $N, 0, $N, 0, $N, 0, $L)", RuntimeTypes.ACTIVATIONS,
                            kernel(activation) + "Backward", layer.input().name(), layer.output().name(),
                            layer.outputGradient().name(), layer.inputGradient().name(),
                            extent(activation, layer.outputSize()));
                    if (first) {
                        code.beginControlFlow("if (inputGradientEnabled)").addStatement(call).endControlFlow();
                    } else {
                        code.addStatement(call);
                    }
                }
            }
        }
        return code.build();
    }

    private static String kernel(ActivationSpec activation) {
        return activation.function().camelName();
    }

    /** The trailing arguments: element count (and alpha), or for softmax rows and width. */
    private static String extent(ActivationSpec activation, int width) {
        return switch (activation.function()) {
            case SOFTMAX -> "batch, " + width;
            case LEAKY_RELU, ELU -> "batch * " + width + ", " + (float) activation.alpha() + "f";
            default -> "batch * " + width;
        };
    }
}
