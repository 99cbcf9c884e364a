package dev.kiln.runtime.interpret;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Parameter;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.blas.Blas;
import dev.kiln.runtime.init.Initializers;
import dev.kiln.runtime.ops.DenseOps;
import dev.kiln.spec.Init;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A fully connected layer, {@code y = x W^T + b}: its weight (outputs x inputs, row-major) and then its
 * bias sit in the model's flat parameter array at offsets fixed when the model is built.
 */
final class DenseStep extends Step {

    private final Blas blas;
    private final MemorySegment params;
    private final MemorySegment grads;
    private final MemorySegment layerParams;
    private final MemorySegment layerGrads;
    /** Where the bias starts in {@link #layerParams}, or {@link DenseOps#NO_BIAS}. */
    private final long layerBias;
    private final long weight;
    private final long bias;
    private final Init init;
    private final double scale;
    private final List<Parameter> parameters;

    /**
     * @param field  names the tensors, {@code field.weight} and {@code field.bias}
     * @param weight the offset of the weight in {@code params} and {@code grads}
     * @param bias   the offset of the bias, or {@link DenseOps#NO_BIAS}
     * @param init   the resolved initialization of the weight (never {@link Init#AUTO})
     * @param scale  the scale of {@link Init#UNIFORM} and {@link Init#NORMAL}
     */
    DenseStep(Wiring wiring, Blas blas, MemorySegment params, MemorySegment grads, String field, long weight, long bias,
              Init init, double scale) {
        super(wiring);
        this.blas = blas;
        this.params = params;
        this.grads = grads;
        this.weight = weight;
        int count = parameterCount(wiring.rowInputs(), wiring.rowOutputs(), bias != DenseOps.NO_BIAS);
        // the layer's parameters as a slice of their own, as the generated class has them
        this.layerParams = Memory.slice(params, weight, count);
        this.layerGrads = Memory.slice(grads, weight, count);
        this.layerBias = bias == DenseOps.NO_BIAS ? DenseOps.NO_BIAS : bias - weight;
        this.bias = bias;
        this.init = init;
        this.scale = scale;
        List<Parameter> tensors = new ArrayList<>(2);
        tensors.add(new Parameter(field + ".weight", (int) weight, List.of(wiring.rowOutputs(), wiring.rowInputs())));
        if (bias != DenseOps.NO_BIAS) {
            tensors.add(new Parameter(field + ".bias", (int) bias, List.of(wiring.rowOutputs())));
        }
        this.parameters = List.copyOf(tensors);
    }

    /** The number of parameters of a Dense layer from {@code in} to {@code out} features. */
    static int parameterCount(int in, int out, boolean bias) {
        return out * in + (bias ? out : 0);
    }

    @Override
    void forward(int batch) {
        Wiring w = wiring;
        // (batch, in) x (out, in)^T + (out) -> (batch, out), on the layer's own slice: weight, then bias
        DenseOps.forward(blas, w.input(), 0, layerParams, 0, layerBias, w.output(), 0, batch * w.rowsPerSample(),
                w.rowInputs(), w.rowOutputs());
    }

    @Override
    void backward(int batch, boolean inputGradient) {
        Wiring w = wiring;
        // without the input gradient (the network's, disabled) the product that computes it is skipped
        DenseOps.backward(blas, w.input(), 0, layerParams, 0, w.outputGradient(), 0, layerGrads, 0, layerBias,
                inputGradient ? w.inputGradient() : null, 0, batch * w.rowsPerSample(), w.rowInputs(), w.rowOutputs());
    }

    @Override
    void initialize(Rng rng) {
        int in = wiring.rowInputs();
        int out = wiring.rowOutputs();
        Initializers.fill(params, weight, out * in, init, scale, in, out, rng);
        if (bias != DenseOps.NO_BIAS) {
            Initializers.zeros(params, bias, out);
        }
    }

    @Override
    List<Parameter> parameters() {
        return parameters;
    }
}
