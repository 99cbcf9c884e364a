package dev.kiln.runtime.optim;

/**
 * {@code f(p) = 1/2 sum_j a_j (p_j - c_j)^2}, a convex bowl with curvatures {@code a} and minimum {@code c}.
 */
final class Quadratic {

    static final float[] CURVATURE = {0.5f, 1f, 2f, 1.5f, 0.8f};
    static final float[] MINIMUM = {1f, -2f, 0.5f, 3f, -0.25f};

    private Quadratic() {
    }

    static void gradient(float[] p, float[] g) {
        for (int j = 0; j < p.length; j++) {
            g[j] = CURVATURE[j] * (p[j] - MINIMUM[j]);
        }
    }

    /** Runs {@code steps} steps from the origin and returns the largest distance to the minimum. */
    static double distanceAfter(Optimizer optimizer, int steps) {
        float[] p = new float[MINIMUM.length];
        float[] g = new float[MINIMUM.length];
        for (int s = 0; s < steps; s++) {
            gradient(p, g);
            optimizer.step(p, g);
        }
        double distance = 0;
        for (int j = 0; j < p.length; j++) {
            distance = Math.max(distance, Math.abs(p[j] - MINIMUM[j]));
        }
        return distance;
    }
}
