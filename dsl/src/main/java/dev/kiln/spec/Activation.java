package dev.kiln.spec;

/** Element-wise (and, for softmax, row-wise) activation functions. */
public enum Activation {
    /** {@code f(x) = x}. */
    IDENTITY("identity", "identity"),
    /** {@code f(x) = 1 / (1 + e^-x)}. */
    SIGMOID("sigmoid", "sigmoid"),
    /** {@code f(x) = tanh(x)}. */
    TANH("tanh", "tanh"),
    /** {@code f(x) = max(0, x)}. */
    RELU("ReLU", "relu"),
    /** {@code f(x) = x} for {@code x > 0}, else {@code alpha * x}; alpha in [0, 1). */
    LEAKY_RELU("leaky ReLU", "leakyRelu"),
    /** {@code f(x) = x} for {@code x > 0}, else {@code alpha * (e^x - 1)}; alpha > 0. */
    ELU("ELU", "elu"),
    /** Row-wise {@code e^x_i / sum_j e^x_j}; only as the last layer. */
    SOFTMAX("softmax", "softmax");

    private final String display;
    private final String camelName;

    Activation(String display, String camelName) {
        this.display = display;
        this.camelName = camelName;
    }

    /**
     * The name in code: the builder's method ({@code leakyRelu()}), the kernels' prefix
     * ({@code Activations.leakyReluForward}) and a builder block's default name ({@code leakyRelu1}).
     */
    public String camelName() {
        return camelName;
    }

    /** A human name for messages and generated comments. */
    public String display() {
        return display;
    }

    /** Whether the function takes the {@code alpha} parameter. */
    public boolean hasAlpha() {
        return this == LEAKY_RELU || this == ELU;
    }

    /** The alpha used when none is given. */
    public double defaultAlpha() {
        return switch (this) {
            case LEAKY_RELU -> 0.01;
            case ELU -> 1.0;
            default -> 0.0;
        };
    }

    /** Whether He initialization suits the layer that feeds this function (ReLU family). */
    public boolean isRectifier() {
        return this == RELU || this == LEAKY_RELU || this == ELU;
    }
}
