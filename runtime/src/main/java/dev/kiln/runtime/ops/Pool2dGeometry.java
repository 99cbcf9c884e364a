package dev.kiln.runtime.ops;

/**
 * The shapes of one 2-D pooling over images laid out NCHW, batch-major: sample {@code s}, channel {@code c},
 * row {@code r}, column {@code q} of an input at element {@code x + ((s * channels + c) * inHeight + r) *
 * inWidth + q}, and likewise for the output with {@code outHeight} and {@code outWidth}.
 *
 * <p>Output {@code (oh, ow)} pools the window of {@code kernelHeight x kernelWidth} positions whose first
 * row is {@code oh * strideHeight - padTop} and first column {@code ow * strideWidth - padLeft}; positions
 * outside the input are padding. Padding at the bottom and the right is implicit: whatever the last window
 * reaches beyond the input ({@link #padBottom()}, {@link #padRight()}). {@link #of} computes the output size
 * from explicit padding on all four sides, as PyTorch's {@code floor((in + pads - kernel) / stride) + 1}.
 *
 * <p>The constructor checks what every kernel relies on: every size and stride positive, every padding
 * zero or positive and at most half its kernel (PyTorch's rule, so that no window is padding only), every
 * window overlapping the input, and a sample's input and output small enough to count in an {@code int}.
 *
 * @param channels     channels (feature maps) of the input and of the output
 * @param inHeight     rows of the input
 * @param inWidth      columns of the input
 * @param kernelHeight rows of a window
 * @param kernelWidth  columns of a window
 * @param strideHeight rows between the first rows of vertically adjacent windows
 * @param strideWidth  columns between the first columns of horizontally adjacent windows
 * @param padTop       rows of padding above the input
 * @param padLeft      columns of padding left of the input
 * @param outHeight    rows of the output
 * @param outWidth     columns of the output
 */
public record Pool2dGeometry(int channels, int inHeight, int inWidth, int kernelHeight, int kernelWidth,
                             int strideHeight, int strideWidth, int padTop, int padLeft, int outHeight,
                             int outWidth) {

    /**
     * Checks the geometry.
     *
     * @throws IllegalArgumentException naming the field and its value when a size or stride is not positive,
     *                                  a padding is negative or more than half its kernel, a window lies
     *                                  wholly outside the input, or a sample does not fit an {@code int}
     */
    public Pool2dGeometry {
        positive("channels", channels);
        positive("inHeight", inHeight);
        positive("inWidth", inWidth);
        positive("kernelHeight", kernelHeight);
        positive("kernelWidth", kernelWidth);
        positive("strideHeight", strideHeight);
        positive("strideWidth", strideWidth);
        padding("padTop", padTop, "kernelHeight", kernelHeight);
        padding("padLeft", padLeft, "kernelWidth", kernelWidth);
        positive("outHeight", outHeight);
        positive("outWidth", outWidth);
        windowsOverlap("outHeight", outHeight, "row", "strideHeight", strideHeight, "padTop", padTop,
                "inHeight", inHeight);
        windowsOverlap("outWidth", outWidth, "column", "strideWidth", strideWidth, "padLeft", padLeft,
                "inWidth", inWidth);
        fitsInt("channels * inHeight * inWidth", (long) channels * inHeight * inWidth);
        fitsInt("channels * outHeight * outWidth", (long) channels * outHeight * outWidth);
    }

    /**
     * The geometry with explicit padding on every side, the output as large as the padded input allows:
     * {@code outHeight = floor((inHeight + padTop + padBottom - kernelHeight) / strideHeight) + 1}, and
     * {@code outWidth} likewise. Rows or columns the last window does not reach are not pooled, as in
     * PyTorch.
     *
     * @throws IllegalArgumentException as the constructor, and when {@code padBottom} or {@code padRight} is
     *                                  negative or more than half its kernel, or the kernel is larger than
     *                                  the padded input
     */
    public static Pool2dGeometry of(int channels, int inHeight, int inWidth, int kernelHeight, int kernelWidth,
                                    int strideHeight, int strideWidth, int padTop, int padLeft, int padBottom,
                                    int padRight) {
        positive("inHeight", inHeight);
        positive("inWidth", inWidth);
        positive("kernelHeight", kernelHeight);
        positive("kernelWidth", kernelWidth);
        positive("strideHeight", strideHeight);
        positive("strideWidth", strideWidth);
        padding("padTop", padTop, "kernelHeight", kernelHeight);
        padding("padLeft", padLeft, "kernelWidth", kernelWidth);
        padding("padBottom", padBottom, "kernelHeight", kernelHeight);
        padding("padRight", padRight, "kernelWidth", kernelWidth);
        int outHeight = outSize("kernelHeight", kernelHeight, "inHeight", inHeight, padTop, padBottom,
                strideHeight);
        int outWidth = outSize("kernelWidth", kernelWidth, "inWidth", inWidth, padLeft, padRight, strideWidth);
        return new Pool2dGeometry(channels, inHeight, inWidth, kernelHeight, kernelWidth, strideHeight,
                strideWidth, padTop, padLeft, outHeight, outWidth);
    }

    /** Floats of one sample's input: {@code channels * inHeight * inWidth}. */
    public int inputSize() {
        return channels * inHeight * inWidth;
    }

    /** Floats of one sample's output: {@code channels * outHeight * outWidth}. */
    public int outputSize() {
        return channels * outHeight * outWidth;
    }

    /** Rows of padding below the input that the last row of windows reaches (0 when it stays inside). */
    public int padBottom() {
        return (int) Math.max(0, (long) (outHeight - 1) * strideHeight - padTop + kernelHeight - inHeight);
    }

    /** Columns of padding right of the input that the last column of windows reaches (0 when inside). */
    public int padRight() {
        return (int) Math.max(0, (long) (outWidth - 1) * strideWidth - padLeft + kernelWidth - inWidth);
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("pooling: " + name + " = " + value + " must be positive");
        }
    }

    private static void padding(String name, int value, String kernelName, int kernel) {
        if (value < 0) {
            throw new IllegalArgumentException("pooling: " + name + " = " + value + " must be zero or positive");
        }
        if (value > kernel / 2) {
            throw new IllegalArgumentException("pooling: " + name + " = " + value + " is more than half of "
                    + kernelName + " = " + kernel + "; padding may be at most kernel / 2 = " + kernel / 2
                    + " (as in PyTorch), so that no window is mostly padding");
        }
    }

    /** The last window along one axis must start inside the input: {@code (out - 1) * stride - pad < in}. */
    private static void windowsOverlap(String outName, int out, String unit, String strideName, int stride,
                                       String padName, int pad, String inName, int in) {
        long lastStart = (long) (out - 1) * stride - pad;
        if (lastStart >= in) {
            long fitting = ((long) in - 1 + pad) / stride + 1;
            throw new IllegalArgumentException("pooling: " + outName + " = " + out + " windows at " + strideName
                    + " = " + stride + " and " + padName + " = " + pad + " put the last window at " + unit + " "
                    + lastStart + ", beyond the " + inName + " = " + in + " " + unit + "s of the input; at most "
                    + fitting + " windows overlap the input");
        }
    }

    private static void fitsInt(String what, long value) {
        if (value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("pooling: " + what + " = " + value + " floats per sample exceed "
                    + Integer.MAX_VALUE + "; pool smaller images or fewer channels");
        }
    }

    private static int outSize(String kernelName, int kernel, String inName, int in, int padBefore, int padAfter,
                               int stride) {
        long padded = (long) in + padBefore + padAfter;
        if (kernel > padded) {
            throw new IllegalArgumentException("pooling: " + kernelName + " = " + kernel + " is larger than "
                    + inName + " = " + in + " with its padding (" + padded + "); no window fits, use a smaller "
                    + "kernel or more padding");
        }
        return (int) ((padded - kernel) / stride + 1);
    }
}
