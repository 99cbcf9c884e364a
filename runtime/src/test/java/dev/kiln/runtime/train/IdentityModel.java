package dev.kiln.runtime.train;

import dev.kiln.runtime.Checks;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.Parameter;
import dev.kiln.runtime.ops.Losses;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A model without parameters whose outputs are its inputs, so that a test chooses the outputs. Its loss
 * is the mean squared error. Its spec has the given layers, which only tell {@link Evaluation} how to read
 * the outputs; none is applied. It remembers the training mode and the frozen flag, and nothing depends on
 * them.
 */
final class IdentityModel implements Model {

    private final NetworkSpec spec;
    private final int width;
    private final float[] outputs;
    private int batch;
    private boolean training;
    private boolean frozen;

    IdentityModel(int width, int maxBatch, Loss loss, List<LayerSpec> layers) {
        this.spec = new NetworkSpec("Identity", List.of(width), layers, loss, maxBatch);
        this.width = width;
        this.outputs = new float[maxBatch * width];
    }

    @Override
    public NetworkSpec spec() {
        return spec;
    }

    @Override
    public int inputSize() {
        return width;
    }

    @Override
    public int outputSize() {
        return width;
    }

    @Override
    public int maxBatch() {
        return spec.maxBatch();
    }

    @Override
    public List<Parameter> parameterLayout() {
        return List.of();
    }

    @Override
    public MemorySegment parameters() {
        return MemorySegment.ofArray(new float[0]);
    }

    @Override
    public MemorySegment gradients() {
        return MemorySegment.ofArray(new float[0]);
    }

    @Override
    public void initialize(long seed) {
    }

    @Override
    public float[] forward(float[] input, int offset, int batch) {
        Checks.forwardArguments(spec.name(), input, offset, batch, width, maxBatch());
        System.arraycopy(input, offset, outputs, 0, batch * width);
        this.batch = batch;
        return outputs;
    }

    @Override
    public float loss(float[] target, int offset) {
        Checks.targetArguments(spec.name(), target, offset, batch, width);
        return Losses.meanSquaredError(MemorySegment.ofArray(outputs), 0, MemorySegment.ofArray(target), offset,
                MemorySegment.ofArray(new float[batch * width]), 0, batch, width);
    }

    @Override
    public void backward() {
    }

    @Override
    public void zeroGradients() {
    }

    @Override
    public void setInputGradientEnabled(boolean enabled) {
    }

    @Override
    public float[] inputGradient() {
        return new float[0];
    }

    @Override
    public void setTraining(boolean training) {
        this.training = training;
    }

    @Override
    public boolean training() {
        return training;
    }

    @Override
    public void setDropoutMaskFrozen(boolean frozen) {
        this.frozen = frozen;
    }

    @Override
    public boolean dropoutMaskFrozen() {
        return frozen;
    }

    @Override
    public void seedDropout(long seed) {
    }
}
