package dev.kiln.runtime;

import dev.kiln.runtime.ops.DropoutOps;
import dev.kiln.spec.Activation;
import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.DropoutSpec;
import dev.kiln.spec.HeadSpec;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.Loss;
import dev.kiln.spec.MaxoutSpec;
import dev.kiln.spec.NetworkSpec;
import dev.kiln.spec.PReluSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * A double-precision evaluation of a {@link NetworkSpec}, written straight from the formulas and
 * independent of the runtime's kernels: the oracle that interpreted networks are checked against, and the
 * function whose central finite differences their analytic gradients must match, for the interpreter's
 * tests here and for generated classes in the processor's tests (which use this module's test jar).
 *
 * <p>Parameters are laid out as Kiln documents: per layer with parameters, in declaration order, a Dense
 * layer's weight (outputs x inputs, row-major) and then its bias, a PReLU's slopes (one per feature).
 *
 * <p>Dropout layers pass values through, as in inference mode, unless the reference is given the masks of
 * a training-mode pass ({@link #withDropoutMasks}); they are then fixed, as finite differences need.
 */
public final class ReferenceNetwork {

    private final NetworkSpec spec;
    /** For each dropout layer in order, its mask (0 or {@code 1 / (1 - p)} per value); empty in inference mode. */
    private final List<double[]> masks;

    /** The reference for {@code spec}, in inference mode. */
    public ReferenceNetwork(NetworkSpec spec) {
        this(spec, List.of());
    }

    private ReferenceNetwork(NetworkSpec spec, List<double[]> masks) {
        this.spec = spec;
        this.masks = masks;
    }

    /**
     * The reference in training mode, with the masks a model draws in its first training-mode forward pass
     * of {@code batch} samples after {@code seedDropout(seed)}: drawn here from the documented procedure,
     * with one {@code new Rng(seed + DropoutOps.SEED_OFFSET)}, layer by layer, row by row, value by value,
     * keeping a value when {@code nextFloat() >= (float) p} and scaling it by {@code 1 / (1 - p)} in double.
     */
    public ReferenceNetwork withDropoutMasks(long seed, int batch) {
        Rng rng = new Rng(seed + DropoutOps.SEED_OFFSET);
        List<double[]> drawn = new ArrayList<>();
        List<Integer> sizes = spec.layerInputSizes();
        for (int i = 0; i < spec.layers().size(); i++) {
            if (spec.layers().get(i) instanceof DropoutSpec d) {
                double[] mask = new double[batch * sizes.get(i)];
                for (int k = 0; k < mask.length; k++) {
                    mask[k] = rng.nextFloat() >= (float) d.rate() ? 1 / (1 - d.rate()) : 0;
                }
                drawn.add(mask);
            }
        }
        return new ReferenceNetwork(spec, List.copyOf(drawn));
    }

    /** The masks of {@link #withDropoutMasks}, one per dropout layer in order; empty in inference mode. */
    public List<double[]> dropoutMasks() {
        return masks;
    }

    /** The network's outputs for {@code batch} rows of {@code x}. */
    public double[] forward(double[] params, double[] x, int batch) {
        double[] a = x;
        int width = spec.inputSize();
        int offset = 0;
        int dropout = 0;
        for (LayerSpec layer : spec.layers()) {
            switch (layer) {
                case DenseSpec d -> {
                    double[] y = new double[batch * d.units()];
                    for (int b = 0; b < batch; b++) {
                        for (int o = 0; o < d.units(); o++) {
                            double s = d.bias() ? params[offset + d.units() * width + o] : 0;
                            for (int i = 0; i < width; i++) {
                                s += a[b * width + i] * params[offset + o * width + i];
                            }
                            y[b * d.units() + o] = s;
                        }
                    }
                    offset += d.units() * width + (d.bias() ? d.units() : 0);
                    width = d.units();
                    a = y;
                }
                case ActivationSpec f -> a = activate(f, a, batch, width);
                case PReluSpec p -> {
                    double[] y = new double[a.length];
                    for (int b = 0; b < batch; b++) {
                        for (int j = 0; j < width; j++) {
                            double v = a[b * width + j];
                            y[b * width + j] = v > 0 ? v : params[offset + j] * v;
                        }
                    }
                    offset += width;
                    a = y;
                }
                case MaxoutSpec m -> {
                    int out = width / m.pieces();
                    double[] y = new double[batch * out];
                    for (int b = 0; b < batch; b++) {
                        for (int o = 0; o < out; o++) {
                            double max = Double.NEGATIVE_INFINITY;
                            for (int p = 0; p < m.pieces(); p++) {
                                max = Math.max(max, a[b * width + o * m.pieces() + p]);
                            }
                            y[b * out + o] = max;
                        }
                    }
                    width = out;
                    a = y;
                }
                case DropoutSpec d -> {
                    if (!masks.isEmpty()) {
                        double[] mask = masks.get(dropout++);
                        double[] y = new double[a.length];
                        for (int k = 0; k < batch * width; k++) {
                            y[k] = a[k] * mask[k];
                        }
                        a = y;
                    }
                }
                default -> throw new UnsupportedOperationException("the reference evaluates flat networks only, not "
                        + layer);
            }
        }
        return a;
    }

    private static double[] activate(ActivationSpec f, double[] x, int batch, int width) {
        double[] y = new double[x.length];
        double alpha = f.alpha();
        for (int b = 0; b < batch; b++) {
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            for (int j = 0; j < width; j++) {
                max = Math.max(max, x[b * width + j]);
            }
            for (int j = 0; j < width; j++) {
                double v = x[b * width + j];
                y[b * width + j] = switch (f.function()) {
                    case IDENTITY -> v;
                    case SIGMOID -> 1 / (1 + Math.exp(-v));
                    case TANH -> Math.tanh(v);
                    case RELU -> Math.max(0, v);
                    case LEAKY_RELU -> v > 0 ? v : alpha * v;
                    case ELU -> v > 0 ? v : alpha * (Math.exp(v) - 1);
                    case SOFTMAX -> Math.exp(v - max);
                };
                sum += y[b * width + j];
            }
            if (f.function() == Activation.SOFTMAX) {
                for (int j = 0; j < width; j++) {
                    y[b * width + j] /= sum;
                }
            }
        }
        return y;
    }

    /** The declared loss of the outputs for {@code x} against {@code t}, as a mean over the batch. */
    public double loss(double[] params, double[] x, double[] t, int batch) {
        double[] y = forward(params, x, batch);
        int width = y.length / batch;
        if (spec.loss() == Loss.MULTI_TASK) {
            double total = 0;
            for (int h = 0; h < spec.heads().size(); h++) {
                HeadSpec head = spec.heads().get(h);
                int start = spec.headStart(h);
                double[] ys = slice(y, batch, width, start, head.units());
                double[] ts = slice(t, batch, width, start, head.units());
                total += head.weight() * loss(head.loss(), false, ys, ts, batch, head.units());
            }
            return total;
        }
        return loss(spec.loss(), spec.lossFusesLastActivation(), y, t, batch, width);
    }

    /** Columns {@code [start, start + units)} of each row. */
    private static double[] slice(double[] v, int batch, int width, int start, int units) {
        double[] s = new double[batch * units];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(v, b * width + start, s, b * units, units);
        }
        return s;
    }

    private double loss(Loss loss, boolean fused, double[] y, double[] t, int batch, int width) {
        double total = 0;
        switch (loss) {
            case MSE -> {
                for (int k = 0; k < y.length; k++) {
                    total += (y[k] - t[k]) * (y[k] - t[k]);
                }
                return total / y.length;
            }
            case MAE -> {
                for (int k = 0; k < y.length; k++) {
                    total += Math.abs(y[k] - t[k]);
                }
                return total / y.length;
            }
            case MEAN_BIAS_ERROR -> {
                for (int k = 0; k < y.length; k++) {
                    total += y[k] - t[k];
                }
                return total / y.length;
            }
            case BINARY_CROSS_ENTROPY -> {
                for (int k = 0; k < y.length; k++) {
                    double p = fused ? y[k] : 1 / (1 + Math.exp(-y[k]));
                    total -= t[k] * Math.log(p) + (1 - t[k]) * Math.log(1 - p);
                }
                return total / y.length;
            }
            case SOFTMAX_CROSS_ENTROPY -> {
                double[] p = fused ? y : activate(ActivationSpec.of(Activation.SOFTMAX, "loss"), y, batch, width);
                for (int k = 0; k < y.length; k++) {
                    total -= t[k] * Math.log(p[k]);
                }
                return total / batch;
            }
            case HINGE -> {
                for (int k = 0; k < y.length; k++) {
                    total += Math.max(0, 1 - t[k] * y[k]);
                }
                return total / y.length;
            }
            case MULTICLASS_HINGE -> {
                for (int b = 0; b < batch; b++) {
                    int label = 0;
                    for (int j = 0; j < width; j++) {
                        if (t[b * width + j] == 1) {
                            label = j;
                        }
                    }
                    for (int j = 0; j < width; j++) {
                        if (j != label) {
                            total += Math.max(0, y[b * width + j] - y[b * width + label] + 1);
                        }
                    }
                }
                return total / batch;
            }
            case CONTRASTIVE -> {
                for (int p = 0; p < batch / 2; p++) {
                    double squared = 0;
                    for (int j = 0; j < width; j++) {
                        double diff = y[2 * p * width + j] - y[(2 * p + 1) * width + j];
                        squared += diff * diff;
                    }
                    double similar = t[2 * p * width];
                    double gap = Math.max(0, spec.margin() - Math.sqrt(squared));
                    total += similar * squared + (1 - similar) * gap * gap;
                }
                return total / (batch / 2);
            }
            default -> throw new IllegalStateException("no loss");
        }
    }
}
