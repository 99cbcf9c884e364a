package dev.kiln.runtime.ops;

import dev.kiln.runtime.blas.Blas;

/**
 * The fully connected layer {@code y = x W^T + b}, forward and backward. {@code W} is (out x in),
 * row-major, as PyTorch stores it, and sits with the bias in the model's flat parameter array {@code p};
 * the gradients sit at the same places in {@code g}. Inputs and outputs are batch-major: sample {@code s}
 * of {@code x} is {@code x[xOff + s * in, xOff + (s + 1) * in)}.
 */
public final class DenseOps {

    /** Passed as a bias offset: the layer has no bias. */
    public static final int NO_BIAS = -1;

    private DenseOps() {
    }

    /**
     * {@code y[s * out + o] = sum_i x[xOff + s * in + i] * W[o][i] + b[o]} for every sample {@code s <
     * batch}, where {@code W[o][i] = p[wOff + o * in + i]} and {@code b[o] = p[bOff + o]}, or 0 when
     * {@code bOff == NO_BIAS}. Overwrites {@code y[0, batch * out)}.
     */
    public static void forward(Blas blas, float[] x, int xOff, float[] p, int wOff, int bOff, float[] y,
                               int batch, int in, int out) {
        // (batch, in) x (in, out): W is stored (out, in), so it enters transposed.
        blas.sgemm(false, true, batch, out, in, 1f, x, xOff, in, p, wOff, in, 0f, y, 0, out);
        if (bOff == NO_BIAS) {
            return;
        }
        for (int s = 0; s < batch; s++) {
            int row = s * out;
            for (int o = 0; o < out; o++) {
                y[row + o] += p[bOff + o];
            }
        }
    }

    /**
     * Back-propagates {@code dy} (batch x out, at offset 0) through {@link #forward}:
     * <ul>
     *   <li>adds {@code dL/dW[o][i] = sum_s dy[s][o] * x[s][i]} to {@code g[gwOff + o * in + i]};</li>
     *   <li>adds {@code dL/db[o] = sum_s dy[s][o]} to {@code g[gbOff + o]}, unless
     *       {@code gbOff == NO_BIAS};</li>
     *   <li>unless {@code dx} is null, overwrites {@code dx[s * in + i]} with
     *       {@code dL/dx[s][i] = sum_o dy[s][o] * W[o][i]}.</li>
     * </ul>
     */
    public static void backward(Blas blas, float[] x, int xOff, float[] p, int wOff, float[] dy, float[] g,
                                int gwOff, int gbOff, float[] dx, int batch, int in, int out) {
        // dW += dy^T x: (out, batch) x (batch, in)
        blas.sgemm(true, false, out, in, batch, 1f, dy, 0, out, x, xOff, in, 1f, g, gwOff, in);
        if (gbOff != NO_BIAS) {
            for (int s = 0; s < batch; s++) {
                int row = s * out;
                for (int o = 0; o < out; o++) {
                    g[gbOff + o] += dy[row + o];
                }
            }
        }
        if (dx != null) {
            // dx = dy W: (batch, out) x (out, in)
            blas.sgemm(false, false, batch, in, out, 1f, dy, 0, out, p, wOff, in, 0f, dx, 0, in);
        }
    }
}
