package dev.kiln.runtime.interpret;

import dev.kiln.runtime.ops.Activations;
import dev.kiln.spec.ActivationSpec;
import java.lang.foreign.MemorySegment;

/**
 * An activation layer. Each function is a small subclass that calls its pair of kernels from
 * {@link Activations}; this class skips the backward pass when its target is the network's input
 * gradient and that is disabled.
 */
abstract class ActivationStep extends Step {

    private ActivationStep(Wiring wiring) {
        super(wiring);
    }

    /** The step for {@code activation}'s function. */
    static ActivationStep of(ActivationSpec activation, Wiring wiring) {
        // alpha is a float in the kernels, as in generated code
        float alpha = (float) activation.alpha();
        return switch (activation.function()) {
            case IDENTITY -> new Identity(wiring);
            case SIGMOID -> new Sigmoid(wiring);
            case TANH -> new Tanh(wiring);
            case RELU -> new Relu(wiring);
            case LEAKY_RELU -> new LeakyRelu(wiring, alpha);
            case ELU -> new Elu(wiring, alpha);
            case SOFTMAX -> new Softmax(wiring);
        };
    }

    @Override
    final void forward(int batch) {
        apply(wiring.input(), wiring.output(), batch);
    }

    @Override
    final void backward(int batch, boolean inputGradient) {
        if (inputGradient) {
            derive(wiring.input(), wiring.output(), wiring.outputGradient(), wiring.inputGradient(), batch);
        }
    }

    /** Writes {@code f(x)} to {@code y}, for {@code batch} samples. */
    abstract void apply(MemorySegment x, MemorySegment y, int batch);

    /** Writes {@code f'(x) dy} (for softmax, its Jacobian applied to {@code dy}) to {@code dx}. */
    abstract void derive(MemorySegment x, MemorySegment y, MemorySegment dy, MemorySegment dx, int batch);

    /** The number of values in {@code batch} samples. */
    final int values(int batch) {
        return batch * wiring.outputSize();
    }

    private static final class Identity extends ActivationStep {
        Identity(Wiring wiring) {
            super(wiring);
        }

        @Override
        void apply(MemorySegment x, MemorySegment y, int batch) {
            Activations.identityForward(x, 0, y, 0, values(batch));
        }

        @Override
        void derive(MemorySegment x, MemorySegment y, MemorySegment dy, MemorySegment dx, int batch) {
            Activations.identityBackward(x, 0, y, 0, dy, 0, dx, 0, values(batch));
        }
    }

    private static final class Sigmoid extends ActivationStep {
        Sigmoid(Wiring wiring) {
            super(wiring);
        }

        @Override
        void apply(MemorySegment x, MemorySegment y, int batch) {
            Activations.sigmoidForward(x, 0, y, 0, values(batch));
        }

        @Override
        void derive(MemorySegment x, MemorySegment y, MemorySegment dy, MemorySegment dx, int batch) {
            Activations.sigmoidBackward(x, 0, y, 0, dy, 0, dx, 0, values(batch));
        }
    }

    private static final class Tanh extends ActivationStep {
        Tanh(Wiring wiring) {
            super(wiring);
        }

        @Override
        void apply(MemorySegment x, MemorySegment y, int batch) {
            Activations.tanhForward(x, 0, y, 0, values(batch));
        }

        @Override
        void derive(MemorySegment x, MemorySegment y, MemorySegment dy, MemorySegment dx, int batch) {
            Activations.tanhBackward(x, 0, y, 0, dy, 0, dx, 0, values(batch));
        }
    }

    private static final class Relu extends ActivationStep {
        Relu(Wiring wiring) {
            super(wiring);
        }

        @Override
        void apply(MemorySegment x, MemorySegment y, int batch) {
            Activations.reluForward(x, 0, y, 0, values(batch));
        }

        @Override
        void derive(MemorySegment x, MemorySegment y, MemorySegment dy, MemorySegment dx, int batch) {
            Activations.reluBackward(x, 0, y, 0, dy, 0, dx, 0, values(batch));
        }
    }

    private static final class LeakyRelu extends ActivationStep {
        private final float alpha;

        LeakyRelu(Wiring wiring, float alpha) {
            super(wiring);
            this.alpha = alpha;
        }

        @Override
        void apply(MemorySegment x, MemorySegment y, int batch) {
            Activations.leakyReluForward(x, 0, y, 0, values(batch), alpha);
        }

        @Override
        void derive(MemorySegment x, MemorySegment y, MemorySegment dy, MemorySegment dx, int batch) {
            Activations.leakyReluBackward(x, 0, y, 0, dy, 0, dx, 0, values(batch),
                    alpha);
        }
    }

    private static final class Elu extends ActivationStep {
        private final float alpha;

        Elu(Wiring wiring, float alpha) {
            super(wiring);
            this.alpha = alpha;
        }

        @Override
        void apply(MemorySegment x, MemorySegment y, int batch) {
            Activations.eluForward(x, 0, y, 0, values(batch), alpha);
        }

        @Override
        void derive(MemorySegment x, MemorySegment y, MemorySegment dy, MemorySegment dx, int batch) {
            Activations.eluBackward(x, 0, y, 0, dy, 0, dx, 0, values(batch), alpha);
        }
    }

    /** Row-wise: its kernels take the batch and the row width instead of a count of values. */
    private static final class Softmax extends ActivationStep {
        Softmax(Wiring wiring) {
            super(wiring);
        }

        @Override
        void apply(MemorySegment x, MemorySegment y, int batch) {
            Activations.softmaxForward(x, 0, y, 0, batch * wiring.rowsPerSample(), wiring.rowOutputs());
        }

        @Override
        void derive(MemorySegment x, MemorySegment y, MemorySegment dy, MemorySegment dx, int batch) {
            Activations.softmaxBackward(x, 0, y, 0, dy, 0, dx, 0, batch * wiring.rowsPerSample(),
                    wiring.rowOutputs());
        }
    }
}
