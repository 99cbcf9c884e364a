package dev.kiln.runtime.interpret;

import dev.kiln.runtime.ops.Pool2dGeometry;
import dev.kiln.runtime.ops.PoolOps;

/** Max or average pooling through {@link PoolOps}; no parameters. */
final class PoolStep extends Step {

    private final Pool2dGeometry geometry;
    private final boolean max;

    PoolStep(Wiring wiring, Pool2dGeometry geometry, boolean max) {
        super(wiring);
        this.geometry = geometry;
        this.max = max;
    }

    @Override
    void forward(int batch) {
        Wiring w = wiring;
        if (max) {
            PoolOps.maxForward(geometry, w.input(), 0, w.output(), 0, batch);
        } else {
            PoolOps.avgForward(geometry, w.input(), 0, w.output(), 0, batch);
        }
    }

    @Override
    void backward(int batch, boolean inputGradient) {
        if (!inputGradient) {
            return;
        }
        Wiring w = wiring;
        if (max) {
            PoolOps.maxBackward(geometry, w.input(), 0, w.output(), 0, w.outputGradient(), 0, w.inputGradient(), 0, batch);
        } else {
            PoolOps.avgBackward(geometry, w.outputGradient(), 0, w.inputGradient(), 0, batch);
        }
    }
}
