package dev.kiln.runtime.interpret;

import dev.kiln.runtime.ops.Losses;
import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.HeadSpec;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The loss of an interpreted network and the gradient it seeds the backward pass with. It reads the
 * network's output, or, when it absorbs a last softmax or sigmoid, that layer's input (the logits), and
 * writes its gradient where the first layer of the backward pass reads it. A multi-task network's loss is
 * one term per head, each the head's loss on its slice of the outputs and targets, times its weight,
 * summed in float in head order, as the generated class sums them.
 */
final class LossStep {

    /** The strided, weighted calling convention of the kernels of {@link Losses}. */
    @FunctionalInterface
    private interface Kernel {
        float compute(MemorySegment z, long zOff, MemorySegment t, long tOff, MemorySegment d, long dOff,
                      int batch, int width, int stride, double weight);
    }

    /** One term of the loss: a kernel on the {@code width} values of each row from {@code start}. */
    private record Term(Kernel kernel, int start, int width, double weight) {
    }

    private final NetworkSpec spec;
    private final Term[] terms;
    private final MemorySegment on;
    private final MemorySegment target;
    private final MemorySegment gradient;
    private final int width;
    /** The rows of each sample: an output sequence's steps, else 1. */
    private final int steps;
    private final Step absorbed;

    /**
     * @param spec     the network, whose loss is not {@link Loss#NONE}
     * @param on       what it reads: the network's output, or the logits of the layer it absorbs
     * @param target   the copy of the targets
     * @param gradient where it writes the gradient of the loss with respect to {@code on}
     * @param width    values per sample of {@code on}
     * @param absorbed the last layer, when the loss absorbs it (its gradient then skips that layer); else null
     */
    LossStep(NetworkSpec spec, MemorySegment on, MemorySegment target, MemorySegment gradient, int width,
             Step absorbed) {
        this.spec = spec;
        // an output sequence [steps, features]: each step is a row of the loss
        List<Integer> shape = spec.layerShapes().getLast();
        this.steps = shape.size() == 2 ? shape.getFirst() : 1;
        width = width / steps;
        if (spec.loss() == Loss.MULTI_TASK) {
            List<HeadSpec> heads = spec.heads();
            this.terms = new Term[heads.size()];
            for (int h = 0; h < heads.size(); h++) {
                HeadSpec head = heads.get(h);
                terms[h] = new Term(kernel(head.loss(), spec.margin()), spec.headStart(h), head.units(), head.weight());
            }
        } else {
            this.terms = new Term[] {new Term(kernel(spec.loss(), spec.margin()), 0, width, 1.0)};
        }
        this.on = on;
        this.target = target;
        this.gradient = gradient;
        this.width = width;
        this.absorbed = absorbed;
    }

    /** The kernel of a single loss. */
    private static Kernel kernel(Loss loss, double margin) {
        return switch (loss) {
            case MSE -> Losses::meanSquaredError;
            case MAE -> Losses::meanAbsoluteError;
            case MEAN_BIAS_ERROR -> Losses::meanBiasError;
            case BINARY_CROSS_ENTROPY -> Losses::binaryCrossEntropyWithLogits;
            case SOFTMAX_CROSS_ENTROPY -> Losses::softmaxCrossEntropyWithLogits;
            case HINGE -> Losses::hinge;
            case MULTICLASS_HINGE -> Losses::multiclassHinge;
            case CONTRASTIVE -> (z, zOff, t, tOff, d, dOff, batch, width, stride, weight) ->
                    Losses.contrastive(z, zOff, t, tOff, d, dOff, batch, width, stride, weight, margin);
            case NONE, MULTI_TASK -> throw new IllegalArgumentException("Loss." + loss + " has no kernel of its own");
        };
    }

    /** The mean loss of {@code batch} samples against the copied targets; writes the gradient. */
    float compute(int batch) {
        float loss = 0f;
        for (Term term : terms) {
            loss += term.kernel().compute(on, term.start(), target, term.start(), gradient, term.start(),
                    batch * steps, term.width(), width, term.weight());
        }
        return loss;
    }

    @Override
    public String toString() {
        if (absorbed == null) {
            return "loss: " + spec.describeLoss();
        }
        return "loss: " + spec.describeLoss() + " absorbs layer " + absorbed.wiring.number() + " ("
                + ((ActivationSpec) absorbed.wiring.layer()).function().display()
                + "): it reads the logits and its gradient skips that layer";
    }
}
