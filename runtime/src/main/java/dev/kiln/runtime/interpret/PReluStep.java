package dev.kiln.runtime.interpret;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Parameter;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.init.Initializers;
import dev.kiln.runtime.ops.Activations;
import dev.kiln.spec.PReluSpec;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A PReLU layer: one learned slope per feature, the tensor {@code <field>.weight} of shape (features) in
 * the model's flat parameter array, as the generated class lays it out. Its backward pass always runs,
 * since the slopes' gradient is needed even when the input gradient is not.
 */
final class PReluStep extends Step {

    private final MemorySegment params;
    private final MemorySegment layerParams;
    private final MemorySegment layerGrads;
    private final long weight;
    private final List<Parameter> parameters;

    /**
     * @param field  names the tensor, {@code field.weight}
     * @param weight the offset of the slopes in {@code params} and {@code grads}
     */
    PReluStep(Wiring wiring, MemorySegment params, MemorySegment grads, String field, long weight) {
        super(wiring);
        this.params = params;
        this.weight = weight;
        this.layerParams = Memory.slice(params, weight, wiring.outputSize());
        this.layerGrads = Memory.slice(grads, weight, wiring.outputSize());
        this.parameters = List.of(new Parameter(field + ".weight", (int) weight, List.of(wiring.outputSize())));
    }

    @Override
    void forward(int batch) {
        Wiring w = wiring;
        Activations.preluForward(w.input(), 0, layerParams, 0, w.output(), 0, batch, w.outputSize());
    }

    @Override
    void backward(int batch, boolean inputGradient) {
        Wiring w = wiring;
        Activations.preluBackward(w.input(), 0, layerParams, 0, w.outputGradient(), 0,
                inputGradient ? w.inputGradient() : null, 0, layerGrads, 0, batch, w.outputSize());
    }

    @Override
    void initialize(Rng rng) {
        Initializers.constant(params, weight, wiring.outputSize(), (float) PReluSpec.INITIAL_SLOPE);
    }

    @Override
    List<Parameter> parameters() {
        return parameters;
    }
}
