package dev.kiln.runtime.ops;

import static dev.kiln.runtime.Memory.FLOAT;

import dev.kiln.runtime.blas.Blas;
import java.lang.foreign.MemorySegment;

/**
 * The fully connected layer {@code y = x W^T + b}, forward and backward. {@code W} is (out x in),
 * row-major, as PyTorch stores it, and sits with the bias in the model's parameters {@code p}; the
 * gradients sit at the same places in {@code g}. Inputs and outputs are batch-major: sample {@code s}
 * of {@code x} is the {@code in} floats from element {@code x + s * in}. Every position is an element
 * offset into its segment.
 */
public final class DenseOps {

    /** Passed as a bias offset: the layer has no bias. */
    public static final long NO_BIAS = -1;

    private DenseOps() {
    }

    /**
     * {@code y[s][o] = sum_i x[s][i] * W[o][i] + b[o]} for every sample {@code s < batch}, where
     * {@code W[o][i]} is at {@code p[w + o * in + i]} and {@code b[o]} at {@code p[b + o]} (0 when
     * {@code b == NO_BIAS}). Overwrites {@code batch * out} floats of {@code ys} from {@code y}.
     */
    public static void forward(Blas blas, MemorySegment xs, long x, MemorySegment p, long w, long b,
                               MemorySegment ys, long y, int batch, int in, int out) {
        // (batch, in) x (in, out): W is stored (out, in), so it enters transposed.
        blas.sgemm(false, true, batch, out, in, 1f, xs, x, in, p, w, in, 0f, ys, y, out);
        if (b != NO_BIAS) {
            addBias(p, b, ys, y, batch, out);
        }
    }

    /** {@code y[s][o] += b[o]} for every sample. */
    static void addBias(MemorySegment p, long b, MemorySegment ys, long y, int batch, int out) {
        for (int s = 0; s < batch; s++) {
            long row = y + (long) s * out;
            for (int o = 0; o < out; o++) {
                ys.setAtIndex(FLOAT, row + o, ys.getAtIndex(FLOAT, row + o) + p.getAtIndex(FLOAT, b + o));
            }
        }
    }

    /**
     * Back-propagates {@code dy} (batch x out) through {@link #forward}:
     * <ul>
     *   <li>adds {@code dL/dW[o][i] = sum_s dy[s][o] * x[s][i]} to {@code g[gw + o * in + i]};</li>
     *   <li>adds {@code dL/db[o] = sum_s dy[s][o]} to {@code g[gb + o]}, unless {@code gb == NO_BIAS};</li>
     *   <li>unless {@code dxs} is null, overwrites {@code dx[s][i] = sum_o dy[s][o] * W[o][i]}.</li>
     * </ul>
     */
    public static void backward(Blas blas, MemorySegment xs, long x, MemorySegment p, long w,
                                MemorySegment dys, long dy, MemorySegment g, long gw, long gb,
                                MemorySegment dxs, long dx, int batch, int in, int out) {
        // dW += dy^T x: (out, batch) x (batch, in)
        blas.sgemm(true, false, out, in, batch, 1f, dys, dy, out, xs, x, in, 1f, g, gw, in);
        if (gb != NO_BIAS) {
            for (int s = 0; s < batch; s++) {
                long row = dy + (long) s * out;
                for (int o = 0; o < out; o++) {
                    g.setAtIndex(FLOAT, gb + o, g.getAtIndex(FLOAT, gb + o) + dys.getAtIndex(FLOAT, row + o));
                }
            }
        }
        if (dxs != null) {
            // dx = dy W: (batch, out) x (out, in)
            blas.sgemm(false, false, batch, in, out, 1f, dys, dy, out, p, w, in, 0f, dxs, dx, in);
        }
    }
}
