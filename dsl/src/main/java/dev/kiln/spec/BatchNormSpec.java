package dev.kiln.spec;

import java.util.List;
import java.util.Objects;

/**
 * Batch normalization (Ioffe and Szegedy, 2015) of each feature of a flat input, or of each channel of an
 * image: {@code y = (x - mean) / sqrt(var + epsilon) * weight + bias}. In training mode the mean and the
 * (biased) variance are the batch's, over the batch and, for images, every position of the channel, and
 * the running statistics move towards them ({@code running = (1 - momentum) running + momentum batch}, the
 * variance unbiased), as PyTorch does; in inference mode the running statistics normalize. The learned
 * {@code weight} (scale, starting at 1) and {@code bias} (shift, starting at 0) are parameters; the
 * running statistics {@code running_mean} and {@code running_var} are saved with them but not trained.
 *
 * @param momentum the weight of each batch in the running statistics, in {@code (0, 1]}
 * @param epsilon  added to the variance, positive
 * @param source   where it was declared
 */
public record BatchNormSpec(double momentum, double epsilon, String source) implements LayerSpec {

    /** PyTorch's default momentum. */
    public static final double DEFAULT_MOMENTUM = 0.1;

    /** PyTorch's default epsilon. */
    public static final double DEFAULT_EPSILON = 1e-5;

    public BatchNormSpec {
        Objects.requireNonNull(source, "source");
    }

    @Override
    public BatchNormSpec withSource(String source) {
        return new BatchNormSpec(momentum, epsilon, source);
    }

    /** The number of normalized channels: an image's channels, or a flat input's features. */
    public static int channels(List<Integer> in) {
        return in.size() == 3 ? in.get(0) : Shapes.size(in);
    }

    /** The values per sample that share a channel's statistics: an image's positions, or 1. */
    public static int spatial(List<Integer> in) {
        return in.size() == 3 ? in.get(1) * in.get(2) : 1;
    }

    @Override
    public List<Integer> outputShape(List<Integer> in) {
        return in;
    }

    @Override
    public String describe(List<Integer> in) {
        return "BatchNorm(" + Shapes.describe(in) + options() + ")";
    }

    @Override
    public String describe(int inputSize) {
        return "BatchNorm(" + inputSize + options() + ")";
    }

    private String options() {
        return (momentum != DEFAULT_MOMENTUM ? ", momentum " + momentum : "")
                + (epsilon != DEFAULT_EPSILON ? ", eps " + epsilon : "");
    }

    @Override
    public int outputSize(int inputSize) {
        return inputSize;
    }
}
