package dev.kiln.runtime.interpret;

import static dev.kiln.runtime.NetworkChecks.assertGradient;
import static dev.kiln.runtime.NetworkChecks.centralDifference;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.NetworkChecks;
import dev.kiln.runtime.Parameter;
import dev.kiln.runtime.ReferenceNetwork;
import dev.kiln.runtime.TestArrays;
import dev.kiln.spec.NetworkSpec;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The interpreter's numbers against {@link ReferenceNetwork}, a double-precision evaluation written from
 * the formulas: outputs and losses, and every parameter's and input's gradient against central finite
 * differences of the reference loss.
 *
 * <p>Tolerances: outputs and losses agree within {@code 1e-5 + 1e-5 * |ref|}; finite differences are
 * taken in double with step {@code 1e-6}, and an analytic (float) gradient {@code g} matches a numerical
 * one {@code n} when {@code |g - n| <= 1e-4 + 1e-3 * |n|}, which leaves room for float rounding and
 * nothing more. Inputs and targets sit at an offset in longer arrays, so a pass that ignores the offset
 * fails. Networks with dropout are checked in inference mode, where it passes values through, and in
 * training mode against the reference applying the same masks, drawn by the documented procedure.
 */
class InterpreterGradientTest {

    private static final int BATCH = 3;
    private static final int INPUT_OFFSET = 7;
    private static final int TARGET_OFFSET = 2;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.runtime.interpret.Networks#trainable")
    void outputsLossAndEveryGradientMatchTheReference(NetworkSpec spec) {
        InterpretedModel model = Interpreter.of(spec);
        check(model, new ReferenceNetwork(spec), NetworkChecks.batchFor(spec, BATCH));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.runtime.interpret.Networks#withDropout")
    void inTrainingModeDropoutMatchesTheReferenceWithTheSameMasks(NetworkSpec spec) {
        InterpretedModel model = Interpreter.of(spec);
        model.seedDropout(17);
        model.setTraining(true);
        int batch = NetworkChecks.batchFor(spec, BATCH);
        check(model, new ReferenceNetwork(spec).withDropoutMasks(17, batch), batch);
    }

    /**
     * One forward, loss and backward of {@code model} on random parameters and data, against
     * {@code reference}: outputs, loss, and every parameter and input gradient against its central
     * differences.
     */
    private static void check(InterpretedModel model, ReferenceNetwork reference, int batch) {
        NetworkSpec spec = model.spec();
        Random random = new Random(spec.name().hashCode());
        float[] weights = Networks.uniform(random, (int) Memory.floats(model.parameters()), 1.0);
        Memory.copy(weights, 0, model.parameters(), 0, weights.length);
        float[] x = Networks.uniform(random, INPUT_OFFSET + batch * model.inputSize(), 2.0);
        float[] t = new float[TARGET_OFFSET + batch * model.outputSize()];
        float[] targets = NetworkChecks.targets(random, spec, batch);
        System.arraycopy(targets, 0, t, TARGET_OFFSET, targets.length);

        double[] p = Networks.toDouble(TestArrays.floats(model.parameters()), 0, (int) Memory.floats(model.parameters()));
        double[] xd = Networks.toDouble(x, INPUT_OFFSET, batch * model.inputSize());
        double[] td = Networks.toDouble(t, TARGET_OFFSET, batch * model.outputSize());

        float[] y = model.forward(x, INPUT_OFFSET, batch);
        double[] expected = reference.forward(p, xd, batch);
        assertEquals(batch * model.outputSize(), expected.length);
        for (int k = 0; k < expected.length; k++) {
            assertClose(expected[k], y[k], spec.name() + " output " + k);
        }

        model.zeroGradients();
        model.setInputGradientEnabled(true);
        float loss = model.loss(t, TARGET_OFFSET);
        assertClose(reference.loss(p, xd, td, batch), loss, spec.name() + " loss");
        model.backward();

        float[] grads = TestArrays.floats(model.gradients());
        for (int k = 0; k < p.length; k++) {
            double numeric = centralDifference(values -> reference.loss(values, xd, td, batch), p, k);
            assertGradient(numeric, grads[k], spec.name() + " gradient of " + parameterName(model, k));
        }
        float[] inputGrad = model.inputGradient();
        for (int k = 0; k < xd.length; k++) {
            double numeric = centralDifference(values -> reference.loss(p, values, td, batch), xd, k);
            assertGradient(numeric, inputGrad[k], spec.name() + " gradient of input " + k);
        }
    }

    @Test
    void aNetworkWithoutLossComputesTheReferenceOutputs() {
        NetworkSpec spec = Networks.INFERENCE;
        InterpretedModel model = Interpreter.of(spec, 5);
        Random random = new Random(5);
        float[] x = Networks.uniform(random, 4 * model.inputSize(), 2.0);
        float[] y = model.forward(x, 0, 4);
        double[] expected = new ReferenceNetwork(spec).forward(
                Networks.toDouble(TestArrays.floats(model.parameters()), 0, (int) Memory.floats(model.parameters())),
                Networks.toDouble(x, 0, x.length), 4);
        for (int k = 0; k < expected.length; k++) {
            assertClose(expected[k], y[k], "output " + k);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kiln.runtime.interpret.Networks#trainable")
    void theInputGradientIsLeftAloneWhenDisabled(NetworkSpec spec) {
        InterpretedModel model = Interpreter.of(spec, 3);
        Random random = new Random(3);
        float[] x = Networks.uniform(random, 2 * model.inputSize(), 2.0);
        float[] t = NetworkChecks.targets(random, spec, 2);
        model.setInputGradientEnabled(true);
        model.setInputGradientEnabled(false);
        Arrays.fill(model.inputGradient(), 42f);
        model.forward(x, 0, 2);
        model.loss(t, 0);
        model.backward();
        for (int k = 0; k < 2 * model.inputSize(); k++) {
            assertEquals(42f, model.inputGradient()[k], spec.name() + " input gradient " + k);
        }
    }

    private static String parameterName(InterpretedModel model, int index) {
        for (Parameter p : model.parameterLayout()) {
            if (index >= p.offset() && index < p.offset() + p.size()) {
                return p.name() + "[" + (index - p.offset()) + "]";
            }
        }
        return "#" + index;
    }

    private static void assertClose(double expected, float actual, String what) {
        assertTrue(Math.abs(actual - expected) <= 1e-5 + 1e-5 * Math.abs(expected),
                what + ": expected " + expected + ", got " + actual);
    }
}
