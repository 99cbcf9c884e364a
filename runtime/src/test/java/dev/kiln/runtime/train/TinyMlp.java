package dev.kiln.runtime.train;

import dev.kiln.runtime.Model;
import dev.kiln.runtime.interpret.Interpreter;
import dev.kiln.spec.Activation;
import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.Init;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * A small model of the kind Kiln generates, run by the interpreter: {@code Dense(in -> hidden), tanh,
 * Dense(hidden -> out)} and then a softmax under softmax cross-entropy, nothing (logits) under binary
 * cross-entropy, nothing under mean squared error.
 */
final class TinyMlp {

    private TinyMlp() {
    }

    static Model of(int in, int hidden, int out, Loss loss, int maxBatch) {
        List<LayerSpec> layers = new ArrayList<>(List.of(
                new DenseSpec(hidden, true, Init.AUTO, DenseSpec.DEFAULT_SCALE, "Tiny.hidden"),
                ActivationSpec.of(Activation.TANH, "Tiny.hidden"),
                new DenseSpec(out, true, Init.AUTO, DenseSpec.DEFAULT_SCALE, "Tiny.out")));
        if (loss == Loss.SOFTMAX_CROSS_ENTROPY) {
            layers.add(ActivationSpec.of(Activation.SOFTMAX, "Tiny.out"));
        }
        return Interpreter.of(new NetworkSpec("Tiny", List.of(in), layers, loss, maxBatch));
    }
}
