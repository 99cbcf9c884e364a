package dev.kiln.runtime.ops;

import static dev.kiln.runtime.Memory.FLOAT;

import dev.kiln.runtime.Memory;
import java.lang.foreign.MemorySegment;

/**
 * {@link ConvOps.Algorithm#DIRECT}: stride-1 convolutions computed in place by the Vector API kernels of
 * {@link ConvVectors}, on zero-padded copies of the input and the output gradient. Used only when the
 * Vector API is present.
 *
 * <ul>
 *   <li>Forward: a group of samples is copied into planes of {@code outHeight + kernelHeight - 1} rows of
 *       {@link #rowLength} floats, the input at row {@code padTop} and column {@code padLeft}, zeros around
 *       it; then {@link ConvVectors#correlateRows} with the layer's weights and bias, or, when the output
 *       channels fill the vectors better than the output rows ({@link #acrossChannels}),
 *       {@link ConvVectors#correlateChannels} with the weights transposed position-major.</li>
 *   <li>Weight gradient: the same padded input, and {@link ConvVectors#weightGradientRows} against the
 *       padded output gradient (below), whose rows are zero past the output's width, or
 *       {@link ConvVectors#weightGradientChannels} against a pixel-major copy of the output gradient; the
 *       vector sums are kept across groups and reduced into {@code gw} at the end.</li>
 *   <li>Input gradient: {@code dx[c][r][q] = sum_{o, i, j} dy[o][r + padTop - i][q + padLeft - j]
 *       W[o][c][i][j]}, which is a stride-1 correlation of {@code dy}, padded with {@code kernelHeight - 1
 *       - padTop} rows above and {@code kernelWidth - 1 - padLeft} columns left, with the weights flipped
 *       in both directions and their two channel axes swapped ({@code Wf[c][o][i][j] = W[o][c][kh - 1 - i]
 *       [kw - 1 - j]}): the forward kernels again, chosen by the input's channels and width.</li>
 * </ul>
 * Samples go in groups whose padded copies take about {@value #GROUP_FLOATS} floats, so that a group stays
 * in the first- or second-level cache while every output channel and weight passes over it.
 *
 * <p>The kernels work on {@code float[]} buffers that belong to the calling thread ({@link ThreadLocal}),
 * as {@link dev.kiln.runtime.blas.JavaBlas}'s packing buffers do: they grow to the largest layer a thread
 * has run and are then reused, so a call allocates nothing once a thread has run its layers. Nothing is
 * kept from one call to the next (the padding is cleared on every call, since layers share the buffers).
 */
final class DirectConv {

    /** The floats a group's padded copies aim at: 16 Ki floats, 64 KiB. */
    static final int GROUP_FLOATS = 1 << 14;

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private DirectConv() {
    }

    /** One thread's buffers, grown on demand and then reused. */
    private static final class Buffers {
        /** Padded input samples. */
        float[] input = new float[0];
        /** Padded output-gradient samples. */
        float[] gradient = new float[0];
        /** The weights and bias, or the flipped weights. */
        float[] weights = new float[0];
        /** Vector sums of the weight gradient, {@code L} per weight. */
        float[] partial = new float[0];
        /** The weight gradient, reduced. */
        float[] sums = new float[0];
        /** One tile of a kernel. */
        float[] scratch = new float[12 * ConvVectors.lanes()];
        /** The output of a group, in rows of whole vectors. */
        float[] staging = new float[0];
        /** Where each weight reads, relative to an output position. */
        int[] taps = new int[0];
        /** Weights position-major (and the bias), for the kernels across the channels. */
        float[] transposed = new float[0];
        /** The output gradient of a group, pixel-major. */
        float[] pixelMajor = new float[0];
        /** One output-gradient sample as it is stored. */
        float[] sampleCopy = new float[0];
        /** A gather index map. */
        int[] map = new int[ConvVectors.lanes()];

        static int[] atLeast(int[] buffer, int size) {
            return buffer.length >= size ? buffer : new int[size];
        }

        static float[] atLeast(float[] buffer, long size) {
            return buffer.length >= size ? buffer : new float[Math.toIntExact(size)];
        }
    }

    /** The floats between two rows of the padded input. */
    static int rowLength(Conv2dGeometry g) {
        return Math.max(g.padLeft() + g.inWidth(), roundUp(g.outWidth()) + g.kernelWidth() - 1);
    }

    /** The rows of a plane of the padded input. */
    static int rows(Conv2dGeometry g) {
        return g.outHeight() + g.kernelHeight() - 1;
    }

    /** The floats of one padded input sample. */
    static int paddedInput(Conv2dGeometry g) {
        return Math.toIntExact((long) g.inChannels() * rows(g) * rowLength(g));
    }

    /** The zero columns left of {@code dy} in its padded copy. */
    static int gradientPadLeft(Conv2dGeometry g) {
        return g.kernelWidth() - 1 - g.padLeft();
    }

    /** The zero rows above {@code dy} in its padded copy. */
    static int gradientPadTop(Conv2dGeometry g) {
        return g.kernelHeight() - 1 - g.padTop();
    }

    /**
     * The floats between two rows of the padded output gradient: room for whole vectors of {@code dy} (zero
     * past its width) and for a vector read at any column of {@code dx}.
     */
    static int gradientRowLength(Conv2dGeometry g) {
        return Math.max(gradientPadLeft(g) + roundUp(g.outWidth()), roundUp(g.inWidth()) + g.kernelWidth() - 1);
    }

    /** The rows of a plane of the padded output gradient. */
    static int gradientRows(Conv2dGeometry g) {
        return g.inHeight() + g.kernelHeight() - 1;
    }

    /** The floats of one padded output-gradient sample. */
    static int paddedGradient(Conv2dGeometry g) {
        return Math.toIntExact((long) g.outChannels() * gradientRows(g) * gradientRowLength(g));
    }

    /** The samples in one group. */
    static int groupSamples(Conv2dGeometry g) {
        long pixelMajor = (long) g.outputPixels() * roundUp(g.outChannels());
        return (int) Math.max(1, GROUP_FLOATS / Math.max(Math.max(paddedInput(g), paddedGradient(g)), pixelMajor));
    }

    /**
     * Whether {@code outChannels} channels fill the vectors better than rows of {@code outWidth} values:
     * then the kernels across the channels compute them.
     */
    static boolean acrossChannels(int outChannels, int outWidth) {
        return (long) outChannels * roundUp(outWidth) > (long) outWidth * roundUp(outChannels);
    }

    static void forward(Conv2dGeometry g, MemorySegment xs, long x, MemorySegment p, long w, long b,
                        MemorySegment ys, long y, int batch) {
        if (LaneConv.forwardApplies(g, batch)) {
            LaneConv.forward(g, xs, x, p, w, b, ys, y, batch);
            return;
        }
        int group = Math.min(batch, groupSamples(g));
        int sample = paddedInput(g);
        int rowLength = rowLength(g);
        int plane = rows(g) * rowLength;
        int patch = g.patchSize();
        Buffers buffers = BUFFERS.get();
        float[] input = buffers.input = Buffers.atLeast(buffers.input, (long) group * sample);
        float[] weights = buffers.weights = Buffers.atLeast(buffers.weights, g.weightSize() + g.outChannels());
        ConvVectors.clear(input, 0, group * sample);
        Memory.copy(p, w, weights, 0, g.weightSize());
        boolean channels = acrossChannels(g.outChannels(), g.outWidth());
        int opad = roundUp(g.outChannels());
        float[] staging;
        if (channels) {
            float[] transposed = buffers.transposed = Buffers.atLeast(buffers.transposed, (long) (patch + 1) * opad);
            ConvVectors.transposeWeights(weights, g.outChannels(), patch, transposed, opad);
            if (b != DenseOps.NO_BIAS) {
                Memory.copy(p, b, transposed, patch * opad, g.outChannels());
            }
            ConvVectors.strideMap(opad, buffers.map);
            // a gather reads whole vectors of pixels, also past the last (masked off, but range-checked)
            staging = buffers.staging = Buffers.atLeast(buffers.staging, (long) roundUp(g.outputPixels()) * opad);
        } else {
            if (b != DenseOps.NO_BIAS) {
                Memory.copy(p, b, weights, g.weightSize(), g.outChannels());
            }
            staging = buffers.staging = Buffers.atLeast(buffers.staging,
                    (long) group * g.outChannels() * g.outHeight() * roundUp(g.outWidth()));
        }
        for (int s0 = 0; s0 < batch; s0 += group) {
            int samples = Math.min(group, batch - s0);
            for (int i = 0; i < samples; i++) {
                padInput(g, xs, x + (long) (s0 + i) * g.inputSize(), input, i * sample);
            }
            long out = y + (long) s0 * g.outputSize();
            if (channels) {
                ConvVectors.correlateChannels(input, sample, g.inChannels(), plane, rowLength, g.kernelHeight(),
                        g.kernelWidth(), buffers.transposed, opad, b == DenseOps.NO_BIAS ? -1 : patch * opad, ys, out,
                        g.outChannels(), g.outHeight(), g.outWidth(), samples, staging, buffers.map);
            } else {
                ConvVectors.correlateRows(input, sample, g.inChannels(), plane, rowLength, g.kernelHeight(),
                        g.kernelWidth(), weights, b == DenseOps.NO_BIAS ? -1 : g.weightSize(), ys, out,
                        g.outChannels(), g.outHeight(), g.outWidth(), samples, staging);
            }
        }
    }

    static void backward(Conv2dGeometry g, MemorySegment xs, long x, MemorySegment p, long w,
                         MemorySegment dys, long dy, MemorySegment gs, long gw, long gb,
                         MemorySegment dxs, long dx, int batch) {
        if (batch >= LaneConv.lanes()) {
            LaneConv.backward(g, xs, x, p, w, dys, dy, gs, gw, gb, dxs, dx, batch);
            return;
        }
        int group = Math.min(batch, groupSamples(g));
        int sample = paddedInput(g);
        int rowLength = rowLength(g);
        int plane = rows(g) * rowLength;
        int patch = g.patchSize();
        int pixels = g.outputPixels();
        int gradientSample = paddedGradient(g);
        int gradientRowLength = gradientRowLength(g);
        int gradientPlane = gradientRows(g) * gradientRowLength;
        int dyAt = gradientPadTop(g) * gradientRowLength + gradientPadLeft(g);
        int lanes = ConvVectors.lanes();
        boolean channels = acrossChannels(g.outChannels(), g.outWidth());
        int opad = roundUp(g.outChannels());
        boolean padGradient = !channels || dxs != null;
        Buffers buffers = BUFFERS.get();
        float[] input = buffers.input = Buffers.atLeast(buffers.input, (long) group * sample);
        float[] partial = buffers.partial = Buffers.atLeast(buffers.partial, (long) g.weightSize() * lanes);
        int[] taps = buffers.taps = Buffers.atLeast(buffers.taps, patch);
        ConvVectors.clear(input, 0, group * sample);
        float[] gradient = null;
        if (padGradient) {
            gradient = buffers.gradient = Buffers.atLeast(buffers.gradient, (long) group * gradientSample);
            ConvVectors.clear(gradient, 0, group * gradientSample);
        }
        float[] pixelMajor = null;
        if (channels) {
            ConvVectors.clear(partial, 0, patch * opad);
            pixelMajor = buffers.pixelMajor = Buffers.atLeast(buffers.pixelMajor, (long) group * pixels * opad);
            buffers.sampleCopy = Buffers.atLeast(buffers.sampleCopy, (long) g.outChannels() * pixels);
        } else {
            ConvVectors.clear(partial, 0, g.weightSize() * lanes);
        }
        if (gb != DenseOps.NO_BIAS) {
            Runs.addBiasGradient(dys, dy, batch, g.outChannels(), pixels, gs, gb);
        }
        for (int s0 = 0; s0 < batch; s0 += group) {
            int samples = Math.min(group, batch - s0);
            for (int i = 0; i < samples; i++) {
                padInput(g, xs, x + (long) (s0 + i) * g.inputSize(), input, i * sample);
                long from = dy + (long) (s0 + i) * g.outputSize();
                if (padGradient) {
                    for (int o = 0; o < g.outChannels(); o++) {
                        ConvVectors.copyRows(dys, from + (long) o * pixels, g.outWidth(), gradient,
                                i * gradientSample + o * gradientPlane + dyAt, gradientRowLength, g.outHeight(),
                                g.outWidth());
                    }
                }
            }
            // the weight gradient
            if (channels) {
                for (int i = 0; i < samples; i++) {
                    ConvVectors.transposeGradient(dys, dy + (long) (s0 + i) * g.outputSize(), g.outChannels(), pixels,
                            buffers.sampleCopy, pixelMajor, i * pixels * opad, opad);
                }
                ConvVectors.tapOffsets(g.inChannels(), plane, rowLength, g.kernelHeight(), g.kernelWidth(), taps);
                ConvVectors.weightGradientChannels(input, sample, rowLength, taps, patch, pixelMajor, opad,
                        g.outHeight(), g.outWidth(), samples, partial, buffers.scratch);
            } else {
                ConvVectors.weightGradientRows(input, sample, g.inChannels(), plane, rowLength, g.kernelHeight(),
                        g.kernelWidth(), gradient, dyAt, gradientSample, gradientPlane, gradientRowLength,
                        g.outChannels(), g.outHeight(), g.outWidth(), samples, partial, buffers.scratch);
            }
            // the input gradient
            if (dxs != null) {
                inputGradient(g, gradient, gradientSample, gradientPlane, gradientRowLength, p, w,
                        dxs, dx + (long) s0 * g.inputSize(), samples, buffers, s0 == 0);
            }
        }
        float[] sums = buffers.sums = Buffers.atLeast(buffers.sums, g.weightSize());
        if (channels) {
            for (int o = 0; o < g.outChannels(); o++) {
                for (int t = 0; t < patch; t++) {
                    sums[o * patch + t] = partial[t * opad + o];
                }
            }
        } else {
            ConvVectors.reduceRuns(partial, 0, g.weightSize(), sums, 0);
        }
        for (int t = 0; t < g.weightSize(); t++) {
            gs.setAtIndex(FLOAT, gw + t, gs.getAtIndex(FLOAT, gw + t) + sums[t]);
        }
    }

    /**
     * {@code dx} of a group: the padded output gradient correlated with the flipped weights, along the rows
     * or across the channels of {@code dx}; the weights are prepared on the first group.
     */
    private static void inputGradient(Conv2dGeometry g, float[] gradient, int gradientSample, int gradientPlane,
                                      int gradientRowLength, MemorySegment p, long w, MemorySegment dxs, long dx,
                                      int samples, Buffers buffers, boolean first) {
        int flippedPatch = g.outChannels() * g.kernelHeight() * g.kernelWidth();
        boolean channels = acrossChannels(g.inChannels(), g.inWidth());
        int cpad = roundUp(g.inChannels());
        if (first) {
            float[] flipped = buffers.weights = Buffers.atLeast(buffers.weights, g.weightSize());
            flipWeights(g, p, w, flipped);
            if (channels) {
                buffers.transposed = Buffers.atLeast(buffers.transposed, (long) flippedPatch * cpad);
                ConvVectors.transposeWeights(flipped, g.inChannels(), flippedPatch, buffers.transposed, cpad);
                buffers.staging = Buffers.atLeast(buffers.staging, (long) roundUp(g.inHeight() * g.inWidth()) * cpad);
            } else {
                buffers.staging = Buffers.atLeast(buffers.staging,
                        (long) samples * g.inChannels() * g.inHeight() * roundUp(g.inWidth()));
            }
        }
        if (channels) {
            ConvVectors.strideMap(cpad, buffers.map);
            ConvVectors.correlateChannels(gradient, gradientSample, g.outChannels(), gradientPlane, gradientRowLength,
                    g.kernelHeight(), g.kernelWidth(), buffers.transposed, cpad, -1, dxs, dx, g.inChannels(),
                    g.inHeight(), g.inWidth(), samples, buffers.staging, buffers.map);
        } else {
            ConvVectors.correlateRowsOfGradients(gradient, gradientSample, g.outChannels(), gradientPlane,
                    gradientRowLength, g.kernelHeight(), g.kernelWidth(), buffers.weights, -1, dxs, dx,
                    g.inChannels(), g.inHeight(), g.inWidth(), samples, buffers.staging);
        }
    }

    /** Copies one input sample into its padded planes from {@code at} (whose padding is zero). */
    private static void padInput(Conv2dGeometry g, MemorySegment xs, long x, float[] input, int at) {
        int rowLength = rowLength(g);
        int rows = rows(g);
        // input rows below the last window are never read, and have no room
        int inRows = Math.min(g.inHeight(), rows - g.padTop());
        for (int c = 0; c < g.inChannels(); c++) {
            ConvVectors.copyRows(xs, x + (long) c * g.inHeight() * g.inWidth(), g.inWidth(), input,
                    at + (c * rows + g.padTop()) * rowLength + g.padLeft(), rowLength, inRows, g.inWidth());
        }
    }

    /** {@code Wf[c][o][i][j] = W[o][c][kh - 1 - i][kw - 1 - j]}. */
    private static void flipWeights(Conv2dGeometry g, MemorySegment p, long w, float[] flipped) {
        int kh = g.kernelHeight();
        int kw = g.kernelWidth();
        int inChannels = g.inChannels();
        int outChannels = g.outChannels();
        int to = 0;
        for (int c = 0; c < inChannels; c++) {
            for (int o = 0; o < outChannels; o++) {
                long from = w + ((long) o * inChannels + c) * kh * kw;
                for (int i = 0; i < kh; i++) {
                    for (int j = 0; j < kw; j++) {
                        flipped[to++] = p.getAtIndex(FLOAT, from + (long) (kh - 1 - i) * kw + (kw - 1 - j));
                    }
                }
            }
        }
    }

    private static int roundUp(int columns) {
        int lanes = ConvVectors.lanes();
        return (columns + lanes - 1) / lanes * lanes;
    }
}
