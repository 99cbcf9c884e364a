package dev.kiln.runtime.regularize;

import dev.kiln.runtime.Model;
import dev.kiln.runtime.interpret.Interpreter;
import dev.kiln.spec.Activation;
import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.Init;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import java.util.List;

/** The interpreted networks these tests regularize: {@code Dense(in -> hidden), tanh, Dense(hidden -> out)}, squared error. */
final class Mlps {

    private Mlps() {
    }

    /** {@code in -> hidden -> out}, the layers named {@code hidden} and {@code out}, initialized with {@code seed}. */
    static Model of(int in, int hidden, int out, int maxBatch, long seed) {
        NetworkSpec spec = new NetworkSpec("Mlp", List.of(in), List.of(
                new DenseSpec(hidden, true, Init.AUTO, DenseSpec.DEFAULT_SCALE, "Mlp.hidden"),
                ActivationSpec.of(Activation.TANH, "Mlp.hidden"),
                new DenseSpec(out, true, Init.AUTO, DenseSpec.DEFAULT_SCALE, "Mlp.out")), Loss.MSE, maxBatch);
        return Interpreter.of(spec, seed);
    }

    /** A 4 -> 5 -> 3 network. */
    static Model small(long seed) {
        return of(4, 5, 3, 4, seed);
    }
}
