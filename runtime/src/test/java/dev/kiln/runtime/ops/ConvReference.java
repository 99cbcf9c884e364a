package dev.kiln.runtime.ops;

/**
 * A convolution written as its definition, in double precision, for the tests of {@link ConvOps}: nested
 * loops over every output value and weight, reading zero outside the input. Besides each result it gives
 * the sum of the magnitudes of the terms that make it up, the scale of the rounding error a float kernel
 * may make there.
 */
final class ConvReference {

    /** A result and, element by element, the sum of the magnitudes of its terms. */
    record Sums(double[] value, double[] magnitude) {
        Sums(int n) {
            this(new double[n], new double[n]);
        }

        void add(int j, double term) {
            value[j] += term;
            magnitude[j] += Math.abs(term);
        }
    }

    private ConvReference() {
    }

    /** The input value {@code (s, c, r, q)}, or 0 outside the input. */
    private static double input(Conv2dGeometry g, double[] x, int s, int c, int r, int q) {
        if (r < 0 || r >= g.inHeight() || q < 0 || q >= g.inWidth()) {
            return 0;
        }
        return x[((s * g.inChannels() + c) * g.inHeight() + r) * g.inWidth() + q];
    }

    private static int weightIndex(Conv2dGeometry g, int o, int c, int i, int j) {
        return ((o * g.inChannels() + c) * g.kernelHeight() + i) * g.kernelWidth() + j;
    }

    private static int outputIndex(Conv2dGeometry g, int s, int o, int r, int q) {
        return ((s * g.outChannels() + o) * g.outHeight() + r) * g.outWidth() + q;
    }

    /** {@code y = conv(x, w) + b} for {@code batch} samples; {@code b} null for no bias. */
    static Sums forward(Conv2dGeometry g, double[] x, double[] w, double[] b, int batch) {
        Sums y = new Sums(batch * g.outputSize());
        for (int s = 0; s < batch; s++) {
            for (int o = 0; o < g.outChannels(); o++) {
                for (int r = 0; r < g.outHeight(); r++) {
                    for (int q = 0; q < g.outWidth(); q++) {
                        int at = outputIndex(g, s, o, r, q);
                        if (b != null) {
                            y.add(at, b[o]);
                        }
                        for (int c = 0; c < g.inChannels(); c++) {
                            for (int i = 0; i < g.kernelHeight(); i++) {
                                for (int j = 0; j < g.kernelWidth(); j++) {
                                    double v = input(g, x, s, c, r * g.strideHeight() - g.padTop() + i,
                                            q * g.strideWidth() - g.padLeft() + j);
                                    y.add(at, v * w[weightIndex(g, o, c, i, j)]);
                                }
                            }
                        }
                    }
                }
            }
        }
        return y;
    }

    /** The gradients of {@code sum(dy * y)}: with respect to the weights, the bias and the input. */
    record Gradients(Sums w, Sums b, Sums x) {
    }

    static Gradients backward(Conv2dGeometry g, double[] x, double[] w, double[] dy, int batch) {
        Sums gw = new Sums(g.weightSize());
        Sums gb = new Sums(g.outChannels());
        Sums gx = new Sums(batch * g.inputSize());
        for (int s = 0; s < batch; s++) {
            for (int o = 0; o < g.outChannels(); o++) {
                for (int r = 0; r < g.outHeight(); r++) {
                    for (int q = 0; q < g.outWidth(); q++) {
                        double d = dy[outputIndex(g, s, o, r, q)];
                        gb.add(o, d);
                        for (int c = 0; c < g.inChannels(); c++) {
                            for (int i = 0; i < g.kernelHeight(); i++) {
                                for (int j = 0; j < g.kernelWidth(); j++) {
                                    int row = r * g.strideHeight() - g.padTop() + i;
                                    int column = q * g.strideWidth() - g.padLeft() + j;
                                    int k = weightIndex(g, o, c, i, j);
                                    gw.add(k, d * input(g, x, s, c, row, column));
                                    if (row >= 0 && row < g.inHeight() && column >= 0 && column < g.inWidth()) {
                                        gx.add(((s * g.inChannels() + c) * g.inHeight() + row) * g.inWidth() + column,
                                                d * w[k]);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return new Gradients(gw, gb, gx);
    }
}
