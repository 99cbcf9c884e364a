package dev.kiln.runtime.ops;

/**
 * The shapes of one two-dimensional convolution ({@link ConvOps}): an input of {@code inChannels} planes
 * of {@code inHeight x inWidth}, {@code outChannels} kernels of {@code inChannels x kernelHeight x
 * kernelWidth}, moved {@code strideHeight} rows and {@code strideWidth} columns at a time over the input
 * padded with zeros, giving {@code outChannels} planes of {@code outHeight x outWidth}.
 *
 * <p>Output row {@code r} reads input rows {@code r * strideHeight - padTop} to {@code r * strideHeight -
 * padTop + kernelHeight - 1}, and columns likewise; rows and columns outside the input read zero. Only
 * the top and left padding are stored: the bottom and right padding are whatever the output size needs,
 * so "same" padding with an even kernel is {@code padTop = (kernelHeight - 1) / 2} with the extra row at
 * the bottom, as TensorFlow pads. {@link #of} computes the output size from explicit padding on all four
 * sides, as PyTorch does.
 *
 * <p>All sizes are positive; the padding is at least 0 and smaller than the kernel (a window that lies in
 * the padding alone would read nothing but zeros); every output window overlaps the input, that is
 * {@code (outHeight - 1) * strideHeight - padTop < inHeight} and likewise for the width; and the sizes of
 * an input, an output and the weights fit in an {@code int}.
 *
 * @param inChannels   planes of the input
 * @param inHeight     rows of each input plane
 * @param inWidth      columns of each input plane
 * @param outChannels  planes of the output, one per kernel
 * @param kernelHeight rows of a kernel
 * @param kernelWidth  columns of a kernel
 * @param strideHeight rows between the windows of two neighbouring output rows
 * @param strideWidth  columns between the windows of two neighbouring output columns
 * @param padTop       zero rows above the input
 * @param padLeft      zero columns left of the input
 * @param outHeight    rows of each output plane
 * @param outWidth     columns of each output plane
 */
public record Conv2dGeometry(int inChannels, int inHeight, int inWidth, int outChannels,
                             int kernelHeight, int kernelWidth, int strideHeight, int strideWidth,
                             int padTop, int padLeft, int outHeight, int outWidth) {

    /**
     * Checks the shapes.
     *
     * @throws IllegalArgumentException naming the field and its value when a rule above is broken
     */
    public Conv2dGeometry {
        positive("inChannels", inChannels);
        positive("inHeight", inHeight);
        positive("inWidth", inWidth);
        positive("outChannels", outChannels);
        positive("kernelHeight", kernelHeight);
        positive("kernelWidth", kernelWidth);
        positive("strideHeight", strideHeight);
        positive("strideWidth", strideWidth);
        positive("outHeight", outHeight);
        positive("outWidth", outWidth);
        padding("padTop", padTop, "kernelHeight", kernelHeight);
        padding("padLeft", padLeft, "kernelWidth", kernelWidth);
        overlap("outHeight", outHeight, "strideHeight", strideHeight, "padTop", padTop, "inHeight", inHeight);
        overlap("outWidth", outWidth, "strideWidth", strideWidth, "padLeft", padLeft, "inWidth", inWidth);
        fits("an input (inChannels x inHeight x inWidth)", (long) inChannels * inHeight * inWidth);
        fits("an output (outChannels x outHeight x outWidth)", (long) outChannels * outHeight * outWidth);
        fits("the weights (outChannels x inChannels x kernelHeight x kernelWidth)",
                (long) outChannels * inChannels * kernelHeight * kernelWidth);
    }

    /**
     * The geometry with explicit padding on every side, as PyTorch's {@code Conv2d} takes it (there
     * {@code padBottom == padTop} and {@code padRight == padLeft}): {@code outHeight = (inHeight + padTop +
     * padBottom - kernelHeight) / strideHeight + 1}, rounded down, and likewise {@code outWidth}. Rows and
     * columns that no window reaches (when the stride does not divide the padded size) are left out, as
     * in PyTorch.
     *
     * @throws IllegalArgumentException naming the argument and its value when a size or stride is not
     *     positive, a padding is negative or not smaller than the kernel, or the kernel is larger than the
     *     padded input
     */
    public static Conv2dGeometry of(int inChannels, int inHeight, int inWidth, int outChannels, int kernelHeight,
                                    int kernelWidth, int strideHeight, int strideWidth, int padTop, int padLeft,
                                    int padBottom, int padRight) {
        positive("inHeight", inHeight);
        positive("inWidth", inWidth);
        positive("kernelHeight", kernelHeight);
        positive("kernelWidth", kernelWidth);
        positive("strideHeight", strideHeight);
        positive("strideWidth", strideWidth);
        padding("padTop", padTop, "kernelHeight", kernelHeight);
        padding("padBottom", padBottom, "kernelHeight", kernelHeight);
        padding("padLeft", padLeft, "kernelWidth", kernelWidth);
        padding("padRight", padRight, "kernelWidth", kernelWidth);
        int outHeight = outputSize("kernelHeight", kernelHeight, "inHeight", inHeight, "padTop", padTop,
                "padBottom", padBottom, strideHeight);
        int outWidth = outputSize("kernelWidth", kernelWidth, "inWidth", inWidth, "padLeft", padLeft,
                "padRight", padRight, strideWidth);
        return new Conv2dGeometry(inChannels, inHeight, inWidth, outChannels, kernelHeight, kernelWidth,
                strideHeight, strideWidth, padTop, padLeft, outHeight, outWidth);
    }

    /** The floats of one input sample: {@code inChannels * inHeight * inWidth}. */
    public int inputSize() {
        return inChannels * inHeight * inWidth;
    }

    /** The floats of one output sample: {@code outChannels * outHeight * outWidth}. */
    public int outputSize() {
        return outChannels * outHeight * outWidth;
    }

    /** The floats of the weights: {@code outChannels * inChannels * kernelHeight * kernelWidth}. */
    public int weightSize() {
        return outChannels * patchSize();
    }

    /** The inputs one output value reads, the fan-in: {@code inChannels * kernelHeight * kernelWidth}. */
    public int patchSize() {
        return inChannels * kernelHeight * kernelWidth;
    }

    /** The pixels of one output plane: {@code outHeight * outWidth}. */
    public int outputPixels() {
        return outHeight * outWidth;
    }

    /**
     * The zero rows the last output row reads below the input: {@code (outHeight - 1) * strideHeight +
     * kernelHeight - padTop - inHeight}, negative when input rows at the bottom are never read.
     */
    public int padBottom() {
        return (outHeight - 1) * strideHeight + kernelHeight - padTop - inHeight;
    }

    /** The zero columns the last output column reads right of the input; negative as {@link #padBottom()}. */
    public int padRight() {
        return (outWidth - 1) * strideWidth + kernelWidth - padLeft - inWidth;
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException("convolution: " + name + " = " + value + " must be positive");
        }
    }

    private static void padding(String name, int value, String kernelName, int kernel) {
        if (value < 0 || value >= kernel) {
            throw new IllegalArgumentException("convolution: " + name + " = " + value + " must be in [0, "
                    + kernelName + " = " + kernel + "): a window inside the padding would read only zeros");
        }
    }

    private static void overlap(String outName, int out, String strideName, int stride, String padName, int pad,
                                String inName, int in) {
        long lastStart = (long) (out - 1) * stride - pad;
        if (lastStart >= in) {
            long most = (in - 1L + pad) / stride + 1;
            throw new IllegalArgumentException("convolution: " + outName + " = " + out + " is too large: its last "
                    + "window starts at " + lastStart + ", past the input (" + inName + " = " + in + ", "
                    + strideName + " = " + stride + ", " + padName + " = " + pad + "); at most " + most
                    + " windows overlap the input");
        }
    }

    private static void fits(String what, long size) {
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("convolution: " + what + " has " + size
                    + " floats, more than an int counts (" + Integer.MAX_VALUE + ")");
        }
    }

    private static int outputSize(String kernelName, int kernel, String inName, int in, String beforeName,
                                  int before, String afterName, int after, int stride) {
        long padded = (long) in + before + after;
        if (kernel > padded) {
            throw new IllegalArgumentException("convolution: " + kernelName + " = " + kernel + " is larger than the"
                    + " padded input (" + inName + " " + in + " + " + beforeName + " " + before + " + " + afterName
                    + " " + after + " = " + padded + "); pad more or use a smaller kernel");
        }
        return (int) ((padded - kernel) / stride + 1);
    }
}
