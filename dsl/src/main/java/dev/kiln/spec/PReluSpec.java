package dev.kiln.spec;

import java.util.Objects;

/**
 * A parametric ReLU (He et al., 2015): {@code f(x_j) = x_j} for {@code x_j > 0}, else {@code a_j x_j},
 * with a slope {@code a_j} learned for each feature {@code j}. Its parameters are one tensor of shape
 * (features), named {@code <layer>.weight} as {@code torch.nn.PReLU(num_parameters = features)} names
 * it, and every slope starts at {@value #INITIAL_SLOPE}, as in PyTorch. Since the tensor is called
 * {@code weight}, a PReLU is a layer of its own: it cannot share a field (or builder block) with a
 * Dense layer, whose weight has that name.
 *
 * @param source where it was declared
 */
public record PReluSpec(String source) implements LayerSpec {

    /** The value every slope starts at. */
    public static final double INITIAL_SLOPE = 0.25;

    public PReluSpec {
        Objects.requireNonNull(source, "source");
    }

    @Override
    public PReluSpec withSource(String source) {
        return new PReluSpec(source);
    }

    @Override
    public String describe(int inputSize) {
        return "PReLU(" + inputSize + ")";
    }

    @Override
    public int outputSize(int inputSize) {
        return inputSize;
    }
}
