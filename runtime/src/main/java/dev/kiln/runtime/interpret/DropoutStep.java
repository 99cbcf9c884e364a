package dev.kiln.runtime.interpret;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.ops.DropoutOps;
import java.lang.foreign.MemorySegment;

/**
 * A dropout layer: in training mode it draws its mask (see {@link DropoutOps} for the draws) and multiplies
 * by it, forward and backward; in inference mode it copies its input forward and its output gradient
 * backward. The mask is a slice of the model's allocation, after the layer's output and output gradient.
 */
final class DropoutStep extends Step {

    private final float rate;
    private final MemorySegment mask;
    private final DropoutMasks masks;

    DropoutStep(Wiring wiring, double rate, MemorySegment mask, DropoutMasks masks) {
        super(wiring);
        // the rate is a float in the draws, as in generated code
        this.rate = (float) rate;
        this.mask = mask;
        this.masks = masks;
    }

    @Override
    void forward(int batch) {
        Wiring w = wiring;
        int n = batch * w.outputSize();
        if (masks.training) {
            DropoutOps.drawMask(masks.rng, mask, 0, masks.drawFrom, batch, w.outputSize(), rate);
            DropoutOps.forward(w.input(), 0, mask, 0, w.output(), 0, n);
        } else {
            Memory.copy(w.input(), 0, w.output(), 0, n);
        }
    }

    @Override
    void backward(int batch, boolean inputGradient) {
        if (!inputGradient) {
            return;
        }
        Wiring w = wiring;
        int n = batch * w.outputSize();
        if (masks.applied) {
            DropoutOps.backward(w.outputGradient(), 0, mask, 0, w.inputGradient(), 0, n);
        } else {
            Memory.copy(w.outputGradient(), 0, w.inputGradient(), 0, n);
        }
    }
}
