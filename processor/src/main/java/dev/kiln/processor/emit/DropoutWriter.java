package dev.kiln.processor.emit;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import dev.kiln.processor.model.LayerPlan;
import dev.kiln.processor.model.NetworkPlan;
import dev.kiln.spec.DropoutSpec;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Writes what the training and inference modes take: the mode and the frozen flag every generated class
 * keeps (a network without dropout only remembers them), and for a network with dropout layers their
 * generator, the bookkeeping of the masks' rows, and each layer's passes through {@code DropoutOps}, which
 * the interpreter calls in the same order, so both draw the same masks from the same seed.
 */
final class DropoutWriter {

    /** Whether the network has a dropout layer. */
    private final boolean dropout;

    DropoutWriter(NetworkPlan plan) {
        this.dropout = plan.layers().stream().anyMatch(layer -> layer.mask() != null);
    }

    /** Whether the network has a dropout layer, and so draws masks in training mode. */
    boolean hasDropout() {
        return dropout;
    }

    // private boolean training;  private boolean dropoutMaskFrozen;
    // and with dropout: private final Rng dropoutRng = new Rng(DropoutOps.SEED_OFFSET);
    //                   private int maskRows;  private boolean masked;
    List<FieldSpec> fields() {
        List<FieldSpec> fields = new ArrayList<>();
        fields.add(FieldSpec.builder(TypeName.BOOLEAN, "training", Modifier.PRIVATE)
                .addJavadoc(dropout
                        ? "Whether {@link #forward} runs in training mode, dropping values; false (inference) "
                                + "until set.\n"
                        : "Whether training mode was asked for; this network has no dropout, so both modes compute "
                                + "the same.\n")
                .build());
        fields.add(FieldSpec.builder(TypeName.BOOLEAN, "dropoutMaskFrozen", Modifier.PRIVATE)
                .addJavadoc(dropout
                        ? "Whether training-mode forward passes apply the masks of the last one again instead of "
                                + "drawing.\n"
                        : "Whether frozen dropout masks were asked for; this network has none.\n")
                .build());
        if (!dropout) {
            return fields;
        }
        fields.add(FieldSpec.builder(RuntimeTypes.RNG, "dropoutRng", Modifier.PRIVATE, Modifier.FINAL)
                .addJavadoc("The generator of the dropout masks, restarted by {@link #seedDropout}; as after "
                        + "{@code seedDropout(0)} at first.\n")
                .initializer("new $T($T.SEED_OFFSET)", RuntimeTypes.RNG, RuntimeTypes.DROPOUT_OPS)
                .build());
        fields.add(FieldSpec.builder(TypeName.INT, "maskRows", Modifier.PRIVATE)
                .addJavadoc("The rows of the masks that hold draws: those of the last training-mode pass, or more "
                        + "while frozen.\n")
                .build());
        fields.add(FieldSpec.builder(TypeName.BOOLEAN, "masked", Modifier.PRIVATE)
                .addJavadoc("Whether the last forward pass applied the masks (ran in training mode), so backward "
                        + "applies them too.\n")
                .build());
        return fields;
    }

    // public void setTraining(boolean training) { this.training = training; }   public boolean training() { ... }
    // public void setDropoutMaskFrozen(boolean frozen) { ... }   public boolean dropoutMaskFrozen() { ... }
    // public void seedDropout(long seed) { dropoutRng.reset(seed + DropoutOps.SEED_OFFSET); }
    List<MethodSpec> modeControls() {
        MethodSpec.Builder seed = NetworkEmitter.method("seedDropout", TypeName.VOID, "seed", TypeName.LONG);
        if (dropout) {
            seed.addStatement("dropoutRng.reset(seed + $T.SEED_OFFSET)", RuntimeTypes.DROPOUT_OPS);
        } else {
            seed.addComment("no dropout layer: nothing is drawn");
        }
        return List.of(
                NetworkEmitter.method("setTraining", TypeName.VOID, "training", TypeName.BOOLEAN)
                        .addStatement("this.training = training").build(),
                NetworkEmitter.method("training", TypeName.BOOLEAN).addStatement("return training").build(),
                NetworkEmitter.method("setDropoutMaskFrozen", TypeName.VOID, "frozen", TypeName.BOOLEAN)
                        .addStatement("this.dropoutMaskFrozen = frozen").build(),
                NetworkEmitter.method("dropoutMaskFrozen", TypeName.BOOLEAN).addStatement("return dropoutMaskFrozen")
                        .build(),
                seed.build());
    }

    // the dropout masks' generator, restarted from the same seed
    // seedDropout(seed);
    CodeBlock initialize() {
        if (!dropout) {
            return CodeBlock.of("");
        }
        return CodeBlock.builder()
                .add("// the dropout masks' generator, restarted from the same seed\n")
                .addStatement("seedDropout(seed)")
                .build();
    }

    // masked = training;
    // int maskFrom = 0;
    // if (training) { maskFrom = ...; maskRows = ...; }
    CodeBlock startForward() {
        if (!dropout) {
            return CodeBlock.of("");
        }
        return CodeBlock.builder()
                .add("// dropout: in training mode every row of the masks is drawn anew, or while they are frozen only "
                        + "rows not drawn yet\n")
                .addStatement("masked = training")
                .addStatement("int maskFrom = 0")
                .beginControlFlow("if (training)")
                .addStatement("maskFrom = dropoutMaskFrozen ? Math.min(maskRows, batch) : 0")
                .addStatement("maskRows = dropoutMaskFrozen ? Math.max(maskRows, batch) : batch")
                .endControlFlow()
                .build();
    }

    // layer 2: Dropout(16, p=0.5), from Net.hidden; in training mode each value dropped with probability 0.5,
    //     the others scaled by 1 / (1 - 0.5) = 2.0; in inference mode copied
    // if (training) { DropoutOps.drawMask(...); DropoutOps.forward(...); } else { Memory.copy(...); }
    static CodeBlock forward(LayerPlan layer) {
        DropoutSpec spec = (DropoutSpec) layer.spec();
        float rate = (float) spec.rate();
        int width = layer.outputSize();
        return CodeBlock.builder()
                .add("// $L; in training mode each value dropped with probability $L, the others scaled by "
                        + "1 / (1 - $L) = $L; in inference mode copied\n", layer.title(), spec.rate(), spec.rate(),
                        1f / (1f - rate))
                .beginControlFlow("if (training)")
                .addStatement("$T.drawMask(dropoutRng, $N, 0, maskFrom, batch, $L, $Lf)", RuntimeTypes.DROPOUT_OPS,
                        layer.mask().name(), width, rate)
                .addStatement("$T.forward($N, 0, $N, 0, $N, 0, batch * $L)", RuntimeTypes.DROPOUT_OPS,
                        layer.input().name(), layer.mask().name(), layer.output().name(), width)
                .nextControlFlow("else")
                .addStatement("$T.copy($N, 0, $N, 0, batch * $L)", RuntimeTypes.MEMORY, layer.input().name(),
                        layer.output().name(), width)
                .endControlFlow()
                .build();
    }

    // layer 2: Dropout(16, p=0.5), from Net.hidden: dx = dy times the mask the last forward pass applied, or dy
    // if (masked) { DropoutOps.backward(...); } else { Memory.copy(...); }
    static CodeBlock backward(LayerPlan layer) {
        int width = layer.outputSize();
        CodeBlock.Builder code = CodeBlock.builder()
                .add("// $L: $L = dy times the mask the last forward pass applied, or dy after an inference-mode "
                        + "pass\n", layer.title(), layer.first() ? "when enabled, dx" : "dx");
        if (layer.first()) {
            code.beginControlFlow("if (inputGradientEnabled)");
        }
        code.beginControlFlow("if (masked)")
                .addStatement("$T.backward($N, 0, $N, 0, $N, 0, batch * $L)", RuntimeTypes.DROPOUT_OPS,
                        layer.outputGradient().name(), layer.mask().name(), layer.inputGradient().name(), width)
                .nextControlFlow("else")
                .addStatement("$T.copy($N, 0, $N, 0, batch * $L)", RuntimeTypes.MEMORY,
                        layer.outputGradient().name(), layer.inputGradient().name(), width)
                .endControlFlow();
        if (layer.first()) {
            code.endControlFlow();
        }
        return code.build();
    }
}
