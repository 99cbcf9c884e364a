package dev.kiln.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.spec.HeadSpec;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import java.util.Random;
import java.util.function.ToDoubleFunction;

/**
 * What the tests of whole networks share, here and in the processor's tests (through this module's test
 * jar): targets that suit a loss, central differences, and the gradient tolerance.
 */
public final class NetworkChecks {

    private NetworkChecks() {
    }

    /**
     * Targets that suit the loss: one-hot rows (softmax cross-entropy, multiclass hinge), 0/1 labels
     * (binary cross-entropy), -1/+1 labels (hinge), a 0/1 label per pair of rows on the first value of
     * both (contrastive; the other values are noise, which the loss ignores), or real values.
     */
    public static float[] targets(Random random, Loss loss, int batch, int width) {
        float[] t = new float[batch * width];
        for (int b = 0; b < batch; b++) {
            int label = random.nextInt(width);
            for (int j = 0; j < width; j++) {
                t[b * width + j] = switch (loss) {
                    case SOFTMAX_CROSS_ENTROPY, MULTICLASS_HINGE -> j == label ? 1 : 0;
                    case BINARY_CROSS_ENTROPY -> random.nextBoolean() ? 1 : 0;
                    case HINGE -> random.nextBoolean() ? 1 : -1;
                    default -> (float) random.nextGaussian();
                };
            }
        }
        if (loss == Loss.CONTRASTIVE) {
            for (int b = 0; b + 1 < batch; b += 2) {
                float similar = random.nextBoolean() ? 1 : 0;
                t[b * width] = similar;
                t[(b + 1) * width] = similar;
            }
        }
        return t;
    }

    /** Targets that suit the network's loss, or for a multi-task network each head's loss on its slice. */
    public static float[] targets(Random random, NetworkSpec spec, int batch) {
        int width = spec.outputSize();
        if (spec.loss() != Loss.MULTI_TASK) {
            return targets(random, spec.loss(), batch, width);
        }
        float[] t = new float[batch * width];
        for (int h = 0; h < spec.heads().size(); h++) {
            HeadSpec head = spec.heads().get(h);
            float[] slice = targets(random, head.loss(), batch, head.units());
            for (int b = 0; b < batch; b++) {
                System.arraycopy(slice, b * head.units(), t, b * width + spec.headStart(h), head.units());
            }
        }
        return t;
    }

    /** {@code batch}, or for a network whose loss pairs rows (contrastive) the even batch next to it, within {@code [2, maxBatch]}. */
    public static int batchFor(NetworkSpec spec, int batch) {
        if (!spec.pairsRows() || batch % 2 == 0) {
            return batch;
        }
        return batch + 1 <= spec.maxBatch() ? batch + 1 : batch - 1;
    }

    /**
     * The central difference (step 1e-6, in double) of {@code f} at {@code values} in coordinate
     * {@code k}; the value is restored.
     */
    public static double centralDifference(ToDoubleFunction<double[]> f, double[] values, int k) {
        double eps = 1e-6;
        double saved = values[k];
        values[k] = saved + eps;
        double plus = f.applyAsDouble(values);
        values[k] = saved - eps;
        double minus = f.applyAsDouble(values);
        values[k] = saved;
        return (plus - minus) / (2 * eps);
    }

    /** An analytic (float) gradient matches a numerical one when {@code |g - n| <= 1e-4 + 1e-3 |n|}. */
    public static void assertGradient(double numeric, float analytic, String what) {
        assertTrue(Math.abs(analytic - numeric) <= 1e-4 + 1e-3 * Math.abs(numeric),
                what + ": analytic " + analytic + ", numeric " + numeric);
    }
}
