package dev.kiln.runtime.ops;

import static dev.kiln.runtime.ops.GradientCheck.assertForward;
import static dev.kiln.runtime.ops.GradientCheck.assertGradient;
import static dev.kiln.runtime.ops.GradientCheck.numericGradient;
import static dev.kiln.runtime.ops.GradientCheck.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.runtime.Rng;
import dev.kiln.runtime.TestArrays;
import java.lang.foreign.MemorySegment;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Losses} against double-precision references written from the textbook formulas, their gradients
 * against finite differences of those references (tolerances in {@link GradientCheck}), hand-computed
 * values, and logits of magnitude 1000.
 */
class LossesTest {

    /** An array as the segment the kernels take. */
    private static MemorySegment seg(float[] values) {
        return MemorySegment.ofArray(values);
    }


    private static final int Z_OFF = 2;
    private static final int T_OFF = 5;

    @FunctionalInterface
    interface Kernel {
        float apply(float[] z, int zOff, float[] t, int tOff, float[] d, int batch, int width);
    }

    @FunctionalInterface
    interface Reference {
        double apply(double[] z, double[] t, int batch, int width);
    }

    /** A loss: its kernel, its double reference, and how to draw targets for it. */
    record Case(String name, Kernel kernel, Reference reference, TargetKind targets) {
        @Override
        public String toString() {
            return name;
        }
    }

    enum TargetKind { REAL, PROBABILITY, ONE_HOT, UNNORMALIZED }

    static Stream<Arguments> cases() {
        Case mse = new Case("mse", (z, zOff, t, tOff, d, batch, width) -> Losses.meanSquaredError(seg(z), zOff, seg(t), tOff, seg(d), 0, batch, width), LossesTest::meanSquaredError, TargetKind.REAL);
        Case bce = new Case("bce", (z, zOff, t, tOff, d, batch, width) -> Losses.binaryCrossEntropyWithLogits(seg(z), zOff, seg(t), tOff, seg(d), 0, batch, width), LossesTest::binaryCrossEntropy,
                TargetKind.PROBABILITY);
        Case ce = new Case("softmax ce", (z, zOff, t, tOff, d, batch, width) -> Losses.softmaxCrossEntropyWithLogits(seg(z), zOff, seg(t), tOff, seg(d), 0, batch, width), LossesTest::softmaxCrossEntropy,
                TargetKind.ONE_HOT);
        Case ceSoft = new Case("softmax ce, unnormalized targets", (z, zOff, t, tOff, d, batch, width) -> Losses.softmaxCrossEntropyWithLogits(seg(z), zOff, seg(t), tOff, seg(d), 0, batch, width),
                LossesTest::softmaxCrossEntropy, TargetKind.UNNORMALIZED);
        int[][] shapes = {{1, 1}, {1, 4}, {3, 1}, {5, 3}, {4, 10}};
        return Stream.of(mse, bce, ce, ceSoft)
                .flatMap(c -> Stream.of(shapes).map(s -> Arguments.of(c, s[0], s[1])));
    }

    @ParameterizedTest(name = "{0}, batch {1}, width {2}")
    @MethodSource("cases")
    void lossMatchesReferenceAndGradientMatchesFiniteDifferences(Case loss, int batch, int width) {
        Rng rng = new Rng(batch * 31L + width);
        int n = batch * width;
        float[] z = TestArrays.uniform(rng, Z_OFF + n, 4);
        float[] t = targets(loss.targets(), rng, batch, width);
        float[] d = TestArrays.filled(n + 1, Float.NaN);

        float value = loss.kernel().apply(z, Z_OFF, t, T_OFF, d, batch, width);

        double[] zs = toDouble(z, Z_OFF, n);
        double[] ts = toDouble(t, T_OFF, n);
        assertForward(loss.name(), new float[] {value}, 0,
                new double[] {loss.reference().apply(zs, ts, batch, width)});
        assertGradient(loss.name(), d, 0, numericGradient(v -> loss.reference().apply(v, ts, batch, width), zs));
        assertEquals(Float.NaN, d[n], "d beyond the batch must stay untouched");
    }

    @Test
    void meanSquaredErrorByHand() {
        float[] d = new float[2];

        float loss = Losses.meanSquaredError(seg(new float[] {1, 2}), 0, seg(new float[] {0, 4}), 0, seg(d), 0, 1, 2);

        assertEquals(2.5f, loss);
        assertArrayEquals(new float[] {1, -2}, d);
    }

    @Test
    void binaryCrossEntropyByHand() {
        float[] d = new float[2];

        float loss = Losses.binaryCrossEntropyWithLogits(seg(new float[] {0, 0}), 0, seg(new float[] {1, 0}), 0, seg(d), 0, 2, 1);

        assertEquals((float) Math.log(2), loss, 1e-7f);
        assertArrayEquals(new float[] {-0.25f, 0.25f}, d);
    }

    @Test
    void softmaxCrossEntropyByHand() {
        float[] d = new float[4];

        float loss = Losses.softmaxCrossEntropyWithLogits(seg(new float[] {0, 0, 0, (float) Math.log(3)}), 0, seg(new float[] {1, 0, 0, 1}), 0, seg(d), 0, 2, 2);

        // row 0: softmax (1/2, 1/2), loss log 2; row 1: softmax (1/4, 3/4), loss log(4/3)
        assertEquals((float) ((Math.log(2) + Math.log(4.0 / 3)) / 2), loss, 1e-7f);
        assertArrayEquals(new float[] {-0.25f, 0.25f, 0.125f, -0.125f}, d, 1e-7f);
    }

    @Test
    void binaryCrossEntropyIsStableForLogitsOf1000() {
        float[] d = new float[4];

        float loss = Losses.binaryCrossEntropyWithLogits(seg(new float[] {1000, 1000, -1000, -1000}), 0, seg(new float[] {1, 0, 1, 0}), 0, seg(d), 0, 4, 1);

        // per value: 0, 1000, 1000, 0
        assertEquals(500f, loss);
        assertArrayEquals(new float[] {0, 0.25f, -0.25f, 0}, d);
    }

    @Test
    void softmaxCrossEntropyIsStableForLogitsOf1000() {
        float[] d = new float[6];

        float loss = Losses.softmaxCrossEntropyWithLogits(seg(new float[] {1000, 0, -1000, 1000, 1000, -1000}), 0, seg(new float[] {0, 1, 0, 1, 0, 0}), 0, seg(d), 0, 2, 3);

        // row 0: log-sum-exp 1000, loss 1000; row 1: log-sum-exp 1000 + log 2, loss log 2
        assertEquals((float) ((1000 + Math.log(2)) / 2), loss);
        assertArrayEquals(new float[] {0.5f, -0.5f, 0, -0.25f, 0.25f, 0}, d, 1e-7f);
    }

    private static float[] targets(TargetKind kind, Rng rng, int batch, int width) {
        float[] t = TestArrays.uniform(rng, T_OFF + batch * width, 2);
        for (int r = 0; r < batch; r++) {
            int row = T_OFF + r * width;
            int hot = rng.nextInt(width);
            for (int j = 0; j < width; j++) {
                switch (kind) {
                    case REAL -> { }
                    case PROBABILITY -> t[row + j] = rng.nextFloat();
                    case ONE_HOT -> t[row + j] = j == hot ? 1 : 0;
                    case UNNORMALIZED -> t[row + j] = 2 * rng.nextFloat();
                }
            }
        }
        return t;
    }

    /** mean((y - t)^2). */
    private static double meanSquaredError(double[] y, double[] t, int batch, int width) {
        double sum = 0;
        for (int j = 0; j < y.length; j++) {
            sum += (y[j] - t[j]) * (y[j] - t[j]);
        }
        return sum / y.length;
    }

    /** mean(-t log p - (1 - t) log(1 - p)) with p = sigmoid(z). */
    private static double binaryCrossEntropy(double[] z, double[] t, int batch, int width) {
        double sum = 0;
        for (int j = 0; j < z.length; j++) {
            double p = 1 / (1 + Math.exp(-z[j]));
            sum += -t[j] * Math.log(p) - (1 - t[j]) * Math.log(1 - p);
        }
        return sum / z.length;
    }

    /** The mean over rows of -sum_j t_j log softmax(z)_j. */
    private static double softmaxCrossEntropy(double[] z, double[] t, int batch, int width) {
        double[] p = ActivationsTest.softmax(z, batch, width);
        double sum = 0;
        for (int j = 0; j < z.length; j++) {
            sum -= t[j] * Math.log(p[j]);
        }
        return sum / batch;
    }
}
