package dev.kiln.runtime.ops;

import static dev.kiln.runtime.ops.GradientCheck.assertForward;
import static dev.kiln.runtime.ops.GradientCheck.assertGradient;
import static dev.kiln.runtime.ops.GradientCheck.numericGradient;
import static dev.kiln.runtime.ops.GradientCheck.toDouble;
import static dev.kiln.runtime.ops.GradientCheck.weightedSum;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Rng;
import dev.kiln.runtime.TestArrays;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Dropout's kernels: the masks keep the stated fraction of values and scale them so that the expectation
 * is unchanged (counted over many draws, within five standard deviations of a binomial count), follow the
 * documented draws exactly, leave the rows they are not asked for alone; forward and backward multiply by
 * the mask, backward against central differences of a double-precision forward with the same mask.
 */
class DropoutOpsTest {

    private static final int ROWS = 1_000;
    private static final int WIDTH = 200;

    private static MemorySegment seg(float[] values) {
        return MemorySegment.ofArray(values);
    }

    @ParameterizedTest(name = "rate {0}")
    @ValueSource(doubles = {0.1, 0.5, 0.8})
    void theMaskKeepsOneMinusTheRateAndScalesTheKeptValues(double p) {
        float rate = (float) p;
        float[] mask = new float[ROWS * WIDTH];
        DropoutOps.drawMask(new Rng(1), seg(mask), 0, 0, ROWS, WIDTH, rate);
        float scale = DropoutOps.scale(rate);
        long kept = 0;
        double sum = 0;
        for (float m : mask) {
            assertTrue(m == 0f || m == scale, "a mask value is 0 or the scale, not " + m);
            kept += m == scale ? 1 : 0;
            sum += m;
        }
        // the count of kept values is binomial: n (1 - p) on average, with variance n p (1 - p)
        int n = mask.length;
        double deviation = Math.sqrt(n * p * (1 - p));
        assertTrue(Math.abs(kept - n * (1 - p)) <= 5 * deviation,
                "kept " + kept + " of " + n + ", expected " + n * (1 - p) + " +- " + 5 * deviation);
        // so the mask's mean, the factor a value is multiplied by on average, is 1 within the same bound
        assertTrue(Math.abs(sum / n - 1) <= 5 * deviation * scale / n, "mean of the mask " + sum / n);
    }

    @Test
    void theScaleIsOneOverOneMinusTheRate() {
        assertEquals(2f, DropoutOps.scale(0.5f));
        assertEquals(1.25f, DropoutOps.scale(0.2f));
        assertEquals(1f, DropoutOps.scale(0f));
        assertEquals(1 / (1 - 0.3), DropoutOps.scale(0.3f), 1e-6);
    }

    @Test
    void theDrawsAreTheDocumentedOnes() {
        float rate = 0.3f;
        float[] mask = TestArrays.filled(5 * 7, Float.NaN);
        Rng rng = new Rng(99);
        DropoutOps.drawMask(rng, seg(mask), 0, 2, 4, 7, rate);
        Rng replay = new Rng(99);
        for (int k = 0; k < mask.length; k++) {
            if (k < 2 * 7 || k >= 4 * 7) {
                assertTrue(Float.isNaN(mask[k]), "row " + k / 7 + " is not drawn");
            } else {
                assertEquals(replay.nextFloat() >= rate ? DropoutOps.scale(rate) : 0f, mask[k], "value " + k);
            }
        }
        assertEquals(replay.nextLong(), rng.nextLong(), "one draw per value, and no more");
        DropoutOps.drawMask(rng, seg(mask), 0, 4, 4, 7, rate);
        assertEquals(replay.nextLong(), rng.nextLong(), "nothing drawn for an empty range of rows");
    }

    @Test
    void rateZeroKeepsEverythingAsItIs() {
        Rng rng = new Rng(4);
        float[] x = TestArrays.uniform(rng, 3 * 50, 5);
        float[] mask = new float[x.length];
        DropoutOps.drawMask(rng, seg(mask), 0, 0, 3, 50, 0f);
        float[] y = new float[x.length];
        DropoutOps.forward(seg(x), 0, seg(mask), 0, seg(y), 0, x.length);
        assertArrayEquals(x, y);
    }

    @Test
    void forwardAndBackwardMultiplyByTheMask() {
        Rng rng = new Rng(8);
        int n = 40;
        float[] mask = new float[n + 2];
        DropoutOps.drawMask(rng, seg(mask), 2, 0, 4, 10, 0.5f);
        float[] x = TestArrays.uniform(rng, n + 3, 2);
        float[] y = TestArrays.filled(n + 1, Float.NaN);
        DropoutOps.forward(seg(x), 3, seg(mask), 2, seg(y), 0, n);
        double[] xd = toDouble(x, 3, n);
        assertForward("dropout", y, 0, masked(xd, mask));
        assertTrue(Float.isNaN(y[n]), "y beyond n must stay untouched");

        float[] r = TestArrays.uniform(rng, n, 1);
        float[] dx = TestArrays.filled(n + 1, Float.NaN);
        DropoutOps.backward(seg(r), 0, seg(mask), 2, seg(dx), 0, n);
        assertGradient("dropout", dx, 0, numericGradient(v -> weightedSum(r, masked(v, mask)), xd));
        assertTrue(Float.isNaN(dx[n]), "dx beyond n must stay untouched");
    }

    /** {@code x * mask} in double, the mask from element 2 of {@code mask}. */
    private static double[] masked(double[] x, float[] mask) {
        double[] y = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            y[j] = x[j] * mask[2 + j];
        }
        return y;
    }
}
