package dev.kiln.runtime.check;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Model;
import dev.kiln.runtime.NetworkChecks;
import dev.kiln.runtime.Parameter;
import dev.kiln.runtime.interpret.Interpreter;
import dev.kiln.spec.Activation;
import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.Init;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The public gradient check: it passes a correct model, and finds and names a wrong gradient. */
class GradientCheckTest {

    private static Model mlp(Loss loss) {
        NetworkSpec spec = new NetworkSpec("Mlp", List.of(4), List.of(
                new DenseSpec(6, true, Init.XAVIER_NORMAL, DenseSpec.DEFAULT_SCALE, "Mlp.hidden"),
                ActivationSpec.of(Activation.TANH, "Mlp.hidden"),
                new DenseSpec(3, true, Init.XAVIER_NORMAL, DenseSpec.DEFAULT_SCALE, "Mlp.out")), loss, 8);
        Model model = Interpreter.of(spec, 11);
        return model;
    }

    private static float[] inputs(Random random, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }

    @Test
    void aCorrectModelPassesEveryValueAndKeepsItsParameters() {
        for (Loss loss : List.of(Loss.SOFTMAX_CROSS_ENTROPY, Loss.MSE, Loss.BINARY_CROSS_ENTROPY)) {
            Model model = mlp(loss);
            Random random = new Random(3);
            float[] x = inputs(random, 8 * 4);
            float[] t = NetworkChecks.targets(random, loss, 8, 3);
            float[] before = model.parameters().toArray(ValueLayout.JAVA_FLOAT);
            GradientCheckReport report = GradientCheck.of(model).run(x, t, 8);
            assertTrue(report.passed(), report.toString());
            assertEquals(4 * 6 + 6 + 6 * 3 + 3, report.entries().size(), "every value of these small tensors");
            assertArrayEquals(before, model.parameters().toArray(ValueLayout.JAVA_FLOAT), "parameters restored");
            assertTrue(report.summary().startsWith("Gradient check of Mlp, batch 8, step 0.01: 51 of 51 values match"),
                    report.summary());
        }
    }

    @Test
    void aWrongGradientIsFoundAndNamed() {
        Model model = new OneWrongGradient(mlp(Loss.SOFTMAX_CROSS_ENTROPY), 4 * 6 + 2, 1.05f);
        Random random = new Random(5);
        GradientCheckReport report = GradientCheck.of(model)
                .run(inputs(random, 8 * 4), NetworkChecks.targets(random, Loss.SOFTMAX_CROSS_ENTROPY, 8, 3), 8);
        assertFalse(report.passed());
        assertEquals(List.of("hidden.bias[2]"), report.failures().stream().map(GradientCheckReport.Entry::parameter).toList());
        assertEquals("hidden.bias[2]", report.worst(3).getFirst().parameter());
        assertTrue(report.toString().contains("hidden.bias[2]") && report.toString().contains("MISMATCH"), report.toString());
        assertTrue(report.summary().contains("50 of 51 values match") && report.summary().contains("worst hidden.bias[2]"),
                report.summary());
    }

    @Test
    void largeTensorsAreSampledWithTheSeed() {
        Model model = mlp(Loss.MSE);
        Random random = new Random(9);
        float[] x = inputs(random, 8 * 4);
        float[] t = NetworkChecks.targets(random, Loss.MSE, 8, 3);
        GradientCheckReport a = GradientCheck.of(model).perTensor(5).seed(1).run(x, t, 8);
        GradientCheckReport b = GradientCheck.of(model).perTensor(5).seed(1).run(x, t, 8);
        assertEquals(5 + 5 + 5 + 3, a.entries().size(), "5 per tensor, all 3 of the output bias");
        assertEquals(a.entries(), b.entries());
        assertTrue(a.passed(), a.toString());
    }

    @Test
    void indicesAreWrittenPerDimension() {
        assertEquals("[3, 1]", GradientCheck.index(List.of(4, 2), 7));
        assertEquals("[5]", GradientCheck.index(List.of(6), 5));
    }

    @Test
    void badSettingsAreRejectedWithTheirValue() {
        GradientCheck check = GradientCheck.of(mlp(Loss.MSE));
        assertEquals("gradient check: step = 0.0 must be finite and positive, e.g. 1e-2",
                assertThrows(IllegalArgumentException.class, () -> check.step(0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> check.tolerance(-1, 0.1));
        assertThrows(IllegalArgumentException.class, () -> check.tolerance(0.1, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> check.perTensor(0));
        assertThrows(IllegalArgumentException.class, () -> check.run(new float[3], new float[3], 1));
    }

    /** A model whose back-propagated gradient is wrong in one value, as a bug would make it. */
    private record OneWrongGradient(Model inner, int offset, float factor) implements Model {
        @Override
        public void backward() {
            inner.backward();
            MemorySegment g = inner.gradients();
            g.setAtIndex(ValueLayout.JAVA_FLOAT, offset, g.getAtIndex(ValueLayout.JAVA_FLOAT, offset) * factor + 0.01f);
        }

        @Override public NetworkSpec spec() { return inner.spec(); }
        @Override public int inputSize() { return inner.inputSize(); }
        @Override public int outputSize() { return inner.outputSize(); }
        @Override public int maxBatch() { return inner.maxBatch(); }
        @Override public List<Parameter> parameterLayout() { return inner.parameterLayout(); }
        @Override public MemorySegment parameters() { return inner.parameters(); }
        @Override public MemorySegment gradients() { return inner.gradients(); }
        @Override public void initialize(long seed) { inner.initialize(seed); }
        @Override public float[] forward(float[] input, int offset, int batch) { return inner.forward(input, offset, batch); }
        @Override public float loss(float[] target, int offset) { return inner.loss(target, offset); }
        @Override public void zeroGradients() { inner.zeroGradients(); }
        @Override public void setInputGradientEnabled(boolean enabled) { inner.setInputGradientEnabled(enabled); }
        @Override public float[] inputGradient() { return inner.inputGradient(); }
    }
}
