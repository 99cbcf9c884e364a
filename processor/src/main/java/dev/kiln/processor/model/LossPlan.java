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
 */
public record LossPlan(Loss loss, Buffer on, Buffer target, Buffer gradient, int width, boolean fused) {
}
