package dev.kiln.samples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.blas.Blas;
import dev.kiln.runtime.blas.JavaBlas;
import dev.kiln.runtime.ops.DenseOps;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link GemmPlan} times exactly the products the network makes: the same transposes, shapes, leading
 * dimensions and {@code beta}, in the same order, as the runtime's dense layer ops in a training step
 * (forward through three layers, then backward without the input gradient) and in inference.
 */
class GemmPlanTest {

    private static final int[] WIDTHS = {784, 256, 128, 10};

    @Test
    void theTrainingStepPlanMakesTheProductsOfATrainingStep() {
        for (int batch : new int[] {128, 96}) {
            Recording plan = new Recording();
            GemmPlan.trainingStep(batch, WIDTHS).run(plan);

            Recording network = new Recording();
            MemorySegment[] activations = forward(network, batch);
            backward(network, batch, activations);

            assertEquals(network.calls, plan.calls);
            assertEquals(8, plan.calls.size());
        }
        assertEquals(2L * 128 * (2 * (784 * 256 + 256 * 128 + 128 * 10) + 256 * 128 + 128 * 10),
                GemmPlan.trainingStep(128, WIDTHS).flops());
    }

    @Test
    void theInferencePlanMakesTheForwardProducts() {
        for (int batch : new int[] {1, 128}) {
            Recording plan = new Recording();
            GemmPlan.inference(batch, WIDTHS).run(plan);
            Recording network = new Recording();
            forward(network, batch);

            assertEquals(network.calls, plan.calls);
        }
        assertEquals(2L * 784 * 256 + 2L * 256 * 128 + 2L * 128 * 10, GemmPlan.inference(1, WIDTHS).flops());
    }

    /** The forward pass through the dense layers as the generated code makes it; returns each layer's input. */
    private static MemorySegment[] forward(Blas blas, int batch) {
        MemorySegment[] inputs = new MemorySegment[WIDTHS.length];
        inputs[0] = Memory.allocate((long) batch * WIDTHS[0]);
        for (int l = 0; l + 1 < WIDTHS.length; l++) {
            MemorySegment weights = Memory.allocate((long) WIDTHS[l + 1] * WIDTHS[l] + WIDTHS[l + 1]);
            inputs[l + 1] = Memory.allocate((long) batch * WIDTHS[l + 1]);
            DenseOps.forward(blas, inputs[l], 0, weights, 0, (long) WIDTHS[l + 1] * WIDTHS[l], inputs[l + 1], 0,
                    batch, WIDTHS[l], WIDTHS[l + 1]);
        }
        return inputs;
    }

    private static void backward(Blas blas, int batch, MemorySegment[] inputs) {
        for (int l = WIDTHS.length - 2; l >= 0; l--) {
            int in = WIDTHS[l];
            int out = WIDTHS[l + 1];
            MemorySegment weights = Memory.allocate((long) out * in + out);
            MemorySegment dy = Memory.allocate((long) batch * out);
            MemorySegment dx = l == 0 ? null : Memory.allocate((long) batch * in);
            DenseOps.backward(blas, inputs[l], 0, weights, 0, dy, 0, Memory.allocate(Memory.floats(weights)), 0,
                    (long) out * in, dx, 0, batch, in, out);
        }
    }

    /** Records each product's shape and runs it with the Java backend. */
    private static final class Recording implements Blas {

        final List<String> calls = new ArrayList<>();
        private final JavaBlas java = new JavaBlas();

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset,
                          int lda, float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc) {
            throw new UnsupportedOperationException("the plans and the models use memory segments");
        }

        @Override
        public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a,
                          long aOffset, int lda, MemorySegment b, long bOffset, int ldb, float beta, MemorySegment c,
                          long cOffset, int ldc) {
            calls.add((transA ? "T" : "N") + (transB ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k + " alpha="
                    + alpha + " lda=" + lda + " ldb=" + ldb + " beta=" + beta + " ldc=" + ldc);
            java.sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
        }
    }
}
