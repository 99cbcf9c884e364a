package dev.kiln.runtime.ops;

/**
 * Activation functions, each forward beside its backward, with one calling convention so that a code
 * generator can call any of them:
 * <ul>
 *   <li>{@code xxxForward(x, xOff, y, n)} overwrites {@code y[0, n)} with {@code f(x[xOff + j])};</li>
 *   <li>{@code xxxBackward(x, xOff, y, dy, dx, n)} overwrites {@code dx[0, n)} with
 *       {@code f'(x[xOff + j]) * dy[j]}, reading the forward input {@code x} or the forward output
 *       {@code y}, whichever the derivative needs.</li>
 * </ul>
 * Leaky ReLU and ELU take their {@code alpha} as a last argument. Softmax works on rows and takes a batch
 * and a row width instead of {@code n}. Every backward may write {@code dx} over {@code dy} (the same
 * array): each value of {@code dy} is read before the value of {@code dx} at its index is written.
 */
public final class Activations {

    private Activations() {
    }

    /** {@code y = x}. */
    public static void identityForward(float[] x, int xOff, float[] y, int n) {
        System.arraycopy(x, xOff, y, 0, n);
    }

    /** {@code dx = dy}. */
    public static void identityBackward(float[] x, int xOff, float[] y, float[] dy, float[] dx, int n) {
        System.arraycopy(dy, 0, dx, 0, n);
    }

    /**
     * {@code y = 1 / (1 + e^-x)}, computed without overflow: for negative x as {@code e^x / (1 + e^x)}.
     */
    public static void sigmoidForward(float[] x, int xOff, float[] y, int n) {
        for (int j = 0; j < n; j++) {
            y[j] = sigmoid(x[xOff + j]);
        }
    }

    /** {@code dx = y (1 - y) dy}. */
    public static void sigmoidBackward(float[] x, int xOff, float[] y, float[] dy, float[] dx, int n) {
        for (int j = 0; j < n; j++) {
            dx[j] = y[j] * (1 - y[j]) * dy[j];
        }
    }

    /** {@code y = tanh(x)}. */
    public static void tanhForward(float[] x, int xOff, float[] y, int n) {
        for (int j = 0; j < n; j++) {
            y[j] = (float) Math.tanh(x[xOff + j]);
        }
    }

    /** {@code dx = (1 - y^2) dy}. */
    public static void tanhBackward(float[] x, int xOff, float[] y, float[] dy, float[] dx, int n) {
        for (int j = 0; j < n; j++) {
            dx[j] = (1 - y[j] * y[j]) * dy[j];
        }
    }

    /** {@code y = max(0, x)}. */
    public static void reluForward(float[] x, int xOff, float[] y, int n) {
        for (int j = 0; j < n; j++) {
            y[j] = Math.max(0f, x[xOff + j]);
        }
    }

    /** {@code dx = dy} where {@code x > 0}, else 0 (the derivative at 0 is taken as 0, as PyTorch does). */
    public static void reluBackward(float[] x, int xOff, float[] y, float[] dy, float[] dx, int n) {
        for (int j = 0; j < n; j++) {
            dx[j] = x[xOff + j] > 0 ? dy[j] : 0f;
        }
    }

    /** {@code y = x} where {@code x > 0}, else {@code alpha x}. */
    public static void leakyReluForward(float[] x, int xOff, float[] y, int n, float alpha) {
        for (int j = 0; j < n; j++) {
            float v = x[xOff + j];
            y[j] = v > 0 ? v : alpha * v;
        }
    }

    /** {@code dx = dy} where {@code x > 0}, else {@code alpha dy}. */
    public static void leakyReluBackward(float[] x, int xOff, float[] y, float[] dy, float[] dx, int n,
                                         float alpha) {
        for (int j = 0; j < n; j++) {
            dx[j] = x[xOff + j] > 0 ? dy[j] : alpha * dy[j];
        }
    }

    /** {@code y = x} where {@code x > 0}, else {@code alpha (e^x - 1)}. */
    public static void eluForward(float[] x, int xOff, float[] y, int n, float alpha) {
        for (int j = 0; j < n; j++) {
            float v = x[xOff + j];
            y[j] = v > 0 ? v : alpha * (float) Math.expm1(v);
        }
    }

    /** {@code dx = dy} where {@code x > 0}, else {@code alpha e^x dy = (y + alpha) dy}. */
    public static void eluBackward(float[] x, int xOff, float[] y, float[] dy, float[] dx, int n, float alpha) {
        for (int j = 0; j < n; j++) {
            dx[j] = x[xOff + j] > 0 ? dy[j] : (y[j] + alpha) * dy[j];
        }
    }

    /**
     * Row-wise {@code y[r][j] = e^x[r][j] / sum_l e^x[r][l]} for {@code batch} rows of {@code width}
     * values. The row maximum is subtracted first, so large inputs do not overflow.
     */
    public static void softmaxForward(float[] x, int xOff, float[] y, int batch, int width) {
        for (int r = 0; r < batch; r++) {
            int in = xOff + r * width;
            int out = r * width;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < width; j++) {
                max = Math.max(max, x[in + j]);
            }
            double sum = 0;
            for (int j = 0; j < width; j++) {
                float e = (float) Math.exp(x[in + j] - max);
                y[out + j] = e;
                sum += e;
            }
            float inverse = (float) (1.0 / sum);
            for (int j = 0; j < width; j++) {
                y[out + j] *= inverse;
            }
        }
    }

    /** Row-wise {@code dx = y (dy - sum_l dy[l] y[l])}, the softmax Jacobian applied to {@code dy}. */
    public static void softmaxBackward(float[] x, int xOff, float[] y, float[] dy, float[] dx,
                                       int batch, int width) {
        for (int r = 0; r < batch; r++) {
            int row = r * width;
            double dot = 0;
            for (int j = 0; j < width; j++) {
                dot += (double) dy[row + j] * y[row + j];
            }
            float projection = (float) dot;
            for (int j = 0; j < width; j++) {
                dx[row + j] = y[row + j] * (dy[row + j] - projection);
            }
        }
    }

    /** The logistic function of one value, stable for any magnitude. */
    static float sigmoid(float x) {
        if (x >= 0) {
            return (float) (1.0 / (1.0 + Math.exp(-x)));
        }
        double e = Math.exp(x);
        return (float) (e / (1.0 + e));
    }
}
