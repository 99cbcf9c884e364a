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
import java.util.function.DoubleUnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Activations} against double-precision references written from the formulas, and each backward
 * against finite differences of {@code L = sum(r * f(x))} (tolerances in {@link GradientCheck}). Random
 * inputs keep {@code |x| >= 1e-3}, away from the kinks at 0.
 */
class ActivationsTest {

    /** An array as the segment the kernels take. */
    private static MemorySegment seg(float[] values) {
        return MemorySegment.ofArray(values);
    }


    private static final int X_OFF = 3;
    private static final float LEAK = 0.1f;
    private static final float ELU_ALPHA = 0.7f;

    @FunctionalInterface
    interface Forward {
        void apply(float[] x, int xOff, float[] y, int n);
    }

    @FunctionalInterface
    interface Backward {
        void apply(float[] x, int xOff, float[] y, float[] dy, float[] dx, int n);
    }

    /** An element-wise activation: its two kernels and its double reference. */
    record Elementwise(String name, Forward forward, Backward backward, DoubleUnaryOperator reference) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Elementwise> functions() {
        return Stream.of(
                new Elementwise("identity", (x, xOff, y, n) -> Activations.identityForward(seg(x), xOff, seg(y), 0, n), (x, xOff, y, dy, dx, n) -> Activations.identityBackward(seg(x), xOff, seg(y), 0, seg(dy), 0, seg(dx), 0, n), v -> v),
                new Elementwise("sigmoid", (x, xOff, y, n) -> Activations.sigmoidForward(seg(x), xOff, seg(y), 0, n), (x, xOff, y, dy, dx, n) -> Activations.sigmoidBackward(seg(x), xOff, seg(y), 0, seg(dy), 0, seg(dx), 0, n),
                        v -> 1 / (1 + Math.exp(-v))),
                new Elementwise("tanh", (x, xOff, y, n) -> Activations.tanhForward(seg(x), xOff, seg(y), 0, n), (x, xOff, y, dy, dx, n) -> Activations.tanhBackward(seg(x), xOff, seg(y), 0, seg(dy), 0, seg(dx), 0, n), Math::tanh),
                new Elementwise("relu", (x, xOff, y, n) -> Activations.reluForward(seg(x), xOff, seg(y), 0, n), (x, xOff, y, dy, dx, n) -> Activations.reluBackward(seg(x), xOff, seg(y), 0, seg(dy), 0, seg(dx), 0, n), v -> Math.max(0, v)),
                new Elementwise("leakyRelu(0.1)",
                        (x, xOff, y, n) -> Activations.leakyReluForward(seg(x), xOff, seg(y), 0, n, LEAK),
                        (x, xOff, y, dy, dx, n) -> Activations.leakyReluBackward(seg(x), xOff, seg(y), 0, seg(dy), 0, seg(dx), 0, n, LEAK),
                        v -> v > 0 ? v : LEAK * v),
                new Elementwise("elu(0.7)",
                        (x, xOff, y, n) -> Activations.eluForward(seg(x), xOff, seg(y), 0, n, ELU_ALPHA),
                        (x, xOff, y, dy, dx, n) -> Activations.eluBackward(seg(x), xOff, seg(y), 0, seg(dy), 0, seg(dx), 0, n, ELU_ALPHA),
                        v -> v > 0 ? v : ELU_ALPHA * Math.expm1(v)),
                new Elementwise("elu(1)",
                        (x, xOff, y, n) -> Activations.eluForward(seg(x), xOff, seg(y), 0, n, 1f),
                        (x, xOff, y, dy, dx, n) -> Activations.eluBackward(seg(x), xOff, seg(y), 0, seg(dy), 0, seg(dx), 0, n, 1f),
                        v -> v > 0 ? v : Math.expm1(v)));
    }

    static Stream<Arguments> functionsAndSizes() {
        return functions().flatMap(f -> IntStream.of(1, 2, 7, 33).mapToObj(n -> Arguments.of(f, n)));
    }

    @ParameterizedTest(name = "{0}, n = {1}")
    @MethodSource("functionsAndSizes")
    void forwardMatchesReference(Elementwise f, int n) {
        float[] x = TestArrays.awayFromZero(new Rng(n), X_OFF + n, 1e-3, 4);
        float[] y = TestArrays.filled(n + 1, Float.NaN);

        f.forward().apply(x, X_OFF, y, n);

        assertForward(f.name(), y, 0, reference(f, toDouble(x, X_OFF, n)));
        assertEquals(Float.NaN, y[n], "y beyond n must stay untouched");
    }

    @ParameterizedTest(name = "{0}, n = {1}")
    @MethodSource("functionsAndSizes")
    void backwardMatchesFiniteDifferences(Elementwise f, int n) {
        Rng rng = new Rng(100 + n);
        float[] x = TestArrays.awayFromZero(rng, X_OFF + n, 1e-3, 4);
        float[] r = TestArrays.uniform(rng, n, 1);
        float[] y = new float[n];
        f.forward().apply(x, X_OFF, y, n);
        float[] dx = TestArrays.filled(n, Float.NaN);

        f.backward().apply(x, X_OFF, y, r, dx, n);

        assertGradient(f.name(), dx, 0, numericGradient(v -> weightedSum(r, reference(f, v)), toDouble(x, X_OFF, n)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void backwardMayWriteOverTheIncomingGradient(Elementwise f) {
        Rng rng = new Rng(5);
        int n = 9;
        float[] x = TestArrays.awayFromZero(rng, n, 1e-3, 3);
        float[] y = new float[n];
        f.forward().apply(x, 0, y, n);
        float[] dy = TestArrays.uniform(rng, n, 1);
        float[] dx = new float[n];
        f.backward().apply(x, 0, y, dy, dx, n);

        f.backward().apply(x, 0, y, dy, dy, n);

        assertArrayEquals(dx, dy);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void largeInputsGiveFiniteValuesAndGradients(Elementwise f) {
        float[] x = {1000f, -1000f, 90f, -90f};
        float[] y = new float[4];
        float[] dx = new float[4];
        f.forward().apply(x, 0, y, 4);
        f.backward().apply(x, 0, y, new float[] {1, 1, 1, 1}, dx, 4);

        assertForward(f.name(), y, 0, reference(f, toDouble(x, 0, 4)));
        for (int j = 0; j < 4; j++) {
            assertTrue(Float.isFinite(dx[j]), f.name() + "'(" + x[j] + ") = " + dx[j]);
        }
    }

    @Test
    void rectifierDerivativesAtZero() {
        float[] zero = {0f};
        float[] dy = {2f};
        float[] dx = new float[1];

        Activations.reluBackward(seg(zero), 0, seg(new float[1]), 0, seg(dy), 0, seg(dx), 0, 1);
        assertEquals(0f, dx[0], "ReLU'(0)");
        Activations.leakyReluBackward(seg(zero), 0, seg(new float[1]), 0, seg(dy), 0, seg(dx), 0, 1, LEAK);
        assertEquals(LEAK * 2f, dx[0], "leaky ReLU'(0)");
        Activations.eluBackward(seg(zero), 0, seg(new float[1]), 0, seg(dy), 0, seg(dx), 0, 1, ELU_ALPHA);
        assertEquals(ELU_ALPHA * 2f, dx[0], 1e-7f, "ELU'(0) = alpha");
    }

    @ParameterizedTest(name = "batch {0}, width {1}")
    @CsvSource({"1, 1", "3, 1", "1, 5", "4, 7", "2, 16"})
    void softmaxForwardMatchesReference(int batch, int width) {
        float[] x = TestArrays.uniform(new Rng(batch + 10L * width), X_OFF + batch * width, 5);
        float[] y = TestArrays.filled(batch * width + 1, Float.NaN);

        Activations.softmaxForward(seg(x), X_OFF, seg(y), 0, batch, width);

        assertForward("softmax", y, 0, softmax(toDouble(x, X_OFF, batch * width), batch, width));
        assertEquals(Float.NaN, y[batch * width], "y beyond the batch must stay untouched");
    }

    @ParameterizedTest(name = "batch {0}, width {1}")
    @CsvSource({"1, 1", "3, 1", "1, 5", "4, 7", "2, 16"})
    void softmaxBackwardMatchesFiniteDifferences(int batch, int width) {
        Rng rng = new Rng(batch + 100L * width);
        float[] x = TestArrays.uniform(rng, X_OFF + batch * width, 3);
        float[] r = TestArrays.uniform(rng, batch * width, 1);
        float[] y = new float[batch * width];
        Activations.softmaxForward(seg(x), X_OFF, seg(y), 0, batch, width);
        float[] dx = TestArrays.filled(batch * width, Float.NaN);

        Activations.softmaxBackward(seg(x), X_OFF, seg(y), 0, seg(r), 0, seg(dx), 0, batch, width);

        assertGradient("softmax", dx, 0, numericGradient(v -> weightedSum(r, softmax(v, batch, width)),
                toDouble(x, X_OFF, batch * width)));
    }

    @Test
    void softmaxOfLargeLogitsDoesNotOverflow() {
        float[] x = {1000f, 999f, -1000f, 1000f, 1000f, 1000f};
        float[] y = new float[6];

        Activations.softmaxForward(seg(x), 0, seg(y), 0, 2, 3);

        double e = Math.exp(-1);
        assertForward("softmax", y, 0, new double[] {1 / (1 + e), e / (1 + e), 0, 1 / 3.0, 1 / 3.0, 1 / 3.0});
    }

    /** PReLU in double: x where positive, else a[j] x, over rows of {@code width}. */
    private static double[] prelu(double[] x, double[] a, int width) {
        double[] y = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            y[k] = x[k] > 0 ? x[k] : a[k % width] * x[k];
        }
        return y;
    }

    @ParameterizedTest(name = "batch {0}, width {1}")
    @CsvSource({"1, 1", "3, 1", "1, 5", "4, 7"})
    void preluForwardAndBothGradientsMatchTheReference(int batch, int width) {
        Rng rng = new Rng(batch * 7L + width);
        int n = batch * width;
        float[] x = TestArrays.awayFromZero(rng, X_OFF + n, 1e-3, 3);
        float[] a = TestArrays.uniform(rng, 2 + width, 1);
        float[] y = TestArrays.filled(n + 1, Float.NaN);
        Activations.preluForward(seg(x), X_OFF, seg(a), 2, seg(y), 0, batch, width);
        double[] xd = toDouble(x, X_OFF, n);
        double[] ad = toDouble(a, 2, width);
        assertForward("prelu", y, 0, prelu(xd, ad, width));
        assertEquals(Float.NaN, y[n], "y beyond the batch must stay untouched");

        float[] r = TestArrays.uniform(rng, n, 1);
        float[] dx = TestArrays.filled(n, Float.NaN);
        float[] ga = TestArrays.filled(1 + width, 0.5f);
        Activations.preluBackward(seg(x), X_OFF, seg(a), 2, seg(r), 0, seg(dx), 0, seg(ga), 1, batch, width);

        assertGradient("prelu dx", dx, 0, numericGradient(v -> weightedSum(r, prelu(v, ad, width)), xd));
        double[] slopes = numericGradient(v -> weightedSum(r, prelu(xd, v, width)), ad);
        for (int j = 0; j < width; j++) {
            slopes[j] += 0.5; // the kernel adds to the gradient already there
        }
        assertGradient("prelu da", ga, 1, slopes);
        assertEquals(0.5f, ga[0], "the gradient before the slopes must stay untouched");
    }

    @Test
    void preluWithoutAnInputGradientStillLearnsItsSlopes() {
        float[] x = {-2, 3, -1, 4};
        float[] a = {0.25f, 0.25f};
        float[] dy = {1, 1, 2, 2};
        float[] ga = new float[2];

        Activations.preluBackward(seg(x), 0, seg(a), 0, seg(dy), 0, null, 0, seg(ga), 0, 2, 2);

        // slope 0: -2 * 1 + -1 * 2; slope 1: no negative inputs
        assertArrayEquals(new float[] {-4, 0}, ga);
        Activations.preluBackward(seg(x), 0, seg(a), 0, seg(dy), 0, seg(dy), 0, seg(ga), 0, 2, 2);
        assertArrayEquals(new float[] {0.25f, 1, 0.5f, 2}, dy, "dx written over dy");
        assertArrayEquals(new float[] {-8, 0}, ga, "the slopes' gradient accumulates");
    }

    /** Maxout in double: the largest of each group of k. */
    private static double[] maxout(double[] x, int k) {
        double[] y = new double[x.length / k];
        for (int o = 0; o < y.length; o++) {
            y[o] = Double.NEGATIVE_INFINITY;
            for (int p = 0; p < k; p++) {
                y[o] = Math.max(y[o], x[o * k + p]);
            }
        }
        return y;
    }

    @ParameterizedTest(name = "{0} outputs of {1} pieces")
    @CsvSource({"1, 2", "3, 2", "4, 3", "6, 5"})
    void maxoutForwardAndBackwardMatchTheReference(int n, int k) {
        Rng rng = new Rng(n * 13L + k);
        float[] x = TestArrays.uniform(rng, X_OFF + n * k, 3);
        float[] y = TestArrays.filled(n + 1, Float.NaN);
        Activations.maxoutForward(seg(x), X_OFF, seg(y), 0, n, k);
        double[] xd = toDouble(x, X_OFF, n * k);
        assertForward("maxout", y, 0, maxout(xd, k));
        assertEquals(Float.NaN, y[n], "y beyond n must stay untouched");

        float[] r = TestArrays.uniform(rng, n, 1);
        float[] dx = TestArrays.filled(n * k + 1, Float.NaN);
        Activations.maxoutBackward(seg(x), X_OFF, seg(r), 0, seg(dx), 0, n, k);
        assertGradient("maxout", dx, 0, numericGradient(v -> weightedSum(r, maxout(v, k)), xd));
        assertEquals(Float.NaN, dx[n * k], "dx beyond the groups must stay untouched");
    }

    @Test
    void maxoutGroupsConsecutiveFeaturesAndSendsTiesToTheFirst() {
        // two rows of four inputs, k = 2: groups (1, 5), (2, 2) | (-1, -3), (0, 7)
        float[] x = {1, 5, 2, 2, -1, -3, 0, 7};
        float[] y = new float[4];
        Activations.maxoutForward(seg(x), 0, seg(y), 0, 4, 2);
        assertArrayEquals(new float[] {5, 2, -1, 7}, y);

        float[] dx = TestArrays.filled(8, Float.NaN);
        Activations.maxoutBackward(seg(x), 0, seg(new float[] {1, 2, 3, 4}), 0, seg(dx), 0, 4, 2);
        assertArrayEquals(new float[] {0, 1, 2, 0, 3, 0, 0, 4}, dx);
    }

    private static double[] reference(Elementwise f, double[] x) {
        double[] y = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            y[j] = f.reference().applyAsDouble(x[j]);
        }
        return y;
    }

    /** Row-wise softmax in double, straight from the definition with the row maximum subtracted. */
    static double[] softmax(double[] x, int batch, int width) {
        double[] y = new double[x.length];
        for (int r = 0; r < batch; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < width; j++) {
                max = Math.max(max, x[r * width + j]);
            }
            double sum = 0;
            for (int j = 0; j < width; j++) {
                sum += Math.exp(x[r * width + j] - max);
            }
            for (int j = 0; j < width; j++) {
                y[r * width + j] = Math.exp(x[r * width + j] - max) / sum;
            }
        }
        return y;
    }
}
