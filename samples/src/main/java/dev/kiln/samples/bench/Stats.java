package dev.kiln.samples.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Medians, percentiles and ranges of measurements. */
final class Stats {

    private Stats() {
    }

    /** The median: the middle value, or the mean of the two middle values. */
    static double median(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("the median of no values");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** The median of a list. */
    static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * The {@code percent}-th percentile by the nearest-rank method: the smallest value such that at least
     * {@code percent}% of the values are at most it, {@code sorted[ceil(percent / 100 * n) - 1]}.
     */
    static long nearestRank(long[] sorted, double percent) {
        if (sorted.length == 0 || !(percent > 0 && percent <= 100)) {
            throw new IllegalArgumentException("percentile " + percent + " of " + sorted.length + " values");
        }
        int rank = (int) Math.ceil(percent / 100 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    /** {@code {"median": m, "min": a, "max": b}} over the values. */
    static Map<String, Object> summary(List<Double> values) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("median", median(values));
        summary.put("min", values.stream().mapToDouble(Double::doubleValue).min().orElseThrow());
        summary.put("max", values.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
        return summary;
    }
}
