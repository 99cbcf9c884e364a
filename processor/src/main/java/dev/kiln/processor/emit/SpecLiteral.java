package dev.kiln.processor.emit;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.spec.Activation;
import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.BatchNormSpec;
import dev.kiln.spec.Conv2dSpec;
import dev.kiln.spec.DropoutSpec;
import dev.kiln.spec.EmbeddingSpec;
import dev.kiln.spec.OneHotSpec;
import dev.kiln.spec.RecurrentSpec;
import dev.kiln.spec.FlattenSpec;
import dev.kiln.spec.Pool2dSpec;
import dev.kiln.spec.HeadSpec;
import dev.kiln.spec.Init;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.Loss;
import dev.kiln.spec.MaxoutSpec;
import dev.kiln.spec.NetworkSpec;
import dev.kiln.spec.PReluSpec;
import dev.kiln.spec.Tier;
import java.util.List;
import java.util.stream.Collectors;

/** Writes a {@link NetworkSpec} as the Java expression that rebuilds it. */
final class SpecLiteral {

    private SpecLiteral() {
    }

    // new NetworkSpec("Iris", List.of(4), List.of(
    //         new DenseSpec(16, true, Init.AUTO, 0.01, "Iris.hidden"), ...),
    //         Loss.SOFTMAX_CROSS_ENTROPY, 128)
    // and, with a margin or heads, their values after maxBatch:
    //         Loss.MULTI_TASK, 128, 1.0, List.of(
    //                 new HeadSpec(3, Loss.SOFTMAX_CROSS_ENTROPY, 1.0), ...))
    static CodeBlock of(NetworkSpec spec) {
        CodeBlock.Builder code = CodeBlock.builder()
                .add("new $T($S, $T.of($L), $T.of(", NetworkSpec.class, spec.name(), List.class,
                        spec.input().stream().map(String::valueOf).collect(Collectors.joining(", ")), List.class)
                .add("$>$>");
        for (int i = 0; i < spec.layers().size(); i++) {
            code.add(i == 0 ? "\n" : ",\n").add(layer(spec.layers().get(i)));
        }
        code.add("),\n$T.$L, $L", Loss.class, spec.loss().name(), spec.maxBatch());
        if (spec.margin() == NetworkSpec.DEFAULT_MARGIN && spec.heads().isEmpty()) {
            return code.add(")$<$<").build();
        }
        code.add(", $L, $T.of(", spec.margin(), List.class);
        for (int h = 0; h < spec.heads().size(); h++) {
            HeadSpec head = spec.heads().get(h);
            code.add(h == 0 ? "\n$>$>" : ",\n").add("new $T($L, $T.$L, $L)", HeadSpec.class, head.units(), Loss.class,
                    head.loss().name(), head.weight());
        }
        return code.add(spec.heads().isEmpty() ? "))$<$<" : "$<$<))$<$<").build();
    }

    private static CodeBlock layer(LayerSpec layer) {
        return switch (layer) {
            case DenseSpec d -> d.tier() == Tier.AUTO
                    ? CodeBlock.of("new $T($L, $L, $T.$L, $L, $S)", DenseSpec.class, d.units(), d.bias(),
                            Init.class, d.init().name(), d.scale(), d.source())
                    : CodeBlock.of("new $T($L, $L, $T.$L, $L, $S, $T.$L)", DenseSpec.class, d.units(), d.bias(),
                            Init.class, d.init().name(), d.scale(), d.source(), Tier.class, d.tier().name());
            case ActivationSpec a -> CodeBlock.of("new $T($T.$L, $L, $S)", ActivationSpec.class, Activation.class,
                    a.function().name(), a.alpha(), a.source());
            case PReluSpec p -> CodeBlock.of("new $T($S)", PReluSpec.class, p.source());
            case MaxoutSpec m -> CodeBlock.of("new $T($L, $S)", MaxoutSpec.class, m.pieces(), m.source());
            case DropoutSpec d -> CodeBlock.of("new $T($L, $S)", DropoutSpec.class, d.rate(), d.source());
            case Conv2dSpec c -> CodeBlock.of("new $T($L, $L, $L, $L, $L, $L, $L, $L, $T.$L, $L, $S)", Conv2dSpec.class,
                    c.filters(), c.kernelHeight(), c.kernelWidth(), c.strideHeight(), c.strideWidth(), c.padHeight(),
                    c.padWidth(), c.bias(), Init.class, c.init().name(), c.scale(), c.source());
            case Pool2dSpec p -> CodeBlock.of("new $T($T.$L, $L, $L, $L, $L, $L, $L, $S)", Pool2dSpec.class,
                    Pool2dSpec.Kind.class, p.kind().name(), p.kernelHeight(), p.kernelWidth(), p.strideHeight(),
                    p.strideWidth(), p.padHeight(), p.padWidth(), p.source());
            case FlattenSpec f -> CodeBlock.of("new $T($S)", FlattenSpec.class, f.source());
            case BatchNormSpec b -> CodeBlock.of("new $T($L, $L, $S)", BatchNormSpec.class, b.momentum(), b.epsilon(),
                    b.source());
            case RecurrentSpec r -> CodeBlock.of("new $T($T.$L, $L, $L, $L, $L, $S)", RecurrentSpec.class,
                    RecurrentSpec.Cell.class, r.cell().name(), r.units(), r.returnSequences(), r.stateful(),
                    r.forgetBias(), r.source());
            case OneHotSpec o -> CodeBlock.of("new $T($L, $S)", OneHotSpec.class, o.vocabulary(), o.source());
            case EmbeddingSpec e -> CodeBlock.of("new $T($L, $L, $S)", EmbeddingSpec.class, e.vocabulary(),
                    e.dimension(), e.source());
        };
    }
}
