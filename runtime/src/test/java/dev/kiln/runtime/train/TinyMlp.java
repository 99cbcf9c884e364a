package dev.kiln.runtime.train;

import dev.kiln.runtime.Checks;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.Parameter;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.blas.Blas;
import dev.kiln.runtime.blas.JavaBlas;
import dev.kiln.runtime.init.Initializers;
import dev.kiln.runtime.ops.Activations;
import dev.kiln.runtime.ops.DenseOps;
import dev.kiln.runtime.ops.Losses;
import dev.kiln.spec.Activation;
import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.Init;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A hand-written model of the kind Kiln generates: {@code Dense(in -> hidden), tanh, Dense(hidden -> out)}
 * and then a softmax under softmax cross-entropy, nothing (logits) under binary cross-entropy, nothing
 * under mean squared error.
 */
final class TinyMlp implements Model {

    private static final Blas BLAS = new JavaBlas();

    private final NetworkSpec spec;
    private final int in;
    private final int hidden;
    private final int out;
    private final int w1 = 0;
    private final int b1;
    private final int w2;
    private final int b2;
    private final float[] parameters;
    private final float[] gradients;
    private final float[] h;
    private final float[] a;
    private final float[] z;
    private final float[] y;
    private final float[] dz;
    private final float[] da;
    private final float[] dh;
    private final float[] dx;
    private float[] input;
    private int inputOffset;
    private int batch;
    private boolean lossReady;
    private boolean inputGradientEnabled;

    TinyMlp(int in, int hidden, int out, Loss loss, int maxBatch) {
        List<LayerSpec> layers = new ArrayList<>(List.of(
                new DenseSpec(hidden, true, Init.AUTO, DenseSpec.DEFAULT_SCALE, "Tiny.hidden"),
                ActivationSpec.of(Activation.TANH, "Tiny.hidden"),
                new DenseSpec(out, true, Init.AUTO, DenseSpec.DEFAULT_SCALE, "Tiny.out")));
        if (loss == Loss.SOFTMAX_CROSS_ENTROPY) {
            layers.add(ActivationSpec.of(Activation.SOFTMAX, "Tiny.out"));
        }
        this.spec = new NetworkSpec("Tiny", List.of(in), layers, loss, maxBatch);
        this.in = in;
        this.hidden = hidden;
        this.out = out;
        this.b1 = w1 + hidden * in;
        this.w2 = b1 + hidden;
        this.b2 = w2 + out * hidden;
        this.parameters = new float[b2 + out];
        this.gradients = new float[parameters.length];
        this.h = new float[maxBatch * hidden];
        this.a = new float[maxBatch * hidden];
        this.z = new float[maxBatch * out];
        this.y = new float[maxBatch * out];
        this.dz = new float[maxBatch * out];
        this.da = new float[maxBatch * hidden];
        this.dh = new float[maxBatch * hidden];
        this.dx = new float[maxBatch * in];
    }

    @Override
    public NetworkSpec spec() {
        return spec;
    }

    @Override
    public int inputSize() {
        return in;
    }

    @Override
    public int outputSize() {
        return out;
    }

    @Override
    public int maxBatch() {
        return spec.maxBatch();
    }

    @Override
    public List<Parameter> parameterLayout() {
        return List.of(new Parameter("hidden.weight", w1, List.of(hidden, in)),
                new Parameter("hidden.bias", b1, List.of(hidden)),
                new Parameter("out.weight", w2, List.of(out, hidden)),
                new Parameter("out.bias", b2, List.of(out)));
    }

    @Override
    public float[] parameters() {
        return parameters;
    }

    @Override
    public float[] gradients() {
        return gradients;
    }

    @Override
    public void initialize(long seed) {
        Rng rng = new Rng(seed);
        Initializers.fill(parameters, w1, hidden * in, spec.initOf(0), DenseSpec.DEFAULT_SCALE, in, hidden, rng);
        Initializers.zeros(parameters, b1, hidden);
        Initializers.fill(parameters, w2, out * hidden, spec.initOf(2), DenseSpec.DEFAULT_SCALE, hidden, out, rng);
        Initializers.zeros(parameters, b2, out);
    }

    @Override
    public float[] forward(float[] input, int offset, int batch) {
        Checks.forwardArguments(spec.name(), input, offset, batch, in, maxBatch());
        this.input = input;
        this.inputOffset = offset;
        this.batch = batch;
        this.lossReady = false;
        DenseOps.forward(BLAS, input, offset, parameters, w1, b1, h, batch, in, hidden);
        Activations.tanhForward(h, 0, a, batch * hidden);
        DenseOps.forward(BLAS, a, 0, parameters, w2, b2, z, batch, hidden, out);
        if (spec.loss() == Loss.SOFTMAX_CROSS_ENTROPY) {
            Activations.softmaxForward(z, 0, y, batch, out);
        } else {
            Activations.identityForward(z, 0, y, batch * out);
        }
        return y;
    }

    @Override
    public float loss(float[] target, int offset) {
        Checks.targetArguments(spec.name(), target, offset, batch, out);
        lossReady = true;
        return switch (spec.loss()) {
            case SOFTMAX_CROSS_ENTROPY -> Losses.softmaxCrossEntropyWithLogits(z, 0, target, offset, dz, batch, out);
            case BINARY_CROSS_ENTROPY -> Losses.binaryCrossEntropyWithLogits(z, 0, target, offset, dz, batch, out);
            case MSE -> Losses.meanSquaredError(z, 0, target, offset, dz, batch, out);
            case NONE -> throw new IllegalStateException("no loss declared");
        };
    }

    @Override
    public void backward() {
        if (!lossReady) {
            throw new IllegalStateException("backward() without loss()");
        }
        DenseOps.backward(BLAS, a, 0, parameters, w2, dz, gradients, w2, b2, da, batch, hidden, out);
        Activations.tanhBackward(h, 0, a, da, dh, batch * hidden);
        DenseOps.backward(BLAS, input, inputOffset, parameters, w1, dh, gradients, w1, b1,
                inputGradientEnabled ? dx : null, batch, in, hidden);
    }

    @Override
    public void zeroGradients() {
        Arrays.fill(gradients, 0f);
    }

    @Override
    public void setInputGradientEnabled(boolean enabled) {
        this.inputGradientEnabled = enabled;
    }

    @Override
    public float[] inputGradient() {
        return dx;
    }
}
