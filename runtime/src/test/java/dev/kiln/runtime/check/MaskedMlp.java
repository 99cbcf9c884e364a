package dev.kiln.runtime.check;

import dev.kiln.runtime.Checks;
import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.Parameter;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.ops.DropoutOps;
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.DropoutSpec;
import dev.kiln.spec.Init;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * {@code Dense(in -> hidden, no bias), Dropout(rate), Dense(hidden -> 1, no bias)} under squared error,
 * written out by hand around {@link DropoutOps} so that a test can break it as a bug would: its backward
 * pass may skip the mask, and it may ignore {@link #setDropoutMaskFrozen}. It counts its forward passes
 * in training mode.
 */
final class MaskedMlp implements Model {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    private final NetworkSpec spec;
    private final int in;
    private final int hidden;
    private final float rate;
    private final boolean maskInBackward;
    private final boolean honoursFreeze;
    private final MemorySegment params;
    private final MemorySegment grads;
    private final float[] x;
    private final MemorySegment h;
    private final MemorySegment z;
    private final MemorySegment mask;
    private final MemorySegment dz;
    private final float[] y;
    private final float[] dy;
    private final Rng rng = new Rng(DropoutOps.SEED_OFFSET);
    private boolean training;
    private boolean frozen;
    private boolean masked;
    private int maskRows;
    private int batch;
    private int trainingPasses;

    /**
     * @param maskInBackward false for the bug: backward passes the gradient through every unit
     * @param honoursFreeze  false for a model that draws new masks even while frozen
     */
    MaskedMlp(int in, int hidden, double rate, int maxBatch, boolean maskInBackward, boolean honoursFreeze) {
        this.spec = new NetworkSpec("Masked", List.of(in), List.of(
                new DenseSpec(hidden, false, Init.XAVIER_NORMAL, DenseSpec.DEFAULT_SCALE, "Masked.hidden"),
                new DropoutSpec(rate, "Masked.hidden"),
                new DenseSpec(1, false, Init.XAVIER_NORMAL, DenseSpec.DEFAULT_SCALE, "Masked.out")), Loss.MSE, maxBatch)
                .requireValid();
        this.in = in;
        this.hidden = hidden;
        this.rate = (float) rate;
        this.maskInBackward = maskInBackward;
        this.honoursFreeze = honoursFreeze;
        this.params = Memory.allocate((long) in * hidden + hidden);
        this.grads = Memory.allocate((long) in * hidden + hidden);
        this.x = new float[maxBatch * in];
        this.h = Memory.allocate((long) maxBatch * hidden);
        this.z = Memory.allocate((long) maxBatch * hidden);
        this.mask = Memory.allocate((long) maxBatch * hidden);
        this.dz = Memory.allocate((long) maxBatch * hidden);
        this.y = new float[maxBatch];
        this.dy = new float[maxBatch];
    }

    /** The forward passes run in training mode so far. */
    int trainingPasses() {
        return trainingPasses;
    }

    @Override
    public float[] forward(float[] input, int offset, int batch) {
        Checks.forwardArguments(spec.name(), input, offset, batch, in, maxBatch());
        System.arraycopy(input, offset, x, 0, batch * in);
        this.batch = batch;
        masked = training;
        for (int s = 0; s < batch; s++) {
            for (int j = 0; j < hidden; j++) {
                float sum = 0;
                for (int i = 0; i < in; i++) {
                    sum += params.getAtIndex(FLOAT, (long) j * in + i) * x[s * in + i];
                }
                h.setAtIndex(FLOAT, (long) s * hidden + j, sum);
            }
        }
        if (training) {
            trainingPasses++;
            boolean keep = frozen && honoursFreeze;
            int from = keep ? Math.min(maskRows, batch) : 0;
            maskRows = keep ? Math.max(maskRows, batch) : batch;
            DropoutOps.drawMask(rng, mask, 0, from, batch, hidden, rate);
            DropoutOps.forward(h, 0, mask, 0, z, 0, batch * hidden);
        } else {
            Memory.copy(h, 0, z, 0, (long) batch * hidden);
        }
        long w2 = (long) in * hidden;
        for (int s = 0; s < batch; s++) {
            float sum = 0;
            for (int j = 0; j < hidden; j++) {
                sum += params.getAtIndex(FLOAT, w2 + j) * z.getAtIndex(FLOAT, (long) s * hidden + j);
            }
            y[s] = sum;
        }
        return y;
    }

    @Override
    public float loss(float[] target, int offset) {
        float sum = 0;
        for (int s = 0; s < batch; s++) {
            float d = y[s] - target[offset + s];
            sum += d * d;
            dy[s] = 2 * d / batch;
        }
        return sum / batch;
    }

    @Override
    public void backward() {
        long w2 = (long) in * hidden;
        for (int s = 0; s < batch; s++) {
            for (int j = 0; j < hidden; j++) {
                long k = (long) s * hidden + j;
                grads.setAtIndex(FLOAT, w2 + j, grads.getAtIndex(FLOAT, w2 + j) + dy[s] * z.getAtIndex(FLOAT, k));
                dz.setAtIndex(FLOAT, k, dy[s] * params.getAtIndex(FLOAT, w2 + j));
            }
        }
        if (masked && maskInBackward) {
            DropoutOps.backward(dz, 0, mask, 0, dz, 0, batch * hidden);
        }
        for (int s = 0; s < batch; s++) {
            for (int j = 0; j < hidden; j++) {
                float g = dz.getAtIndex(FLOAT, (long) s * hidden + j);
                for (int i = 0; i < in; i++) {
                    long w = (long) j * in + i;
                    grads.setAtIndex(FLOAT, w, grads.getAtIndex(FLOAT, w) + g * x[s * in + i]);
                }
            }
        }
    }

    @Override
    public void initialize(long seed) {
        Rng init = new Rng(seed);
        for (long k = 0; k < Memory.floats(params); k++) {
            params.setAtIndex(FLOAT, k, (float) init.nextGaussian() * 0.5f);
        }
        seedDropout(seed);
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
        return 1;
    }

    @Override
    public int maxBatch() {
        return spec.maxBatch();
    }

    @Override
    public List<Parameter> parameterLayout() {
        return List.of(new Parameter("hidden.weight", 0, List.of(hidden, in)),
                new Parameter("out.weight", in * hidden, List.of(1, hidden)));
    }

    @Override
    public MemorySegment parameters() {
        return params;
    }

    @Override
    public MemorySegment gradients() {
        return grads;
    }

    @Override
    public void zeroGradients() {
        grads.fill((byte) 0);
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
        rng.reset(seed + DropoutOps.SEED_OFFSET);
    }
}
