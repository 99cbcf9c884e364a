package dev.kiln.runtime.ops;

import static dev.kiln.runtime.Memory.FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.Vectors;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The one-hot lookup and its gradient, both ways (the transposed table when there are no more classes than
 * rows, the direct strided way otherwise), against plain loops: the lookup copies columns exactly; the
 * gradient adds, bit for bit, each class's rows in row order into its column, summed first when the table is
 * used, one by one otherwise; the columns of classes no row has keep their bits (a {@code -0.0} included),
 * and the rows are left as they are.
 */
class OneHotColumnsTest {

    private static final int OFFSET = 3;

    private static MemorySegment segment(float[] values, boolean offHeap) {
        MemorySegment m = offHeap ? Memory.allocate(values.length) : MemorySegment.ofArray(values.clone());
        for (int j = 0; j < values.length; j++) {
            m.setAtIndex(FLOAT, j, values[j]);
        }
        return m;
    }

    private static float[] floats(MemorySegment m) {
        float[] values = new float[(int) (m.byteSize() / Float.BYTES)];
        for (int j = 0; j < values.length; j++) {
            values[j] = m.getAtIndex(FLOAT, j);
        }
        return values;
    }

    /** Ids in {@code [0, used)}, so that the classes from {@code used} on have no rows. */
    private static float[] ids(int count, int used, Rng rng) {
        float[] ids = new float[OFFSET + count];
        for (int r = 0; r < count; r++) {
            ids[OFFSET + r] = rng.nextInt(used);
        }
        return ids;
    }

    private static float[] gaussian(int n, Rng rng) {
        float[] values = new float[n];
        for (int j = 0; j < n; j++) {
            values[j] = (float) rng.nextGaussian();
        }
        return values;
    }

    @ParameterizedTest(name = "{0} rows of {1}, {2} classes ({3} used), native {4}")
    @CsvSource({
        "40, 20, 6, 6, false", "40, 20, 6, 6, true", "40, 37, 11, 9, true", "64, 512, 114, 100, true",
        "8, 33, 50, 50, true", "8, 33, 50, 50, false", "5, 16, 200, 200, true", "1, 1, 1, 1, true",
        "2048, 512, 114, 114, true"})
    void lookUpCopiesTheColumnsAndScatterAddSumsEachClassOnce(int count, int width, int in, int used,
                                                             boolean offHeap) {
        Rng rng = new Rng(count * 1000L + width * 10L + in);
        float[] idValues = ids(count, used, rng);
        float[] w = gaussian(OFFSET + width * in, rng);
        MemorySegment ids = segment(idValues, offHeap);
        MemorySegment p = segment(w, offHeap);
        MemorySegment work = segment(new float[OFFSET + count * width], offHeap);

        OneHotColumns.lookUp(ids, OFFSET, count, p, OFFSET, in, work, OFFSET, width);

        for (int r = 0; r < count; r++) {
            int c = (int) idValues[OFFSET + r];
            for (int j = 0; j < width; j++) {
                assertEquals(w[OFFSET + j * in + c], work.getAtIndex(FLOAT, OFFSET + (long) r * width + j),
                        "row " + r + ", value " + j);
            }
        }

        float[] rows = gaussian(OFFSET + count * width, rng);
        float[] g = gaussian(OFFSET + width * in, rng);
        g[OFFSET + in - 1] = -0.0f; // a class without rows (when used < in) keeps its sign of zero
        float[] expected = g.clone();
        boolean tabled = in <= count;
        for (int c = 0; c < in; c++) {
            float[] sum = null;
            for (int r = 0; r < count; r++) {
                if ((int) idValues[OFFSET + r] != c) {
                    continue;
                }
                if (!tabled) {
                    for (int j = 0; j < width; j++) {
                        expected[OFFSET + j * in + c] += rows[OFFSET + r * width + j];
                    }
                } else if (sum == null) {
                    sum = new float[width];
                    System.arraycopy(rows, OFFSET + r * width, sum, 0, width);
                } else {
                    for (int j = 0; j < width; j++) {
                        sum[j] += rows[OFFSET + r * width + j];
                    }
                }
            }
            if (sum != null) {
                for (int j = 0; j < width; j++) {
                    expected[OFFSET + j * in + c] += sum[j];
                }
            }
        }
        for (boolean vector : new boolean[] {false, true}) {
            if (vector && !(offHeap && Vectors.available())) {
                continue;
            }
            MemorySegment rowSegment = segment(rows, offHeap);
            MemorySegment gs = segment(g, offHeap);

            OneHotColumns.scatterAdd(ids, OFFSET, count, rowSegment, OFFSET, width, gs, OFFSET, in, vector);

            float[] actual = floats(gs);
            for (int j = 0; j < expected.length; j++) {
                assertEquals(Float.floatToRawIntBits(expected[j]), Float.floatToRawIntBits(actual[j]),
                        "G[" + j + "] with vectors " + vector + ": " + expected[j] + " vs " + actual[j]);
            }
            float[] after = floats(rowSegment);
            for (int j = 0; j < rows.length; j++) {
                assertEquals(Float.floatToRawIntBits(rows[j]), Float.floatToRawIntBits(after[j]), "row value " + j);
            }
        }
    }
}
