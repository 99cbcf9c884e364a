package dev.kiln.runtime;

import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.NetworkSpec;

/**
 * A double-precision evaluation of a {@link NetworkSpec}, written straight from the formulas and
 * independent of the runtime's kernels: the oracle that interpreted networks are checked against, and the
 * function whose central finite differences their analytic gradients must match, for the interpreter's
 * tests here and for generated classes in the processor's tests (which use this module's test jar).
 *
 * <p>Parameters are laid out as Kiln documents: per Dense layer in declaration order, the weight
 * (outputs x inputs, row-major) and then the bias.
 */
public final class ReferenceNetwork {

    private final NetworkSpec spec;

    /** The reference for {@code spec}. */
    public ReferenceNetwork(NetworkSpec spec) {
        this.spec = spec;
    }

    /** The network's outputs for {@code batch} rows of {@code x}. */
    public double[] forward(double[] params, double[] x, int batch) {
        double[] a = x;
        int width = spec.inputSize();
        int offset = 0;
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
            if (f.function() == dev.kiln.spec.Activation.SOFTMAX) {
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
        double total = 0;
        switch (spec.loss()) {
            case MSE -> {
                for (int k = 0; k < y.length; k++) {
                    total += (y[k] - t[k]) * (y[k] - t[k]);
                }
                return total / y.length;
            }
            case BINARY_CROSS_ENTROPY -> {
                for (int k = 0; k < y.length; k++) {
                    double p = spec.lossFusesLastActivation() ? y[k] : 1 / (1 + Math.exp(-y[k]));
                    total -= t[k] * Math.log(p) + (1 - t[k]) * Math.log(1 - p);
                }
                return total / y.length;
            }
            case SOFTMAX_CROSS_ENTROPY -> {
                double[] p = spec.lossFusesLastActivation() ? y
                        : activate(ActivationSpec.of(dev.kiln.spec.Activation.SOFTMAX, "loss"), y, batch, width);
                for (int k = 0; k < y.length; k++) {
                    total -= t[k] * Math.log(p[k]);
                }
                return total / batch;
            }
            default -> throw new IllegalStateException("no loss");
        }
    }
}
