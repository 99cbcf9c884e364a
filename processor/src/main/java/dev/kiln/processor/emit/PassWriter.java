package dev.kiln.processor.emit;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.processor.model.LayerPlan;
import dev.kiln.processor.model.LossPlan;
import dev.kiln.processor.model.NetworkPlan;
import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.Init;

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

    // layer 1: Dense(4 -> 16), from Iris.hidden
    // (batch, 4) x (16, 4)^T + (16) -> (batch, 16)
    // DenseOps.forward(blas, x, 0, hiddenParams, 0, 64, out1, 0, batch, 4, 16);
    CodeBlock forward() {
        CodeBlock.Builder code = CodeBlock.builder();
        for (LayerPlan layer : plan.layers()) {
            code.add("// $L\n", layer.title());
            switch (layer.spec()) {
                case DenseSpec dense -> {
                    code.add("// (batch, $L) x ($L, $L)^T$L -> (batch, $L)\n", layer.inputSize(), layer.outputSize(),
                            layer.inputSize(), dense.bias() ? " + (" + layer.outputSize() + ")" : "", layer.outputSize());
                    code.addStatement("$T.forward(blas, $N, 0, $N, 0, $L, $N, 0, batch, $L, $L)",
                            RuntimeTypes.DENSE_OPS, layer.input().name(), layer.tensors() + "Params", biasOffset(layer),
                            layer.output().name(), layer.inputSize(), layer.outputSize());
                }
                case ActivationSpec activation -> code.addStatement("$T.$L($N, 0, $N, 0, $L)", RuntimeTypes.ACTIVATIONS,
                        kernel(activation) + "Forward", layer.input().name(), layer.output().name(),
                        extent(activation, layer.outputSize()));
            }
        }
        return code.build();
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
    // DenseOps.backward(blas, out2, 0, outParams, 0, dOut3, 0, outGrads, 0, 48, dOut2, 0, batch, 16, 3);
    CodeBlock backward() {
        CodeBlock.Builder code = CodeBlock.builder();
        for (LayerPlan layer : plan.backwardLayers()) {
            code.add("// $L\n", layer.title());
            boolean first = layer.first();
            String inputGradient = layer.inputGradient().name();
            switch (layer.spec()) {
                case DenseSpec dense -> code.addStatement(
                        "$T.backward(blas, $N, 0, $N, 0, $N, 0, $N, 0, $L, $L, 0, batch, $L, $L)",
                        RuntimeTypes.DENSE_OPS, layer.input().name(), layer.tensors() + "Params",
                        layer.outputGradient().name(), layer.tensors() + "Grads", biasOffset(layer),
                        first ? "inputGradientEnabled ? " + inputGradient + " : null" : inputGradient,
                        layer.inputSize(), layer.outputSize());
                case ActivationSpec activation -> {
                    CodeBlock call = CodeBlock.of("$T.$L($N, 0, $N, 0, $N, 0, $N, 0, $L)", RuntimeTypes.ACTIVATIONS,
                            kernel(activation) + "Backward", layer.input().name(), layer.output().name(),
                            layer.outputGradient().name(), inputGradient, extent(activation, layer.outputSize()));
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

    /** Where the bias starts within the layer's slice (right after the weight), or {@code NO_BIAS}. */
    private static CodeBlock biasOffset(LayerPlan layer) {
        return layer.bias() == null ? CodeBlock.of("$T.NO_BIAS", RuntimeTypes.DENSE_OPS)
                : CodeBlock.of("$L", layer.biasWithinLayer());
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
