package dev.kiln.runtime.interpret;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Parameter;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.blas.Blas;
import dev.kiln.runtime.init.Initializers;
import dev.kiln.runtime.ops.Conv2dGeometry;
import dev.kiln.runtime.ops.ConvOps;
import dev.kiln.runtime.ops.DenseOps;
import dev.kiln.spec.Conv2dSpec;
import dev.kiln.spec.Init;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A 2-D convolution through {@link ConvOps}: its weight {@code [filters, channels, kh, kw]} and then its bias
 * sit in the model's parameters; its workspace is a slice of the model's allocation of its own.
 */
final class ConvStep extends Step {

    private final Blas blas;
    private final Conv2dGeometry geometry;
    private final MemorySegment params;
    private final MemorySegment layerParams;
    private final MemorySegment layerGrads;
    private final MemorySegment work;
    /** Where the bias starts in {@link #layerParams}, or {@link DenseOps#NO_BIAS}. */
    private final long layerBias;
    private final long weight;
    private final Init init;
    private final double scale;
    private final List<Parameter> parameters;

    ConvStep(Wiring wiring, Blas blas, Conv2dGeometry geometry, MemorySegment params, MemorySegment grads,
             MemorySegment work, String field, long weight, Conv2dSpec conv, Init init) {
        super(wiring);
        this.blas = blas;
        this.geometry = geometry;
        this.params = params;
        this.work = work;
        this.weight = weight;
        int weights = geometry.weightSize();
        int count = parameterCount(conv, wiring.inputShape().getFirst());
        this.layerParams = Memory.slice(params, weight, count);
        this.layerGrads = Memory.slice(grads, weight, count);
        this.layerBias = conv.bias() ? weights : DenseOps.NO_BIAS;
        this.init = init;
        this.scale = conv.scale();
        List<Parameter> tensors = new ArrayList<>(2);
        tensors.add(new Parameter(field + ".weight", (int) weight, List.of(conv.filters(),
                wiring.inputShape().getFirst(), conv.kernelHeight(), conv.kernelWidth())));
        if (conv.bias()) {
            tensors.add(new Parameter(field + ".bias", (int) (weight + weights), List.of(conv.filters())));
        }
        this.parameters = List.copyOf(tensors);
    }

    /** The parameters of {@code conv} over {@code channels} input channels: its weights and bias. */
    static int parameterCount(Conv2dSpec conv, int channels) {
        return Math.toIntExact(conv.weightCount(channels) + (conv.bias() ? conv.filters() : 0));
    }

    @Override
    void forward(int batch) {
        Wiring w = wiring;
        ConvOps.forward(blas, geometry, w.input(), 0, layerParams, 0, layerBias, w.output(), 0, work, 0, batch);
    }

    @Override
    void backward(int batch, boolean inputGradient) {
        Wiring w = wiring;
        ConvOps.backward(blas, geometry, w.input(), 0, layerParams, 0, w.outputGradient(), 0, layerGrads, 0,
                layerBias, inputGradient ? w.inputGradient() : null, 0, work, 0, batch);
    }

    @Override
    void initialize(Rng rng) {
        int area = geometry.kernelHeight() * geometry.kernelWidth();
        Initializers.fill(params, weight, geometry.weightSize(), init, scale, geometry.inChannels() * area,
                geometry.outChannels() * area, rng);
        if (layerBias != DenseOps.NO_BIAS) {
            Initializers.zeros(params, weight + layerBias, geometry.outChannels());
        }
    }

    @Override
    List<Parameter> parameters() {
        return parameters;
    }
}
