package dev.kiln.runtime.ops;

import static dev.kiln.runtime.ops.GradientCheck.assertForward;
import static dev.kiln.runtime.ops.GradientCheck.assertGradient;
import static dev.kiln.runtime.ops.GradientCheck.numericGradient;
import static dev.kiln.runtime.ops.GradientCheck.toDouble;
import static dev.kiln.runtime.ops.GradientCheck.weightedSum;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.runtime.Rng;
import dev.kiln.runtime.TestArrays;
import dev.kiln.runtime.blas.Blas;
import dev.kiln.runtime.blas.JavaBlas;
import java.lang.foreign.MemorySegment;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link DenseOps} against a double-precision reference of {@code y = x W^T + b}, and its backward against
 * finite differences of {@code L = sum(r * y)} with respect to x, W and b (tolerances in
 * {@link GradientCheck}). The parameters sit at odd offsets of a larger array, and the gradients at
 * different offsets of theirs, so that mixing up offsets fails.
 */
class DenseOpsTest {

    /** An array as the segment the kernels take. */
    private static MemorySegment seg(float[] values) {
        return MemorySegment.ofArray(values);
    }


    private static final Blas BLAS = new JavaBlas();

    /** A layer's arrays: the input at X_OFF, W then b inside p, their gradients inside g elsewhere. */
    private record Layer(int batch, int in, int out, boolean bias, float[] x, float[] p, float[] g) {
        static final int X_OFF = 3;
        static final int W_OFF = 2;
        static final int GW_OFF = 5;

        static Layer random(int batch, int in, int out, boolean bias, Rng rng) {
            int weights = in * out;
            int biases = bias ? out : 0;
            return new Layer(batch, in, out, bias, TestArrays.uniform(rng, X_OFF + batch * in, 1.0),
                    TestArrays.uniform(rng, W_OFF + weights + biases + 1, 1.0),
                    TestArrays.uniform(rng, GW_OFF + weights + biases + 2, 1.0));
        }

        long bOff() {
            return bias ? W_OFF + in * out : DenseOps.NO_BIAS;
        }

        long gbOff() {
            return bias ? GW_OFF + in * out : DenseOps.NO_BIAS;
        }

        /** The double reference of the forward pass, from x, W and b given separately. */
        double[] reference(double[] xs, double[] w, double[] b) {
            double[] y = new double[batch * out];
            for (int s = 0; s < batch; s++) {
                for (int o = 0; o < out; o++) {
                    double sum = bias ? b[o] : 0;
                    for (int i = 0; i < in; i++) {
                        sum += xs[s * in + i] * w[o * in + i];
                    }
                    y[s * out + o] = sum;
                }
            }
            return y;
        }

        double[] xs() {
            return toDouble(x, X_OFF, batch * in);
        }

        double[] w() {
            return toDouble(p, W_OFF, in * out);
        }

        double[] b() {
            return bias ? toDouble(p, (int) bOff(), out) : new double[0];
        }
    }

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(1, 1, 1, true), Arguments.of(1, 1, 1, false),
                Arguments.of(1, 3, 2, true), Arguments.of(2, 1, 5, true),
                Arguments.of(4, 6, 1, false), Arguments.of(3, 5, 4, true),
                Arguments.of(7, 13, 3, true), Arguments.of(5, 9, 11, false));
    }

    @ParameterizedTest(name = "batch {0}, {1} -> {2}, bias {3}")
    @MethodSource("shapes")
    void forwardMatchesReference(int batch, int in, int out, boolean bias) {
        Layer layer = Layer.random(batch, in, out, bias, new Rng(batch * 100 + in * 10 + out));
        float[] y = TestArrays.filled(batch * out + 2, Float.NaN);

        DenseOps.forward(BLAS, seg(layer.x()), Layer.X_OFF, seg(layer.p()), Layer.W_OFF, layer.bOff(), seg(y), 0,
                batch, in, out);

        assertForward("y", y, 0, layer.reference(layer.xs(), layer.w(), layer.b()));
        assertEquals(Float.NaN, y[batch * out], "y beyond batch * out must stay untouched");
    }

    @ParameterizedTest(name = "batch {0}, {1} -> {2}, bias {3}")
    @MethodSource("shapes")
    void backwardMatchesFiniteDifferences(int batch, int in, int out, boolean bias) {
        Rng rng = new Rng(batch * 1000 + in * 10 + out);
        Layer layer = Layer.random(batch, in, out, bias, rng);
        float[] r = TestArrays.uniform(rng, batch * out, 1.0);
        float[] gBefore = layer.g().clone();
        float[] dx = TestArrays.filled(batch * in, Float.NaN);

        DenseOps.backward(BLAS, seg(layer.x()), Layer.X_OFF, seg(layer.p()), Layer.W_OFF, seg(r), 0, seg(layer.g()),
                Layer.GW_OFF, layer.gbOff(), seg(dx), 0, batch, in, out);

        double[] xs = layer.xs();
        double[] w = layer.w();
        double[] b = layer.b();
        assertGradient("dx", dx, 0,
                numericGradient(v -> weightedSum(r, layer.reference(v, w, b)), xs));
        assertGradient("dW (added to g)", difference(layer.g(), gBefore), Layer.GW_OFF,
                numericGradient(v -> weightedSum(r, layer.reference(xs, v, b)), w));
        if (bias) {
            assertGradient("db (added to g)", difference(layer.g(), gBefore), (int) layer.gbOff(),
                    numericGradient(v -> weightedSum(r, layer.reference(xs, w, v)), b));
        }
        int end = Layer.GW_OFF + in * out + (bias ? out : 0);
        for (int j = 0; j < gBefore.length; j++) {
            if (j < Layer.GW_OFF || j >= end) {
                assertEquals(gBefore[j], layer.g()[j], "g[" + j + "] lies outside the layer's gradients");
            }
        }
    }

    @ParameterizedTest(name = "batch {0}, {1} -> {2}, bias {3}")
    @MethodSource("shapes")
    void backwardWithoutInputGradientOnlyAccumulatesParameterGradients(int batch, int in, int out,
                                                                        boolean bias) {
        Rng rng = new Rng(7 + batch + in + out);
        Layer layer = Layer.random(batch, in, out, bias, rng);
        float[] r = TestArrays.uniform(rng, batch * out, 1.0);
        Layer twin = new Layer(batch, in, out, bias, layer.x().clone(), layer.p().clone(), layer.g().clone());

        DenseOps.backward(BLAS, seg(layer.x()), Layer.X_OFF, seg(layer.p()), Layer.W_OFF, seg(r), 0, seg(layer.g()),
                Layer.GW_OFF, layer.gbOff(), null, 0, batch, in, out);
        DenseOps.backward(BLAS, seg(twin.x()), Layer.X_OFF, seg(twin.p()), Layer.W_OFF, seg(r), 0, seg(twin.g()),
                Layer.GW_OFF, twin.gbOff(), seg(new float[batch * in]), 0, batch, in, out);

        assertArrayEquals(twin.g(), layer.g());
    }

    /** {@code after - before}, element by element. */
    private static float[] difference(float[] after, float[] before) {
        float[] difference = new float[after.length];
        for (int j = 0; j < after.length; j++) {
            difference[j] = after[j] - before[j];
        }
        return difference;
    }
}
