package dev.kiln.runtime.ops;

import static dev.kiln.runtime.ops.GradientCheck.assertForward;
import static dev.kiln.runtime.ops.GradientCheck.assertGradient;
import static dev.kiln.runtime.ops.GradientCheck.numericGradient;
import static dev.kiln.runtime.ops.GradientCheck.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    enum TargetKind { REAL, PROBABILITY, ONE_HOT, UNNORMALIZED, SIGNS, PAIRS }

    /** The margin of the contrastive cases. */
    private static final double MARGIN = 1.5;

    static Stream<Arguments> cases() {
        Case mse = new Case("mse", (z, zOff, t, tOff, d, batch, width) -> Losses.meanSquaredError(seg(z), zOff, seg(t), tOff, seg(d), 0, batch, width), LossesTest::meanSquaredError, TargetKind.REAL);
        Case bce = new Case("bce", (z, zOff, t, tOff, d, batch, width) -> Losses.binaryCrossEntropyWithLogits(seg(z), zOff, seg(t), tOff, seg(d), 0, batch, width), LossesTest::binaryCrossEntropy,
                TargetKind.PROBABILITY);
        Case ce = new Case("softmax ce", (z, zOff, t, tOff, d, batch, width) -> Losses.softmaxCrossEntropyWithLogits(seg(z), zOff, seg(t), tOff, seg(d), 0, batch, width), LossesTest::softmaxCrossEntropy,
                TargetKind.ONE_HOT);
        Case ceSoft = new Case("softmax ce, unnormalized targets", (z, zOff, t, tOff, d, batch, width) -> Losses.softmaxCrossEntropyWithLogits(seg(z), zOff, seg(t), tOff, seg(d), 0, batch, width),
                LossesTest::softmaxCrossEntropy, TargetKind.UNNORMALIZED);
        Case mae = new Case("mae", (z, zOff, t, tOff, d, batch, width) -> Losses.meanAbsoluteError(seg(z), zOff, seg(t), tOff, seg(d), 0, batch, width), LossesTest::meanAbsoluteError, TargetKind.REAL);
        Case mbe = new Case("mean bias error", (z, zOff, t, tOff, d, batch, width) -> Losses.meanBiasError(seg(z), zOff, seg(t), tOff, seg(d), 0, batch, width), LossesTest::meanBiasError, TargetKind.REAL);
        Case hinge = new Case("hinge", (z, zOff, t, tOff, d, batch, width) -> Losses.hinge(seg(z), zOff, seg(t), tOff, seg(d), 0, batch, width), LossesTest::hinge, TargetKind.SIGNS);
        Case multiclass = new Case("multiclass hinge", (z, zOff, t, tOff, d, batch, width) -> Losses.multiclassHinge(seg(z), zOff, seg(t), tOff, seg(d), 0, batch, width), LossesTest::multiclassHinge, TargetKind.ONE_HOT);
        int[][] shapes = {{1, 1}, {1, 4}, {3, 1}, {5, 3}, {4, 10}};
        Stream<Arguments> everyShape = Stream.of(mse, bce, ce, ceSoft, mae, mbe, hinge, multiclass)
                .flatMap(c -> Stream.of(shapes).map(s -> Arguments.of(c, s[0], s[1])));
        // pairs of rows: even batches only
        Case contrastive = new Case("contrastive", (z, zOff, t, tOff, d, batch, width) -> Losses.contrastive(seg(z), zOff, seg(t), tOff, seg(d), 0, batch, width, MARGIN), LossesTest::contrastive, TargetKind.PAIRS);
        int[][] pairShapes = {{2, 1}, {2, 4}, {4, 3}, {6, 10}};
        return Stream.concat(everyShape, Stream.of(pairShapes).map(s -> Arguments.of(contrastive, s[0], s[1])));
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
                    case SIGNS -> t[row + j] = rng.nextFloat() < 0.5 ? -1 : 1;
                    case PAIRS -> t[row + j] = r % 2 == 0 ? (rng.nextFloat() < 0.5 ? 0 : 1) : t[row + j - width];
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

    /** mean(|y - t|). */
    private static double meanAbsoluteError(double[] y, double[] t, int batch, int width) {
        double sum = 0;
        for (int j = 0; j < y.length; j++) {
            sum += Math.abs(y[j] - t[j]);
        }
        return sum / y.length;
    }

    /** mean(y - t). */
    private static double meanBiasError(double[] y, double[] t, int batch, int width) {
        double sum = 0;
        for (int j = 0; j < y.length; j++) {
            sum += y[j] - t[j];
        }
        return sum / y.length;
    }

    /** mean(max(0, 1 - t y)). */
    private static double hinge(double[] y, double[] t, int batch, int width) {
        double sum = 0;
        for (int j = 0; j < y.length; j++) {
            sum += Math.max(0, 1 - t[j] * y[j]);
        }
        return sum / y.length;
    }

    /** The mean over rows of sum over j != class of max(0, s_j - s_class + 1). */
    private static double multiclassHinge(double[] s, double[] t, int batch, int width) {
        double sum = 0;
        for (int r = 0; r < batch; r++) {
            int label = 0;
            for (int j = 0; j < width; j++) {
                label = t[r * width + j] == 1 ? j : label;
            }
            for (int j = 0; j < width; j++) {
                if (j != label) {
                    sum += Math.max(0, s[r * width + j] - s[r * width + label] + 1);
                }
            }
        }
        return sum / batch;
    }

    /** The mean over pairs of rows of l d^2 + (1 - l) max(0, MARGIN - d)^2, l the first target of the pair's first row. */
    private static double contrastive(double[] y, double[] t, int batch, int width) {
        double sum = 0;
        for (int p = 0; p < batch / 2; p++) {
            double squared = 0;
            for (int j = 0; j < width; j++) {
                double diff = y[2 * p * width + j] - y[(2 * p + 1) * width + j];
                squared += diff * diff;
            }
            double l = t[2 * p * width];
            double gap = Math.max(0, MARGIN - Math.sqrt(squared));
            sum += l * squared + (1 - l) * gap * gap;
        }
        return sum / (batch / 2);
    }

    @Test
    void meanAbsoluteErrorByHandWithASubgradientOfZeroWhereExact() {
        float[] d = new float[3];

        float loss = Losses.meanAbsoluteError(seg(new float[] {1, 2, 3}), 0, seg(new float[] {0, 4, 3}), 0, seg(d), 0, 1, 3);

        assertEquals(1f, loss);
        assertArrayEquals(new float[] {1 / 3f, -1 / 3f, 0}, d);
    }

    @Test
    void meanBiasErrorHasAConstantGradientAndIsAMetricOnArrays() {
        float[] d = new float[4];

        float loss = Losses.meanBiasError(seg(new float[] {1, 2, 3, 4}), 0, seg(new float[] {2, 2, 2, 2}), 0, seg(d), 0, 2, 2);

        assertEquals(0.5f, loss);
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f}, d);
        // over-prediction is positive, under-prediction negative; errors of opposite sign cancel
        assertEquals(0.5, Losses.meanBiasError(new float[] {9, 1, 2, 3, 4}, 1, new float[] {2, 2, 2, 2}, 0, 4));
        assertEquals(-1.0, Losses.meanBiasError(new float[] {0, 1}, 0, new float[] {1, 2}, 0, 2));
        assertEquals(0.0, Losses.meanBiasError(new float[] {3, 1}, 0, new float[] {2, 2}, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> Losses.meanBiasError(new float[0], 0, new float[0], 0, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Losses.meanBiasError(new float[2], 1, new float[2], 0, 2));
    }

    @Test
    void hingeByHandWithTheKinkAtAMarginOfOne() {
        float[] d = new float[4];

        // t y = 2 (met), 1 (the kink: met, gradient 0), 0.5 (inside), -1 (wrong side)
        float loss = Losses.hinge(seg(new float[] {2, -1, 0.5f, 1}), 0, seg(new float[] {1, -1, 1, -1}), 0, seg(d), 0, 4, 1);

        assertEquals((0 + 0 + 0.5f + 2) / 4, loss);
        assertArrayEquals(new float[] {0, 0, -0.25f, 0.25f}, d);
    }

    @Test
    void hingeTargetsMustBeSigns() {
        float[] t = {1, -1, 1, 0};
        var e = assertThrows(IllegalArgumentException.class,
                () -> Losses.hinge(seg(new float[4]), 0, seg(t), 0, seg(new float[4]), 0, 2, 2));
        assertEquals("hinge loss: the target of row 1 of the batch, value 1, is 0.0, but hinge targets are -1 or +1; "
                + "map 0/1 labels with 2t - 1", e.getMessage());
    }

    @Test
    void multiclassHingeByHand() {
        float[] d = new float[6];

        // row 0, class 0: margins 2 - 3 + 1 = 0 (met exactly) and 1 - 3 + 1 < 0; row 1, class 2: 1 + 1 = 2 and 0.5 + 1
        float loss = Losses.multiclassHinge(seg(new float[] {3, 2, 1, 1, 0.5f, 0}), 0, seg(new float[] {1, 0, 0, 0, 0, 1}), 0,
                seg(d), 0, 2, 3);

        assertEquals((0 + 2 + 1.5f) / 2, loss);
        assertArrayEquals(new float[] {0, 0, 0, 0.5f, 0.5f, -1f}, d);
    }

    @Test
    void multiclassHingeTargetsMustBeOneHot() {
        var e = assertThrows(IllegalArgumentException.class, () -> Losses.multiclassHinge(seg(new float[6]), 0,
                seg(new float[] {0, 1, 0, 0.5f, 0.5f, 0}), 0, seg(new float[6]), 0, 2, 3));
        assertEquals("multiclass hinge loss: the target of row 1 of the batch is [0.5, 0.5, 0.0], but it must be "
                + "one-hot (a single 1 marking the class, zeros elsewhere)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Losses.multiclassHinge(seg(new float[2]), 0,
                seg(new float[] {0, 0}), 0, seg(new float[2]), 0, 1, 2), "no class");
        assertThrows(IllegalArgumentException.class, () -> Losses.multiclassHinge(seg(new float[2]), 0,
                seg(new float[] {1, 1}), 0, seg(new float[2]), 0, 1, 2), "two classes");
    }

    @Test
    void contrastiveByHand() {
        float[] d = new float[8];
        // pair 0, similar, d = 5: loss 25, gradient 2 (a - b) / 2 pairs; pair 1, dissimilar, d = 1 < 2:
        // loss (2 - 1)^2 = 1, gradient -2 (2 - 1) (a - b) / d / 2 pairs
        float[] y = {3, 4, 0, 0, 1, 0, 0, 0};
        float[] t = {1, 7, 1, -7, 0, 0, 0, 0};

        float loss = Losses.contrastive(seg(y), 0, seg(t), 0, seg(d), 0, 4, 2, 2.0);

        assertEquals(13f, loss);
        assertArrayEquals(new float[] {3, 4, -3, -4, -1, 0, 1, 0}, d, 1e-6f);
    }

    @Test
    void contrastiveAtZeroDistanceAndBeyondTheMargin() {
        float[] d = TestArrays.filled(8, Float.NaN);
        // a dissimilar pair whose outputs coincide: loss margin^2, no direction, gradient 0;
        // a dissimilar pair already 3 apart: no loss, no gradient
        float[] y = {1, 1, 1, 1, 0, 0, 3, 0};
        float[] t = {0, 0, 0, 0, 0, 0, 0, 0};

        float loss = Losses.contrastive(seg(y), 0, seg(t), 0, seg(d), 0, 4, 2, 2.0);

        assertEquals(2f, loss);
        assertArrayEquals(new float[8], d, 0f);
    }

    @Test
    void contrastiveNeedsEvenBatchesAndOneLabelPerPair() {
        var odd = assertThrows(IllegalArgumentException.class,
                () -> Losses.contrastive(seg(new float[3]), 0, seg(new float[3]), 0, seg(new float[3]), 0, 3, 1, 1.0));
        assertEquals("contrastive loss: rows 2i and 2i + 1 of a batch are a pair, but the batch has 3 rows; give an "
                + "even batch, each pair on adjacent rows", odd.getMessage());
        var split = assertThrows(IllegalArgumentException.class, () -> Losses.contrastive(seg(new float[4]), 0,
                seg(new float[] {1, 1, 1, 0}), 0, seg(new float[4]), 0, 4, 1, 1.0));
        assertEquals("contrastive loss: rows 2 and 3 of the batch are a pair, labelled 1.0 and 0.0, but a pair has one "
                + "label, 1 (similar) or 0 (dissimilar), as the first target value of both rows", split.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Losses.contrastive(seg(new float[2]), 0,
                seg(new float[] {0.5f, 0.5f}), 0, seg(new float[2]), 0, 2, 1, 1.0), "a label is 0 or 1");
    }

    /** A kernel in its strided, weighted form. */
    @FunctionalInterface
    interface Strided {
        float apply(MemorySegment z, long zOff, MemorySegment t, long tOff, MemorySegment d, long dOff, int batch,
                    int width, int stride, double weight);
    }

    static Stream<Arguments> stridedKernels() {
        return Stream.of(
                Arguments.of("mse", (Strided) Losses::meanSquaredError, TargetKind.REAL),
                Arguments.of("mae", (Strided) Losses::meanAbsoluteError, TargetKind.REAL),
                Arguments.of("mean bias error", (Strided) Losses::meanBiasError, TargetKind.REAL),
                Arguments.of("bce", (Strided) Losses::binaryCrossEntropyWithLogits, TargetKind.PROBABILITY),
                Arguments.of("softmax ce", (Strided) Losses::softmaxCrossEntropyWithLogits, TargetKind.ONE_HOT),
                Arguments.of("hinge", (Strided) Losses::hinge, TargetKind.SIGNS),
                Arguments.of("multiclass hinge", (Strided) Losses::multiclassHinge, TargetKind.ONE_HOT),
                Arguments.of("contrastive", (Strided) (z, zOff, t, tOff, d, dOff, batch, width, stride, weight) ->
                        Losses.contrastive(z, zOff, t, tOff, d, dOff, batch, width, stride, weight, MARGIN),
                        TargetKind.PAIRS));
    }

    /**
     * A head's slice: columns [2, 5) of rows 7 wide give the short form's loss and gradient on those
     * columns alone, both times the weight, and leave the other columns of the gradient alone.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("stridedKernels")
    void theStridedFormIsTheShortFormOnASliceTimesTheWeight(String name, Strided kernel, TargetKind kind) {
        int batch = 4;
        int width = 3;
        int stride = 7;
        int start = 2;
        double weight = 0.375;
        Rng rng = new Rng(17);
        float[] slice = TestArrays.uniform(rng, batch * width, 3);
        float[] sliceTargets = java.util.Arrays.copyOfRange(targets(kind, rng, batch, width), T_OFF, T_OFF + batch * width);
        float[] wide = TestArrays.uniform(rng, batch * stride, 3);
        float[] wideTargets = TestArrays.uniform(rng, batch * stride, 3);
        for (int r = 0; r < batch; r++) {
            System.arraycopy(slice, r * width, wide, r * stride + start, width);
            System.arraycopy(sliceTargets, r * width, wideTargets, r * stride + start, width);
        }
        float[] d = new float[batch * width];
        float[] wideD = TestArrays.filled(batch * stride, Float.NaN);

        float alone = kernel.apply(seg(slice), 0, seg(sliceTargets), 0, seg(d), 0, batch, width, width, 1.0);
        float sliced = kernel.apply(seg(wide), start, seg(wideTargets), start, seg(wideD), start, batch, width, stride,
                weight);

        assertEquals(weight * alone, sliced, 1e-6 * Math.max(1, Math.abs(alone)), name + " loss");
        for (int r = 0; r < batch; r++) {
            for (int j = 0; j < stride; j++) {
                float g = wideD[r * stride + j];
                if (j >= start && j < start + width) {
                    double expected = weight * d[r * width + j - start];
                    assertEquals(expected, g, 1e-6 * Math.max(1, Math.abs(expected)), name + " gradient " + r + ", " + j);
                } else {
                    assertEquals(Float.NaN, g, name + ": the gradient outside the slice must stay untouched");
                }
            }
        }
    }
}
