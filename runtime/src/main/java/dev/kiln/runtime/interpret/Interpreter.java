package dev.kiln.runtime.interpret;

import dev.kiln.runtime.Model;
import dev.kiln.spec.NetworkSpec;
import java.util.Objects;

/**
 * Runs any valid {@link NetworkSpec} without generating code: the run-time counterpart of Kiln's
 * annotation processor.
 * <pre>{@code
 * NetworkSpec spec = new NetworkSpec("Iris", List.of(4), List.of(
 *         new DenseSpec(16, true, Init.AUTO, DenseSpec.DEFAULT_SCALE, "Iris.hidden"),
 *         ActivationSpec.of(Activation.RELU, "Iris.hidden"),
 *         new DenseSpec(3, true, Init.AUTO, DenseSpec.DEFAULT_SCALE, "Iris.out")),
 *         Loss.SOFTMAX_CROSS_ENTROPY, 128);
 * InterpretedModel net = Interpreter.of(spec, 42);   // as new KilnIris(42)
 * Trainer.of(net).optimizer(new Adam(0.01f)).fit(train);
 * }</pre>
 * The model it returns has the parameter layout, the initialization and the passes of the class Kiln
 * generates for the same spec, and its numbers within float rounding (see {@link InterpretedModel}):
 * weights move between the two through {@link Model#parameters()}, and the interpreter is the oracle
 * generated classes are tested against.
 */
public final class Interpreter {

    private Interpreter() {
    }

    /**
     * A model for {@code spec} whose parameters are all zero, as a generated class's no-argument
     * constructor gives: call {@link Model#initialize(long)} or load weights.
     *
     * @throws dev.kiln.spec.InvalidNetworkException if {@code spec} breaks a rule; it lists every problem,
     *     with the messages the annotation processor gives
     * @throws NullPointerException if {@code spec} is null
     */
    public static InterpretedModel of(NetworkSpec spec) {
        return new InterpretedModel(Objects.requireNonNull(spec, "spec"));
    }

    /**
     * A model for {@code spec} initialized with {@code seed}: the parameters a generated class's
     * constructor draws from the same seed.
     *
     * @throws dev.kiln.spec.InvalidNetworkException if {@code spec} breaks a rule
     * @throws NullPointerException if {@code spec} is null
     */
    public static InterpretedModel of(NetworkSpec spec, long seed) {
        InterpretedModel model = of(spec);
        model.initialize(seed);
        return model;
    }
}
