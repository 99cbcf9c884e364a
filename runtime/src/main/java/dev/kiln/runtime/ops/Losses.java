package dev.kiln.runtime.ops;

import static dev.kiln.runtime.Memory.FLOAT;

import java.lang.foreign.MemorySegment;

/**
 * Loss functions over a batch of {@code batch} rows of {@code width} values, each returning the mean
 * loss and, in the same pass, writing the gradient of that mean with respect to the predictions (or
 * logits) to the {@code batch * width} floats at {@code d}. Every position is an element offset into its
 * segment; sums are accumulated in double.
 *
 * <p>The cross-entropies take logits, not probabilities: computed from logits they are exact and stable
 * for any magnitude, and their gradients skip the sigmoid or softmax that the loss absorbs.
 */
public final class Losses {

    private Losses() {
    }

    /**
     * {@code mean((y - t)^2)} over all {@code batch * width} values; {@code d = 2 (y - t) / (batch * width)}.
     */
    public static float meanSquaredError(MemorySegment ys, long y, MemorySegment ts, long t,
                                         MemorySegment ds, long d, int batch, int width) {
        int count = batch * width;
        double scale = 2.0 / count;
        double sum = 0;
        for (int j = 0; j < count; j++) {
            double error = (double) ys.getAtIndex(FLOAT, y + j) - ts.getAtIndex(FLOAT, t + j);
            sum += error * error;
            ds.setAtIndex(FLOAT, d + j, (float) (scale * error));
        }
        return (float) (sum / count);
    }

    /**
     * Binary cross-entropy of {@code sigmoid(z)} against targets {@code t} in [0, 1], averaged over all
     * {@code batch * width} values: per value {@code max(z, 0) - z t + log(1 + e^-|z|)}, which equals
     * {@code -t log(sigmoid(z)) - (1 - t) log(1 - sigmoid(z))} without overflow;
     * {@code d = (sigmoid(z) - t) / (batch * width)}.
     */
    public static float binaryCrossEntropyWithLogits(MemorySegment zs, long z, MemorySegment ts, long t,
                                                     MemorySegment ds, long d, int batch, int width) {
        int count = batch * width;
        double sum = 0;
        for (int j = 0; j < count; j++) {
            float logit = zs.getAtIndex(FLOAT, z + j);
            double target = ts.getAtIndex(FLOAT, t + j);
            sum += Math.max(logit, 0) - logit * target + Math.log1p(Math.exp(-Math.abs((double) logit)));
            ds.setAtIndex(FLOAT, d + j, (float) ((Activations.sigmoid(logit) - target) / count));
        }
        return (float) (sum / count);
    }

    /**
     * Softmax cross-entropy: per row, {@code -sum_j t_j log softmax(z)_j = sum_j t_j (logSumExp(z) - z_j)}
     * (the log-sum-exp taken after subtracting the row maximum, so logits of any size are safe), averaged
     * over the rows. Targets are per-row distributions, one-hot for class labels;
     * {@code d = (softmax(z) sum_j t_j - t) / batch}, which is {@code (softmax(z) - t) / batch} when each
     * target row sums to 1.
     */
    public static float softmaxCrossEntropyWithLogits(MemorySegment zs, long z, MemorySegment ts, long t,
                                                      MemorySegment ds, long d, int batch, int width) {
        double total = 0;
        for (int r = 0; r < batch; r++) {
            long logits = z + (long) r * width;
            long targets = t + (long) r * width;
            long row = d + (long) r * width;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < width; j++) {
                max = Math.max(max, zs.getAtIndex(FLOAT, logits + j));
            }
            double sumExp = 0;
            for (int j = 0; j < width; j++) {
                sumExp += Math.exp(zs.getAtIndex(FLOAT, logits + j) - max);
            }
            double logSumExp = max + Math.log(sumExp);
            double targetSum = 0;
            for (int j = 0; j < width; j++) {
                double target = ts.getAtIndex(FLOAT, targets + j);
                total += target * (logSumExp - zs.getAtIndex(FLOAT, logits + j));
                targetSum += target;
            }
            for (int j = 0; j < width; j++) {
                double probability = Math.exp(zs.getAtIndex(FLOAT, logits + j) - logSumExp);
                ds.setAtIndex(FLOAT, row + j,
                        (float) ((probability * targetSum - ts.getAtIndex(FLOAT, targets + j)) / batch));
            }
        }
        return (float) (total / batch);
    }
}
