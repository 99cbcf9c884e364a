package dev.kiln.samples.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.blas.JavaBlas;
import dev.kiln.runtime.data.Batches;
import dev.kiln.runtime.data.Dataset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The workload runner's pieces that decide what is measured: W1's visiting order against the check values
 * of the benchmark definitions, the command line, the W5 result check and the nearest-rank percentile.
 */
class WorkloadsTest {

    /** 60,000 samples whose single feature is their index, so that a batch shows which samples it took. */
    private static final Dataset INDICES = indices(60_000);

    @Test
    void w1Epoch1VisitsTheSamplesInTheDefinedOrder() {
        Batches batches = Workloads.w1Batches(INDICES);
        batches.startEpoch(1);

        List<Integer> sizes = new ArrayList<>();
        int[] order = new int[INDICES.size()];
        int position = 0;
        while (batches.next()) {
            sizes.add(batches.size());
            for (int r = 0; r < batches.size(); r++) {
                order[position++] = (int) batches.features()[r];
            }
        }

        assertArrayEquals(new int[] {40783, 55244, 3906, 9187, 49354, 27925, 54372, 29061}, Arrays.copyOf(order, 8));
        long checksum = 0;
        for (int k = 0; k < 1000; k++) {
            checksum += (long) order[k] * (k + 1);
        }
        assertEquals(14529427962L, checksum);
        assertEquals(469, sizes.size());
        assertEquals(96, sizes.getLast());
        assertEquals(468, sizes.stream().filter(size -> size == 128).count());
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        for (int s = 0; s < sorted.length; s++) {
            assertEquals(s, sorted[s]);
        }
    }

    @Test
    void w1Epoch2StartsAsDefined() {
        Batches batches = Workloads.w1Batches(INDICES);
        batches.startEpoch(2);
        batches.next();

        float[] first = Arrays.copyOf(batches.features(), 8);

        assertArrayEquals(new float[] {2354, 8697, 59264, 2954, 53910, 46757, 22676, 35600}, first);
    }

    @Test
    void parsesTheDefaultsAndEveryOption() {
        Workloads.Options defaults = Workloads.parse(new String[0]);
        assertEquals(Set.of("W1", "W2", "W3", "W4", "W5"), defaults.workloads());
        assertEquals(null, defaults.epochs(), "each workload's own");
        assertEquals(1, defaults.repeat());
        assertNull(defaults.threads());
        assertNull(defaults.data());
        assertArrayEquals(new int[] {64, 128, 256, 512, 1024, 2048}, defaults.sizes());

        Workloads.Options given = Workloads.parse(new String[] {"--workloads", "w5,W1", "--data=/d", "--epochs", "3",
                "--repeat", "4", "--threads", "2", "--sizes", "64, 96"});
        assertEquals(List.of("W1", "W5"), List.copyOf(given.workloads()));
        assertEquals("/d", given.data());
        assertEquals(3, given.epochs());
        assertEquals(4, given.repeat());
        assertEquals(2, given.threads());
        assertArrayEquals(new int[] {64, 96}, given.sizes());
        assertArrayEquals(new int[] {64, 128, 256, 512}, Workloads.parse(new String[] {"--quick"}).sizes());
        assertTrue(Workloads.parse(new String[] {"--help"}).help());
        assertFalse(defaults.sameJvm(), "each workload in a JVM of its own");
        assertTrue(Workloads.parse(new String[] {"--same-jvm"}).sameJvm());
    }

    @Test
    void aWorkloadAloneKeepsTheOtherArguments() {
        assertEquals(List.of("--threads", "1", "--quick", "--workloads", "W3"),
                Workloads.argumentsFor("W3", new String[] {"--workloads", "W2,W3", "--threads", "1", "--quick"}));
        assertEquals(List.of("--epochs=2", "--workloads", "W2"),
                Workloads.argumentsFor("W2", new String[] {"--workloads=W2,W3", "--epochs=2"}));
        assertEquals(List.of("--workloads", "W5"), Workloads.argumentsFor("W5", new String[0]));
    }

    @Test
    void rawJsonIsIndentedToItsPlace() {
        assertEquals("""
                {
                  "results": [
                    {
                      "a": 1
                    }
                  ]
                }""", Json.write(Map.of("results", List.of(new Json.Raw("{\n  \"a\": 1\n}")))));
    }

    @Test
    void rejectsBadArgumentsNamingThem() {
        assertEquals("--workloads: unknown workload 'W7'; this runner measures W1, W2, W3, W4, W5", message("--workloads", "W1,W7"));
        assertEquals("--epochs takes a positive integer, got '0'", message("--epochs", "0"));
        assertEquals("--sizes takes a positive integer, got 'x'", message("--sizes", "64,x"));
        assertEquals("--repeat needs a value", message("--repeat"));
        assertEquals("unknown argument '--fast'", message("--fast"));
    }

    @Test
    void theW5CheckPassesACorrectProductAndCatchesAWrongElement() {
        int n = 64;
        float[] a = new float[n * n];
        float[] b = new float[n * n];
        for (int j = 0; j < a.length; j++) {
            a[j] = (j % 7 - 3) / 3f;
            b[j] = (j % 5 - 2) / 2f;
        }
        float[] c = new float[n * n];
        new JavaBlas().sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);

        Map<String, Object> check = Workloads.check(n, a, b, c);
        assertEquals(true, check.get("ok"));
        assertEquals(42, check.get("row"));
        assertEquals(21, check.get("column"));

        c[42 * n + 21] += 0.01f;
        assertEquals(false, Workloads.check(n, a, b, c).get("ok"));
    }

    @Test
    void p99IsTheNearestRank() {
        long[] values = new long[20_000];
        for (int j = 0; j < values.length; j++) {
            values[j] = j + 1;
        }
        assertEquals(19_800, Stats.nearestRank(values, 99));
        assertEquals(10_000, Stats.nearestRank(values, 50));
        assertEquals(20_000, Stats.nearestRank(values, 100));
        assertEquals(1, Stats.nearestRank(new long[] {1, 2, 3}, 1));
        assertEquals(3, Stats.nearestRank(new long[] {1, 2, 3}, 99));
        assertEquals(2, Stats.nearestRank(new long[] {1, 2, 3}, 40)); // rank ceil(1.2) = 2, not round(1.2) = 1
        assertEquals(2.5, Stats.median(new double[] {4, 1, 3, 2}));
        assertEquals(Map.of("median", 2.0, "min", 1.0, "max", 5.0), Stats.summary(List.of(5.0, 1.0, 2.0)));
    }

    @Test
    void jsonIsWrittenIndentedAndValid() {
        Map<String, Object> value = new java.util.LinkedHashMap<>();
        value.put("name", "a \"b\"\n");
        value.put("n", 3);
        value.put("x", 1234.56789);
        value.put("tiny", 5.864749e-7);
        value.put("whole", 2.0);
        value.put("nan", Double.NaN);
        value.put("list", List.of(1, 2));
        value.put("rows", List.of(Map.of("ok", true)));
        value.put("none", null);

        assertEquals("""
                {
                  "name": "a \\"b\\"\\n",
                  "n": 3,
                  "x": 1234.57,
                  "tiny": 5.86475E-7,
                  "whole": 2,
                  "nan": null,
                  "list": [1, 2],
                  "rows": [
                    {
                      "ok": true
                    }
                  ],
                  "none": null
                }""", Json.write(value));
    }

    @Test
    void contentionIsReportedInCoresWhereProcIsReadable() {
        CpuUsage.Snapshot before = CpuUsage.now();
        Map<String, Object> usage = CpuUsage.between(before, CpuUsage.now());

        assertTrue(usage.containsKey("seconds"));
        if (before.busy() >= 0) {
            assertTrue((Double) usage.get("other_cores") >= 0);
            assertTrue((Double) usage.get("steal_cores") >= 0);
            assertFalse(usage.get("disturbed") == null);
        } else {
            assertNull(usage.get("other_cores"));
        }
    }

    private static String message(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> Workloads.parse(args)).getMessage();
    }

    private static Dataset indices(int size) {
        float[][] features = new float[size][];
        float[][] targets = new float[size][];
        for (int s = 0; s < size; s++) {
            features[s] = new float[] {s};
            targets[s] = new float[] {0};
        }
        return Dataset.regression(features, targets);
    }
}
