package dev.kiln.runtime.interpret;

import dev.kiln.runtime.ops.SequenceOps;

/** Ids encoded one-hot, written out in full: the interpreter's reference for the generated lookup. */
final class OneHotStep extends Step {

    private final int steps;
    private final int vocabulary;

    OneHotStep(Wiring wiring, int vocabulary) {
        super(wiring);
        this.steps = wiring.inputShape().getFirst();
        this.vocabulary = vocabulary;
    }

    @Override
    void forward(int batch) {
        SequenceOps.oneHot(wiring.input(), 0, wiring.output(), 0, batch * steps, steps, vocabulary);
    }

    /** Ids have no gradient. */
    @Override
    void backward(int batch, boolean inputGradient) {
    }
}
