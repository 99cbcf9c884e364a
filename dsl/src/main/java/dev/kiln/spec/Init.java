package dev.kiln.spec;

/**
 * How a Dense layer's weights are initialized; biases always start at zero (and PReLU slopes at
 * {@value PReluSpec#INITIAL_SLOPE}). {@code fanIn} and {@code fanOut} are the layer's input and output
 * widths.
 *
 * <p>What {@link #AUTO}, the default, picks, by what comes right after the layer (looking past any
 * dropout, which scales values but passes them on unchanged on average):
 * <table>
 *   <caption>The initialization {@code AUTO} resolves to</caption>
 *   <tr><th>next layer</th><th>initialization</th><th>why</th></tr>
 *   <tr><td>ReLU, leaky ReLU, ELU, PReLU</td><td>{@link #HE_NORMAL}</td>
 *       <td>a rectifier passes about half its input's variance, so He doubles the variance of Xavier's
 *       to keep the signal's scale from layer to layer</td></tr>
 *   <tr><td>sigmoid, tanh, softmax, identity, maxout, or nothing (the last layer)</td>
 *       <td>{@link #XAVIER_UNIFORM}</td>
 *       <td>keeps the variance of activations and of gradients about equal through layers that are
 *       roughly linear around 0</td></tr>
 * </table>
 * {@link NetworkSpec#initOf} applies this rule; the interpreter and generated classes both draw from the
 * initialization it returns.
 *
 * <p>Random schemes exist to break the symmetry between a layer's units: units that start equal, and
 * that the next layer reads with equal weights, compute equal outputs, receive equal gradients and stay
 * equal, step after step; so {@link #ZEROS} (or any constant) on a hidden layer and the layer after it
 * makes the hidden layer one unit repeated.
 */
public enum Init {
    /**
     * Chosen from the layer that follows (past any dropout): {@link #HE_NORMAL} before ReLU, leaky ReLU,
     * ELU and PReLU; {@link #XAVIER_UNIFORM} otherwise (sigmoid, tanh, softmax, identity, maxout, or no
     * activation). See the table above.
     */
    AUTO,
    /**
     * All zeros. The layer's units then start identical; if the next layer's weights are constant too
     * (zeros again), they receive identical gradients and stay identical (symmetry is never broken); with ReLU
     * or tanh, which are 0 at 0, only the last layer's bias learns at all. For teaching and baselines,
     * never for a network that should learn.
     */
    ZEROS,
    /**
     * Small random values, {@code U(-scale, scale)}, with the layer's {@code scale} (default
     * {@value DenseSpec#DEFAULT_SCALE}); the scale does not adapt to the layer's width, so deep or wide
     * networks train better with the Xavier or He schemes.
     */
    UNIFORM,
    /** Small random values, {@code N(0, scale^2)}, with the layer's {@code scale}; see {@link #UNIFORM}. */
    NORMAL,
    /** Glorot: {@code U(-a, a)}, {@code a = sqrt(6 / (fanIn + fanOut))}. */
    XAVIER_UNIFORM,
    /** Glorot: {@code N(0, 2 / (fanIn + fanOut))}. */
    XAVIER_NORMAL,
    /** He: {@code U(-a, a)}, {@code a = sqrt(6 / fanIn)}. */
    HE_UNIFORM,
    /** He: {@code N(0, 2 / fanIn)}. */
    HE_NORMAL;

    /** Whether the scale parameter is used. */
    public boolean usesScale() {
        return this == UNIFORM || this == NORMAL;
    }
}
