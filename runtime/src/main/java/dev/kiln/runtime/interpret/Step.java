package dev.kiln.runtime.interpret;

import dev.kiln.runtime.Parameter;
import dev.kiln.runtime.Rng;
import java.util.List;

/**
 * One layer of an interpreted network: its forward and backward pass over the memory of its
 * {@link Wiring}, which is fixed when the model is built, so a pass only calls kernels. A new kind of
 * layer is a new subclass and one case where {@link InterpretedModel} plans its steps.
 */
abstract class Step {

    /** The layer's arrays and shapes. */
    final Wiring wiring;

    Step(Wiring wiring) {
        this.wiring = wiring;
    }

    /** Computes the layer's output for the first {@code batch} samples of its input. */
    abstract void forward(int batch);

    /**
     * Back-propagates the gradient of its output: adds the gradient of its parameters, if any, to the
     * model's gradients, and, when {@code inputGradient}, writes the gradient of its input (the model
     * says no only for the first layer while the network's input gradient is disabled).
     */
    abstract void backward(int batch, boolean inputGradient);

    /** Draws the layer's initial parameters from {@code rng}; a layer without parameters draws nothing. */
    void initialize(Rng rng) {
    }

    /** The layer's parameter tensors, in layout order. */
    List<Parameter> parameters() {
        return List.of();
    }

    /** The layer's title in generated code, e.g. {@code layer 1: Dense(4 -> 16), from Iris.hidden}. */
    final String title() {
        return "layer " + wiring.number() + ": " + wiring.layer().describe(wiring.inputShape()) + ", from "
                + wiring.layer().source();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(title());
        String separator = "; ";
        for (Parameter p : parameters()) {
            s.append(separator).append(p.name()).append(' ').append(p.shape()).append(" at ").append(p.offset());
            separator = ", ";
        }
        return s.toString();
    }
}
