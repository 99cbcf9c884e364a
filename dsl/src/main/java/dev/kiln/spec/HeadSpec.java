package dev.kiln.spec;

import java.util.Objects;

/**
 * One head of a multi-task network ({@link Loss#MULTI_TASK}): a slice of consecutive outputs of the last
 * layer with its own loss and weight. The heads take the outputs in order, the first head the first
 * {@code units} outputs, the next the following ones, and together all of them; the targets are sliced
 * the same way. The network's loss is {@code sum over heads of weight * loss(head's outputs, head's
 * targets)}, each head's loss the mean its {@link Loss} defines over the batch, so its gradient reaches
 * each slice scaled by its head's weight.
 *
 * @param units  the number of outputs the head takes, positive
 * @param loss   its loss: any but {@link Loss#NONE} and {@link Loss#MULTI_TASK}
 * @param weight what its loss counts for in the sum, finite and positive
 */
public record HeadSpec(int units, Loss loss, double weight) {

    /** The weight used when none is given. */
    public static final double DEFAULT_WEIGHT = 1.0;

    public HeadSpec {
        Objects.requireNonNull(loss, "loss");
    }

    /** A head of weight {@value #DEFAULT_WEIGHT}. */
    public HeadSpec(int units, Loss loss) {
        this(units, loss, DEFAULT_WEIGHT);
    }

    /**
     * A description for comments and messages, given where the head starts among the outputs, e.g.
     * {@code 1.0 x SOFTMAX_CROSS_ENTROPY on outputs 0 to 2} or {@code 0.5 x MSE on output 3}.
     */
    public String describe(int first) {
        return weight + " x " + loss + (units == 1 ? " on output " + first
                : " on outputs " + first + " to " + (first + units - 1));
    }
}
