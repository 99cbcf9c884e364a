package dev.kiln.runtime.regularize;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.Parameter;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A model that is only a parameter layout, chosen by the test, with its parameters and gradients: for
 * tensors no layer of Kiln has yet (a one-dimensional {@code .weight}, as a normalization's scale) and
 * for weights set by hand. It cannot run.
 */
final class LayoutModel implements Model {

    private final NetworkSpec spec = new NetworkSpec("Layout", List.of(1), List.of(), Loss.NONE, 1);
    private final List<Parameter> layout = new ArrayList<>();
    private int count;
    private MemorySegment parameters;
    private MemorySegment gradients;

    /** Adds a tensor of the given shape after the others; call before {@link #build()}. */
    LayoutModel tensor(String name, Integer... shape) {
        Parameter p = new Parameter(name, count, List.of(shape));
        layout.add(p);
        count += p.size();
        return this;
    }

    /** Allocates the parameters and gradients, all zero. */
    LayoutModel build() {
        parameters = Memory.allocate(count);
        gradients = Memory.allocate(count);
        return this;
    }

    /** Sets the values of the tensor named {@code name}. */
    LayoutModel set(String name, float... values) {
        for (Parameter p : layout) {
            if (p.name().equals(name)) {
                Memory.copy(values, 0, parameters, p.offset(), p.size());
                return this;
            }
        }
        throw new IllegalArgumentException("no tensor " + name);
    }

    /** A copy of the values of the tensor named {@code name}. */
    float[] get(String name) {
        for (Parameter p : layout) {
            if (p.name().equals(name)) {
                return Memory.toArray(parameters, p.offset(), p.size());
            }
        }
        throw new IllegalArgumentException("no tensor " + name);
    }

    @Override
    public NetworkSpec spec() {
        return spec;
    }

    @Override
    public int inputSize() {
        return 1;
    }

    @Override
    public int outputSize() {
        return 1;
    }

    @Override
    public int maxBatch() {
        return 1;
    }

    @Override
    public List<Parameter> parameterLayout() {
        return List.copyOf(layout);
    }

    @Override
    public MemorySegment parameters() {
        return parameters;
    }

    @Override
    public MemorySegment gradients() {
        return gradients;
    }

    @Override
    public void initialize(long seed) {
        throw new UnsupportedOperationException();
    }

    @Override
    public float[] forward(float[] input, int offset, int batch) {
        throw new UnsupportedOperationException();
    }

    @Override
    public float loss(float[] target, int offset) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void backward() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void zeroGradients() {
        Memory.clear(gradients, 0, count);
    }

    @Override
    public void setInputGradientEnabled(boolean enabled) {
        throw new UnsupportedOperationException();
    }

    @Override
    public float[] inputGradient() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void setTraining(boolean training) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean training() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void setDropoutMaskFrozen(boolean frozen) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean dropoutMaskFrozen() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void seedDropout(long seed) {
        throw new UnsupportedOperationException();
    }
}
