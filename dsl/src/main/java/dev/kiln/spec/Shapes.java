package dev.kiln.spec;

import java.util.List;
import java.util.stream.Collectors;

/** Small helpers for the per-sample shapes of {@link LayerSpec#outputShape}: their size and how they print. */
public final class Shapes {

    private Shapes() {
    }

    /** The number of values in a sample of {@code shape}: the product of its dimensions (1 for no dimension). */
    public static int size(List<Integer> shape) {
        long size = 1;
        for (int d : shape) {
            size *= d;
            if (size > Integer.MAX_VALUE || size < 0) {
                return Integer.MAX_VALUE;
            }
        }
        return (int) size;
    }

    /** {@code 16x5x5} for {@code [16, 5, 5]}, {@code 400} for {@code [400]}. */
    public static String describe(List<Integer> shape) {
        return shape.stream().map(String::valueOf).collect(Collectors.joining("x"));
    }

    /** Whether {@code shape} is an image, {@code [channels, height, width]}. */
    public static boolean isImage(List<Integer> shape) {
        return shape.size() == 3;
    }

    /**
     * One spatial dimension of a convolution or pooling window: the output size and the padding before
     * the first window (the padding after it is whatever the last window needs).
     *
     * @param out    the number of windows
     * @param before the zero rows (or columns) before the input
     */
    public record Extent(int out, int before) {
    }

    /**
     * The windows of size {@code kernel} moved by {@code stride} over {@code in} values with {@code padding}
     * on each side, or for {@link Conv2dSpec#SAME} padding {@code ceil(in / stride)} windows with the
     * padding split evenly (the odd one after). Meaningful when {@link #divides} holds.
     */
    public static Extent extent(int in, int kernel, int stride, int padding) {
        if (padding == Conv2dSpec.SAME) {
            int out = (in + stride - 1) / stride;
            int total = Math.max(0, (out - 1) * stride + kernel - in);
            return new Extent(out, total / 2);
        }
        return new Extent((in - kernel + 2 * padding) / stride + 1, padding);
    }

    /**
     * Whether the windows fit exactly: {@code (in - kernel + 2 padding) / stride + 1} is a whole number of
     * at least 1 (always true for {@link Conv2dSpec#SAME} padding).
     */
    public static boolean divides(int in, int kernel, int stride, int padding) {
        if (padding == Conv2dSpec.SAME) {
            return true;
        }
        int span = in - kernel + 2 * padding;
        return span >= 0 && span % stride == 0;
    }
}
