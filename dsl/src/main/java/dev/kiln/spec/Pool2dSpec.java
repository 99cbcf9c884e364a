package dev.kiln.spec;

import java.util.List;
import java.util.Objects;

/**
 * 2-D pooling over an image input {@code [channels, height, width]}, each channel on its own: the largest
 * value ({@link Kind#MAX}) or the mean ({@link Kind#AVG}, dividing by the window's area, padding included)
 * of each {@code kernelHeight x kernelWidth} window, moved by the stride. Output sizes follow the
 * convolution's rule ({@link Conv2dSpec}); the stride is the kernel size unless given. Max pooling never
 * picks padding. No parameters.
 *
 * @param kind         max or average
 * @param kernelHeight window rows
 * @param kernelWidth  window columns
 * @param strideHeight step between windows, down
 * @param strideWidth  step between windows, across
 * @param padHeight    padding rows above and below, or {@link Conv2dSpec#SAME}
 * @param padWidth     padding columns left and right, or {@link Conv2dSpec#SAME}
 * @param source       where it was declared
 */
public record Pool2dSpec(Kind kind, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth,
                         int padHeight, int padWidth, String source) implements LayerSpec {

    /** What a pooling window computes. */
    public enum Kind {
        /** The largest value. */
        MAX,
        /** The mean. */
        AVG;

        /** {@code MaxPool2d} or {@code AvgPool2d}, as messages and comments name it. */
        public String display() {
            return this == MAX ? "MaxPool2d" : "AvgPool2d";
        }
    }

    public Pool2dSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(source, "source");
    }

    @Override
    public Pool2dSpec withSource(String source) {
        return new Pool2dSpec(kind, kernelHeight, kernelWidth, strideHeight, strideWidth, padHeight, padWidth, source);
    }

    @Override
    public List<Integer> outputShape(List<Integer> in) {
        return List.of(in.get(0), Shapes.extent(in.get(1), kernelHeight, strideHeight, padHeight).out(),
                Shapes.extent(in.get(2), kernelWidth, strideWidth, padWidth).out());
    }

    @Override
    public String describe(List<Integer> in) {
        return kind.display() + "(" + Shapes.describe(in) + " -> " + Shapes.describe(outputShape(in)) + ", "
                + kernelHeight + "x" + kernelWidth + windowOptions(strideHeight, strideWidth, padHeight, padWidth) + ")";
    }

    @Override
    public String describe(int inputSize) {
        return kind.display() + "(" + kernelHeight + "x" + kernelWidth + ")";
    }

    /** Pooling needs an image; a flat input has no output size. */
    @Override
    public int outputSize(int inputSize) {
        throw new UnsupportedOperationException(kind.display() + " works on images [channels, height, width], not on "
                + inputSize + " features");
    }

    /** {@code , stride 2, pad 1} or {@code , same padding}: the options that differ from 1 and 0. */
    static String windowOptions(int strideHeight, int strideWidth, int padHeight, int padWidth) {
        StringBuilder s = new StringBuilder();
        if (strideHeight != 1 || strideWidth != 1) {
            s.append(", stride ").append(strideHeight == strideWidth ? String.valueOf(strideHeight)
                    : strideHeight + "x" + strideWidth);
        }
        if (padHeight == Conv2dSpec.SAME || padWidth == Conv2dSpec.SAME) {
            s.append(", same padding");
        } else if (padHeight != 0 || padWidth != 0) {
            s.append(", pad ").append(padHeight == padWidth ? String.valueOf(padHeight) : padHeight + "x" + padWidth);
        }
        return s.toString();
    }
}
