package dev.kiln.runtime.ops;

/**
 * Loss functions over a batch of {@code batch} rows of {@code width} values, each returning the mean
 * loss and, in the same pass, overwriting {@code d[0, batch * width)} with the gradient of that mean with
 * respect to the predictions (or logits). Predictions start at {@code zOff} (or {@code yOff}), targets at
 * {@code tOff}; sums are accumulated in double.
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
    public static float meanSquaredError(float[] y, int yOff, float[] t, int tOff, float[] d,
                                         int batch, int width) {
        int count = batch * width;
        double scale = 2.0 / count;
        double sum = 0;
        for (int j = 0; j < count; j++) {
            double error = (double) y[yOff + j] - t[tOff + j];
            sum += error * error;
            d[j] = (float) (scale * error);
        }
        return (float) (sum / count);
    }

    /**
     * Binary cross-entropy of {@code sigmoid(z)} against targets {@code t} in [0, 1], averaged over all
     * {@code batch * width} values: per value {@code max(z, 0) - z t + log(1 + e^-|z|)}, which equals
     * {@code -t log(sigmoid(z)) - (1 - t) log(1 - sigmoid(z))} without overflow;
     * {@code d = (sigmoid(z) - t) / (batch * width)}.
     */
    public static float binaryCrossEntropyWithLogits(float[] z, int zOff, float[] t, int tOff, float[] d,
                                                     int batch, int width) {
        int count = batch * width;
        double sum = 0;
        for (int j = 0; j < count; j++) {
            double logit = z[zOff + j];
            double target = t[tOff + j];
            sum += Math.max(logit, 0) - logit * target + Math.log1p(Math.exp(-Math.abs(logit)));
            d[j] = (float) ((Activations.sigmoid(z[zOff + j]) - target) / count);
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
    public static float softmaxCrossEntropyWithLogits(float[] z, int zOff, float[] t, int tOff, float[] d,
                                                      int batch, int width) {
        double total = 0;
        for (int r = 0; r < batch; r++) {
            int logits = zOff + r * width;
            int targets = tOff + r * width;
            int row = r * width;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < width; j++) {
                max = Math.max(max, z[logits + j]);
            }
            double sumExp = 0;
            for (int j = 0; j < width; j++) {
                sumExp += Math.exp(z[logits + j] - max);
            }
            double logSumExp = max + Math.log(sumExp);
            double targetSum = 0;
            for (int j = 0; j < width; j++) {
                double target = t[targets + j];
                total += target * (logSumExp - z[logits + j]);
                targetSum += target;
            }
            for (int j = 0; j < width; j++) {
                double probability = Math.exp(z[logits + j] - logSumExp);
                d[row + j] = (float) ((probability * targetSum - t[targets + j]) / batch);
            }
        }
        return (float) (total / batch);
    }
}
