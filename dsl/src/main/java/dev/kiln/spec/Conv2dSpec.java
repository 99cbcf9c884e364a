package dev.kiln.spec;

import java.util.List;
import java.util.Objects;

/**
 * A 2-D convolution (cross-correlation, as every framework computes it) over an image input
 * {@code [channels, height, width]}: {@code filters} kernels of {@code kernelHeight x kernelWidth x channels}
 * weights, moved by the stride over the zero-padded input, each with a bias. Output
 * {@code [filters, outHeight, outWidth]} with {@code out = (in - kernel + 2 padding) / stride + 1}, which
 * must be a whole number of at least 1 (Kiln does not silently drop rows the windows do not reach); or
 * with {@link #SAME} padding {@code out = ceil(in / stride)}, the padding split evenly and the odd row or
 * column at the bottom or right. The weight is {@code [filters, channels, kernelHeight, kernelWidth]}, as
 * PyTorch stores it, and the fan-in of its initialization is {@code channels x kernelHeight x kernelWidth}.
 * A 1x1 convolution mixes channels at each position.
 *
 * @param filters      output channels
 * @param kernelHeight kernel rows
 * @param kernelWidth  kernel columns
 * @param strideHeight step between windows, down
 * @param strideWidth  step between windows, across
 * @param padHeight    zero rows above and below, or {@link #SAME}
 * @param padWidth     zero columns left and right, or {@link #SAME}
 * @param bias         whether each filter adds a learned bias (initialized to zero)
 * @param init         how the weights start
 * @param scale        the scale of {@link Init#UNIFORM} and {@link Init#NORMAL}
 * @param source       where it was declared
 */
public record Conv2dSpec(int filters, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth,
                         int padHeight, int padWidth, boolean bias, Init init, double scale, String source)
        implements LayerSpec {

    /** Padding that keeps {@code ceil(in / stride)} outputs: the input's size at stride 1. */
    public static final int SAME = -1;

    public Conv2dSpec {
        Objects.requireNonNull(init, "init");
        Objects.requireNonNull(source, "source");
    }

    @Override
    public Conv2dSpec withSource(String source) {
        return new Conv2dSpec(filters, kernelHeight, kernelWidth, strideHeight, strideWidth, padHeight, padWidth,
                bias, init, scale, source);
    }

    /** The output shape {@code [filters, outHeight, outWidth]} for an image input. */
    @Override
    public List<Integer> outputShape(List<Integer> in) {
        return List.of(filters, Shapes.extent(in.get(1), kernelHeight, strideHeight, padHeight).out(),
                Shapes.extent(in.get(2), kernelWidth, strideWidth, padWidth).out());
    }

    /** The number of weights for {@code inChannels} input channels. */
    public long weightCount(int inChannels) {
        return (long) filters * inChannels * kernelHeight * kernelWidth;
    }

    @Override
    public String describe(List<Integer> in) {
        return "Conv2d(" + Shapes.describe(in) + " -> " + Shapes.describe(outputShape(in)) + ", " + kernelHeight + "x"
                + kernelWidth + Pool2dSpec.windowOptions(strideHeight, strideWidth, padHeight, padWidth)
                + (bias ? "" : ", no bias") + ")";
    }

    @Override
    public String describe(int inputSize) {
        return "Conv2d(" + filters + " filters, " + kernelHeight + "x" + kernelWidth + ")";
    }

    /** Convolution needs an image; a flat input has no output size. */
    @Override
    public int outputSize(int inputSize) {
        throw new UnsupportedOperationException("Conv2d works on images [channels, height, width], not on "
                + inputSize + " features");
    }
}
