package dev.kiln.runtime.interpret;

import dev.kiln.runtime.ops.Activations;
import dev.kiln.spec.ActivationSpec;

/**
 * An activation layer. Each function is a small subclass that calls its pair of kernels from
 * {@link Activations}; this class reads the input slot and skips the backward pass when its target is the
 * network's input gradient and that is disabled.
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
        apply(wiring.input().array, wiring.input().offset, batch);
    }

    @Override
    final void backward(int batch) {
        float[] dx = wiring.inputGradient().array;
        if (dx != null) {
            derive(wiring.input().array, wiring.input().offset, dx, batch);
        }
    }

    /** Writes {@code f(x)} to the output buffer, for {@code batch} samples of {@code x} from {@code xOff}. */
    abstract void apply(float[] x, int xOff, int batch);

    /** Writes {@code f'(x) dy} (for softmax, its Jacobian applied to {@code dy}) to {@code dx}. */
    abstract void derive(float[] x, int xOff, float[] dx, int batch);

    /** The number of values in {@code batch} samples. */
    final int values(int batch) {
        return batch * wiring.outputSize();
    }

    private static final class Identity extends ActivationStep {
        Identity(Wiring wiring) {
            super(wiring);
        }

        @Override
        void apply(float[] x, int xOff, int batch) {
            Activations.identityForward(x, xOff, wiring.output(), values(batch));
        }

        @Override
        void derive(float[] x, int xOff, float[] dx, int batch) {
            Activations.identityBackward(x, xOff, wiring.output(), wiring.outputGradient(), dx, values(batch));
        }
    }

    private static final class Sigmoid extends ActivationStep {
        Sigmoid(Wiring wiring) {
            super(wiring);
        }

        @Override
        void apply(float[] x, int xOff, int batch) {
            Activations.sigmoidForward(x, xOff, wiring.output(), values(batch));
        }

        @Override
        void derive(float[] x, int xOff, float[] dx, int batch) {
            Activations.sigmoidBackward(x, xOff, wiring.output(), wiring.outputGradient(), dx, values(batch));
        }
    }

    private static final class Tanh extends ActivationStep {
        Tanh(Wiring wiring) {
            super(wiring);
        }

        @Override
        void apply(float[] x, int xOff, int batch) {
            Activations.tanhForward(x, xOff, wiring.output(), values(batch));
        }

        @Override
        void derive(float[] x, int xOff, float[] dx, int batch) {
            Activations.tanhBackward(x, xOff, wiring.output(), wiring.outputGradient(), dx, values(batch));
        }
    }

    private static final class Relu extends ActivationStep {
        Relu(Wiring wiring) {
            super(wiring);
        }

        @Override
        void apply(float[] x, int xOff, int batch) {
            Activations.reluForward(x, xOff, wiring.output(), values(batch));
        }

        @Override
        void derive(float[] x, int xOff, float[] dx, int batch) {
            Activations.reluBackward(x, xOff, wiring.output(), wiring.outputGradient(), dx, values(batch));
        }
    }

    private static final class LeakyRelu extends ActivationStep {
        private final float alpha;

        LeakyRelu(Wiring wiring, float alpha) {
            super(wiring);
            this.alpha = alpha;
        }

        @Override
        void apply(float[] x, int xOff, int batch) {
            Activations.leakyReluForward(x, xOff, wiring.output(), values(batch), alpha);
        }

        @Override
        void derive(float[] x, int xOff, float[] dx, int batch) {
            Activations.leakyReluBackward(x, xOff, wiring.output(), wiring.outputGradient(), dx, values(batch),
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
        void apply(float[] x, int xOff, int batch) {
            Activations.eluForward(x, xOff, wiring.output(), values(batch), alpha);
        }

        @Override
        void derive(float[] x, int xOff, float[] dx, int batch) {
            Activations.eluBackward(x, xOff, wiring.output(), wiring.outputGradient(), dx, values(batch), alpha);
        }
    }

    /** Row-wise: its kernels take the batch and the row width instead of a count of values. */
    private static final class Softmax extends ActivationStep {
        Softmax(Wiring wiring) {
            super(wiring);
        }

        @Override
        void apply(float[] x, int xOff, int batch) {
            Activations.softmaxForward(x, xOff, wiring.output(), batch, wiring.outputSize());
        }

        @Override
        void derive(float[] x, int xOff, float[] dx, int batch) {
            Activations.softmaxBackward(x, xOff, wiring.output(), wiring.outputGradient(), dx, batch,
                    wiring.outputSize());
        }
    }
}
