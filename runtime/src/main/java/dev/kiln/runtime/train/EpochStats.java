package dev.kiln.runtime.train;

import java.util.Locale;

/**
 * What one epoch of training measured. A measure that was not taken is NaN: accuracies for data without
 * class labels, validation measures when no validation set was given.
 *
 * @param epoch              the epoch, from 1
 * @param epochs             the number of epochs of the run
 * @param loss               the mean training loss over the epoch's batches, weighted by batch size
 *                           (measured while the parameters changed, as most frameworks report it)
 * @param accuracy           the fraction of training samples classified correctly during the epoch
 * @param validationLoss     the mean loss on the validation set after the epoch
 * @param validationAccuracy the accuracy on the validation set after the epoch
 * @param learningRate       the optimizer's learning rate at the epoch's first step: the epoch's rate
 *                           under a per-epoch schedule or none, where a per-step schedule started it
 *                           ({@link #format()} leaves it out)
 */
public record EpochStats(int epoch, int epochs, double loss, double accuracy, double validationLoss,
                         double validationAccuracy, double learningRate) {

    /** Whether the validation measures were taken. */
    public boolean hasValidation() {
        return !Double.isNaN(validationLoss);
    }

    /**
     * One line for a log, omitting measures not taken, e.g.
     * {@code epoch  12/100  loss 0.4312  acc 0.8857  val_loss 0.5012  val_acc 0.8444}.
     */
    public String format() {
        String width = Integer.toString(Integer.toString(epochs).length());
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "epoch %" + width + "d/%d", epoch, epochs));
        append(line, "loss", loss);
        append(line, "acc", accuracy);
        append(line, "val_loss", validationLoss);
        append(line, "val_acc", validationAccuracy);
        return line.toString();
    }

    private static void append(StringBuilder line, String name, double value) {
        if (!Double.isNaN(value)) {
            line.append(String.format(Locale.ROOT, "  %s %.4f", name, value));
        }
    }
}
