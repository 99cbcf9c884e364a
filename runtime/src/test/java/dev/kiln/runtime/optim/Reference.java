package dev.kiln.runtime.optim;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An optimizer's published update rule in double precision, written from the formulas (PyTorch's
 * documented algorithms) and not from the float code: the oracle of {@link OptimizerReferenceTest}.
 */
abstract class Reference {

    /** The state, under the names the float optimizer exports it, in double. */
    final Map<String, double[]> state = new LinkedHashMap<>();

    /** One step of the rule: updates {@code p} and the state from {@code g}. */
    abstract void step(double[] p, double[] g);

    /** The state tensor {@code name}, created as {@code n} copies of {@code initial} on first use. */
    final double[] tensor(String name, int n, double initial) {
        return state.computeIfAbsent(name, key -> {
            double[] values = new double[n];
            Arrays.fill(values, initial);
            return values;
        });
    }

    /** SGD: {@code g += wd p; b = mu b + g; g = b or g + mu b (Nesterov); p -= lr g}. */
    static Reference sgd(double lr, double momentum, double weightDecay, boolean nesterov) {
        return new Reference() {
            @Override
            void step(double[] p, double[] g) {
                double[] b = momentum == 0 ? null : tensor("momentum_buffer", p.length, 0);
                for (int j = 0; j < p.length; j++) {
                    double d = g[j] + weightDecay * p[j];
                    if (b != null) {
                        b[j] = momentum * b[j] + d;
                        d = nesterov ? d + momentum * b[j] : b[j];
                    }
                    p[j] -= lr * d;
                }
            }
        };
    }

    /**
     * Adam as Kingma and Ba write it, {@code p -= lr mHat / (sqrt(vHat) + eps)} with the bias-corrected
     * moments, after AdamW's decoupled decay {@code p *= 1 - lr wd} (none for Adam).
     */
    static Reference adam(double lr, double beta1, double beta2, double epsilon, double weightDecay) {
        return new Reference() {
            @Override
            void step(double[] p, double[] g) {
                double[] t = tensor("step", 1, 0);
                double[] m = tensor("exp_avg", p.length, 0);
                double[] v = tensor("exp_avg_sq", p.length, 0);
                t[0] += 1;
                for (int j = 0; j < p.length; j++) {
                    p[j] *= 1 - lr * weightDecay;
                    m[j] = beta1 * m[j] + (1 - beta1) * g[j];
                    v[j] = beta2 * v[j] + (1 - beta2) * g[j] * g[j];
                    double mHat = m[j] / (1 - Math.pow(beta1, t[0]));
                    double vHat = v[j] / (1 - Math.pow(beta2, t[0]));
                    p[j] -= lr * mHat / (Math.sqrt(vHat) + epsilon);
                }
            }
        };
    }

    /** Adagrad: {@code s += g^2; p -= lr g / (sqrt(s) + eps)}, {@code s} from {@code initial}. */
    static Reference adagrad(double lr, double epsilon, double initial) {
        return new Reference() {
            @Override
            void step(double[] p, double[] g) {
                double[] s = tensor("sum", p.length, initial);
                for (int j = 0; j < p.length; j++) {
                    s[j] += g[j] * g[j];
                    p[j] -= lr * g[j] / (Math.sqrt(s[j]) + epsilon);
                }
            }
        };
    }

    /** Adadelta: running averages of squared gradients and squared steps, {@code p -= lr * delta}. */
    static Reference adadelta(double lr, double rho, double epsilon) {
        return new Reference() {
            @Override
            void step(double[] p, double[] g) {
                double[] squares = tensor("square_avg", p.length, 0);
                double[] deltas = tensor("acc_delta", p.length, 0);
                for (int j = 0; j < p.length; j++) {
                    squares[j] = rho * squares[j] + (1 - rho) * g[j] * g[j];
                    double delta = Math.sqrt(deltas[j] + epsilon) / Math.sqrt(squares[j] + epsilon) * g[j];
                    deltas[j] = rho * deltas[j] + (1 - rho) * delta * delta;
                    p[j] -= lr * delta;
                }
            }
        };
    }

    /** RMSProp, optionally centered (divides by the running standard deviation) and with momentum. */
    static Reference rmsProp(double lr, double alpha, double epsilon, double momentum, boolean centered) {
        return new Reference() {
            @Override
            void step(double[] p, double[] g) {
                double[] squares = tensor("square_avg", p.length, 0);
                double[] b = momentum == 0 ? null : tensor("momentum_buffer", p.length, 0);
                double[] means = centered ? tensor("grad_avg", p.length, 0) : null;
                for (int j = 0; j < p.length; j++) {
                    squares[j] = alpha * squares[j] + (1 - alpha) * g[j] * g[j];
                    double variance = squares[j];
                    if (means != null) {
                        means[j] = alpha * means[j] + (1 - alpha) * g[j];
                        variance -= means[j] * means[j];
                    }
                    double scaled = g[j] / (Math.sqrt(variance) + epsilon);
                    if (b != null) {
                        b[j] = momentum * b[j] + scaled;
                        p[j] -= lr * b[j];
                    } else {
                        p[j] -= lr * scaled;
                    }
                }
            }
        };
    }
}
