package dev.kiln.runtime.interpret;

import dev.kiln.runtime.ops.Losses;
import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.Loss;
import java.lang.foreign.MemorySegment;

/**
 * The loss of an interpreted network and the gradient it seeds the backward pass with. It reads the
 * network's output, or, when it absorbs a last softmax or sigmoid, that layer's input (the logits), and
 * writes its gradient where the first layer of the backward pass reads it.
 */
final class LossStep {

    /** The calling convention every kernel of {@link Losses} shares. */
    @FunctionalInterface
    private interface Kernel {
        float compute(MemorySegment z, long zOff, MemorySegment t, long tOff, MemorySegment d, long dOff,
                      int batch, int width);
    }

    private final Loss loss;
    private final Kernel kernel;
    private final MemorySegment on;
    private final MemorySegment target;
    private final MemorySegment gradient;
    private final int width;
    private final Step absorbed;

    /**
     * @param loss     the loss, not {@link Loss#NONE}
     * @param on       what it reads: the network's output, or the logits of the layer it absorbs
     * @param target   the copy of the targets
     * @param gradient where it writes the gradient of the loss with respect to {@code on}
     * @param width    values per sample of {@code on}
     * @param absorbed the last layer, when the loss absorbs it (its gradient then skips that layer); else null
     */
    LossStep(Loss loss, MemorySegment on, MemorySegment target, MemorySegment gradient, int width, Step absorbed) {
        this.loss = loss;
        this.kernel = switch (loss) {
            case MSE -> Losses::meanSquaredError;
            case BINARY_CROSS_ENTROPY -> Losses::binaryCrossEntropyWithLogits;
            case SOFTMAX_CROSS_ENTROPY -> Losses::softmaxCrossEntropyWithLogits;
            case NONE -> throw new IllegalArgumentException("Loss.NONE has no loss step");
        };
        this.on = on;
        this.target = target;
        this.gradient = gradient;
        this.width = width;
        this.absorbed = absorbed;
    }

    /** The mean loss of {@code batch} samples against the copied targets; writes the gradient. */
    float compute(int batch) {
        return kernel.compute(on, 0, target, 0, gradient, 0, batch, width);
    }

    @Override
    public String toString() {
        if (absorbed == null) {
            return "loss: " + loss;
        }
        return "loss: " + loss + " absorbs layer " + absorbed.wiring.number() + " ("
                + ((ActivationSpec) absorbed.wiring.layer()).function().display()
                + "): it reads the logits and its gradient skips that layer";
    }
}
