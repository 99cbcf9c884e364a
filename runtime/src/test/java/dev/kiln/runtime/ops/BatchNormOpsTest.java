package dev.kiln.runtime.ops;

import static dev.kiln.runtime.ops.GradientCheck.assertForward;
import static dev.kiln.runtime.ops.GradientCheck.assertGradient;
import static dev.kiln.runtime.ops.GradientCheck.numericGradient;
import static dev.kiln.runtime.ops.GradientCheck.toDouble;
import static dev.kiln.runtime.ops.GradientCheck.weightedSum;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Allocations;
import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.TestArrays;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link BatchNormOps} against a double-precision reference written from PyTorch's definition: the
 * normalization with the biased batch variance, the running statistics with the unbiased one and momentum
 * as the new value's weight, followed over several steps and worked out by hand for one batch. The backward
 * passes against central finite differences of the reference forward (through the batch statistics in
 * training mode, with them fixed in inference mode), and training's input gradient also against the
 * textbook chain rule through mean and variance. Shapes with one position per channel (after a dense
 * layer) and several (after a convolution); every array at an offset of a larger one whose other floats
 * must stay untouched.
 */
class BatchNormOpsTest {

    private static final float MOMENTUM = 0.25f;
    private static final float EPSILON = 1e-3f;

    private static MemorySegment seg(float[] values) {
        return MemorySegment.ofArray(values);
    }

    /**
     * A layer's arrays, each NaN outside what the layer owns: the input at X, gamma and beta in p, the
     * running statistics in state, the saved statistics in work, the parameter gradients in g, each pair with
     * a gap between its two tensors.
     */
    record Layer(int batch, int channels, int spatial, float[] x, float[] p, float[] state, float[] work,
                 float[] g) {
        static final int X = 3;
        static final int GAMMA = 1;
        static final int MEAN = 2;
        static final int SAVED = 3;
        static final int GGAMMA = 4;
        static final int Y = 2;
        static final int DY = 1;
        static final int DX = 5;

        static Layer random(int batch, int channels, int spatial, Rng rng) {
            int n = batch * channels * spatial;
            float[] x = TestArrays.filled(X + n + 1, Float.NaN);
            for (int s = 0; s < batch; s++) {
                for (int c = 0; c < channels; c++) {
                    for (int i = 0; i < spatial; i++) {
                        // each channel its own location and spread
                        x[X + (s * channels + c) * spatial + i] = (float) (1.5 * c - 2
                                + (0.5 + 0.3 * c) * (2 * rng.nextDouble() - 1));
                    }
                }
            }
            Layer layer = new Layer(batch, channels, spatial, x, TestArrays.filled(GAMMA + 2 * channels + 2, Float.NaN),
                    TestArrays.filled(MEAN + 2 * channels + 3, Float.NaN),
                    TestArrays.filled(SAVED + 2 * channels + 1, Float.NaN),
                    TestArrays.filled(GGAMMA + 2 * channels + 4, Float.NaN));
            for (int c = 0; c < channels; c++) {
                layer.p[GAMMA + c] = (float) (0.5 + rng.nextDouble()) * (c % 2 == 0 ? 1 : -1);
                layer.p[layer.beta() + c] = (float) (2 * rng.nextDouble() - 1);
                layer.state[MEAN + c] = (float) (2 * rng.nextDouble() - 1);
                layer.state[layer.var() + c] = (float) (0.5 + rng.nextDouble());
                layer.g[GGAMMA + c] = (float) (2 * rng.nextDouble() - 1);
                layer.g[layer.gbeta() + c] = (float) (2 * rng.nextDouble() - 1);
            }
            return layer;
        }

        int n() {
            return batch * channels * spatial;
        }

        int beta() {
            return GAMMA + channels + 1;
        }

        int var() {
            return MEAN + channels + 2;
        }

        int gbeta() {
            return GGAMMA + channels + 3;
        }

        int at(int s, int c, int i) {
            return (s * channels + c) * spatial + i;
        }

        double[] xs() {
            return toDouble(x, X, n());
        }

        double[] gamma() {
            return toDouble(p, GAMMA, channels);
        }

        double[] betaValues() {
            return toDouble(p, beta(), channels);
        }

        void forwardTraining(float[] y) {
            BatchNormOps.forwardTraining(seg(x), X, seg(p), GAMMA, beta(), seg(y), Y, seg(state), MEAN, var(),
                    seg(work), SAVED, batch, channels, spatial, MOMENTUM, EPSILON);
        }

        void backwardTraining(float[] dy, int dyOff, float[] dx, int dxOff) {
            BatchNormOps.backwardTraining(seg(x), X, seg(p), GAMMA, seg(dy), dyOff, seg(g), GGAMMA, gbeta(),
                    dx == null ? null : seg(dx), dxOff, seg(work), SAVED, batch, channels, spatial);
        }

        void forwardInference(float[] y) {
            BatchNormOps.forwardInference(seg(x), X, seg(p), GAMMA, beta(), seg(y), Y, seg(state), MEAN, var(),
                    batch, channels, spatial, EPSILON);
        }

        void backwardInference(float[] dy, int dyOff, float[] dx, int dxOff) {
            BatchNormOps.backwardInference(seg(x), X, seg(p), GAMMA, beta(), seg(dy), dyOff, seg(g), GGAMMA,
                    gbeta(), dx == null ? null : seg(dx), dxOff, seg(state), MEAN, var(), batch, channels, spatial,
                    EPSILON);
        }

        // ---- the reference, in double ----

        double[] mean(double[] xs) {
            double[] mean = new double[channels];
            for (int c = 0; c < channels; c++) {
                for (int s = 0; s < batch; s++) {
                    for (int i = 0; i < spatial; i++) {
                        mean[c] += xs[at(s, c, i)];
                    }
                }
                mean[c] /= batch * spatial;
            }
            return mean;
        }

        /** Sum of squared deviations from the mean, per channel. */
        double[] squares(double[] xs) {
            double[] mean = mean(xs);
            double[] squares = new double[channels];
            for (int c = 0; c < channels; c++) {
                for (int s = 0; s < batch; s++) {
                    for (int i = 0; i < spatial; i++) {
                        squares[c] += (xs[at(s, c, i)] - mean[c]) * (xs[at(s, c, i)] - mean[c]);
                    }
                }
            }
            return squares;
        }

        double[] normalized(double[] xs, double[] gamma, double[] beta, double[] mean, double[] variance) {
            double[] y = new double[n()];
            for (int s = 0; s < batch; s++) {
                for (int c = 0; c < channels; c++) {
                    for (int i = 0; i < spatial; i++) {
                        y[at(s, c, i)] = (xs[at(s, c, i)] - mean[c]) / Math.sqrt(variance[c] + EPSILON) * gamma[c]
                                + beta[c];
                    }
                }
            }
            return y;
        }

        double[] trainingReference(double[] xs, double[] gamma, double[] beta) {
            double[] biased = squares(xs);
            for (int c = 0; c < channels; c++) {
                biased[c] /= batch * spatial;
            }
            return normalized(xs, gamma, beta, mean(xs), biased);
        }

        double[] inferenceReference(double[] xs, double[] gamma, double[] beta) {
            return normalized(xs, gamma, beta, toDouble(state, MEAN, channels), toDouble(state, var(), channels));
        }

        /**
         * Training's input gradient by the chain rule through the variance and the mean, as the original
         * paper writes it: {@code dvar = sum dy gamma (x - mean) (-1/2) (var + eps)^(-3/2)}, {@code dmean =
         * sum -dy gamma / sqrt(var + eps) + dvar sum -2 (x - mean) / n}, {@code dx = dy gamma / sqrt(var +
         * eps) + dvar 2 (x - mean) / n + dmean / n}.
         */
        double[] chainRuleInputGradient(double[] xs, double[] gamma, float[] dy) {
            double[] mean = mean(xs);
            double[] squares = squares(xs);
            int count = batch * spatial;
            double[] dx = new double[n()];
            for (int c = 0; c < channels; c++) {
                double var = squares[c] / count;
                double dvar = 0;
                double dmean = 0;
                double centered = 0;
                for (int s = 0; s < batch; s++) {
                    for (int i = 0; i < spatial; i++) {
                        int j = at(s, c, i);
                        dvar += dy[j] * gamma[c] * (xs[j] - mean[c]) * -0.5 * Math.pow(var + EPSILON, -1.5);
                        dmean += -dy[j] * gamma[c] / Math.sqrt(var + EPSILON);
                        centered += -2 * (xs[j] - mean[c]) / count;
                    }
                }
                dmean += dvar * centered;
                for (int s = 0; s < batch; s++) {
                    for (int i = 0; i < spatial; i++) {
                        int j = at(s, c, i);
                        dx[j] = dy[j] * gamma[c] / Math.sqrt(var + EPSILON) + dvar * 2 * (xs[j] - mean[c]) / count
                                + dmean / count;
                    }
                }
            }
            return dx;
        }
    }

    static Stream<int[]> shapes() {
        return Stream.of(new int[] {2, 1, 1}, new int[] {2, 3, 1}, new int[] {5, 4, 1}, new int[] {1, 3, 5},
                new int[] {3, 2, 7}, new int[] {4, 5, 3}, new int[] {7, 1, 4});
    }

    /** Fails unless the floats of {@code a} outside the given ranges {@code (offset, count)...} are NaN. */
    static void assertOnlyWritten(String what, float[] a, int... ranges) {
        for (int j = 0; j < a.length; j++) {
            boolean inside = false;
            for (int r = 0; r < ranges.length; r += 2) {
                inside |= j >= ranges[r] && j < ranges[r] + ranges[r + 1];
            }
            if (!inside) {
                assertTrue(Float.isNaN(a[j]), what + "[" + j + "] lies outside the layer's floats but was written");
            }
        }
    }

    /** {@code after - before}, element by element. */
    static float[] difference(float[] after, float[] before) {
        float[] difference = new float[after.length];
        for (int j = 0; j < after.length; j++) {
            difference[j] = after[j] - before[j];
        }
        return difference;
    }

    static float[] gradientOfOutput(Layer layer, Rng rng, int offset) {
        float[] dy = TestArrays.filled(offset + layer.n() + 1, Float.NaN);
        System.arraycopy(TestArrays.uniform(rng, layer.n(), 1.0), 0, dy, offset, layer.n());
        return dy;
    }

    // ---- training mode ----------------------------------------------------------------------------------

    @ParameterizedTest(name = "batch {0}")
    @MethodSource("shapes")
    void forwardTrainingNormalizesWithTheBatchStatisticsAndUpdatesTheRunningOnes(int[] shape) {
        Layer layer = Layer.random(shape[0], shape[1], shape[2], new Rng(Arrays.hashCode(shape)));
        int channels = layer.channels();
        double[] xs = layer.xs();
        double[] runningMean = toDouble(layer.state(), Layer.MEAN, channels);
        double[] runningVar = toDouble(layer.state(), layer.var(), channels);
        float[] y = TestArrays.filled(Layer.Y + layer.n() + 1, Float.NaN);

        layer.forwardTraining(y);

        assertForward("y", y, Layer.Y, layer.trainingReference(xs, layer.gamma(), layer.betaValues()));
        assertOnlyWritten("y", y, Layer.Y, layer.n());
        double[] mean = layer.mean(xs);
        double[] squares = layer.squares(xs);
        int count = layer.batch() * layer.spatial();
        double[] inverse = new double[channels];
        double[] expectedMean = new double[channels];
        double[] expectedVar = new double[channels];
        for (int c = 0; c < channels; c++) {
            inverse[c] = 1 / Math.sqrt(squares[c] / count + EPSILON);
            expectedMean[c] = (1 - MOMENTUM) * runningMean[c] + MOMENTUM * mean[c];
            expectedVar[c] = (1 - MOMENTUM) * runningVar[c] + MOMENTUM * squares[c] / (count - 1);
        }
        assertForward("saved mean", layer.work(), Layer.SAVED, mean);
        assertForward("saved 1 / sqrt(var + eps)", layer.work(), Layer.SAVED + channels, inverse);
        assertOnlyWritten("work", layer.work(), Layer.SAVED, 2 * channels);
        assertForward("running_mean", layer.state(), Layer.MEAN, expectedMean);
        assertForward("running_var", layer.state(), layer.var(), expectedVar);
        assertOnlyWritten("state", layer.state(), Layer.MEAN, channels, layer.var(), channels);
    }

    /**
     * One channel, x = 1, 2, 3, 4, gamma 2, beta 0.5, PyTorch's defaults: mean 2.5, biased variance 1.25,
     * unbiased 5/3; running statistics from (0, 1): 0.1 * 2.5 = 0.25 and 0.9 + 0.1 * 5/3. A second batch 0,
     * 0, 2, 2 (mean 1, unbiased variance 4/3): 0.9 * 0.25 + 0.1 = 0.325 and 0.9 * (0.9 + 1/6) + 0.4/3.
     */
    @Test
    void twoStepsByHand() {
        float[] p = {2, 0.5f};
        float[] state = {0, 1};
        float[] work = new float[2];
        float[] y = new float[4];
        BatchNormOps.forwardTraining(seg(new float[] {1, 2, 3, 4}), 0, seg(p), 0, 1, seg(y), 0, seg(state), 0, 1,
                seg(work), 0, 4, 1, 1, BatchNormOps.DEFAULT_MOMENTUM, BatchNormOps.DEFAULT_EPSILON);
        double deviation = Math.sqrt(1.25 + 1e-5);
        assertArrayEquals(new float[] {(float) (-1.5 / deviation * 2 + 0.5), (float) (-0.5 / deviation * 2 + 0.5),
                (float) (0.5 / deviation * 2 + 0.5), (float) (1.5 / deviation * 2 + 0.5)}, y, 1e-6f);
        assertArrayEquals(new float[] {2.5f, (float) (1 / deviation)}, work, 1e-6f);
        assertEquals(0.25f, state[0], 1e-7f);
        assertEquals(0.9 + 0.1 * 5 / 3.0, state[1], 1e-6);

        // the second batch as a batch of 2 with 2 positions per channel: the statistics are over both
        BatchNormOps.forwardTraining(seg(new float[] {0, 0, 2, 2}), 0, seg(p), 0, 1, seg(y), 0, seg(state), 0, 1,
                seg(work), 0, 2, 1, 2, BatchNormOps.DEFAULT_MOMENTUM, BatchNormOps.DEFAULT_EPSILON);
        assertEquals(0.325f, state[0], 1e-7f);
        assertEquals(0.9 * (0.9 + 1 / 6.0) + 0.4 / 3, state[1], 1e-6);
        assertArrayEquals(new float[] {1, (float) (1 / Math.sqrt(1 + 1e-5))}, work, 1e-6f);
    }

    @ParameterizedTest(name = "batch {0}")
    @MethodSource("shapes")
    void runningStatisticsFollowPyTorchsFormulasOverSeveralSteps(int[] shape) {
        Rng rng = new Rng(11 + Arrays.hashCode(shape));
        Layer layer = Layer.random(shape[0], shape[1], shape[2], rng);
        int channels = layer.channels();
        double[] runningMean = toDouble(layer.state(), Layer.MEAN, channels);
        double[] runningVar = toDouble(layer.state(), layer.var(), channels);
        float[] y = new float[Layer.Y + layer.n()];
        int count = layer.batch() * layer.spatial();
        for (int step = 0; step < 6; step++) {
            Layer batch = Layer.random(shape[0], shape[1], shape[2], rng);
            System.arraycopy(batch.x(), 0, layer.x(), 0, layer.x().length);
            layer.forwardTraining(y);
            double[] mean = layer.mean(layer.xs());
            double[] squares = layer.squares(layer.xs());
            for (int c = 0; c < channels; c++) {
                runningMean[c] = (1 - MOMENTUM) * runningMean[c] + MOMENTUM * mean[c];
                runningVar[c] = (1 - MOMENTUM) * runningVar[c] + MOMENTUM * squares[c] / (count - 1);
            }
        }
        assertForward("running_mean", layer.state(), Layer.MEAN, runningMean);
        assertForward("running_var", layer.state(), layer.var(), runningVar);
    }

    @Test
    void aLargeMeanDoesNotSpoilTheVariance() {
        Rng rng = new Rng(12);
        Layer layer = Layer.random(64, 2, 3, rng);
        for (int j = 0; j < layer.n(); j++) {
            layer.x()[Layer.X + j] = (float) (1000 + (2 * rng.nextDouble() - 1));
        }
        double[] squares = layer.squares(layer.xs());
        double[] runningVar = toDouble(layer.state(), layer.var(), 2);
        layer.forwardTraining(new float[Layer.Y + layer.n()]);
        int count = 64 * 3;
        for (int c = 0; c < 2; c++) {
            double inverse = 1 / Math.sqrt(squares[c] / count + EPSILON);
            assertEquals(inverse, layer.work()[Layer.SAVED + 2 + c], 1e-5 * inverse, "1 / sqrt(var + eps)");
            double expected = (1 - MOMENTUM) * runningVar[c] + MOMENTUM * squares[c] / (count - 1);
            assertEquals(expected, layer.state()[layer.var() + c], 1e-6 * expected, "running_var");
        }
    }

    @ParameterizedTest(name = "batch {0}")
    @MethodSource("shapes")
    void backwardTrainingMatchesFiniteDifferencesAndTheChainRule(int[] shape) {
        Rng rng = new Rng(13 + Arrays.hashCode(shape));
        Layer layer = Layer.random(shape[0], shape[1], shape[2], rng);
        layer.forwardTraining(new float[Layer.Y + layer.n()]);
        float[] dy = gradientOfOutput(layer, rng, Layer.DY);
        float[] gBefore = layer.g().clone();
        float[] dx = TestArrays.filled(Layer.DX + layer.n() + 1, Float.NaN);

        layer.backwardTraining(dy, Layer.DY, dx, Layer.DX);

        float[] r = Arrays.copyOfRange(dy, Layer.DY, Layer.DY + layer.n());
        double[] xs = layer.xs();
        double[] gamma = layer.gamma();
        double[] beta = layer.betaValues();
        assertGradient("dx", dx, Layer.DX, numericGradient(v -> weightedSum(r, layer.trainingReference(v, gamma, beta)),
                xs));
        assertForward("dx", dx, Layer.DX, layer.chainRuleInputGradient(xs, gamma, r));
        assertOnlyWritten("dx", dx, Layer.DX, layer.n());
        float[] added = difference(layer.g(), gBefore);
        assertGradient("dgamma (added to g)", added, Layer.GGAMMA,
                numericGradient(v -> weightedSum(r, layer.trainingReference(xs, v, beta)), gamma));
        assertGradient("dbeta (added to g)", added, layer.gbeta(),
                numericGradient(v -> weightedSum(r, layer.trainingReference(xs, gamma, v)), beta));
        assertOnlyWritten("g", layer.g(), Layer.GGAMMA, layer.channels(), layer.gbeta(), layer.channels());
    }

    // ---- inference mode ---------------------------------------------------------------------------------

    @ParameterizedTest(name = "batch {0}")
    @MethodSource("shapes")
    void forwardInferenceNormalizesWithTheRunningStatistics(int[] shape) {
        Layer layer = Layer.random(shape[0], shape[1], shape[2], new Rng(14 + Arrays.hashCode(shape)));
        float[] stateBefore = layer.state().clone();
        float[] y = TestArrays.filled(Layer.Y + layer.n() + 1, Float.NaN);

        layer.forwardInference(y);

        assertForward("y", y, Layer.Y, layer.inferenceReference(layer.xs(), layer.gamma(), layer.betaValues()));
        assertOnlyWritten("y", y, Layer.Y, layer.n());
        assertArrayEquals(stateBefore, layer.state(), "the running statistics are only read");
        assertOnlyWritten("work", layer.work());
    }

    @ParameterizedTest(name = "batch {0}")
    @MethodSource("shapes")
    void backwardInferenceMatchesFiniteDifferences(int[] shape) {
        Rng rng = new Rng(15 + Arrays.hashCode(shape));
        Layer layer = Layer.random(shape[0], shape[1], shape[2], rng);
        float[] dy = gradientOfOutput(layer, rng, Layer.DY);
        float[] gBefore = layer.g().clone();
        float[] dx = TestArrays.filled(Layer.DX + layer.n() + 1, Float.NaN);

        layer.backwardInference(dy, Layer.DY, dx, Layer.DX);

        float[] r = Arrays.copyOfRange(dy, Layer.DY, Layer.DY + layer.n());
        double[] xs = layer.xs();
        double[] gamma = layer.gamma();
        double[] beta = layer.betaValues();
        assertGradient("dx", dx, Layer.DX,
                numericGradient(v -> weightedSum(r, layer.inferenceReference(v, gamma, beta)), xs));
        assertOnlyWritten("dx", dx, Layer.DX, layer.n());
        float[] added = difference(layer.g(), gBefore);
        assertGradient("dgamma (added to g)", added, Layer.GGAMMA,
                numericGradient(v -> weightedSum(r, layer.inferenceReference(xs, v, beta)), gamma));
        assertGradient("dbeta (added to g)", added, layer.gbeta(),
                numericGradient(v -> weightedSum(r, layer.inferenceReference(xs, gamma, v)), beta));
        assertOnlyWritten("g", layer.g(), Layer.GGAMMA, layer.channels(), layer.gbeta(), layer.channels());
    }

    // ---- both modes -------------------------------------------------------------------------------------

    @ParameterizedTest(name = "training {0}")
    @ValueSource(booleans = {true, false})
    void withoutAnInputGradientOnlyTheParameterGradientsAreAdded(boolean training) {
        Rng rng = new Rng(16);
        Layer layer = Layer.random(3, 4, 5, rng);
        layer.forwardTraining(new float[Layer.Y + layer.n()]);
        float[] dy = gradientOfOutput(layer, rng, Layer.DY);
        float[] gBefore = layer.g().clone();
        float[] dx = new float[Layer.DX + layer.n()];
        if (training) {
            layer.backwardTraining(dy, Layer.DY, dx, Layer.DX);
        } else {
            layer.backwardInference(dy, Layer.DY, dx, Layer.DX);
        }
        float[] withInputGradient = layer.g().clone();
        System.arraycopy(gBefore, 0, layer.g(), 0, gBefore.length);

        if (training) {
            layer.backwardTraining(dy, Layer.DY, null, 0);
        } else {
            layer.backwardInference(dy, Layer.DY, null, 0);
        }

        assertArrayEquals(withInputGradient, layer.g());
    }

    @ParameterizedTest(name = "training {0}")
    @ValueSource(booleans = {true, false})
    void dxMayBeWrittenOverDy(boolean training) {
        Rng rng = new Rng(17);
        Layer layer = Layer.random(4, 3, 6, rng);
        layer.forwardTraining(new float[Layer.Y + layer.n()]);
        float[] dy = gradientOfOutput(layer, rng, Layer.DY);
        float[] gBefore = layer.g().clone();
        float[] dx = new float[Layer.DX + layer.n()];
        if (training) {
            layer.backwardTraining(dy, Layer.DY, dx, Layer.DX);
        } else {
            layer.backwardInference(dy, Layer.DY, dx, Layer.DX);
        }
        float[] g = layer.g().clone();
        System.arraycopy(gBefore, 0, layer.g(), 0, gBefore.length);

        if (training) {
            layer.backwardTraining(dy, Layer.DY, dy, Layer.DY);
        } else {
            layer.backwardInference(dy, Layer.DY, dy, Layer.DY);
        }

        assertArrayEquals(Arrays.copyOfRange(dx, Layer.DX, Layer.DX + layer.n()),
                Arrays.copyOfRange(dy, Layer.DY, Layer.DY + layer.n()));
        assertArrayEquals(g, layer.g());
    }

    @Test
    void savedFloatsAreTwoPerChannel() {
        assertEquals(2, BatchNormOps.savedFloats(1));
        assertEquals(240, BatchNormOps.savedFloats(120));
    }

    @Test
    void noPassAllocates() {
        int batch = 16;
        int channels = 6;
        int spatial = 25;
        int n = batch * channels * spatial;
        // one segment, as a model holds everything: x, y, dy, dx, then gamma, beta, the running statistics,
        // their gradients and the saved statistics, channels floats each
        MemorySegment m = Memory.allocate(4L * n + 8L * channels);
        Memory.copy(TestArrays.uniform(new Rng(18), n, 1.0), 0, m, 0, n);
        long y = n;
        long dy = 2L * n;
        long dx = 3L * n;
        long gamma = 4L * n;
        long beta = gamma + channels;
        long mean = beta + channels;
        long var = mean + channels;
        long ggamma = var + channels;
        long gbeta = ggamma + channels;
        long saved = gbeta + channels;
        for (int c = 0; c < channels; c++) {
            m.setAtIndex(Memory.FLOAT, gamma + c, 1f);
            m.setAtIndex(Memory.FLOAT, var + c, 1f);
        }
        long bytes = Allocations.steadyStateBytes(() -> {
            BatchNormOps.forwardTraining(m, 0, m, gamma, beta, m, y, m, mean, var, m, saved, batch, channels, spatial,
                    BatchNormOps.DEFAULT_MOMENTUM, BatchNormOps.DEFAULT_EPSILON);
            BatchNormOps.backwardTraining(m, 0, m, gamma, m, y, m, ggamma, gbeta, m, dx, m, saved, batch, channels,
                    spatial);
            BatchNormOps.forwardInference(m, 0, m, gamma, beta, m, y, m, mean, var, batch, channels, spatial,
                    BatchNormOps.DEFAULT_EPSILON);
            BatchNormOps.backwardInference(m, 0, m, gamma, beta, m, dy, m, ggamma, gbeta, m, dx, m, mean, var, batch,
                    channels, spatial, BatchNormOps.DEFAULT_EPSILON);
        }, 20, 20);
        assertEquals(0, bytes, "bytes allocated by 20 rounds of every pass");
    }

    // ---- argument errors --------------------------------------------------------------------------------

    /** Forward training on a fresh 2 x 3 x 1 layer with the given sizes, momentum and epsilon. */
    private static Executable training(int batch, int channels, int spatial, float momentum, float epsilon) {
        Layer layer = Layer.random(2, 3, 1, new Rng(19));
        return () -> BatchNormOps.forwardTraining(seg(layer.x()), Layer.X, seg(layer.p()), Layer.GAMMA, layer.beta(),
                seg(new float[Layer.Y + 6]), Layer.Y, seg(layer.state()), Layer.MEAN, layer.var(), seg(layer.work()),
                Layer.SAVED, batch, channels, spatial, momentum, epsilon);
    }

    private static void assertRejected(String message, Executable call) {
        var e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(message, e.getMessage());
    }

    @Test
    void trainingNeedsMoreThanOneValuePerChannel() {
        Layer layer = Layer.random(1, 3, 1, new Rng(20));
        float[] stateBefore = layer.state().clone();
        assertRejected("batch normalization: Expected more than 1 value per channel when training, got batch 1 x "
                + "spatial 1 = 1; the unbiased variance of the running statistics needs at least 2 values, so "
                + "train with a batch of 2 or more, or use inference mode",
                () -> layer.forwardTraining(new float[Layer.Y + 3]));
        assertArrayEquals(stateBefore, layer.state(), "nothing is written");
    }

    @Test
    void aNegativeBatchIsRejected() {
        assertRejected("batch normalization: batch = -2 must be zero or positive",
                training(-2, 3, 1, MOMENTUM, EPSILON));
    }

    @Test
    void channelsMustBePositive() {
        assertRejected("batch normalization: channels = 0 must be positive", training(2, 0, 1, MOMENTUM, EPSILON));
        assertRejected("batch normalization: channels = 0 must be positive", () -> BatchNormOps.savedFloats(0));
    }

    @Test
    void spatialMustBePositive() {
        assertRejected("batch normalization: spatial = 0 must be positive (1 after a dense layer, height * width "
                + "after a convolution)", training(2, 3, 0, MOMENTUM, EPSILON));
    }

    @ParameterizedTest(name = "momentum {0}")
    @ValueSource(floats = {-0.1f, 1.5f, Float.NaN})
    void momentumMustBeBetweenZeroAndOne(float momentum) {
        assertRejected("batch normalization: momentum = " + momentum + " must be in [0, 1] (the weight of the "
                + "batch's statistics in the running ones; PyTorch's default is 0.1)",
                training(2, 3, 1, momentum, EPSILON));
    }

    @ParameterizedTest(name = "epsilon {0}")
    @ValueSource(floats = {0f, -1e-5f, Float.NaN, Float.POSITIVE_INFINITY})
    void epsilonMustBePositiveAndFinite(float epsilon) {
        Layer layer = Layer.random(2, 3, 1, new Rng(21));
        String message = "batch normalization: epsilon = " + epsilon + " must be positive and finite (it keeps "
                + "1 / sqrt(var + epsilon) finite; PyTorch's default is 1e-5)";
        assertRejected(message, training(2, 3, 1, MOMENTUM, epsilon));
        assertRejected(message, () -> BatchNormOps.forwardInference(seg(layer.x()), Layer.X, seg(layer.p()),
                Layer.GAMMA, layer.beta(), seg(new float[Layer.Y + 6]), Layer.Y, seg(layer.state()), Layer.MEAN,
                layer.var(), 2, 3, 1, epsilon));
    }
}
