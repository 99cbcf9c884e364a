package dev.kiln.runtime.ops;

import static dev.kiln.runtime.Memory.FLOAT;

import dev.kiln.runtime.Rng;
import java.lang.foreign.MemorySegment;

/**
 * Inverted dropout: the draw of a mask, the forward pass that applies it and the backward pass that
 * applies it again, side by side, in the calling convention of {@link Activations} (every position an
 * element offset into its segment).
 *
 * <p>A mask holds, for each value, 0 where the value is dropped and {@link #scale(float) 1 / (1 - p)}
 * where it is kept, so forward is {@code y = x * mask} and backward {@code dx = dy * mask}; in expectation
 * {@code y} equals {@code x}, which is why inference needs no scaling at all (the layer is then the
 * identity and draws nothing).
 *
 * <p><b>The draws are part of the contract</b>, so that a generated class, the interpreter and any other
 * implementation drop the same values from the same seed. A model owns one {@link Rng} for its masks;
 * {@code Model.seedDropout(s)} (and so {@code initialize(s)}) restarts it as {@code new Rng(s +}
 * {@link #SEED_OFFSET}{@code )}. Each training-mode forward pass draws its layers' masks in forward order,
 * each layer its rows in order and each row its values in order, one {@link Rng#nextFloat()} {@code u}
 * per value: the value is kept when {@code u >= p} (with {@code p} as a float), which happens with
 * probability {@code 1 - p} up to the generator's 2^-24 resolution.
 */
public final class DropoutOps {

    /**
     * Added to a seed to seed the masks' generator, so that a model's masks are not drawn from the same
     * stream as its initial weights, which {@code initialize(seed)} draws from {@code new Rng(seed)}.
     */
    public static final long SEED_OFFSET = 0x2545F4914F6CDD1DL;

    private DropoutOps() {
    }

    /** The factor that keeps a value's expectation: {@code 1 / (1 - rate)}, in float. */
    public static float scale(float rate) {
        return 1f / (1f - rate);
    }

    /**
     * Draws rows {@code [fromRow, toRow)} of a mask of {@code width} values per row, starting at element
     * {@code mask} of {@code masks}: for each value in order, {@code rng.nextFloat() >= rate} keeps it
     * ({@link #scale(float) scale(rate)}), anything else drops it (0). Rows outside the range are left as
     * they are; nothing is drawn when {@code fromRow >= toRow}.
     */
    public static void drawMask(Rng rng, MemorySegment masks, long mask, int fromRow, int toRow, int width,
                                float rate) {
        float scale = scale(rate);
        long end = mask + (long) toRow * width;
        for (long j = mask + (long) fromRow * width; j < end; j++) {
            masks.setAtIndex(FLOAT, j, rng.nextFloat() >= rate ? scale : 0f);
        }
    }

    /** {@code y = x * mask}, for {@code n} values; {@code y} may be {@code x}. */
    public static void forward(MemorySegment xs, long x, MemorySegment masks, long mask, MemorySegment ys, long y,
                               int n) {
        for (int j = 0; j < n; j++) {
            ys.setAtIndex(FLOAT, y + j, xs.getAtIndex(FLOAT, x + j) * masks.getAtIndex(FLOAT, mask + j));
        }
    }

    /** {@code dx = dy * mask}, for {@code n} values: the same mask as forward; {@code dx} may be {@code dy}. */
    public static void backward(MemorySegment dys, long dy, MemorySegment masks, long mask, MemorySegment dxs,
                                long dx, int n) {
        for (int j = 0; j < n; j++) {
            dxs.setAtIndex(FLOAT, dx + j, dys.getAtIndex(FLOAT, dy + j) * masks.getAtIndex(FLOAT, mask + j));
        }
    }
}
