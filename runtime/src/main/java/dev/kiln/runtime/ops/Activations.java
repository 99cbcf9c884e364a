package dev.kiln.runtime.ops;

import static dev.kiln.runtime.Memory.FLOAT;

import dev.kiln.runtime.Memory;
import java.lang.foreign.MemorySegment;

/**
 * Activation functions, each forward beside its backward, with one calling convention so that a code
 * generator can call any of them (every position is an element offset into its segment):
 * <ul>
 *   <li>{@code xxxForward(xs, x, ys, y, n)} writes {@code f(x[j])} to {@code y[j]} for {@code j < n};</li>
 *   <li>{@code xxxBackward(xs, x, ys, y, dys, dy, dxs, dx, n)} writes {@code f'(x[j]) * dy[j]} to
 *       {@code dx[j]}, reading the forward input {@code x} or the forward output {@code y}, whichever
 *       the derivative needs.</li>
 * </ul>
 * Leaky ReLU and ELU take their {@code alpha} as a last argument. Softmax works on rows and takes a batch
 * and a row width instead of {@code n}. Every backward may write {@code dx} over {@code dy} (the same
 * floats): each value of {@code dy} is read before the value of {@code dx} at its index is written.
 *
 * <p>Two layers that are not element-wise have calls of their own: PReLU, whose slopes are parameters
 * (its backward adds their gradient), and maxout, whose output is narrower than its input.
 */
public final class Activations {

    private Activations() {
    }

    /** {@code y = x}. */
    public static void identityForward(MemorySegment xs, long x, MemorySegment ys, long y, int n) {
        Memory.copy(xs, x, ys, y, n);
    }

    /** {@code dx = dy}. */
    public static void identityBackward(MemorySegment xs, long x, MemorySegment ys, long y,
                                        MemorySegment dys, long dy, MemorySegment dxs, long dx, int n) {
        Memory.copy(dys, dy, dxs, dx, n);
    }

    /**
     * {@code y = 1 / (1 + e^-x)}, computed without overflow: for negative x as {@code e^x / (1 + e^x)}.
     */
    public static void sigmoidForward(MemorySegment xs, long x, MemorySegment ys, long y, int n) {
        for (int j = 0; j < n; j++) {
            ys.setAtIndex(FLOAT, y + j, sigmoid(xs.getAtIndex(FLOAT, x + j)));
        }
    }

    /** {@code dx = y (1 - y) dy}. */
    public static void sigmoidBackward(MemorySegment xs, long x, MemorySegment ys, long y,
                                       MemorySegment dys, long dy, MemorySegment dxs, long dx, int n) {
        for (int j = 0; j < n; j++) {
            float v = ys.getAtIndex(FLOAT, y + j);
            dxs.setAtIndex(FLOAT, dx + j, v * (1 - v) * dys.getAtIndex(FLOAT, dy + j));
        }
    }

    /** {@code y = tanh(x)}. */
    public static void tanhForward(MemorySegment xs, long x, MemorySegment ys, long y, int n) {
        for (int j = 0; j < n; j++) {
            ys.setAtIndex(FLOAT, y + j, (float) Math.tanh(xs.getAtIndex(FLOAT, x + j)));
        }
    }

    /** {@code dx = (1 - y^2) dy}. */
    public static void tanhBackward(MemorySegment xs, long x, MemorySegment ys, long y,
                                    MemorySegment dys, long dy, MemorySegment dxs, long dx, int n) {
        for (int j = 0; j < n; j++) {
            float v = ys.getAtIndex(FLOAT, y + j);
            dxs.setAtIndex(FLOAT, dx + j, (1 - v * v) * dys.getAtIndex(FLOAT, dy + j));
        }
    }

    /** {@code y = max(0, x)}. */
    public static void reluForward(MemorySegment xs, long x, MemorySegment ys, long y, int n) {
        for (int j = 0; j < n; j++) {
            ys.setAtIndex(FLOAT, y + j, Math.max(0f, xs.getAtIndex(FLOAT, x + j)));
        }
    }

    /** {@code dx = dy} where {@code x > 0}, else 0 (the derivative at 0 is taken as 0, as PyTorch does). */
    public static void reluBackward(MemorySegment xs, long x, MemorySegment ys, long y,
                                    MemorySegment dys, long dy, MemorySegment dxs, long dx, int n) {
        for (int j = 0; j < n; j++) {
            float g = dys.getAtIndex(FLOAT, dy + j);
            dxs.setAtIndex(FLOAT, dx + j, xs.getAtIndex(FLOAT, x + j) > 0 ? g : 0f);
        }
    }

    /** {@code y = x} where {@code x > 0}, else {@code alpha x}. */
    public static void leakyReluForward(MemorySegment xs, long x, MemorySegment ys, long y, int n, float alpha) {
        for (int j = 0; j < n; j++) {
            float v = xs.getAtIndex(FLOAT, x + j);
            ys.setAtIndex(FLOAT, y + j, v > 0 ? v : alpha * v);
        }
    }

    /** {@code dx = dy} where {@code x > 0}, else {@code alpha dy}. */
    public static void leakyReluBackward(MemorySegment xs, long x, MemorySegment ys, long y,
                                         MemorySegment dys, long dy, MemorySegment dxs, long dx, int n,
                                         float alpha) {
        for (int j = 0; j < n; j++) {
            float g = dys.getAtIndex(FLOAT, dy + j);
            dxs.setAtIndex(FLOAT, dx + j, xs.getAtIndex(FLOAT, x + j) > 0 ? g : alpha * g);
        }
    }

    /** {@code y = x} where {@code x > 0}, else {@code alpha (e^x - 1)}. */
    public static void eluForward(MemorySegment xs, long x, MemorySegment ys, long y, int n, float alpha) {
        for (int j = 0; j < n; j++) {
            float v = xs.getAtIndex(FLOAT, x + j);
            ys.setAtIndex(FLOAT, y + j, v > 0 ? v : alpha * (float) Math.expm1(v));
        }
    }

    /** {@code dx = dy} where {@code x > 0}, else {@code alpha e^x dy = (y + alpha) dy}. */
    public static void eluBackward(MemorySegment xs, long x, MemorySegment ys, long y,
                                   MemorySegment dys, long dy, MemorySegment dxs, long dx, int n, float alpha) {
        for (int j = 0; j < n; j++) {
            float g = dys.getAtIndex(FLOAT, dy + j);
            dxs.setAtIndex(FLOAT, dx + j, xs.getAtIndex(FLOAT, x + j) > 0 ? g : (ys.getAtIndex(FLOAT, y + j) + alpha) * g);
        }
    }

    /**
     * Row-wise {@code y[r][j] = e^x[r][j] / sum_l e^x[r][l]} for {@code batch} rows of {@code width}
     * values. The row maximum is subtracted first, so large inputs do not overflow.
     */
    public static void softmaxForward(MemorySegment xs, long x, MemorySegment ys, long y, int batch, int width) {
        for (int r = 0; r < batch; r++) {
            long in = x + (long) r * width;
            long out = y + (long) r * width;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < width; j++) {
                max = Math.max(max, xs.getAtIndex(FLOAT, in + j));
            }
            double sum = 0;
            for (int j = 0; j < width; j++) {
                float e = (float) Math.exp(xs.getAtIndex(FLOAT, in + j) - max);
                ys.setAtIndex(FLOAT, out + j, e);
                sum += e;
            }
            float inverse = (float) (1.0 / sum);
            for (int j = 0; j < width; j++) {
                ys.setAtIndex(FLOAT, out + j, ys.getAtIndex(FLOAT, out + j) * inverse);
            }
        }
    }

    /** Row-wise {@code dx = y (dy - sum_l dy[l] y[l])}, the softmax Jacobian applied to {@code dy}. */
    public static void softmaxBackward(MemorySegment xs, long x, MemorySegment ys, long y,
                                       MemorySegment dys, long dy, MemorySegment dxs, long dx,
                                       int batch, int width) {
        for (int r = 0; r < batch; r++) {
            long yRow = y + (long) r * width;
            long dyRow = dy + (long) r * width;
            long dxRow = dx + (long) r * width;
            double dot = 0;
            for (int j = 0; j < width; j++) {
                dot += (double) dys.getAtIndex(FLOAT, dyRow + j) * ys.getAtIndex(FLOAT, yRow + j);
            }
            float projection = (float) dot;
            for (int j = 0; j < width; j++) {
                float v = ys.getAtIndex(FLOAT, yRow + j);
                dxs.setAtIndex(FLOAT, dxRow + j, v * (dys.getAtIndex(FLOAT, dyRow + j) - projection));
            }
        }
    }

    /**
     * PReLU: {@code y[s][j] = x[s][j]} where it is positive, else {@code a[j] x[s][j]}, for {@code batch}
     * rows of {@code width} features, the slope {@code a[j]} of feature {@code j} at {@code ps[a + j]}.
     */
    public static void preluForward(MemorySegment xs, long x, MemorySegment ps, long a, MemorySegment ys, long y,
                                    int batch, int width) {
        for (int s = 0; s < batch; s++) {
            long row = (long) s * width;
            for (int j = 0; j < width; j++) {
                float v = xs.getAtIndex(FLOAT, x + row + j);
                ys.setAtIndex(FLOAT, y + row + j, v > 0 ? v : ps.getAtIndex(FLOAT, a + j) * v);
            }
        }
    }

    /**
     * PReLU backward: adds {@code dL/da[j] = sum_s (x[s][j] > 0 ? 0 : x[s][j]) dy[s][j]} to
     * {@code gs[ga + j]} and, unless {@code dxs} is null, writes {@code dx = dy} where {@code x > 0}, else
     * {@code a[j] dy} (at 0 the slope's side, as PyTorch). {@code dx} may be written over {@code dy}.
     */
    public static void preluBackward(MemorySegment xs, long x, MemorySegment ps, long a, MemorySegment dys, long dy,
                                     MemorySegment dxs, long dx, MemorySegment gs, long ga, int batch, int width) {
        for (int s = 0; s < batch; s++) {
            long row = (long) s * width;
            for (int j = 0; j < width; j++) {
                float v = xs.getAtIndex(FLOAT, x + row + j);
                float g = dys.getAtIndex(FLOAT, dy + row + j);
                if (v <= 0) {
                    gs.setAtIndex(FLOAT, ga + j, gs.getAtIndex(FLOAT, ga + j) + v * g);
                }
                if (dxs != null) {
                    dxs.setAtIndex(FLOAT, dx + row + j, v > 0 ? g : ps.getAtIndex(FLOAT, a + j) * g);
                }
            }
        }
    }

    /**
     * Maxout: {@code y[o] = max(x[o k], x[o k + 1], ..., x[o k + k - 1])} for {@code o < n}: each output
     * the largest of a group of {@code k} consecutive inputs. The groups run on across rows (a row of
     * {@code w} outputs reads {@code w k} inputs), so {@code n} is the batch times the output width.
     */
    public static void maxoutForward(MemorySegment xs, long x, MemorySegment ys, long y, int n, int k) {
        for (int o = 0; o < n; o++) {
            long group = x + (long) o * k;
            float max = xs.getAtIndex(FLOAT, group);
            for (int p = 1; p < k; p++) {
                max = Math.max(max, xs.getAtIndex(FLOAT, group + p));
            }
            ys.setAtIndex(FLOAT, y + o, max);
        }
    }

    /**
     * Maxout backward: {@code dx[o k + p] = dy[o]} for the piece {@code p} that was the largest of its
     * group (the first of them on a tie), 0 for the others; the largest is found again from {@code x}. The
     * {@code n k} values of {@code dx} must not overlap {@code dy}.
     */
    public static void maxoutBackward(MemorySegment xs, long x, MemorySegment dys, long dy, MemorySegment dxs, long dx,
                                      int n, int k) {
        for (int o = 0; o < n; o++) {
            long group = (long) o * k;
            int best = 0;
            float max = xs.getAtIndex(FLOAT, x + group);
            for (int p = 1; p < k; p++) {
                float v = xs.getAtIndex(FLOAT, x + group + p);
                if (v > max) {
                    max = v;
                    best = p;
                }
            }
            float g = dys.getAtIndex(FLOAT, dy + o);
            for (int p = 0; p < k; p++) {
                dxs.setAtIndex(FLOAT, dx + group + p, p == best ? g : 0f);
            }
        }
    }

    /** The logistic function of one value, stable for any magnitude (generated code calls it in its loops). */
    public static float sigmoid(float x) {
        if (x >= 0) {
            return (float) (1.0 / (1.0 + Math.exp(-x)));
        }
        double e = Math.exp(x);
        return (float) (e / (1.0 + e));
    }
}
