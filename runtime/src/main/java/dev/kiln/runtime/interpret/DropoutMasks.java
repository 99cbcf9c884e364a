package dev.kiln.runtime.interpret;

import dev.kiln.runtime.Rng;
import dev.kiln.runtime.ops.DropoutOps;

/**
 * What an interpreted model's dropout layers share, as the generated class keeps it in its fields: the
 * mode, whether the masks are frozen, the generator they are drawn from, and how many of their rows hold
 * draws. The steps read it; the model sets it.
 */
final class DropoutMasks {

    /** The generator of every mask, restarted by {@code seedDropout}; as after {@code seedDropout(0)} at first. */
    final Rng rng = new Rng(DropoutOps.SEED_OFFSET);
    /** Whether forward passes run in training mode. */
    boolean training;
    /** Whether training-mode forward passes keep the masks they find. */
    boolean frozen;
    /** The rows of the masks that hold draws: those of the last training-mode pass, or more while frozen. */
    private int rows;
    /** The first row the current forward pass draws (all of them unless frozen). */
    int drawFrom;
    /** Whether the last forward pass applied the masks, so that backward applies them too. */
    boolean applied;

    /** Starts a forward pass of {@code batch} samples: which rows to draw, and whether masks apply at all. */
    void startForward(int batch) {
        applied = training;
        if (training) {
            drawFrom = frozen ? Math.min(rows, batch) : 0;
            rows = frozen ? Math.max(rows, batch) : batch;
        }
    }
}
