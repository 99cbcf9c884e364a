package dev.kiln.runtime.check;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What a {@link GradientCheck} found: every checked parameter value with its analytic and numeric
 * gradient. {@link #toString()} is a table of the worst entries:
 * <pre>
 * Gradient check of Iris, batch 8, step 0.01: 72 of 72 values match (|g - n| &lt;= 0.001 + 0.02 |n|)
 *   parameter              analytic       numeric    |g - n|
 *   hidden.weight[3, 1]  0.01834531    0.01834106   4.25e-06
 *   ...
 * </pre>
 *
 * @param network           the model's network name
 * @param batch             the samples in the checked batch
 * @param step              the central differences' step
 * @param absoluteTolerance the tolerance's absolute part
 * @param relativeTolerance the tolerance's relative part
 * @param entries           one per checked value, in parameter order
 */
public record GradientCheckReport(String network, int batch, double step, double absoluteTolerance,
                                  double relativeTolerance, List<Entry> entries) {

    /** How many of the worst entries {@link #toString()} lists. */
    public static final int SHOWN = 10;

    public GradientCheckReport {
        entries = List.copyOf(entries);
    }

    /**
     * One checked value.
     *
     * @param parameter its tensor and index, e.g. {@code hidden.weight[3, 1]}
     * @param offset    its index in the model's parameters
     * @param analytic  the back-propagated gradient
     * @param numeric   the central difference
     * @param error     {@code |analytic - numeric|}
     * @param matches   whether the error is within the tolerance
     */
    public record Entry(String parameter, int offset, double analytic, double numeric, double error, boolean matches) {
    }

    /** Whether every checked value matches. */
    public boolean passed() {
        return entries.stream().allMatch(Entry::matches);
    }

    /** The entries that do not match, worst first. */
    public List<Entry> failures() {
        return entries.stream().filter(e -> !e.matches()).sorted(byExcess()).toList();
    }

    /** The {@code n} entries furthest from their tolerance (failures first), worst first. */
    public List<Entry> worst(int n) {
        return entries.stream().sorted(byExcess()).limit(n).toList();
    }

    /** Orders by error over allowed error, largest first. */
    private Comparator<Entry> byExcess() {
        return Comparator.comparingDouble((Entry e) -> e.error() / (absoluteTolerance + relativeTolerance
                * Math.abs(e.numeric()) + Double.MIN_VALUE)).reversed();
    }

    /** One line: how many values match, and the worst one when some do not. */
    public String summary() {
        long matching = entries.stream().filter(Entry::matches).count();
        String line = String.format(Locale.ROOT, "Gradient check of %s, batch %d, step %s: %d of %d values match "
                + "(|g - n| <= %s + %s |n|)", network, batch, step, matching, entries.size(), absoluteTolerance,
                relativeTolerance);
        if (passed()) {
            return line;
        }
        Entry worst = failures().getFirst();
        return line + String.format(Locale.ROOT, "; worst %s: analytic %.8g, numeric %.8g", worst.parameter(),
                worst.analytic(), worst.numeric());
    }

    /** The summary and a table of the {@value #SHOWN} worst entries. */
    @Override
    public String toString() {
        List<Entry> shown = worst(SHOWN);
        int width = Math.max("parameter".length(), shown.stream().mapToInt(e -> e.parameter().length()).max().orElse(0));
        StringBuilder s = new StringBuilder(summary()).append('\n');
        s.append(String.format(Locale.ROOT, "  %-" + width + "s %15s %15s %10s%n", "parameter", "analytic", "numeric",
                "|g - n|"));
        for (Entry e : shown) {
            s.append(String.format(Locale.ROOT, "  %-" + width + "s %15.8g %15.8g %10.3g%s%n", e.parameter(),
                    e.analytic(), e.numeric(), e.error(), e.matches() ? "" : "  MISMATCH"));
        }
        return s.toString();
    }
}
