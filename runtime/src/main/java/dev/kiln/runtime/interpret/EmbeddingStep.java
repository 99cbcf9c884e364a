package dev.kiln.runtime.interpret;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Parameter;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.init.Initializers;
import dev.kiln.runtime.ops.SequenceOps;
import dev.kiln.spec.EmbeddingSpec;
import dev.kiln.spec.Init;
import java.lang.foreign.MemorySegment;
import java.util.List;

/** An embedding table {@code [vocabulary, dimension]} in the model's parameters, looked up by id. */
final class EmbeddingStep extends Step {

    private final EmbeddingSpec spec;
    private final MemorySegment params;
    private final MemorySegment layerParams;
    private final MemorySegment layerGrads;
    private final long weight;
    private final int steps;
    private final List<Parameter> parameters;

    EmbeddingStep(Wiring wiring, EmbeddingSpec spec, MemorySegment params, MemorySegment grads, String field,
                  long weight) {
        super(wiring);
        this.spec = spec;
        this.params = params;
        this.weight = weight;
        this.steps = wiring.inputShape().getFirst();
        long count = (long) spec.vocabulary() * spec.dimension();
        this.layerParams = Memory.slice(params, weight, count);
        this.layerGrads = Memory.slice(grads, weight, count);
        this.parameters = List.of(new Parameter(field + ".weight", (int) weight,
                List.of(spec.vocabulary(), spec.dimension())));
    }

    @Override
    void forward(int batch) {
        SequenceOps.embeddingForward(wiring.input(), 0, layerParams, 0, wiring.output(), 0, batch * steps, steps,
                spec.vocabulary(), spec.dimension());
    }

    @Override
    void backward(int batch, boolean inputGradient) {
        SequenceOps.embeddingBackward(wiring.input(), 0, wiring.outputGradient(), 0, layerGrads, 0, batch * steps,
                spec.dimension());
    }

    @Override
    void initialize(Rng rng) {
        Initializers.fill(params, weight, spec.vocabulary() * spec.dimension(), Init.NORMAL, 1.0, spec.vocabulary(),
                spec.dimension(), rng);
    }

    @Override
    List<Parameter> parameters() {
        return parameters;
    }
}
