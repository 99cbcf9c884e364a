package dev.kiln.processor.emit;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.processor.model.LayerPlan;
import dev.kiln.processor.model.RecurrentPlan;
import dev.kiln.spec.EmbeddingSpec;
import dev.kiln.spec.Init;
import dev.kiln.spec.OneHotSpec;
import dev.kiln.spec.RecurrentSpec;

/**
 * Writes the passes of sequence layers: one-hot encoding (or nothing, when the recurrent layer after it
 * looks its ids up), embedding lookups, and recurrent layers through {@code RecurrentOps} over the whole
 * sequence, with their carried state and, for a layer that gives only its last step, the step taken out
 * of the sequence and its gradient put back.
 */
final class SequenceWriter {

    private SequenceWriter() {
    }

    // layer 1: OneHot(64 ids -> 64x114), from Net.chars; layer 2 looks the ids up: nothing to compute
    static CodeBlock oneHotForward(LayerPlan layer, OneHotSpec oneHot) {
        int steps = layer.inputShape().getFirst();
        if (layer.output() == layer.input()) {
            return CodeBlock.of("// $L: the next layer reads the ids and looks up columns of its input weights\n",
                    layer.title());
        }
        return CodeBlock.builder()
                .add("// $L\n", layer.title())
                .addStatement("$T.oneHot($N, 0, $N, 0, batch * $L, $L, $L)", RuntimeTypes.SEQUENCE_OPS,
                        layer.input().name(), layer.output().name(), steps, steps, oneHot.vocabulary())
                .build();
    }

    // layer 1: Embedding(20 ids -> 20x64, vocabulary 5000), from Net.words: row id of the table for each id
    static CodeBlock embeddingForward(LayerPlan layer, EmbeddingSpec embedding) {
        int steps = layer.inputShape().getFirst();
        return CodeBlock.builder()
                .add("// $L: each id's row of $L\n", layer.title(), layer.weight().name())
                .addStatement("$T.embeddingForward($N, 0, $NParams, 0, $N, 0, batch * $L, $L, $L, $L)",
                        RuntimeTypes.SEQUENCE_OPS, layer.input().name(), layer.tensors(), layer.output().name(), steps,
                        steps, embedding.vocabulary(), embedding.dimension())
                .build();
    }

    static CodeBlock embeddingBackward(LayerPlan layer, EmbeddingSpec embedding) {
        return CodeBlock.builder()
                .add("// $L: each step's gradient added to the row it read\n", layer.title())
                .addStatement("$T.embeddingBackward($N, 0, $N, 0, $NGrads, 0, batch * $L, $L)", RuntimeTypes.SEQUENCE_OPS,
                        layer.input().name(), layer.outputGradient().name(), layer.tensors(),
                        layer.inputShape().getFirst(), embedding.dimension())
                .build();
    }

    // layer 2: LSTM(64x114 -> 64x128, stateful), from Net.lstm; ...
    // RecurrentOps.forwardOneHot(RecurrentOps.Cell.LSTM, blas, x, 0, lstmParams, 0, 14592, 31232, 31744, out2, 0, ...);
    static CodeBlock recurrentForward(LayerPlan layer, RecurrentSpec spec) {
        RecurrentPlan r = layer.recurrent();
        CodeBlock.Builder code = CodeBlock.builder().add("// $L; $L$L\n", layer.title(),
                r.ids() ? "it reads the ids and looks up columns of weight_ih; " : "",
                spec.stateful() ? "it starts from the state the last pass left (zeros after resetState())"
                        : "it starts from zeros");
        if (!spec.stateful()) {
            code.addStatement("$T.clear($N, 0, $L)", RuntimeTypes.MEMORY, r.state().name(), r.state().size());
        }
        String sequence = r.sequence() == null ? layer.output().name() : r.sequence().name();
        code.addStatement("$T.$L($T.Cell.$L, blas, $N, 0, $NParams, 0, $L, $L, $L, $N, 0, $N, 0, $L, $N, 0, batch, $L, $L, $L)",
                RuntimeTypes.RECURRENT_OPS, r.ids() ? "forwardOneHot" : "forward", RuntimeTypes.RECURRENT_OPS,
                spec.cell().name(), layer.input().name(), layer.tensors(), within(layer, r.weightHh().offset()),
                within(layer, layer.bias().offset()), within(layer, r.biasHh().offset()), sequence, r.state().name(),
                r.cellOffset(), layer.workspace(), r.steps(), r.features(), spec.units());
        if (r.sequence() != null) {
            code.add("// the output is the last step's hidden state\n")
                    .addStatement("$T.lastStep($N, 0, $N, 0, batch, $L, $L)", RuntimeTypes.SEQUENCE_OPS, sequence,
                            layer.output().name(), r.steps(), spec.units());
        }
        return code.build();
    }

    static CodeBlock recurrentBackward(LayerPlan layer, RecurrentSpec spec) {
        RecurrentPlan r = layer.recurrent();
        CodeBlock.Builder code = CodeBlock.builder().add("// $L: back through the $L steps of the last pass, not into "
                + "the state it started from\n", layer.title(), r.steps());
        String gradient = layer.outputGradient().name();
        if (r.sequenceGradient() != null) {
            code.addStatement("$T.lastStepBackward($N, 0, $N, 0, batch, $L, $L)", RuntimeTypes.SEQUENCE_OPS, gradient,
                    r.sequenceGradient().name(), r.steps(), spec.units());
            gradient = r.sequenceGradient().name();
        }
        // the parameters' slice: weight_ih at 0, weight_hh; the gradients' slice: also bias_ih and bias_hh
        int whh = within(layer, r.weightHh().offset());
        CodeBlock grads = CodeBlock.of("$L, $L, $L", whh, within(layer, layer.bias().offset()),
                within(layer, r.biasHh().offset()));
        if (r.ids()) {
            return code.addStatement("$T.backwardOneHot($T.Cell.$L, blas, $N, 0, $NParams, 0, $L, $N, 0, $NGrads, 0, $L, "
                            + "$N, 0, batch, $L, $L, $L)", RuntimeTypes.RECURRENT_OPS, RuntimeTypes.RECURRENT_OPS,
                    spec.cell().name(), layer.input().name(), layer.tensors(), whh, gradient, layer.tensors(),
                    grads, layer.workspace(), r.steps(), r.features(), spec.units()).build();
        }
        String dx = layer.inputGradient() == null ? "null" : layer.first() ? "inputGradientEnabled ? dx : null"
                : layer.inputGradient().name();
        return code.addStatement("$T.backward($T.Cell.$L, blas, $N, 0, $NParams, 0, $L, $N, 0, $NGrads, 0, $L, $L, 0, "
                        + "$N, 0, batch, $L, $L, $L)", RuntimeTypes.RECURRENT_OPS, RuntimeTypes.RECURRENT_OPS,
                spec.cell().name(), layer.input().name(), layer.tensors(), whh, gradient, layer.tensors(), grads,
                dx, layer.workspace(), r.steps(), r.features(), spec.units()).build();
    }

    /** Where a tensor at {@code offset} of the parameters starts within the layer's slice. */
    private static int within(LayerPlan layer, int offset) {
        return offset - layer.weight().offset();
    }

    // layer 2: LSTM(...), from Net.lstm: weights U(-k, k), k = 1 / sqrt(128) = 0.0884, biases zeros, forget gate 1.0
    static CodeBlock initialize(LayerPlan layer) {
        if (layer.spec() instanceof EmbeddingSpec embedding) {
            return CodeBlock.builder()
                    .add("// $L: N(0, 1), as torch.nn.Embedding\n", layer.title())
                    .addStatement("$T.fill(params, $N, $L, $T.NORMAL, 1.0, $L, $L, rng)", RuntimeTypes.INITIALIZERS,
                            layer.weight().constant(), layer.weight().size(), Init.class, embedding.vocabulary(),
                            embedding.dimension())
                    .build();
        }
        RecurrentSpec spec = (RecurrentSpec) layer.spec();
        RecurrentPlan r = layer.recurrent();
        double bound = 1 / Math.sqrt(spec.units());
        boolean lstm = spec.cell() == RecurrentSpec.Cell.LSTM;
        CodeBlock.Builder code = CodeBlock.builder()
                .add("// $L: weights U(-k, k), k = 1 / sqrt($L), biases zeros$L\n", layer.title(), spec.units(),
                        lstm ? ", the forget gate's " + spec.forgetBias() + " (in bias_ih)" : "")
                .addStatement("$T.fill(params, $N, $L, $T.UNIFORM, $L, $L, $L, rng)", RuntimeTypes.INITIALIZERS,
                        layer.weight().constant(), layer.weight().size(), Init.class, bound, r.features(),
                        spec.units())
                .addStatement("$T.fill(params, $N, $L, $T.UNIFORM, $L, $L, $L, rng)", RuntimeTypes.INITIALIZERS,
                        r.weightHh().constant(), r.weightHh().size(), Init.class, bound, spec.units(), spec.units())
                .addStatement("$T.zeros(params, $N, $L)", RuntimeTypes.INITIALIZERS, layer.bias().constant(),
                        layer.bias().size())
                .addStatement("$T.zeros(params, $N, $L)", RuntimeTypes.INITIALIZERS, r.biasHh().constant(),
                        r.biasHh().size());
        if (lstm) {
            code.addStatement("$T.constant(params, $N + $L, $L, $Lf)", RuntimeTypes.INITIALIZERS, layer.bias().constant(),
                    spec.units(), spec.units(), (float) spec.forgetBias());
        }
        return code.addStatement("$T.clear($N, 0, $L)", RuntimeTypes.MEMORY, r.state().name(), r.state().size()).build();
    }
}
