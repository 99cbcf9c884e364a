package dev.kiln.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.spec.Loss;
import java.util.Random;
import java.util.function.ToDoubleFunction;

/**
 * What the tests of whole networks share, here and in the processor's tests (through this module's test
 * jar): targets that suit a loss, central differences, and the gradient tolerance.
 */
public final class NetworkChecks {

    private NetworkChecks() {
    }

    /** Targets that suit the loss: one-hot rows, 0/1 labels, or real values. */
    public static float[] targets(Random random, Loss loss, int batch, int width) {
        float[] t = new float[batch * width];
        for (int b = 0; b < batch; b++) {
            int label = random.nextInt(width);
            for (int j = 0; j < width; j++) {
                t[b * width + j] = switch (loss) {
                    case SOFTMAX_CROSS_ENTROPY -> j == label ? 1 : 0;
                    case BINARY_CROSS_ENTROPY -> random.nextBoolean() ? 1 : 0;
                    default -> (float) random.nextGaussian();
                };
            }
        }
        return t;
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
