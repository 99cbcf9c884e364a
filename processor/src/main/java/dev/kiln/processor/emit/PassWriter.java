package dev.kiln.processor.emit;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.processor.model.LayerPlan;
import dev.kiln.processor.model.LossPlan;
import dev.kiln.processor.model.NetworkPlan;
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
            if (layer.spec() instanceof BatchNormSpec) {
                code.add("// $L: scale ones, shift zeros; running mean zeros, running variance ones\n", layer.title());
                code.addStatement("$T.constant(params, $N, $L, 1f)", RuntimeTypes.INITIALIZERS, layer.weight().constant(),
                        layer.weight().size());
                code.addStatement("$T.zeros(params, $N, $L)", RuntimeTypes.INITIALIZERS, layer.bias().constant(),
                        layer.bias().size());
                code.addStatement("$T.zeros(state, $N, $L)", RuntimeTypes.INITIALIZERS, layer.runningMean().constant(),
                        layer.runningMean().size());
                code.addStatement("$T.constant(state, $N, $L, 1f)", RuntimeTypes.INITIALIZERS,
                        layer.runningVar().constant(), layer.runningVar().size());
                continue;
            }
            if (layer.spec() instanceof RecurrentSpec || layer.spec() instanceof EmbeddingSpec) {
                code.add(SequenceWriter.initialize(layer));
                continue;
            }
            if (layer.spec() instanceof Conv2dSpec conv) {
                Init init = plan.spec().initOf(layer.number() - 1);
                int area = conv.kernelHeight() * conv.kernelWidth();
                String how = init == conv.init() ? "weights " + init : "weights " + init + " (AUTO)";
                code.add("// $L: $L, fan in $L x $L, fan out $L x $L$L\n", layer.title(), how, layer.inputShape().getFirst(),
                        area, conv.filters(), area, conv.bias() ? ", bias zeros" : "");
                code.addStatement("$T.fill(params, $N, $L, $T.$L, $L, $L, $L, rng)", RuntimeTypes.INITIALIZERS,
                        layer.weight().constant(), layer.weight().size(), Init.class, init.name(), conv.scale(),
                        layer.inputShape().getFirst() * area, conv.filters() * area);
                if (layer.bias() != null) {
                    code.addStatement("$T.zeros(params, $N, $L)", RuntimeTypes.INITIALIZERS, layer.bias().constant(),
                            layer.bias().size());
                }
                continue;
            }
            DenseSpec dense = (DenseSpec) layer.spec();
            Init init = plan.spec().initOf(layer.number() - 1);
            code.add("// $L: $L\n", layer.title(), describe(dense, init));
            code.addStatement("$T.fill(params, $N, $L, $T.$L, $L, $L, $L, rng)", RuntimeTypes.INITIALIZERS,
                    layer.weight().constant(), layer.weight().size(), Init.class, init.name(), dense.scale(),
                    layer.weight().shape().get(1), layer.weight().shape().get(0));
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
                    if (layer.steps() > 1) {
                        code.add(stepwiseDenseForward(layer));
                        continue;
                    }
                    code.add("// $L$L; $L\n", layer.title(), next == null ? "" : ", and " + fusedTitle(next),
                            tierComment(layer));
                    code.add(DenseWriter.forward(layer, next));
                }
                case ActivationSpec activation -> {
                    if (layer.fused()) {
                        continue;
                    }
                    if (reluInPooling(i)) {
                        code.add("// $L: applied by the max pooling after it, to the pooled values\n", layer.title());
                        continue;
                    }
                    code.add("// $L\n", layer.title());
                    code.addStatement("$T.$L($N, 0, $N, 0, $L)", RuntimeTypes.ACTIVATIONS,
                            kernel(activation) + "Forward", layer.input().name(), layer.output().name(),
                            extent(activation, layer));
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
                case Conv2dSpec conv -> {
                    LayerPlan pool = poolingAfter(layer);
                    if (pool != null) {
                        code.add("// $L, with layers $L and $L: max(0, the largest of each window), into $N\n",
                                layer.title(), layers.get(i + 1).number(), pool.number(), pool.output().name())
                                .addStatement("$T.forwardPooled(blas, $N, $N, $N, 0, $NParams, 0, $L, $N, 0, $N, 0, "
                                                + "$N, 0, batch)", RuntimeTypes.CONV_OPS, layer.geometry(),
                                        pool.geometry(), layer.input().name(), layer.tensors(), bias(layer),
                                        layer.output().name(), pool.output().name(), layer.workspace());
                        continue;
                    }
                    code.add("// $L\n", layer.title())
                            .addStatement("$T.forward(blas, $N, $N, 0, $NParams, 0, $L, $N, 0, $N, 0, batch)",
                                    RuntimeTypes.CONV_OPS, layer.geometry(), layer.input().name(), layer.tensors(),
                                    bias(layer), layer.output().name(), layer.workspace());
                }
                case Pool2dSpec pool -> {
                    if (i >= 2 && poolingAfter(layers.get(i - 2)) == layer) {
                        code.add("// $L: computed with layer $L\n", layer.title(), layers.get(i - 2).number());
                    } else if (reluInPooling(i - 1)) {
                        LayerPlan relu = layers.get(i - 1);
                        code.add("// $L, with layer $L's ReLU: max(0, the largest of each window of $N)\n",
                                layer.title(), relu.number(), relu.input().name())
                                .addStatement("$T.maxForward($N, $N, 0, $N, 0, batch, true)", RuntimeTypes.POOL_OPS,
                                        layer.geometry(), relu.input().name(), layer.output().name());
                    } else {
                        code.add("// $L\n", layer.title())
                                .addStatement("$T.$L($N, $N, 0, $N, 0, batch)", RuntimeTypes.POOL_OPS,
                                        pool.kind() == Pool2dSpec.Kind.MAX ? "maxForward" : "avgForward",
                                        layer.geometry(), layer.input().name(), layer.output().name());
                    }
                }
                case FlattenSpec flatten -> code.add("// $L: the values stay where they are, in $N\n", layer.title(),
                        layer.output().name());
                case BatchNormSpec norm -> code.add(batchNormForward(layer, norm));
                case OneHotSpec oneHot -> code.add(SequenceWriter.oneHotForward(layer, oneHot));
                case EmbeddingSpec embedding -> code.add(SequenceWriter.embeddingForward(layer, embedding));
                case RecurrentSpec recurrent -> code.add(SequenceWriter.recurrentForward(layer, recurrent));
            }
        }
        return code.build();
    }

    // layer 3: Dense(64x128 -> 64x114), from Net.out; on each of the 64 steps: one product over batch x 64 rows
    private static CodeBlock stepwiseDenseForward(LayerPlan layer) {
        int in = layer.inputShape().getLast();
        int out = layer.outputShape().getLast();
        return CodeBlock.builder()
                .add("// $L; on every one of the $L steps: (batch x $L, $L) x ($L, $L)^T -> (batch x $L, $L)\n",
                        layer.title(), layer.steps(), layer.steps(), in, out, in, layer.steps(), out)
                .addStatement("$T.forward(blas, $N, 0, $NParams, 0, $L, $N, 0, $L, $L, $L)", RuntimeTypes.DENSE_OPS,
                        layer.input().name(), layer.tensors(), layer.bias() == null ? CodeBlock.of("$T.NO_BIAS",
                                RuntimeTypes.DENSE_OPS) : CodeBlock.of("$L", layer.biasWithinLayer()),
                        layer.output().name(), layer.rows(), in, out)
                .build();
    }

    private static CodeBlock stepwiseDenseBackward(LayerPlan layer) {
        int in = layer.inputShape().getLast();
        int out = layer.outputShape().getLast();
        String dx = layer.inputGradient() == null ? "null" : layer.first() ? "inputGradientEnabled ? dx : null"
                : layer.inputGradient().name();
        return CodeBlock.builder()
                .add("// $L; over batch x $L rows\n", layer.title(), layer.steps())
                .addStatement("$T.backward(blas, $N, 0, $NParams, 0, $N, 0, $NGrads, 0, $L, $L, 0, $L, $L, $L)",
                        RuntimeTypes.DENSE_OPS, layer.input().name(), layer.tensors(), layer.outputGradient().name(),
                        layer.tensors(), layer.bias() == null ? CodeBlock.of("$T.NO_BIAS", RuntimeTypes.DENSE_OPS)
                                : CodeBlock.of("$L", layer.biasWithinLayer()), dx, layer.rows(), in, out)
                .build();
    }

    // layer 2: BatchNorm(6x28x28), from Net.norm; training mode: the batch's statistics, which the running ones
    //     move towards; inference mode: the running statistics
    private static CodeBlock batchNormForward(LayerPlan layer, BatchNormSpec norm) {
        String in = layer.input().name();
        String out = layer.output().name();
        return CodeBlock.builder()
                .add("// $L; in training mode with the batch's statistics (the running ones move towards them by $L), "
                        + "in inference mode with the running ones\n", layer.title(), norm.momentum())
                .beginControlFlow("if (batchStatistics)")
                .addStatement("$T.forwardTraining($N, 0, $NParams, 0, $L, $N, 0, state, $N, $N, $N, 0, batch, $L, $L, $Lf, $Lf)",
                        RuntimeTypes.BATCH_NORM_OPS, in, layer.tensors(), layer.biasWithinLayer(), out,
                        layer.runningMean().constant(), layer.runningVar().constant(), layer.saved().name(),
                        layer.channels(), layer.spatial(), (float) norm.momentum(), (float) norm.epsilon())
                .nextControlFlow("else")
                .addStatement("$T.forwardInference($N, 0, $NParams, 0, $L, $N, 0, state, $N, $N, batch, $L, $L, $Lf)",
                        RuntimeTypes.BATCH_NORM_OPS, in, layer.tensors(), layer.biasWithinLayer(), out,
                        layer.runningMean().constant(), layer.runningVar().constant(), layer.channels(), layer.spatial(),
                        (float) norm.epsilon())
                .endControlFlow()
                .build();
    }

    // layer 2: BatchNorm(6x28x28), from Net.norm: through the batch's statistics after a training-mode pass
    private static CodeBlock batchNormBackward(LayerPlan layer, BatchNormSpec norm) {
        String dx = layer.first() ? "inputGradientEnabled ? dx : null" : layer.inputGradient().name();
        return CodeBlock.builder()
                .add("// $L: through the batch's statistics after a training-mode pass, else through the running ones\n",
                        layer.title())
                .beginControlFlow("if (batchStatistics)")
                .addStatement("$T.backwardTraining($N, 0, $NParams, 0, $N, 0, $NGrads, 0, $L, $L, 0, $N, 0, batch, $L, $L)",
                        RuntimeTypes.BATCH_NORM_OPS, layer.input().name(), layer.tensors(), layer.outputGradient().name(),
                        layer.tensors(), layer.biasWithinLayer(), dx, layer.saved().name(), layer.channels(),
                        layer.spatial())
                .nextControlFlow("else")
                .addStatement("$T.backwardInference($N, 0, $NParams, 0, $L, $N, 0, $NGrads, 0, $L, $L, 0, state, $N, $N, "
                                + "batch, $L, $L, $Lf)", RuntimeTypes.BATCH_NORM_OPS, layer.input().name(), layer.tensors(),
                        layer.biasWithinLayer(), layer.outputGradient().name(), layer.tensors(), layer.biasWithinLayer(),
                        dx, layer.runningMean().constant(), layer.runningVar().constant(), layer.channels(),
                        layer.spatial(), (float) norm.epsilon())
                .endControlFlow()
                .build();
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
            if (loss.steps() > 1) {
                code.add("// each of the $L steps of a sample is a row: the loss is the mean over the batch's steps\n",
                        loss.steps());
            }
            return code.addStatement("float loss = $T.$L($N, 0, $N, 0, $N, 0, $L, $L)", RuntimeTypes.LOSSES,
                    kernel(loss.loss()), on, t, d, loss.rows(), loss.width()).build();
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

    /**
     * The max pooling that runs with convolution {@code layer}, or null: a convolution followed by a ReLU
     * that the max pooling after it applies ({@link #reluInPooling}) runs the three as one call
     * ({@code ConvOps.forwardPooled} and {@code backwardPooled}), which keeps the convolution's output in
     * the vector lanes when it can and copies out only the pooled values.
     */
    LayerPlan poolingAfter(LayerPlan layer) {
        int i = layer.number() - 1;
        return layer.spec() instanceof Conv2dSpec && reluInPooling(i + 1) ? plan.layers().get(i + 2) : null;
    }

    /** The bias argument of a convolution: its offset in the layer's parameters, or {@code DenseOps.NO_BIAS}. */
    private static CodeBlock bias(LayerPlan layer) {
        return layer.bias() == null ? CodeBlock.of("$T.NO_BIAS", RuntimeTypes.DENSE_OPS)
                : CodeBlock.of("$L", layer.biasWithinLayer());
    }

    /**
     * Whether layer {@code i} (from 0) is a ReLU that the max pooling right after it applies: to the pooled
     * values forward, with its derivative in the pooling's backward (PoolOps, with {@code relu}), so that
     * neither pass of its own runs over the larger tensor. Unless it is fused into a Dense layer already.
     */
    private boolean reluInPooling(int i) {
        List<LayerPlan> layers = plan.layers();
        return i >= 0 && i + 1 < layers.size()
                && layers.get(i).spec() instanceof ActivationSpec activation
                && activation.function() == Activation.RELU && !layers.get(i).fused()
                && layers.get(i + 1).spec() instanceof Pool2dSpec pool && pool.kind() == Pool2dSpec.Kind.MAX;
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
                    if (layer.steps() > 1) {
                        code.add(stepwiseDenseBackward(layer));
                        continue;
                    }
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
                    if (reluInPooling(i)) {
                        code.add("// $L: back-propagated with the max pooling above\n", layer.title());
                        continue;
                    }
                    boolean first = layer.first();
                    code.add("// $L\n", layer.title());
                    CodeBlock call = CodeBlock.of("$T.$L($N, 0, $N, 0, $N, 0, $N, 0, $L)", RuntimeTypes.ACTIVATIONS,
                            kernel(activation) + "Backward", layer.input().name(), layer.output().name(),
                            layer.outputGradient().name(), layer.inputGradient().name(),
                            extent(activation, layer));
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
                case Conv2dSpec conv -> {
                    LayerPlan pool = poolingAfter(layer);
                    String dx = layer.first() ? "inputGradientEnabled ? dx : null" : layer.inputGradient().name();
                    if (pool != null) {
                        code.add("// $L, with layers $L and $L, from $N$L\n", layer.title(), layers.get(i + 1).number(),
                                        pool.number(), pool.outputGradient().name(),
                                        layer.first() ? "; dx only when enabled" : "")
                                .addStatement("$T.backwardPooled(blas, $N, $N, $N, 0, $NParams, 0, $N, 0, $N, 0, $N, 0, "
                                                + "$N, 0, $NGrads, 0, $L, $L, 0, $N, 0, batch)", RuntimeTypes.CONV_OPS,
                                        layer.geometry(), pool.geometry(), layer.input().name(), layer.tensors(),
                                        layer.output().name(), pool.output().name(), pool.outputGradient().name(),
                                        layer.outputGradient().name(), layer.tensors(), bias(layer), dx,
                                        layer.workspace());
                        continue;
                    }
                    code.add("// $L$L\n", layer.title(), layer.first() ? "; dx only when enabled" : "")
                            .addStatement("$T.backward(blas, $N, $N, 0, $NParams, 0, $N, 0, $NGrads, 0, $L, $L, 0, $N, 0, "
                                            + "batch)", RuntimeTypes.CONV_OPS, layer.geometry(), layer.input().name(),
                                    layer.tensors(), layer.outputGradient().name(), layer.tensors(), bias(layer), dx,
                                    layer.workspace());
                }
                case Pool2dSpec pool -> {
                    if (i >= 2 && poolingAfter(layers.get(i - 2)) == layer) {
                        code.add("// $L: back-propagated with layer $L\n", layer.title(), layers.get(i - 2).number());
                        continue;
                    }
                    boolean withRelu = reluInPooling(i - 1);
                    LayerPlan from = withRelu ? layers.get(i - 1) : layer; // where the gradient goes
                    code.add("// $L: $L\n", layer.title(), withRelu
                            ? "each positive output's gradient to the first input of its window equal to it, the "
                                    + "others 0, which is the ReLU's gradient too"
                            : pool.kind() == Pool2dSpec.Kind.MAX
                                    ? "each output's gradient to the input that was its window's largest"
                                    : "each output's gradient spread evenly over its window");
                    CodeBlock call = withRelu
                            ? CodeBlock.of("$T.maxBackward($N, $N, 0, $N, 0, $N, 0, $N, 0, batch, true)",
                                    RuntimeTypes.POOL_OPS, layer.geometry(), from.input().name(), layer.output().name(),
                                    layer.outputGradient().name(), from.inputGradient().name())
                            : pool.kind() == Pool2dSpec.Kind.MAX
                            ? CodeBlock.of("$T.maxBackward($N, $N, 0, $N, 0, $N, 0, $N, 0, batch)", RuntimeTypes.POOL_OPS,
                                    layer.geometry(), layer.input().name(), layer.output().name(),
                                    layer.outputGradient().name(), layer.inputGradient().name())
                            : CodeBlock.of("$T.avgBackward($N, $N, 0, $N, 0, batch)", RuntimeTypes.POOL_OPS,
                                    layer.geometry(), layer.outputGradient().name(), layer.inputGradient().name());
                    if (from.first()) {
                        code.beginControlFlow("if (inputGradientEnabled)").addStatement(call).endControlFlow();
                    } else {
                        code.addStatement(call);
                    }
                }
                case FlattenSpec flatten -> code.add("// $L: the gradient stays where it is, in $N\n", layer.title(),
                        layer.outputGradient().name());
                case BatchNormSpec norm -> code.add(batchNormBackward(layer, norm));
                case OneHotSpec oneHot -> code.add("// $L: ids have no gradient\n", layer.title());
                case EmbeddingSpec embedding -> code.add(SequenceWriter.embeddingBackward(layer, embedding));
                case RecurrentSpec recurrent -> code.add(SequenceWriter.recurrentBackward(layer, recurrent));
            }
        }
        return code.build();
    }

    private static String kernel(ActivationSpec activation) {
        return activation.function().camelName();
    }

    /** The trailing arguments: element count (and alpha), or for softmax rows and width. */
    private static String extent(ActivationSpec activation, LayerPlan layer) {
        int width = layer.outputSize();
        return switch (activation.function()) {
            case SOFTMAX -> layer.rows() + ", " + width / layer.steps();
            case LEAKY_RELU, ELU -> "batch * " + width + ", " + (float) activation.alpha() + "f";
            default -> "batch * " + width;
        };
    }
}
