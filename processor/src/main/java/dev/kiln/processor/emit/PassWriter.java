package dev.kiln.processor.emit;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.processor.model.LayerPlan;
import dev.kiln.processor.model.LossPlan;
import dev.kiln.processor.model.NetworkPlan;
import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.DropoutSpec;
import dev.kiln.spec.HeadSpec;
import dev.kiln.spec.Init;
import dev.kiln.spec.Loss;
import dev.kiln.spec.MaxoutSpec;
import dev.kiln.spec.NetworkSpec;
import dev.kiln.spec.PReluSpec;
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
    // layer 2: PReLU(16), from Net.slopes: slopes 0.25
    // Initializers.constant(params, SLOPES_WEIGHT, 16, 0.25f);
    CodeBlock initialize() {
        CodeBlock.Builder code = CodeBlock.builder().addStatement("$T rng = new $T(seed)", RuntimeTypes.RNG, RuntimeTypes.RNG);
        for (LayerPlan layer : plan.layers()) {
            if (layer.weight() == null) {
                continue;
            }
            if (layer.spec() instanceof PReluSpec) {
                code.add("// $L: slopes $L\n", layer.title(), PReluSpec.INITIAL_SLOPE);
                code.addStatement("$T.constant(params, $N, $L, $Lf)", RuntimeTypes.INITIALIZERS,
                        layer.weight().constant(), layer.weight().size(), (float) PReluSpec.INITIAL_SLOPE);
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
                case PReluSpec prelu -> code.add("// $L; x where positive, else x times its feature's slope in $L\n",
                                layer.title(), layer.weight().name())
                        .addStatement("$T.preluForward($N, 0, $NParams, 0, $N, 0, batch, $L)", RuntimeTypes.ACTIVATIONS,
                                layer.input().name(), layer.tensors(), layer.output().name(), layer.outputSize());
                case MaxoutSpec maxout -> code.add("// $L; each output the largest of $L consecutive inputs\n",
                                layer.title(), maxout.pieces())
                        .addStatement("$T.maxoutForward($N, 0, $N, 0, batch * $L, $L)", RuntimeTypes.ACTIVATIONS,
                                layer.input().name(), layer.output().name(), layer.outputSize(), maxout.pieces());
                case DropoutSpec dropout -> code.add(DropoutWriter.forward(layer));
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
    // or for heads, one line per head on its slice of each row, weighted, summed:
    // float loss = Losses.softmaxCrossEntropyWithLogits(out3, 0, t, 0, dOut3, 0, batch, 3, 4, 1.0);
    // loss += Losses.meanSquaredError(out3, 3, t, 3, dOut3, 3, batch, 1, 4, 0.5);
    CodeBlock loss() {
        LossPlan loss = plan.loss();
        NetworkSpec spec = plan.spec();
        CodeBlock.Builder code = CodeBlock.builder();
        if (loss.fused()) {
            LayerPlan last = plan.layers().getLast();
            code.add("// $L absorbs layer $L ($L): it reads the logits and its gradient skips that layer\n",
                    loss.loss(), last.number(), ((ActivationSpec) last.spec()).function().display());
        }
        String on = loss.on().name();
        String t = loss.target().name();
        String d = loss.gradient().name();
        if (loss.loss() != Loss.MULTI_TASK) {
            if (loss.loss() == Loss.CONTRASTIVE) {
                code.add("// rows 2i and 2i + 1 of the batch are a pair, labelled by the first target value of both; "
                        + "margin $L\n", spec.margin());
                return code.addStatement("float loss = $T.contrastive($N, 0, $N, 0, $N, 0, batch, $L, $L)",
                        RuntimeTypes.LOSSES, on, t, d, loss.width(), spec.margin()).build();
            }
            return code.addStatement("float loss = $T.$L($N, 0, $N, 0, $N, 0, batch, $L)", RuntimeTypes.LOSSES,
                    kernel(loss.loss()), on, t, d, loss.width()).build();
        }
        code.add("// the weighted sum of $L heads' losses, each on its slice of the $L outputs and targets of a row\n",
                spec.heads().size(), loss.width());
        for (int h = 0; h < spec.heads().size(); h++) {
            HeadSpec head = spec.heads().get(h);
            int start = spec.headStart(h);
            code.add("// head $L: $L\n", h + 1, head.describe(start));
            String assign = h == 0 ? "float loss =" : "loss +=";
            if (head.loss() == Loss.CONTRASTIVE) {
                code.addStatement("$L $T.contrastive($N, $L, $N, $L, $N, $L, batch, $L, $L, $L, $L)", assign,
                        RuntimeTypes.LOSSES, on, start, t, start, d, start, head.units(), loss.width(), head.weight(),
                        spec.margin());
            } else {
                code.addStatement("$L $T.$L($N, $L, $N, $L, $N, $L, batch, $L, $L, $L)", assign, RuntimeTypes.LOSSES,
                        kernel(head.loss()), on, start, t, start, d, start, head.units(), loss.width(), head.weight());
            }
        }
        return code.build();
    }

    /** The runtime's kernel for a single loss. */
    private static String kernel(Loss loss) {
        return switch (loss) {
            case MSE -> "meanSquaredError";
            case MAE -> "meanAbsoluteError";
            case MEAN_BIAS_ERROR -> "meanBiasError";
            case BINARY_CROSS_ENTROPY -> "binaryCrossEntropyWithLogits";
            case SOFTMAX_CROSS_ENTROPY -> "softmaxCrossEntropyWithLogits";
            case HINGE -> "hinge";
            case MULTICLASS_HINGE -> "multiclassHinge";
            case CONTRASTIVE -> "contrastive";
            case NONE, MULTI_TASK -> throw new IllegalStateException("no kernel for Loss." + loss);
        };
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
                case PReluSpec prelu -> {
                    // the slopes' gradient is always needed; the input gradient only past the first layer
                    code.add("// $L: the gradient of $L += x dy where x <= 0, summed over the batch; $L = dy where "
                            + "x > 0, else slope * dy\n", layer.title(), layer.weight().name(),
                            layer.first() ? "when enabled, dx" : "dx");
                    code.addStatement("$T.preluBackward($N, 0, $NParams, 0, $N, 0, $L, 0, $NGrads, 0, batch, $L)",
                            RuntimeTypes.ACTIVATIONS, layer.input().name(), layer.tensors(),
                            layer.outputGradient().name(), layer.first() ? "inputGradientEnabled ? dx : null"
                                    : layer.inputGradient().name(), layer.tensors(), layer.outputSize());
                }
                case MaxoutSpec maxout -> {
                    code.add("// $L: each output's gradient to the largest input of its group\n", layer.title());
                    CodeBlock call = CodeBlock.of("$T.maxoutBackward($N, 0, $N, 0, $N, 0, batch * $L, $L)",
                            RuntimeTypes.ACTIVATIONS, layer.input().name(), layer.outputGradient().name(),
                            layer.inputGradient().name(), layer.outputSize(), maxout.pieces());
                    if (layer.first()) {
                        code.beginControlFlow("if (inputGradientEnabled)").addStatement(call).endControlFlow();
                    } else {
                        code.addStatement(call);
                    }
                }
                case DropoutSpec dropout -> code.add(DropoutWriter.backward(layer));
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
