package dev.kiln.processor.model;

import dev.kiln.spec.Loss;

/**
 * How the generated class computes its loss.
 *
 * @param loss     the loss
 * @param on       the buffer the loss reads: the network's output, or for a fused softmax or sigmoid the
 *                 logits that feed it
 * @param target   the buffer the targets are copied into
 * @param gradient where the loss writes its gradient
 * @param width    values per sample of {@code on}
 * @param fused    whether the last layer is absorbed into the loss
 * @param steps    for an output sequence {@code [steps, features]}, its steps, each a row of the loss (the loss
 *                 is the mean over the batch's steps); 1 otherwise
 */
public record LossPlan(Loss loss, Buffer on, Buffer target, Buffer gradient, int width, boolean fused, int steps) {

    /** The rows the loss reads: {@code batch}, or {@code batch * steps} for a sequence's every step. */
    public String rows() {
        return steps == 1 ? "batch" : "batch * " + steps;
    }
}
