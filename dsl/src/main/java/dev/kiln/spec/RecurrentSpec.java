package dev.kiln.spec;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A recurrent layer over a sequence {@code [steps, features]}: a vanilla RNN, an LSTM or a GRU, each step
 * computed from the step's input and the previous step's hidden state, exactly as PyTorch's
 * {@code nn.RNN}, {@code nn.LSTM} and {@code nn.GRU} define them (one layer, batch first). Its parameters
 * have PyTorch's names and shapes: {@code weight_ih [gates x units, features]},
 * {@code weight_hh [gates x units, units]}, {@code bias_ih} and {@code bias_hh [gates x units]}, with the
 * gates in PyTorch's order (LSTM i, f, g, o; GRU r, z, n). Every weight and bias starts
 * {@code U(-1/sqrt(units), 1/sqrt(units))}, as PyTorch's, except that an LSTM's forget-gate bias starts at
 * {@link #forgetBias} (in {@code bias_ih}; its {@code bias_hh} part at 0) so that it remembers from the
 * start.
 *
 * <p>The output is every step's hidden state, {@code [steps, units]}, or with {@link #returnSequences}
 * false only the last one, {@code [units]}. A {@link #stateful} layer carries its final state (h, and c
 * for an LSTM) from one forward pass into the next, one row per stream of the batch, without a gradient
 * through it: truncated back-propagation through time; {@code Model.resetState()} zeroes it. Otherwise
 * each pass starts from zeros.
 *
 * @param cell            which recurrence
 * @param units           the hidden state's size
 * @param returnSequences whether the output is every step's state, or only the last step's
 * @param stateful        whether the final state carries over to the next forward pass
 * @param forgetBias      an LSTM's initial forget-gate bias (ignored by the other cells)
 * @param source          where it was declared
 */
public record RecurrentSpec(Cell cell, int units, boolean returnSequences, boolean stateful, double forgetBias,
                            String source) implements LayerSpec {

    /** The forget-gate bias an LSTM starts with unless told otherwise (Jozefowicz et al., 2015). */
    public static final double DEFAULT_FORGET_BIAS = 1.0;

    /** The recurrences. */
    public enum Cell {
        /** {@code h' = tanh(W_ih x + b_ih + W_hh h + b_hh)}. */
        RNN(1),
        /** Long short-term memory: input, forget, cell and output gates, and a cell state c. */
        LSTM(4),
        /** Gated recurrent unit: reset, update and new gates. */
        GRU(3);

        private final int gates;

        Cell(int gates) {
            this.gates = gates;
        }

        /** The number of gate blocks in the weights: 1, 4 or 3. */
        public int gates() {
            return gates;
        }

        /** {@code RNN}, {@code LSTM} or {@code GRU}. */
        public String display() {
            return name();
        }

        /** {@code rnn}, {@code lstm}, {@code gru}: block names and builder calls. */
        public String lowerName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public RecurrentSpec {
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(source, "source");
    }

    @Override
    public RecurrentSpec withSource(String source) {
        return new RecurrentSpec(cell, units, returnSequences, stateful, forgetBias, source);
    }

    @Override
    public List<Integer> outputShape(List<Integer> in) {
        return returnSequences ? List.of(in.getFirst(), units) : List.of(units);
    }

    @Override
    public String describe(List<Integer> in) {
        return cell.display() + "(" + Shapes.describe(in) + " -> " + Shapes.describe(outputShape(in))
                + (returnSequences ? "" : ", last step") + (stateful ? ", stateful" : "") + ")";
    }

    @Override
    public String describe(int inputSize) {
        return cell.display() + "(" + units + ")";
    }

    /** A recurrent layer needs a sequence; a flat input has no output size. */
    @Override
    public int outputSize(int inputSize) {
        throw new UnsupportedOperationException(cell.display() + " works on sequences [steps, features], not on "
                + inputSize + " features");
    }
}
