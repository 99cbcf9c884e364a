package dev.kiln.runtime.ops;

import dev.kiln.runtime.ops.RecurrentOps.Cell;

/**
 * The recurrent cells in double precision, written straight from PyTorch's documented per-step formulas
 * ({@code nn.RNN}, {@code nn.LSTM}, {@code nn.GRU}), one sample and one step at a time, with no workspace
 * and no products: the oracle for {@link RecurrentOps}.
 */
final class RecurrentReference {

    /** Every step's output ({@code batch x steps x hidden}) and the final state. */
    record Result(double[] ys, double[] h, double[] c) {
    }

    private RecurrentReference() {
    }

    /**
     * Runs {@code cell} over the input {@code x} ({@code batch x steps x in}), from the state {@code h0}
     * (and {@code c0} for the LSTM; ignored otherwise), with the weights as PyTorch lays them out.
     */
    static Result forward(Cell cell, int batch, int steps, int in, int hidden, double[] x, double[] wIh,
                          double[] wHh, double[] bIh, double[] bHh, double[] h0, double[] c0) {
        int width = cell.gates() * hidden;
        double[] ys = new double[batch * steps * hidden];
        double[] hEnd = new double[batch * hidden];
        double[] cEnd = new double[batch * hidden];
        for (int s = 0; s < batch; s++) {
            double[] h = new double[hidden];
            double[] c = new double[hidden];
            for (int j = 0; j < hidden; j++) {
                h[j] = h0[s * hidden + j];
                c[j] = cell == Cell.LSTM ? c0[s * hidden + j] : 0;
            }
            for (int t = 0; t < steps; t++) {
                // gi = W_ih x + b_ih, gh = W_hh h + b_hh, every gate
                double[] gi = new double[width];
                double[] gh = new double[width];
                for (int k = 0; k < width; k++) {
                    double sum = bIh[k];
                    for (int i = 0; i < in; i++) {
                        sum += wIh[k * in + i] * x[(s * steps + t) * in + i];
                    }
                    gi[k] = sum;
                    sum = bHh[k];
                    for (int j = 0; j < hidden; j++) {
                        sum += wHh[k * hidden + j] * h[j];
                    }
                    gh[k] = sum;
                }
                double[] next = new double[hidden];
                for (int j = 0; j < hidden; j++) {
                    int f = hidden + j;
                    int g = 2 * hidden + j;
                    int o = 3 * hidden + j;
                    switch (cell) {
                        case RNN -> next[j] = Math.tanh(gi[j] + gh[j]);
                        case LSTM -> {
                            double ig = sigmoid(gi[j] + gh[j]);
                            double fg = sigmoid(gi[f] + gh[f]);
                            double gg = Math.tanh(gi[g] + gh[g]);
                            double og = sigmoid(gi[o] + gh[o]);
                            c[j] = fg * c[j] + ig * gg;
                            next[j] = og * Math.tanh(c[j]);
                        }
                        case GRU -> {
                            double r = sigmoid(gi[j] + gh[j]);
                            double z = sigmoid(gi[f] + gh[f]);
                            double n = Math.tanh(gi[g] + r * gh[g]);
                            next[j] = (1 - z) * n + z * h[j];
                        }
                    }
                }
                h = next;
                System.arraycopy(h, 0, ys, (s * steps + t) * hidden, hidden);
            }
            System.arraycopy(h, 0, hEnd, s * hidden, hidden);
            System.arraycopy(c, 0, cEnd, s * hidden, hidden);
        }
        return new Result(ys, hEnd, cEnd);
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }
}
