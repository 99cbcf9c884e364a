package dev.kiln.runtime.ops;

import static dev.kiln.runtime.Memory.FLOAT;

import java.lang.foreign.MemorySegment;

/**
 * Batch normalization (Ioffe and Szegedy, 2015) per channel over the batch and the spatial positions, forward
 * beside backward, in training mode (the batch's statistics) and in inference mode (the running ones). Value
 * {@code (s, c, i)}, sample {@code s}, channel {@code c}, position {@code i}, is at element {@code x + (s *
 * channels + c) * spatial + i}: after a dense layer {@code spatial = 1} and each feature is a channel; after
 * a convolution {@code spatial = H * W}. Every position is an element offset into its segment.
 *
 * <p>{@code y = (x - mean) / sqrt(var + epsilon) * gamma + beta}, with PyTorch's parameters and state, so
 * that weights move to and from {@code torch.nn.BatchNorm1d}/{@code 2d} unchanged: {@code weight}
 * (gamma) and {@code bias} (beta), {@code channels} floats each, in the parameters {@code p}; {@code
 * running_mean} and {@code running_var}, {@code channels} floats each, in {@code state}. PyTorch's
 * conventions hold too: training normalizes with the <em>biased</em> batch variance (divided by {@code n =
 * batch * spatial}) but updates {@code running_var} with the <em>unbiased</em> one (divided by {@code n -
 * 1}); {@code momentum} is the weight of the new value, {@code running = (1 - momentum) * running + momentum
 * * batchValue}.
 *
 * <p>Statistics are summed in double. Training's forward keeps, for its backward, {@link #savedFloats} floats
 * in {@code work} from {@code saved}: the batch means, then {@code 1 / sqrt(var + epsilon)} per channel.
 * Each backward may write {@code dx} over {@code dy} (the same floats, at the same offset): it reads all of
 * a channel's {@code dy} before it writes that channel's {@code dx}, and each {@code dx} value after its
 * {@code dy} value. No other output may overlap what a call reads.
 */
public final class BatchNormOps {

    /** PyTorch's default weight of the batch's statistics in the running ones. */
    public static final float DEFAULT_MOMENTUM = 0.1f;

    /** PyTorch's default term added to the variance before its square root. */
    public static final float DEFAULT_EPSILON = 1e-5f;

    private BatchNormOps() {
    }

    /** Floats of scratch the training-mode passes keep per layer: the batch mean and 1 / sqrt(var + eps), per channel. */
    public static int savedFloats(int channels) {
        if (channels <= 0) {
            throw new IllegalArgumentException("batch normalization: channels = " + channels + " must be positive");
        }
        return 2 * channels;
    }

    /**
     * Training mode: normalizes each channel with its batch mean and biased variance, <b>overwrites</b>
     * {@code batch * channels * spatial} floats of {@code y}, keeps the mean and {@code 1 / sqrt(var +
     * epsilon)} at {@code work[saved + c]} and {@code work[saved + channels + c]}, and updates {@code
     * running_mean} and, with the unbiased variance, {@code running_var}.
     *
     * @throws IllegalArgumentException when a channel has fewer than 2 values ({@code batch * spatial < 2}:
     *                                  the unbiased variance is undefined), or a size, the momentum or the
     *                                  epsilon is out of range; nothing is written then
     */
    public static void forwardTraining(MemorySegment xs, long x, MemorySegment p, long gamma, long beta,
                                       MemorySegment ys, long y, MemorySegment state, long runningMean,
                                       long runningVar, MemorySegment work, long saved, int batch, int channels,
                                       int spatial, float momentum, float epsilon) {
        checkSizes(batch, channels, spatial);
        long n = (long) batch * spatial;
        if (n < 2) {
            throw new IllegalArgumentException("batch normalization: Expected more than 1 value per channel when "
                    + "training, got batch " + batch + " x spatial " + spatial + " = " + n + "; the unbiased "
                    + "variance of the running statistics needs at least 2 values, so train with a batch of 2 or "
                    + "more, or use inference mode");
        }
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("batch normalization: momentum = " + momentum + " must be in [0, 1]"
                    + " (the weight of the batch's statistics in the running ones; PyTorch's default is 0.1)");
        }
        checkEpsilon(epsilon);
        long stride = (long) channels * spatial;
        for (int c = 0; c < channels; c++) {
            long first = x + (long) c * spatial;
            double sum = 0;
            for (int s = 0; s < batch; s++) {
                long at = first + s * stride;
                for (int i = 0; i < spatial; i++) {
                    sum += xs.getAtIndex(FLOAT, at + i);
                }
            }
            double mean = sum / n;
            double squares = 0;
            for (int s = 0; s < batch; s++) {
                long at = first + s * stride;
                for (int i = 0; i < spatial; i++) {
                    double d = xs.getAtIndex(FLOAT, at + i) - mean;
                    squares += d * d;
                }
            }
            double variance = squares / n;
            float m = (float) mean;
            float inverse = (float) (1 / Math.sqrt(variance + epsilon));
            work.setAtIndex(FLOAT, saved + c, m);
            work.setAtIndex(FLOAT, saved + channels + c, inverse);
            normalize(xs, first, ys, y + (long) c * spatial, stride, batch, spatial, m,
                    p.getAtIndex(FLOAT, gamma + c) * inverse, p.getAtIndex(FLOAT, beta + c));
            double unbiased = squares / (n - 1);
            state.setAtIndex(FLOAT, runningMean + c,
                    (float) ((1 - (double) momentum) * state.getAtIndex(FLOAT, runningMean + c) + momentum * mean));
            state.setAtIndex(FLOAT, runningVar + c,
                    (float) ((1 - (double) momentum) * state.getAtIndex(FLOAT, runningVar + c) + momentum * unbiased));
        }
    }

    /**
     * Inference mode: normalizes each channel with {@code running_mean} and {@code running_var}, and
     * <b>overwrites</b> {@code batch * channels * spatial} floats of {@code y}. Nothing else is written.
     *
     * @throws IllegalArgumentException when a size or the epsilon is out of range
     */
    public static void forwardInference(MemorySegment xs, long x, MemorySegment p, long gamma, long beta,
                                        MemorySegment ys, long y, MemorySegment state, long runningMean,
                                        long runningVar, int batch, int channels, int spatial, float epsilon) {
        checkSizes(batch, channels, spatial);
        checkEpsilon(epsilon);
        long stride = (long) channels * spatial;
        for (int c = 0; c < channels; c++) {
            float inverse = inverseDeviation(state, runningVar + c, epsilon);
            normalize(xs, x + (long) c * spatial, ys, y + (long) c * spatial, stride, batch, spatial,
                    state.getAtIndex(FLOAT, runningMean + c), p.getAtIndex(FLOAT, gamma + c) * inverse,
                    p.getAtIndex(FLOAT, beta + c));
        }
    }

    /**
     * Back-propagates {@code dy} through {@link #forwardTraining}, the batch statistics included: with
     * {@code x̂ = (x - mean) / sqrt(var + epsilon)} as forward saved it, <b>adds</b> {@code dgamma = sum dy
     * x̂} to {@code gs[ggamma + c]} and {@code dbeta = sum dy} to {@code gs[gbeta + c]}, and unless {@code dxs}
     * is null <b>overwrites</b> {@code dx = gamma / sqrt(var + epsilon) * (dy - dbeta / n - x̂ dgamma / n)}.
     * Reads the forward input {@code x} and the statistics in {@code work}; {@code dx} may be {@code dy}.
     *
     * @throws IllegalArgumentException when a size is out of range
     */
    public static void backwardTraining(MemorySegment xs, long x, MemorySegment p, long gamma,
                                        MemorySegment dys, long dy, MemorySegment gs, long ggamma, long gbeta,
                                        MemorySegment dxs, long dx, MemorySegment work, long saved, int batch,
                                        int channels, int spatial) {
        checkSizes(batch, channels, spatial);
        long n = (long) batch * spatial;
        long stride = (long) channels * spatial;
        for (int c = 0; c < channels; c++) {
            float mean = work.getAtIndex(FLOAT, saved + c);
            float inverse = work.getAtIndex(FLOAT, saved + channels + c);
            long offset = (long) c * spatial;
            double sumDy = 0;
            double sumDyXhat = 0;
            for (int s = 0; s < batch; s++) {
                long xAt = x + offset + s * stride;
                long dyAt = dy + offset + s * stride;
                for (int i = 0; i < spatial; i++) {
                    float g = dys.getAtIndex(FLOAT, dyAt + i);
                    sumDy += g;
                    sumDyXhat += g * ((xs.getAtIndex(FLOAT, xAt + i) - mean) * inverse);
                }
            }
            gs.setAtIndex(FLOAT, ggamma + c, gs.getAtIndex(FLOAT, ggamma + c) + (float) sumDyXhat);
            gs.setAtIndex(FLOAT, gbeta + c, gs.getAtIndex(FLOAT, gbeta + c) + (float) sumDy);
            if (dxs == null) {
                continue;
            }
            float scale = p.getAtIndex(FLOAT, gamma + c) * inverse;
            float meanDy = (float) (sumDy / n);
            float meanDyXhat = (float) (sumDyXhat / n);
            for (int s = 0; s < batch; s++) {
                long xAt = x + offset + s * stride;
                long dyAt = dy + offset + s * stride;
                long dxAt = dx + offset + s * stride;
                for (int i = 0; i < spatial; i++) {
                    float xhat = (xs.getAtIndex(FLOAT, xAt + i) - mean) * inverse;
                    float g = dys.getAtIndex(FLOAT, dyAt + i);
                    dxs.setAtIndex(FLOAT, dxAt + i, scale * (g - meanDy - xhat * meanDyXhat));
                }
            }
        }
    }

    /**
     * Back-propagates {@code dy} through {@link #forwardInference}, where the statistics are constants: with
     * {@code x̂ = (x - running_mean) / sqrt(running_var + epsilon)}, <b>adds</b> {@code dgamma = sum dy x̂} to
     * {@code gs[ggamma + c]} and {@code dbeta = sum dy} to {@code gs[gbeta + c]}, and unless {@code dxs} is
     * null <b>overwrites</b> {@code dx = gamma / sqrt(running_var + epsilon) * dy}. {@code beta} is not read
     * (it does not enter a gradient); the call mirrors {@link #forwardInference}. {@code dx} may be {@code dy}.
     *
     * @throws IllegalArgumentException when a size or the epsilon is out of range
     */
    public static void backwardInference(MemorySegment xs, long x, MemorySegment p, long gamma, long beta,
                                         MemorySegment dys, long dy, MemorySegment gs, long ggamma, long gbeta,
                                         MemorySegment dxs, long dx, MemorySegment state, long runningMean,
                                         long runningVar, int batch, int channels, int spatial, float epsilon) {
        checkSizes(batch, channels, spatial);
        checkEpsilon(epsilon);
        long stride = (long) channels * spatial;
        for (int c = 0; c < channels; c++) {
            float mean = state.getAtIndex(FLOAT, runningMean + c);
            float inverse = inverseDeviation(state, runningVar + c, epsilon);
            float scale = p.getAtIndex(FLOAT, gamma + c) * inverse;
            long offset = (long) c * spatial;
            double sumDy = 0;
            double sumDyXhat = 0;
            for (int s = 0; s < batch; s++) {
                long xAt = x + offset + s * stride;
                long dyAt = dy + offset + s * stride;
                long dxAt = dx + offset + s * stride;
                for (int i = 0; i < spatial; i++) {
                    float g = dys.getAtIndex(FLOAT, dyAt + i);
                    sumDy += g;
                    sumDyXhat += g * ((xs.getAtIndex(FLOAT, xAt + i) - mean) * inverse);
                    if (dxs != null) {
                        dxs.setAtIndex(FLOAT, dxAt + i, scale * g);
                    }
                }
            }
            gs.setAtIndex(FLOAT, ggamma + c, gs.getAtIndex(FLOAT, ggamma + c) + (float) sumDyXhat);
            gs.setAtIndex(FLOAT, gbeta + c, gs.getAtIndex(FLOAT, gbeta + c) + (float) sumDy);
        }
    }

    /** {@code y = (x - mean) * scale + shift} for one channel's values. */
    private static void normalize(MemorySegment xs, long x, MemorySegment ys, long y, long stride, int batch,
                                  int spatial, float mean, float scale, float shift) {
        for (int s = 0; s < batch; s++) {
            long xAt = x + s * stride;
            long yAt = y + s * stride;
            for (int i = 0; i < spatial; i++) {
                ys.setAtIndex(FLOAT, yAt + i, (xs.getAtIndex(FLOAT, xAt + i) - mean) * scale + shift);
            }
        }
    }

    /** {@code 1 / sqrt(running_var + epsilon)}, in double then rounded once. */
    private static float inverseDeviation(MemorySegment state, long runningVar, float epsilon) {
        return (float) (1 / Math.sqrt(state.getAtIndex(FLOAT, runningVar) + (double) epsilon));
    }

    private static void checkSizes(int batch, int channels, int spatial) {
        if (batch < 0) {
            throw new IllegalArgumentException("batch normalization: batch = " + batch + " must be zero or positive");
        }
        if (channels <= 0) {
            throw new IllegalArgumentException("batch normalization: channels = " + channels + " must be positive");
        }
        if (spatial <= 0) {
            throw new IllegalArgumentException("batch normalization: spatial = " + spatial + " must be positive "
                    + "(1 after a dense layer, height * width after a convolution)");
        }
    }

    private static void checkEpsilon(float epsilon) {
        if (!(epsilon > 0 && epsilon < Float.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("batch normalization: epsilon = " + epsilon + " must be positive and "
                    + "finite (it keeps 1 / sqrt(var + epsilon) finite; PyTorch's default is 1e-5)");
        }
    }
}
