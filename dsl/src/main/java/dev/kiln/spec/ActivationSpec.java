package dev.kiln.spec;

import java.util.Objects;

/**
 * An activation applied to every feature (softmax: to every row).
 *
 * @param function the function
 * @param alpha    its parameter for leaky ReLU and ELU, otherwise ignored
 * @param source   where it was declared
 */
public record ActivationSpec(Activation function, double alpha, String source) implements LayerSpec {

    public ActivationSpec {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(source, "source");
    }

    /** An activation without a parameter, or with its default one. */
    public static ActivationSpec of(Activation function, String source) {
        return new ActivationSpec(function, function.defaultAlpha(), source);
    }

    @Override
    public ActivationSpec withSource(String source) {
        return new ActivationSpec(function, alpha, source);
    }

    /** Element-wise: the shape is kept (softmax normalizes over a flat input's features). */
    @Override
    public java.util.List<Integer> outputShape(java.util.List<Integer> inputShape) {
        return inputShape;
    }

    /** {@code ReLU(6x28x28)} on an image, {@code Softmax(64x114)} on a sequence, as {@link #describe(int)} on features. */
    @Override
    public String describe(java.util.List<Integer> inputShape) {
        String described = describe(Shapes.size(inputShape));
        return inputShape.size() == 1 ? described
                : described.replaceFirst("\\(\\d+", "(" + Shapes.describe(inputShape));
    }

    @Override
    public String describe(int inputSize) {
        String name = switch (function) {
            case IDENTITY -> "Identity";
            case SIGMOID -> "Sigmoid";
            case TANH -> "Tanh";
            case RELU -> "ReLU";
            case LEAKY_RELU -> "LeakyReLU";
            case ELU -> "ELU";
            case SOFTMAX -> "Softmax";
        };
        return name + "(" + inputSize + (function.hasAlpha() ? ", alpha=" + alpha : "") + ")";
    }

    @Override
    public int outputSize(int inputSize) {
        return inputSize;
    }
}
