package dev.kiln.runtime.interpret;

/**
 * Flattening: its output is its input's memory, and its output gradient its input gradient's, as in the
 * generated class, so both passes do nothing.
 */
final class FlattenStep extends Step {

    FlattenStep(Wiring wiring) {
        super(wiring);
    }

    @Override
    void forward(int batch) {
    }

    @Override
    void backward(int batch, boolean inputGradient) {
    }
}
