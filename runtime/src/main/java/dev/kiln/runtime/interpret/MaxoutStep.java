package dev.kiln.runtime.interpret;

import dev.kiln.runtime.ops.Activations;

/**
 * A maxout layer: each output the largest of a group of {@code k} consecutive inputs; its backward pass
 * sends each output's gradient to the input that was largest.
 */
final class MaxoutStep extends Step {

    private final int pieces;

    MaxoutStep(Wiring wiring, int pieces) {
        super(wiring);
        this.pieces = pieces;
    }

    @Override
    void forward(int batch) {
        Wiring w = wiring;
        Activations.maxoutForward(w.input(), 0, w.output(), 0, batch * w.outputSize(), pieces);
    }

    @Override
    void backward(int batch, boolean inputGradient) {
        if (inputGradient) {
            Wiring w = wiring;
            Activations.maxoutBackward(w.input(), 0, w.outputGradient(), 0, w.inputGradient(), 0,
                    batch * w.outputSize(), pieces);
        }
    }
}
