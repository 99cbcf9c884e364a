package dev.kiln.runtime.ops;

import static dev.kiln.runtime.Memory.FLOAT;

import dev.kiln.runtime.Vectors;
import java.lang.foreign.MemorySegment;

/**
 * Loss functions over a batch of {@code batch} rows of {@code width} values, each returning the mean
 * loss and, in the same pass, writing the gradient of that mean with respect to the predictions (or
 * logits) to the {@code batch * width} floats at {@code d}. Every position is an element offset into its
 * segment; sums are accumulated in double.
 *
 * <p>Each loss also has a strided, weighted form with two more arguments, {@code stride} and
 * {@code weight}: row {@code r} of the predictions, targets and gradient then starts {@code r * stride}
 * after its offset (its {@code width} values a slice of a wider row), and both the returned loss and the
 * gradient are multiplied by {@code weight}. That is how a head of a multi-task network computes its
 * loss on its slice of the outputs; the short form is the strided one with {@code stride = width} and
 * {@code weight = 1}, and gives the same bits.
 *
 * <p>The cross-entropies take logits, not probabilities: computed from logits they are exact and stable
 * for any magnitude, and their gradients skip the sigmoid or softmax that the loss absorbs. The hinge and
 * contrastive losses check their targets and throw {@link IllegalArgumentException} naming the row at
 * fault; nothing else allocates.
 */
public final class Losses {

    /** Whether softmax cross-entropy runs the Vector API loops of {@link LossVectors}. */
    private static final boolean VECTORS = Vectors.available();


    private Losses() {
    }

    /**
     * {@code mean((y - t)^2)} over all {@code batch * width} values; {@code d = 2 (y - t) / (batch * width)}.
     */
    public static float meanSquaredError(MemorySegment ys, long y, MemorySegment ts, long t,
                                         MemorySegment ds, long d, int batch, int width) {
        return meanSquaredError(ys, y, ts, t, ds, d, batch, width, width, 1.0);
    }

    /** {@link #meanSquaredError(MemorySegment, long, MemorySegment, long, MemorySegment, long, int, int)} on rows {@code stride} apart, times {@code weight}. */
    public static float meanSquaredError(MemorySegment ys, long y, MemorySegment ts, long t,
                                         MemorySegment ds, long d, int batch, int width, int stride,
                                         double weight) {
        int count = batch * width;
        double scale = weight * (2.0 / count);
        double sum = 0;
        for (int r = 0; r < batch; r++) {
            long row = (long) r * stride;
            for (int j = 0; j < width; j++) {
                double error = (double) ys.getAtIndex(FLOAT, y + row + j) - ts.getAtIndex(FLOAT, t + row + j);
                sum += error * error;
                ds.setAtIndex(FLOAT, d + row + j, (float) (scale * error));
            }
        }
        return (float) (weight * (sum / count));
    }

    /**
     * {@code mean(|y - t|)} over all {@code batch * width} values; {@code d = sign(y - t) / (batch * width)},
     * 0 where {@code y = t}.
     */
    public static float meanAbsoluteError(MemorySegment ys, long y, MemorySegment ts, long t,
                                          MemorySegment ds, long d, int batch, int width) {
        return meanAbsoluteError(ys, y, ts, t, ds, d, batch, width, width, 1.0);
    }

    /** {@link #meanAbsoluteError(MemorySegment, long, MemorySegment, long, MemorySegment, long, int, int)} on rows {@code stride} apart, times {@code weight}. */
    public static float meanAbsoluteError(MemorySegment ys, long y, MemorySegment ts, long t,
                                          MemorySegment ds, long d, int batch, int width, int stride,
                                          double weight) {
        int count = batch * width;
        double scale = weight / count;
        double sum = 0;
        for (int r = 0; r < batch; r++) {
            long row = (long) r * stride;
            for (int j = 0; j < width; j++) {
                double error = (double) ys.getAtIndex(FLOAT, y + row + j) - ts.getAtIndex(FLOAT, t + row + j);
                sum += Math.abs(error);
                ds.setAtIndex(FLOAT, d + row + j, (float) (scale * Math.signum(error)));
            }
        }
        return (float) (weight * (sum / count));
    }

    /**
     * {@code mean(y - t)} over all {@code batch * width} values, the signed mean bias error; its gradient
     * is the constant {@code d = 1 / (batch * width)}, whatever the predictions. Mostly a metric (see
     * {@link #meanBiasError(float[], int, float[], int, int)}): minimized, it drives every output down.
     */
    public static float meanBiasError(MemorySegment ys, long y, MemorySegment ts, long t,
                                      MemorySegment ds, long d, int batch, int width) {
        return meanBiasError(ys, y, ts, t, ds, d, batch, width, width, 1.0);
    }

    /** {@link #meanBiasError(MemorySegment, long, MemorySegment, long, MemorySegment, long, int, int)} on rows {@code stride} apart, times {@code weight}. */
    public static float meanBiasError(MemorySegment ys, long y, MemorySegment ts, long t,
                                      MemorySegment ds, long d, int batch, int width, int stride,
                                      double weight) {
        int count = batch * width;
        float gradient = (float) (weight / count);
        double sum = 0;
        for (int r = 0; r < batch; r++) {
            long row = (long) r * stride;
            for (int j = 0; j < width; j++) {
                sum += (double) ys.getAtIndex(FLOAT, y + row + j) - ts.getAtIndex(FLOAT, t + row + j);
                ds.setAtIndex(FLOAT, d + row + j, gradient);
            }
        }
        return (float) (weight * (sum / count));
    }

    /**
     * The mean bias error {@code mean(y - t)} of {@code count} predictions against their targets, from
     * arrays, without a gradient: the metric, for a model trained with any loss. Positive when the
     * predictions are too high on average, negative when too low; errors of opposite sign cancel, so read
     * it beside an absolute measure such as {@link #meanAbsoluteError}. For example, over a batch:
     * {@code Losses.meanBiasError(model.forward(x, 0, n), 0, t, 0, n * model.outputSize())}.
     *
     * @throws IllegalArgumentException if {@code count} is not positive
     * @throws IndexOutOfBoundsException if an array is too short
     */
    public static double meanBiasError(float[] predictions, int predictionOffset, float[] targets, int targetOffset,
                                       int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("the mean bias error needs at least one value, got count = " + count);
        }
        java.util.Objects.checkFromIndexSize(predictionOffset, count, predictions.length);
        java.util.Objects.checkFromIndexSize(targetOffset, count, targets.length);
        double sum = 0;
        for (int j = 0; j < count; j++) {
            sum += (double) predictions[predictionOffset + j] - targets[targetOffset + j];
        }
        return sum / count;
    }

    /**
     * Binary cross-entropy of {@code sigmoid(z)} against targets {@code t} in [0, 1], averaged over all
     * {@code batch * width} values: per value {@code max(z, 0) - z t + log(1 + e^-|z|)}, which equals
     * {@code -t log(sigmoid(z)) - (1 - t) log(1 - sigmoid(z))} without overflow;
     * {@code d = (sigmoid(z) - t) / (batch * width)}.
     */
    public static float binaryCrossEntropyWithLogits(MemorySegment zs, long z, MemorySegment ts, long t,
                                                     MemorySegment ds, long d, int batch, int width) {
        return binaryCrossEntropyWithLogits(zs, z, ts, t, ds, d, batch, width, width, 1.0);
    }

    /** {@link #binaryCrossEntropyWithLogits(MemorySegment, long, MemorySegment, long, MemorySegment, long, int, int)} on rows {@code stride} apart, times {@code weight}. */
    public static float binaryCrossEntropyWithLogits(MemorySegment zs, long z, MemorySegment ts, long t,
                                                     MemorySegment ds, long d, int batch, int width, int stride,
                                                     double weight) {
        int count = batch * width;
        double sum = 0;
        for (int r = 0; r < batch; r++) {
            long row = (long) r * stride;
            for (int j = 0; j < width; j++) {
                float logit = zs.getAtIndex(FLOAT, z + row + j);
                double target = ts.getAtIndex(FLOAT, t + row + j);
                sum += Math.max(logit, 0) - logit * target + Math.log1p(Math.exp(-Math.abs((double) logit)));
                ds.setAtIndex(FLOAT, d + row + j, (float) (weight * ((Activations.sigmoid(logit) - target) / count)));
            }
        }
        return (float) (weight * (sum / count));
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
        return softmaxCrossEntropyWithLogits(zs, z, ts, t, ds, d, batch, width, width, 1.0);
    }

    /** {@link #softmaxCrossEntropyWithLogits(MemorySegment, long, MemorySegment, long, MemorySegment, long, int, int)} on rows {@code stride} apart, times {@code weight}. */
    public static float softmaxCrossEntropyWithLogits(MemorySegment zs, long z, MemorySegment ts, long t,
                                                      MemorySegment ds, long d, int batch, int width, int stride,
                                                      double weight) {
        if (VECTORS && width >= LossVectors.lanes()) { // narrower rows: a handful of exponentials either way
            float scale = (float) (weight / batch);
            double total = 0;
            for (int r = 0; r < batch; r++) {
                long row = (long) r * stride * Float.BYTES;
                total += LossVectors.softmaxCrossEntropyRow(zs, z * Float.BYTES + row, ts, t * Float.BYTES + row, ds,
                        d * Float.BYTES + row, width, scale);
            }
            return (float) (weight * (total / batch));
        }
        return softmaxCrossEntropyScalar(zs, z, ts, t, ds, d, batch, width, stride, weight);
    }

    /** The scalar loops of softmax cross-entropy, in double; without the Vector API, and for tests. */
    static float softmaxCrossEntropyScalar(MemorySegment zs, long z, MemorySegment ts, long t, MemorySegment ds,
                                           long d, int batch, int width, int stride, double weight) {
        double total = 0;
        for (int r = 0; r < batch; r++) {
            long logits = z + (long) r * stride;
            long targets = t + (long) r * stride;
            long row = d + (long) r * stride;
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
                        (float) (weight * ((probability * targetSum - ts.getAtIndex(FLOAT, targets + j)) / batch)));
            }
        }
        return (float) (weight * (total / batch));
    }

    /**
     * Binary hinge loss for targets of -1 or +1: {@code mean(max(0, 1 - t y))} over all
     * {@code batch * width} values; {@code d = -t / (batch * width)} where {@code t y < 1}, else 0 (also at
     * the kink {@code t y = 1}, a subgradient).
     *
     * @throws IllegalArgumentException if a target is neither -1 nor +1, naming its row of the batch
     */
    public static float hinge(MemorySegment ys, long y, MemorySegment ts, long t,
                              MemorySegment ds, long d, int batch, int width) {
        return hinge(ys, y, ts, t, ds, d, batch, width, width, 1.0);
    }

    /** {@link #hinge(MemorySegment, long, MemorySegment, long, MemorySegment, long, int, int)} on rows {@code stride} apart, times {@code weight}. */
    public static float hinge(MemorySegment ys, long y, MemorySegment ts, long t,
                              MemorySegment ds, long d, int batch, int width, int stride, double weight) {
        int count = batch * width;
        double step = weight / count;
        double sum = 0;
        for (int r = 0; r < batch; r++) {
            long row = (long) r * stride;
            for (int j = 0; j < width; j++) {
                float target = ts.getAtIndex(FLOAT, t + row + j);
                if (target != 1f && target != -1f) {
                    throw new IllegalArgumentException("hinge loss: the target of row " + r + " of the batch, value "
                            + j + ", is " + target + ", but hinge targets are -1 or +1; map 0/1 labels with 2t - 1");
                }
                double margin = 1 - target * (double) ys.getAtIndex(FLOAT, y + row + j);
                sum += Math.max(0, margin);
                ds.setAtIndex(FLOAT, d + row + j, margin > 0 ? (float) (-target * step) : 0f);
            }
        }
        return (float) (weight * (sum / count));
    }

    /**
     * The multiclass hinge loss of Weston and Watkins: per row with class {@code c} (the one-hot target's
     * 1), {@code sum over j != c of max(0, s_j - s_c + 1)}, averaged over the rows; each violated margin
     * adds {@code 1 / batch} to {@code d_j} and subtracts it from {@code d_c}, and a margin met exactly
     * ({@code s_j - s_c + 1 = 0}) contributes 0.
     *
     * @throws IllegalArgumentException if a target row is not one-hot (a single 1, zeros elsewhere),
     *     naming the row of the batch
     */
    public static float multiclassHinge(MemorySegment ss, long s, MemorySegment ts, long t,
                                        MemorySegment ds, long d, int batch, int width) {
        return multiclassHinge(ss, s, ts, t, ds, d, batch, width, width, 1.0);
    }

    /** {@link #multiclassHinge(MemorySegment, long, MemorySegment, long, MemorySegment, long, int, int)} on rows {@code stride} apart, times {@code weight}. */
    public static float multiclassHinge(MemorySegment ss, long s, MemorySegment ts, long t,
                                        MemorySegment ds, long d, int batch, int width, int stride, double weight) {
        double step = weight / batch;
        double total = 0;
        for (int r = 0; r < batch; r++) {
            long row = (long) r * stride;
            int label = oneHotClass(ts, t + row, width, r);
            double correct = ss.getAtIndex(FLOAT, s + row + label);
            int violated = 0;
            for (int j = 0; j < width; j++) {
                if (j == label) {
                    continue;
                }
                double margin = ss.getAtIndex(FLOAT, s + row + j) - correct + 1;
                if (margin > 0) {
                    total += margin;
                    violated++;
                    ds.setAtIndex(FLOAT, d + row + j, (float) step);
                } else {
                    ds.setAtIndex(FLOAT, d + row + j, 0f);
                }
            }
            ds.setAtIndex(FLOAT, d + row + label, (float) (-violated * step));
        }
        return (float) (weight * (total / batch));
    }

    /** The class of a one-hot target row. */
    private static int oneHotClass(MemorySegment ts, long row, int width, int r) {
        int label = -1;
        for (int j = 0; j < width; j++) {
            float v = ts.getAtIndex(FLOAT, row + j);
            if (v == 1f && label < 0) {
                label = j;
            } else if (v != 0f) {
                label = -2;
                break;
            }
        }
        if (label < 0) {
            StringBuilder values = new StringBuilder();
            for (int j = 0; j < width; j++) {
                values.append(j == 0 ? "" : ", ").append(ts.getAtIndex(FLOAT, row + j));
            }
            throw new IllegalArgumentException("multiclass hinge loss: the target of row " + r + " of the batch is ["
                    + values + "], but it must be one-hot (a single 1 marking the class, zeros elsewhere)");
        }
        return label;
    }

    /**
     * Contrastive loss over pairs of rows: rows {@code 2i} and {@code 2i + 1} are a pair, whose label
     * {@code l} is the first target value of both rows, 1 for similar and 0 for dissimilar (their other
     * target values are ignored). With {@code d} the Euclidean distance between the two rows of
     * predictions, the loss is the mean over pairs of {@code l d^2 + (1 - l) max(0, margin - d)^2}; its
     * gradient with respect to row {@code 2i} is {@code (2 l - 2 (1 - l) max(0, margin - d) / d) (a - b) / pairs}
     * and the opposite for row {@code 2i + 1}. Where a dissimilar pair's rows coincide ({@code d = 0}) the
     * second term has no direction and contributes 0.
     *
     * @throws IllegalArgumentException if the batch is odd, or a pair's labels differ or are not 0 or 1,
     *     naming the rows
     */
    public static float contrastive(MemorySegment ys, long y, MemorySegment ts, long t, MemorySegment ds, long d,
                                    int batch, int width, double margin) {
        return contrastive(ys, y, ts, t, ds, d, batch, width, width, 1.0, margin);
    }

    /** {@link #contrastive(MemorySegment, long, MemorySegment, long, MemorySegment, long, int, int, double)} on rows {@code stride} apart, times {@code weight}. */
    public static float contrastive(MemorySegment ys, long y, MemorySegment ts, long t, MemorySegment ds, long d,
                                    int batch, int width, int stride, double weight, double margin) {
        if (batch % 2 != 0) {
            throw new IllegalArgumentException("contrastive loss: rows 2i and 2i + 1 of a batch are a pair, but the batch has "
                    + batch + " rows; give an even batch, each pair on adjacent rows");
        }
        int pairs = batch / 2;
        double total = 0;
        for (int p = 0; p < pairs; p++) {
            long a = (long) (2 * p) * stride;
            long b = a + stride;
            float label = ts.getAtIndex(FLOAT, t + a);
            float other = ts.getAtIndex(FLOAT, t + b);
            if (label != other || (label != 0f && label != 1f)) {
                throw new IllegalArgumentException("contrastive loss: rows " + 2 * p + " and " + (2 * p + 1)
                        + " of the batch are a pair, labelled " + label + " and " + other + ", but a pair has one "
                        + "label, 1 (similar) or 0 (dissimilar), as the first target value of both rows");
            }
            double squared = 0;
            for (int j = 0; j < width; j++) {
                double diff = (double) ys.getAtIndex(FLOAT, y + a + j) - ys.getAtIndex(FLOAT, y + b + j);
                squared += diff * diff;
            }
            double distance = Math.sqrt(squared);
            double gap = Math.max(0, margin - distance);
            // the gradient of the pair's loss w.r.t. (a - b), as a multiple of (a - b)
            double factor;
            if (label == 1f) {
                total += squared;
                factor = 2;
            } else {
                total += gap * gap;
                factor = gap > 0 && distance > 0 ? -2 * gap / distance : 0;
            }
            double scale = weight * factor / pairs;
            for (int j = 0; j < width; j++) {
                double diff = (double) ys.getAtIndex(FLOAT, y + a + j) - ys.getAtIndex(FLOAT, y + b + j);
                float g = (float) (scale * diff);
                ds.setAtIndex(FLOAT, d + a + j, g);
                ds.setAtIndex(FLOAT, d + b + j, -g);
            }
        }
        return (float) (weight * (total / pairs));
    }
}
