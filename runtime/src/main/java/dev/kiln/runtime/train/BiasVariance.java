package dev.kiln.runtime.train;

import java.util.Locale;

/**
 * A reading of bias and variance from the training and dev errors, in the manner of an introductory
 * machine-learning course: the training error's distance above the error one can hope for (the
 * <em>baseline</em>, such as a person's error on the task; 0 unless given) is the avoidable bias, and the
 * dev error's distance above the training error is the variance.
 * <ul>
 *   <li>For classification the errors are {@code 1 - accuracy}. The bias is high when the training error
 *       exceeds the baseline by more than {@link #BIAS_THRESHOLD} (5 percentage points), the variance
 *       when the dev error exceeds the training error by more than {@link #VARIANCE_THRESHOLD} (5 points).</li>
 *   <li>Without labels (regression) the losses stand in for the errors. The variance is high when the dev
 *       loss exceeds the training loss by more than {@link #LOSS_VARIANCE_RATIO} times the training loss
 *       (a loss has no natural scale, so the gap is relative); the bias is not judged, since nothing says
 *       which loss can be hoped for.</li>
 *   <li>Without a dev set the variance is unknown.</li>
 * </ul>
 * The measures are the last epoch's; the training ones are taken during the epoch while the parameters
 * change (as Keras reports them), so the training error reads slightly high.
 *
 * @param trainError the training error ({@code 1 - accuracy}), or the training loss for regression
 * @param devError   the dev error or loss; NaN without a dev set
 * @param baseline   the error one can hope for; 0 unless given, and 0 for regression
 * @param fromLoss   whether the losses stand in for the errors (data without labels)
 */
public record BiasVariance(double trainError, double devError, double baseline, boolean fromLoss) {

    /** The avoidable bias (training error minus baseline) above which the bias is high: 5 points. */
    public static final double BIAS_THRESHOLD = 0.05;
    /** The gap (dev error minus training error) above which the variance is high: 5 points. */
    public static final double VARIANCE_THRESHOLD = 0.05;
    /** For losses, the relative gap {@code (dev - train) / train} above which the variance is high. */
    public static final double LOSS_VARIANCE_RATIO = 0.5;

    private static final String UNDERFITTING = "high bias (underfitting); try a bigger network, longer training"
            + " or another architecture";
    private static final String OVERFITTING = "high variance (overfitting); try more data, regularization or a"
            + " smaller network";

    /** The reading of {@code stats}, bias measured from {@code baselineError}. */
    static BiasVariance of(EpochStats stats, double baselineError) {
        if (!(baselineError >= 0 && baselineError <= 1)) {
            throw new IllegalArgumentException("baselineError = " + baselineError + " must be a fraction in [0, 1],"
                    + " e.g. 0.02 for a 2 % error");
        }
        if (Double.isNaN(stats.accuracy())) {
            if (baselineError != 0) {
                throw new IllegalStateException("a baseline error applies to classification, but this history has"
                        + " no accuracy; call biasVariance() without one");
            }
            return new BiasVariance(stats.loss(), stats.validationLoss(), 0, true);
        }
        return new BiasVariance(1 - stats.accuracy(), 1 - stats.validationAccuracy(), baselineError, false);
    }

    /** Whether a dev error was measured. */
    public boolean hasDev() {
        return !Double.isNaN(devError);
    }

    /** Whether the bias is high (never, when judged from losses). */
    public boolean highBias() {
        return !fromLoss && trainError - baseline > BIAS_THRESHOLD;
    }

    /** Whether the variance is high (never, without a dev set). */
    public boolean highVariance() {
        if (!hasDev()) {
            return false;
        }
        return fromLoss ? devError - trainError > LOSS_VARIANCE_RATIO * trainError
                : devError - trainError > VARIANCE_THRESHOLD;
    }

    /**
     * The reading in one line, the measures first, e.g.
     * {@code train error 2.1 %, dev error 9.8 %: high variance (overfitting); try more data,
     * regularization or a smaller network}.
     */
    public String line() {
        StringBuilder line = new StringBuilder(measures()).append(": ");
        if (fromLoss) {
            if (!hasDev()) {
                return line.append("no dev set, so variance is unknown; a loss alone does not tell bias (compare"
                        + " it with the loss you need)").toString();
            }
            return line.append(highVariance() ? OVERFITTING : "low variance; a loss alone does not tell bias"
                    + " (compare it with the loss you need)").toString();
        }
        if (!hasDev()) {
            return line.append(highBias() ? UNDERFITTING : "low bias")
                    .append("; no dev set, so variance is unknown (hold one out with validationSplit)").toString();
        }
        if (highBias() && highVariance()) {
            return line.append("high bias and high variance; first a bigger network or longer training,"
                    + " then more data or regularization").toString();
        }
        if (highBias()) {
            return line.append(UNDERFITTING).toString();
        }
        if (highVariance()) {
            return line.append(OVERFITTING).toString();
        }
        return line.append("low bias and low variance: a good fit").toString();
    }

    private String measures() {
        if (fromLoss) {
            return String.format(Locale.ROOT, "train loss %.4g", trainError)
                    + (hasDev() ? String.format(Locale.ROOT, ", dev loss %.4g", devError) : "");
        }
        return "train error " + percent(trainError) + (baseline > 0 ? " (baseline " + percent(baseline) + ")" : "")
                + (hasDev() ? ", dev error " + percent(devError) : "");
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f %%", 100 * fraction);
    }
}
