package dev.kiln.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.runtime.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The transposition that moves a group of samples into and out of the lanes: for every row and column of
 * the block, the value lands where a plain loop puts it, both with the register kernel and element by
 * element, and nothing else in the target changes.
 */
class LaneConvTest {

    @ParameterizedTest(name = "from {0}, stride {1}, to {2}, stride {3}")
    @CsvSource({"0, 16, 0, 16", "3, 25, 5, 16", "0, 16, 7, 29", "11, 1568, 0, 16", "2, 17, 1, 1600"})
    void transposeMovesEveryValueToItsPlace(int from, int srcStride, int to, int dstStride) {
        int lanes = LaneConv.lanes();
        Rng rng = new Rng(from * 31L + srcStride);
        float[] src = new float[from + (lanes - 1) * srcStride + lanes + 5];
        for (int i = 0; i < src.length; i++) {
            src[i] = (float) rng.nextGaussian();
        }
        float[] untouched = new float[to + (lanes - 1) * dstStride + lanes + 5];
        for (int i = 0; i < untouched.length; i++) {
            untouched[i] = -1000 - i;
        }
        float[] registers = untouched.clone();
        float[] scalar = untouched.clone();

        LaneConv.transpose(src, from, srcStride, registers, to, dstStride);
        LaneConv.transposeScalar(src, from, srcStride, scalar, to, dstStride);

        float[] expected = untouched.clone();
        for (int i = 0; i < lanes; i++) {
            for (int j = 0; j < lanes; j++) {
                expected[to + j * dstStride + i] = src[from + i * srcStride + j];
            }
        }
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], registers[k], "transpose, target " + k);
            assertEquals(expected[k], scalar[k], "element by element, target " + k);
        }
    }
}
