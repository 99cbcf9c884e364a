package dev.kiln.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Rng;
import dev.kiln.runtime.Vectors;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Vector API loops of softmax cross-entropy (float exponentials) agree with the scalar loops (double)
 * within float rounding, for widths at and across whole vectors (narrower rows take the scalar loops), one-hot and soft targets, rows
 * apart by a stride, logits of any size, and the gradient written over the logits themselves.
 */
class LossVectorsTest {

    @BeforeAll
    static void needsTheVectorModule() {
        assertTrue(Vectors.available(), "the tests run with --add-modules jdk.incubator.vector");
    }

    @ParameterizedTest(name = "width {0}")
    @ValueSource(ints = {8, 15, 16, 17, 31, 32, 33, 114, 130})
    void vectorLoopsAgreeWithTheScalarLoops(int width) {
        Rng rng = new Rng(width);
        int batch = 5;
        int stride = width + 3;
        float[] z = new float[batch * stride];
        float[] t = new float[batch * stride];
        for (int r = 0; r < batch; r++) {
            float size = r == 4 ? 300 : 3; // one row of large logits
            for (int j = 0; j < width; j++) {
                z[r * stride + j] = (float) rng.nextGaussian() * size;
                t[r * stride + j] = r % 2 == 0 ? 0 : rng.nextFloat(); // soft targets on odd rows
            }
            if (r % 2 == 0) {
                t[r * stride + rng.nextInt(width)] = 1;
            }
        }
        float[] scalar = new float[batch * stride];
        float[] vector = new float[batch * stride];
        float expected = Losses.softmaxCrossEntropyScalar(MemorySegment.ofArray(z), 0, MemorySegment.ofArray(t), 0,
                MemorySegment.ofArray(scalar), 0, batch, width, stride, 0.7);
        float actual = Losses.softmaxCrossEntropyWithLogits(MemorySegment.ofArray(z), 0, MemorySegment.ofArray(t), 0,
                MemorySegment.ofArray(vector), 0, batch, width, stride, 0.7);
        assertEquals(expected, actual, 2e-6 * Math.max(1, Math.abs(expected)), "loss");
        for (int j = 0; j < scalar.length; j++) {
            assertEquals(scalar[j], vector[j], 1e-6, "d at " + j);
        }
        // the gradient written over the logits
        float[] inPlace = z.clone();
        float again = Losses.softmaxCrossEntropyWithLogits(MemorySegment.ofArray(inPlace), 0, MemorySegment.ofArray(t),
                0, MemorySegment.ofArray(inPlace), 0, batch, width, stride, 0.7);
        assertEquals(actual, again, "loss, in place");
        for (int r = 0; r < batch; r++) {
            for (int j = 0; j < width; j++) {
                assertEquals(vector[r * stride + j], inPlace[r * stride + j], "d in place at row " + r + ", " + j);
            }
        }
    }
}
