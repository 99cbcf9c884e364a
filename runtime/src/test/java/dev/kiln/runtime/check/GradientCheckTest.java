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

    /** A batch of 8 samples of 4 features and their targets for {@link MaskedMlp}. */
    private static GradientCheckReport checkMasked(MaskedMlp model) {
        Random random = new Random(13);
        return GradientCheck.of(model).run(inputs(random, 8 * 4), inputs(random, 8), 8);
    }

    @Test
    void dropoutIsCheckedInTrainingModeWithItsMasksFrozen() {
        MaskedMlp model = new MaskedMlp(4, 6, 0.5, 8, true, true);
        model.initialize(21);
        GradientCheckReport report = checkMasked(model);
        assertTrue(report.passed(), report.toString());
        assertEquals(1 + 2 * (4 * 6 + 6), model.trainingPasses(), "every pass in training mode: the first, and "
                + "two per checked value");
    }

    @Test
    void aWrongDropoutBackwardIsCaught() {
        MaskedMlp model = new MaskedMlp(4, 6, 0.5, 8, false, true);
        model.initialize(21);
        GradientCheckReport report = checkMasked(model);
        assertFalse(report.passed());
        // the weights into dropped units, whose gradient is 0, get one; those after the dropout are right
        assertTrue(report.failures().size() >= 4, report.toString());
        assertTrue(report.failures().stream().allMatch(e -> e.parameter().startsWith("hidden.weight")),
                report.toString());
    }

    @Test
    void withoutFrozenMasksNoBackwardCouldPass() {
        // a model that draws new masks on every pass, frozen or not: the loss is no function of the parameters
        MaskedMlp model = new MaskedMlp(4, 6, 0.5, 8, true, false);
        model.initialize(21);
        assertFalse(checkMasked(model).passed());
    }

    @Test
    void theModeAndTheFrozenFlagAreGivenBack() {
        Model model = Interpreter.of(dev.kiln.dsl.Kiln.input(4).dense(6).tanh().dropout(0.5).dense(3)
                .loss(Loss.MSE).maxBatch(8).build(), 3);
        Random random = new Random(17);
        float[] x = inputs(random, 8 * 4);
        float[] t = inputs(random, 8 * 3);
        for (boolean training : new boolean[] {false, true}) {
            for (boolean frozen : new boolean[] {false, true}) {
                model.setTraining(training);
                model.setDropoutMaskFrozen(frozen);
                GradientCheckReport report = GradientCheck.of(model).run(x, t, 8);
                assertTrue(report.passed(), report.toString());
                assertEquals(training, model.training());
                assertEquals(frozen, model.dropoutMaskFrozen());
            }
        }
        MemorySegment parameters = model.parameters();
        parameters.setAtIndex(ValueLayout.JAVA_FLOAT, 0, Float.NaN);
        model.setTraining(false);
        model.setDropoutMaskFrozen(false);
        assertThrows(IllegalStateException.class, () -> GradientCheck.of(model).run(x, t, 8));
        assertFalse(model.training(), "given back when the check throws");
        assertFalse(model.dropoutMaskFrozen());
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
        @Override public void setTraining(boolean training) { inner.setTraining(training); }
        @Override public boolean training() { return inner.training(); }
        @Override public void setDropoutMaskFrozen(boolean frozen) { inner.setDropoutMaskFrozen(frozen); }
        @Override public boolean dropoutMaskFrozen() { return inner.dropoutMaskFrozen(); }
        @Override public void seedDropout(long seed) { inner.seedDropout(seed); }
    }
}
