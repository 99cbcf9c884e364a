package dev.kiln.runtime.ops;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.ToDoubleFunction;

/**
 * Numerical checks of kernels against double-precision references.
 *
 * <p>Tolerances: a float forward must agree with the double reference within
 * {@value #FORWARD_TOLERANCE} relative to {@code max(1, |reference|)} (float rounding of a few operations
 * is about 1e-7). A float gradient must agree with the central finite difference, step {@value #EPS}, of
 * the double reference within {@value #ATOL} + {@value #RTOL} * |numeric|, as PyTorch's {@code gradcheck}.
 * The difference quotient of a double function has a truncation error of order eps^2 and a rounding error
 * of order 1e-16 / eps = 1e-10, far inside these bounds, so what they measure is the kernel.
 */
final class GradientCheck {

    static final double EPS = 1e-6;
    static final double ATOL = 1e-5;
    static final double RTOL = 1e-3;
    static final double FORWARD_TOLERANCE = 1e-5;

    private GradientCheck() {
    }

    /** The central-difference gradient of {@code f} at {@code x}; {@code x} is restored afterwards. */
    static double[] numericGradient(ToDoubleFunction<double[]> f, double[] x) {
        double[] gradient = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            double saved = x[j];
            x[j] = saved + EPS;
            double up = f.applyAsDouble(x);
            x[j] = saved - EPS;
            double down = f.applyAsDouble(x);
            x[j] = saved;
            gradient[j] = (up - down) / (2 * EPS);
        }
        return gradient;
    }

    /** {@code sum_j r[j] * y[j]}: the scalar whose gradient a backward pass computes when given dy = r. */
    static double weightedSum(float[] r, double[] y) {
        double sum = 0;
        for (int j = 0; j < y.length; j++) {
            sum += r[j] * y[j];
        }
        return sum;
    }

    /** Fails unless {@code actual[offset + j]} matches the finite-difference gradient {@code numeric[j]}. */
    static void assertGradient(String what, float[] actual, int offset, double[] numeric) {
        for (int j = 0; j < numeric.length; j++) {
            double error = Math.abs(actual[offset + j] - numeric[j]);
            if (!(error <= ATOL + RTOL * Math.abs(numeric[j]))) {
                fail(what + "[" + j + "]: backward gives " + actual[offset + j] + ", finite differences give "
                        + numeric[j] + " (error " + error + ")");
            }
        }
    }

    /** Fails unless {@code actual[offset + j]} matches the double reference {@code expected[j]}. */
    static void assertForward(String what, float[] actual, int offset, double[] expected) {
        for (int j = 0; j < expected.length; j++) {
            double error = Math.abs(actual[offset + j] - expected[j]);
            if (!(error <= FORWARD_TOLERANCE * Math.max(1, Math.abs(expected[j])))) {
                fail(what + "[" + j + "]: kernel gives " + actual[offset + j] + ", reference gives " + expected[j]
                        + " (error " + error + ")");
            }
        }
    }

    /** The values {@code values[offset, offset + count)}, widened to double. */
    static double[] toDouble(float[] values, int offset, int count) {
        double[] wide = new double[count];
        for (int j = 0; j < count; j++) {
            wide[j] = values[offset + j];
        }
        return wide;
    }
}
