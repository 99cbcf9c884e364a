package dev.kiln.runtime.ops;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Vectors;
import dev.kiln.runtime.blas.Blas;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The two-dimensional convolution {@code y = conv(x, W) + b} (a cross-correlation, as in PyTorch's
 * {@code Conv2d}), forward and backward, for the shapes a {@link Conv2dGeometry} describes.
 *
 * <p><b>Layout.</b> Inputs and outputs are NCHW and batch-major: value {@code (s, c, r, q)} (sample,
 * channel, row, column) of {@code x} is at element {@code x + ((s * inChannels + c) * inHeight + r) *
 * inWidth + q}, and likewise for {@code y}. The weights are {@code [outChannels][inChannels][kernelHeight]
 * [kernelWidth]}, row-major, from {@code p[w]} (PyTorch's layout, so that weights move between the two
 * unchanged), the bias {@code [outChannels]} from {@code p[b]}; their gradients sit in {@code gs} in the same
 * layout. Every position is an element offset into its segment.
 *
 * <p><b>Workspace.</b> The passes may need scratch memory, {@link #workspaceFloats} floats from element
 * {@code ws} of {@code work}, which belongs to one layer: {@link #backward} expects it as the layer's
 * {@link #forward} left it (it does not read it today, but may). {@link Algorithm#IM2COL} keeps its patch
 * matrix there; {@link Algorithm#DIRECT} needs none, its copies live in buffers of the calling thread
 * that grow to the largest layer it has run (as {@link dev.kiln.runtime.blas.JavaBlas}'s packing buffers
 * do). Nothing is allocated per call once a thread has run its layers.
 *
 * <p><b>Two algorithms</b>, chosen by {@link #algorithm(Conv2dGeometry)}:
 * <ul>
 *   <li>{@link Algorithm#IM2COL}: the input patches of a few samples are copied into the columns of a
 *       matrix ("im2col", with whole-row copies where the stride is 1), and the convolution becomes one
 *       {@link Blas#sgemm} per group of samples; the input gradient is the transposed product scattered back
 *       ("col2im"). Any geometry.</li>
 *   <li>{@link Algorithm#DIRECT}: the sums are computed in place with the Vector API on a zero-padded copy
 *       of the input, with the vectors along the output rows or across the output channels, whichever they
 *       fill better: no patch matrix, and full vectors however few channels there are. The input gradient
 *       is the same computation on the padded output gradient with the weights flipped. From a batch of 16
 *       (a vector's lanes), the backward pass, and the forward pass of layers with at least 64 weights per
 *       output, put a group of samples side by side in the lanes instead ({@link LaneConv}). Stride 1
 *       only, and only when the JVM runs with {@code --add-modules jdk.incubator.vector}.</li>
 * </ul>
 * The forms with an {@link Algorithm} argument run the one asked for, for comparisons and tests. The rule
 * and the measurements behind it are in {@code docs/decisions.md}, "Convolution kernels": on LeNet-5's
 * layers at a batch of 128 the direct algorithm is 1.7 to 3 times faster than im2col over OpenBLAS.
 */
public final class ConvOps {

    /** How a convolution is computed; see the class documentation. */
    public enum Algorithm {
        /** Patches copied into a matrix, then matrix products through the {@link Blas} backend. */
        IM2COL,
        /** Sums computed in place with the Vector API; stride 1 only. */
        DIRECT
    }

    /**
     * The most multiply-adds per output value ({@link Conv2dGeometry#patchSize()}) for which
     * {@link #algorithm} picks {@link Algorithm#DIRECT} (64 channels of 3 x 3): beyond it a matrix product's
     * blocking pays for the copies of im2col. Measured: docs/decisions.md, "Convolution kernels".
     */
    public static final int DIRECT_MAX_PATCH = 576;

    /**
     * The most output channels for which {@link #algorithm} picks {@link Algorithm#DIRECT}. Measured:
     * docs/decisions.md, "Convolution kernels".
     */
    public static final int DIRECT_MAX_OUT_CHANNELS = 64;

    private ConvOps() {
    }

    /**
     * The algorithm {@link #forward} and {@link #backward} run for this geometry: {@link Algorithm#DIRECT}
     * when it {@linkplain #directSupported supports} the geometry, there are at most
     * {@value #DIRECT_MAX_OUT_CHANNELS} output channels and at most {@value #DIRECT_MAX_PATCH} values in a
     * patch; {@link Algorithm#IM2COL} otherwise.
     */
    public static Algorithm algorithm(Conv2dGeometry g) {
        return directSupported(g) && g.outChannels() <= DIRECT_MAX_OUT_CHANNELS && g.patchSize() <= DIRECT_MAX_PATCH
                ? Algorithm.DIRECT : Algorithm.IM2COL;
    }

    /**
     * Whether {@link Algorithm#DIRECT} can run this geometry in this JVM: stride 1 in both directions, and
     * the Vector API present ({@code --add-modules jdk.incubator.vector}).
     */
    public static boolean directSupported(Conv2dGeometry g) {
        return g.strideHeight() == 1 && g.strideWidth() == 1 && Vectors.available();
    }

    /**
     * The floats of workspace that {@link #forward} and {@link #backward} need for batches of up to
     * {@code maxBatch} samples, with either algorithm (0 when {@code maxBatch} is 0).
     *
     * @throws IllegalArgumentException if {@code maxBatch} is negative
     */
    public static long workspaceFloats(Conv2dGeometry g, int maxBatch) {
        Objects.requireNonNull(g, "g");
        if (maxBatch < 0) {
            throw new IllegalArgumentException("convolution: maxBatch = " + maxBatch + " must not be negative");
        }
        if (maxBatch == 0) {
            return 0;
        }
        return Im2colConv.workspaceFloats(g, maxBatch);
    }

    /**
     * {@code y[s][o][r][q] = b[o] + sum_{c, i, j} W[o][c][i][j] * x[s][c][r * strideHeight - padTop + i]
     * [q * strideWidth - padLeft + j]} for every sample {@code s < batch}, with zeros outside the input,
     * by the algorithm {@link #algorithm} chooses. Overwrites {@code batch * g.outputSize()} floats of
     * {@code ys} from {@code y}; reads {@code batch * g.inputSize()} floats of {@code xs} from {@code x}.
     *
     * @param blas  the matrix products of {@link Algorithm#IM2COL}
     * @param b     the bias's offset in {@code p}, or {@link DenseOps#NO_BIAS}
     * @param work  the layer's workspace, {@link #workspaceFloats}{@code (g, batch)} floats from {@code ws}
     * @throws IllegalArgumentException naming the argument, when a range lies outside its segment or
     *     {@code batch} is negative
     */
    public static void forward(Blas blas, Conv2dGeometry g, MemorySegment xs, long x, MemorySegment p, long w,
                               long b, MemorySegment ys, long y, MemorySegment work, long ws, int batch) {
        forward(algorithm(g), blas, g, xs, x, p, w, b, ys, y, work, ws, batch);
    }

    /**
     * {@link #forward(Blas, Conv2dGeometry, MemorySegment, long, MemorySegment, long, long, MemorySegment,
     * long, MemorySegment, long, int) forward} by the given algorithm.
     *
     * @throws IllegalArgumentException also when the algorithm is {@link Algorithm#DIRECT} and
     *     {@link #directSupported} is false
     */
    public static void forward(Algorithm algorithm, Blas blas, Conv2dGeometry g, MemorySegment xs, long x,
                               MemorySegment p, long w, long b, MemorySegment ys, long y, MemorySegment work,
                               long ws, int batch) {
        checkCommon(algorithm, blas, g, xs, x, p, w, b, work, ws, batch, "forward");
        range("forward", "y", ys, y, (long) batch * g.outputSize());
        if (batch == 0) {
            return;
        }
        if (algorithm == Algorithm.DIRECT) {
            DirectConv.forward(g, xs, x, p, w, b, ys, y, batch);
        } else {
            Im2colConv.forward(blas, g, xs, x, p, w, b, ys, y, work, ws, batch);
        }
    }

    /**
     * Back-propagates {@code dy} ({@code batch * g.outputSize()} floats from {@code dys[dy]}) through
     * {@link #forward} on the same {@code x} and batch:
     * <ul>
     *   <li>adds {@code dL/dW[o][c][i][j] = sum_{s, r, q} dy[s][o][r][q] * x[s][c][r * strideHeight -
     *       padTop + i][q * strideWidth - padLeft + j]} to {@code gs[gw...]};</li>
     *   <li>adds {@code dL/db[o] = sum_{s, r, q} dy[s][o][r][q]} to {@code gs[gb...]}, unless
     *       {@code gb == NO_BIAS};</li>
     *   <li>unless {@code dxs} is null, <em>overwrites</em> {@code batch * g.inputSize()} floats from
     *       {@code dxs[dx]} with {@code dL/dx}.</li>
     * </ul>
     * The workspace is the one {@link #forward} was given.
     *
     * @throws IllegalArgumentException naming the argument, when a range lies outside its segment or
     *     {@code batch} is negative
     */
    public static void backward(Blas blas, Conv2dGeometry g, MemorySegment xs, long x, MemorySegment p, long w,
                                MemorySegment dys, long dy, MemorySegment gs, long gw, long gb,
                                MemorySegment dxs, long dx, MemorySegment work, long ws, int batch) {
        backward(algorithm(g), blas, g, xs, x, p, w, dys, dy, gs, gw, gb, dxs, dx, work, ws, batch);
    }

    /**
     * {@link #backward(Blas, Conv2dGeometry, MemorySegment, long, MemorySegment, long, MemorySegment, long,
     * MemorySegment, long, long, MemorySegment, long, MemorySegment, long, int) backward} by the given
     * algorithm.
     *
     * @throws IllegalArgumentException also when the algorithm is {@link Algorithm#DIRECT} and
     *     {@link #directSupported} is false
     */
    public static void backward(Algorithm algorithm, Blas blas, Conv2dGeometry g, MemorySegment xs, long x,
                                MemorySegment p, long w, MemorySegment dys, long dy, MemorySegment gs, long gw,
                                long gb, MemorySegment dxs, long dx, MemorySegment work, long ws, int batch) {
        checkCommon(algorithm, blas, g, xs, x, p, w, DenseOps.NO_BIAS, work, ws, batch, "backward");
        range("backward", "dy", dys, dy, (long) batch * g.outputSize());
        range("backward", "gw", gs, gw, g.weightSize());
        if (gb != DenseOps.NO_BIAS) {
            range("backward", "gb", gs, gb, g.outChannels());
        }
        if (dxs != null) {
            range("backward", "dx", dxs, dx, (long) batch * g.inputSize());
        }
        if (batch == 0) {
            return;
        }
        if (algorithm == Algorithm.DIRECT) {
            DirectConv.backward(g, xs, x, p, w, dys, dy, gs, gw, gb, dxs, dx, batch);
        } else {
            Im2colConv.backward(blas, g, xs, x, p, w, dys, dy, gs, gw, gb, dxs, dx, work, ws, batch);
        }
    }

    /**
     * The floats of workspace that {@link #forwardPooled} and {@link #backwardPooled} need for batches of up
     * to {@code maxBatch} samples: {@link #workspaceFloats}, or, when the two layers can run fused, room for
     * the convolution's output, whichever is larger.
     *
     * @throws IllegalArgumentException if {@code maxBatch} is negative
     */
    public static long pooledWorkspaceFloats(Conv2dGeometry g, Pool2dGeometry pooling, int maxBatch) {
        long own = workspaceFloats(g, maxBatch);
        Objects.requireNonNull(pooling, "pooling");
        return algorithm(g) == Algorithm.DIRECT && LaneConv.pooledApplies(g, pooling, maxBatch)
                ? Math.max(own, LaneConv.savedFloats(g, maxBatch)) : own;
    }

    /**
     * The convolution ({@link #forward}), a ReLU and the max pooling {@code pooling} on its output, as one
     * call: writes {@code max(0, the largest value of each window)} to {@code ps} from {@code py}
     * ({@code batch * pooling.outputSize()} floats), exactly what {@link #forward} then {@link
     * PoolOps#maxForward(Pool2dGeometry, MemorySegment, long, MemorySegment, long, int, boolean)} with the
     * ReLU give. When the convolution puts the samples in the vector lanes and the pooling takes 2 x 2
     * windows at stride 2 that tile its output, the two run fused: the convolution's output stays in the
     * lanes, kept in the workspace for {@link #backwardPooled}, and {@code ys} is not written; otherwise
     * {@code ys} from {@code y} receives the convolution's output ({@code batch * g.outputSize()} floats).
     * Give {@link #backwardPooled} the same {@code ys}, {@code ps} and workspace.
     *
     * @param work the workspace, {@link #pooledWorkspaceFloats}{@code (g, pooling, batch)} floats from
     *             {@code ws}
     * @throws IllegalArgumentException naming the argument, when a range lies outside its segment, the
     *     pooling's input is not the convolution's output, or {@code batch} is negative
     */
    public static void forwardPooled(Blas blas, Conv2dGeometry g, Pool2dGeometry pooling, MemorySegment xs, long x,
                                     MemorySegment p, long w, long b, MemorySegment ys, long y, MemorySegment ps,
                                     long py, MemorySegment work, long ws, int batch) {
        Algorithm algorithm = algorithm(g);
        checkPooling(g, pooling, ps, py, batch, "forward");
        if (algorithm == Algorithm.DIRECT && LaneConv.pooledApplies(g, pooling, batch)) {
            checkCommon(algorithm, blas, g, xs, x, p, w, b, work, ws, batch, "forward");
            range("forward", "ws (workspace)", work, ws, LaneConv.savedFloats(g, batch));
            LaneConv.forwardPooled(g, pooling, xs, x, p, w, b, work, ws, ps, py, batch);
            return;
        }
        forward(algorithm, blas, g, xs, x, p, w, b, ys, y, work, ws, batch);
        PoolOps.maxForward(pooling, ys, y, ps, py, batch, true);
    }

    /**
     * Back-propagates the pooled values' gradient {@code dps[dpy...]} through {@link #forwardPooled}, as
     * {@link PoolOps#maxBackward(Pool2dGeometry, MemorySegment, long, MemorySegment, long, MemorySegment,
     * long, MemorySegment, long, int, boolean)} with the ReLU then {@link #backward} would: the gradients
     * {@link #backward} adds and writes, from the same {@code xs}, {@code ys}, {@code ps}, workspace and
     * batch as the forward pass. {@code dys} from {@code dy} ({@code batch * g.outputSize()} floats) holds
     * the convolution's output gradient when the two do not run fused.
     *
     * @throws IllegalArgumentException naming the argument, when a range lies outside its segment, the
     *     pooling's input is not the convolution's output, or {@code batch} is negative
     */
    public static void backwardPooled(Blas blas, Conv2dGeometry g, Pool2dGeometry pooling, MemorySegment xs, long x,
                                      MemorySegment p, long w, MemorySegment ys, long y, MemorySegment ps, long py,
                                      MemorySegment dps, long dpy, MemorySegment dys, long dy, MemorySegment gs,
                                      long gw, long gb, MemorySegment dxs, long dx, MemorySegment work, long ws,
                                      int batch) {
        Algorithm algorithm = algorithm(g);
        checkPooling(g, pooling, dps, dpy, batch, "backward");
        if (algorithm == Algorithm.DIRECT && LaneConv.pooledApplies(g, pooling, batch)) {
            checkCommon(algorithm, blas, g, xs, x, p, w, DenseOps.NO_BIAS, work, ws, batch, "backward");
            range("backward", "ws (workspace)", work, ws, LaneConv.savedFloats(g, batch));
            range("backward", "gw", gs, gw, g.weightSize());
            if (gb != DenseOps.NO_BIAS) {
                range("backward", "gb", gs, gb, g.outChannels());
            }
            if (dxs != null) {
                range("backward", "dx", dxs, dx, (long) batch * g.inputSize());
            }
            LaneConv.backwardPooled(g, pooling, xs, x, p, w, work, ws, dps, dpy, gs, gw, gb, dxs, dx, batch);
            return;
        }
        PoolOps.maxBackward(pooling, ys, y, ps, py, dps, dpy, dys, dy, batch, true);
        backward(algorithm, blas, g, xs, x, p, w, dys, dy, gs, gw, gb, dxs, dx, work, ws, batch);
    }

    /** The pooling's input must be the convolution's output; its values (or gradients) must fit. */
    private static void checkPooling(Conv2dGeometry g, Pool2dGeometry pooling, MemorySegment ps, long py, int batch,
                                     String pass) {
        Objects.requireNonNull(g, "g");
        Objects.requireNonNull(pooling, "pooling");
        if (pooling.channels() != g.outChannels() || pooling.inHeight() != g.outHeight()
                || pooling.inWidth() != g.outWidth()) {
            throw new IllegalArgumentException("convolution " + pass + " with pooling: the pooling takes "
                    + pooling.channels() + " x " + pooling.inHeight() + " x " + pooling.inWidth()
                    + " but the convolution gives " + g.outChannels() + " x " + g.outHeight() + " x "
                    + g.outWidth());
        }
        if (batch >= 0) {
            range(pass, "pooled values", ps, py, (long) batch * pooling.outputSize());
        }
    }

    private static void checkCommon(Algorithm algorithm, Blas blas, Conv2dGeometry g, MemorySegment xs, long x,
                                    MemorySegment p, long w, long b, MemorySegment work, long ws, int batch,
                                    String pass) {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(g, "g");
        if (algorithm == Algorithm.IM2COL) {
            Objects.requireNonNull(blas, "blas");
        } else if (!directSupported(g)) {
            throw new IllegalArgumentException("convolution " + pass + ": the direct algorithm needs stride 1 (here "
                    + g.strideHeight() + " x " + g.strideWidth() + ") and the Vector API (the JVM option --add-modules"
                    + " jdk.incubator.vector; present: " + Vectors.available() + "); use Algorithm.IM2COL, or"
                    + " ConvOps.algorithm(g) to choose");
        }
        if (batch < 0) {
            throw new IllegalArgumentException("convolution " + pass + ": batch = " + batch
                    + " must not be negative");
        }
        range(pass, "x", xs, x, (long) batch * g.inputSize());
        range(pass, "w", p, w, g.weightSize());
        if (b != DenseOps.NO_BIAS) {
            range(pass, "b", p, b, g.outChannels());
        }
        long needed = algorithm == Algorithm.DIRECT ? 0 : Im2colConv.workspaceFloats(g, batch);
        range(pass, "ws (workspace)", work, ws, needed);
    }

    /** Checks that {@code count} floats from element {@code offset} lie inside {@code segment}. */
    private static void range(String pass, String name, MemorySegment segment, long offset, long count) {
        Objects.requireNonNull(segment, name);
        long floats = Memory.floats(segment);
        if (offset < 0 || offset > floats - count) {
            throw new IllegalArgumentException("convolution " + pass + ": " + name + " = " + offset + " with "
                    + count + " floats from there does not fit in a segment of " + floats + " floats");
        }
    }
}
