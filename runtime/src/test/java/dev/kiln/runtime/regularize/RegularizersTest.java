package dev.kiln.runtime.regularize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.runtime.Allocations;
import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.Parameter;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.TestArrays;
import dev.kiln.runtime.optim.Sgd;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Regularizers}: penalties and gradients against double-precision references and central
 * differences, the selection of weights and layers, sums, and every argument error.
 */
class RegularizersTest {

    /** A 4 -> 5 -> 3 network whose parameters are drawn away from 0 and whose gradients are already non-zero. */
    private static Model model(long seed) {
        Model model = Mlps.small(seed);
        Rng rng = new Rng(seed);
        int n = (int) Memory.floats(model.parameters());
        Memory.copy(TestArrays.awayFromZero(rng, n, 0.05, 1.5), 0, model.parameters(), 0, n);
        Memory.copy(TestArrays.uniform(rng, n, 1.0), 0, model.gradients(), 0, n);
        return model;
    }

    /** Whether parameter {@code k} of {@code model} lies in a tensor of {@code layers} (all when empty) that has two dimensions or, with {@code biases}, any. */
    private static boolean selected(Model model, int k, boolean biases, String... layers) {
        for (Parameter p : model.parameterLayout()) {
            if (k >= p.offset() && k < p.offset() + p.size()) {
                String layer = p.name().substring(0, p.name().indexOf('.'));
                boolean named = layers.length == 0 || List.of(layers).contains(layer);
                return named && (biases || p.shape().size() == 2);
            }
        }
        throw new AssertionError("parameter " + k + " in no tensor");
    }

    /** The reference penalty {@code l1 Σ|w| + (l2 / 2) Σ w²} in double over the selected parameters. */
    private static double referencePenalty(Model model, double l1, double l2, boolean biases, String... layers) {
        float[] w = TestArrays.floats(model.parameters());
        double penalty = 0;
        for (int k = 0; k < w.length; k++) {
            if (selected(model, k, biases, layers)) {
                penalty += l1 * Math.abs((double) w[k]) + 0.5 * l2 * w[k] * (double) w[k];
            }
        }
        return penalty;
    }

    /** Checks that the gradients grew by {@code l1 sign(w) + l2 w} (double reference) on the selection, and not elsewhere. */
    private static void assertGradientAdded(Model model, float[] before, double l1, double l2, boolean biases,
                                            String... layers) {
        float[] w = TestArrays.floats(model.parameters());
        float[] after = TestArrays.floats(model.gradients());
        for (int k = 0; k < w.length; k++) {
            if (selected(model, k, biases, layers)) {
                double expected = before[k] + l1 * Math.signum(w[k]) + l2 * w[k];
                assertEquals(expected, after[k], 1e-6 * (1 + Math.abs(expected)), "gradient " + k);
            } else {
                assertEquals(before[k], after[k], "gradient " + k + " is not selected and must be unchanged");
            }
        }
    }

    @Test
    void l2IsHalfLambdaTimesTheSumOfSquaredWeightsAndAddsLambdaW() {
        Model model = model(1);
        float[] before = TestArrays.floats(model.gradients());
        WeightPenalty l2 = Regularizers.l2(0.03);

        assertEquals(referencePenalty(model, 0, 0.03f, false), l2.penalty(model), 1e-12);
        l2.addGradient(model);

        assertGradientAdded(model, before, 0, 0.03f, false);
    }

    @Test
    void l1IsLambdaTimesTheSumOfAbsoluteWeightsAndAddsLambdaSignW() {
        Model model = model(2);
        float[] before = TestArrays.floats(model.gradients());
        WeightPenalty l1 = Regularizers.l1(0.02);

        assertEquals(referencePenalty(model, 0.02f, 0, false), l1.penalty(model), 1e-12);
        l1.addGradient(model);

        assertGradientAdded(model, before, 0.02f, 0, false);
    }

    @Test
    void elasticNetIsL1PlusL2() {
        Model model = model(3);
        float[] before = TestArrays.floats(model.gradients());
        WeightPenalty net = Regularizers.elasticNet(0.02, 0.05);

        assertEquals(referencePenalty(model, 0.02f, 0.05f, false), net.penalty(model), 1e-12);
        assertEquals(Regularizers.l1(0.02).penalty(model) + Regularizers.l2(0.05).penalty(model), net.penalty(model),
                1e-12);
        net.addGradient(model);

        assertGradientAdded(model, before, 0.02f, 0.05f, false);
    }

    @Test
    void gradientsAreCentralDifferencesOfThePenalty() {
        for (WeightPenalty penalty : List.of(Regularizers.l1(0.07), Regularizers.l2(0.3),
                Regularizers.elasticNet(0.07, 0.3), Regularizers.elasticNet(0.07, 0.3).includingBiases(),
                Regularizers.l2(0.3).only("out"))) {
            Model model = model(4);
            MemorySegment w = model.parameters();
            int n = (int) Memory.floats(w);
            Memory.clear(model.gradients(), 0, n);
            penalty.addGradient(model);
            float[] analytic = TestArrays.floats(model.gradients());
            for (int k = 0; k < n; k++) {
                // a step well below the 0.05 gap around 0, so |w| has no kink in between
                float saved = w.getAtIndex(Memory.FLOAT, k);
                float plus = saved + 0.01f;
                float minus = saved - 0.01f;
                w.setAtIndex(Memory.FLOAT, k, plus);
                double up = penalty.penalty(model);
                w.setAtIndex(Memory.FLOAT, k, minus);
                double down = penalty.penalty(model);
                w.setAtIndex(Memory.FLOAT, k, saved);
                double numeric = (up - down) / ((double) plus - minus);
                assertEquals(numeric, analytic[k], 1e-6 + 1e-5 * Math.abs(numeric), penalty + ", parameter " + k);
            }
        }
    }

    @Test
    void l1AddsNothingAtAWeightOfZero() {
        LayoutModel model = new LayoutModel().tensor("a.weight", 2, 2).build().set("a.weight", 0f, -0f, 2f, -3f);
        Memory.copy(new float[] {0.5f, 0.25f, 1f, 1f}, 0, model.gradients(), 0, 4);

        Regularizers.l1(0.5).addGradient(model);

        assertEquals(List.of(0.5f, 0.25f, 1.5f, 0.5f), boxed(TestArrays.floats(model.gradients())));
        assertEquals(2.5, Regularizers.l1(0.5).penalty(model));
    }

    @Test
    void biasesAreSparedUnlessIncluded() {
        Model model = model(5);
        float[] before = TestArrays.floats(model.gradients());
        WeightPenalty all = Regularizers.elasticNet(0.01, 0.02).includingBiases();

        assertEquals(referencePenalty(model, 0.01f, 0.02f, true), all.penalty(model), 1e-12);
        all.addGradient(model);

        assertGradientAdded(model, before, 0.01f, 0.02f, true);
    }

    @Test
    void onlyActsOnTheNamedLayers() {
        Model model = model(6);
        float[] before = TestArrays.floats(model.gradients());
        WeightPenalty out = Regularizers.l2(0.1).only("out");

        assertEquals(referencePenalty(model, 0, 0.1f, false, "out"), out.penalty(model), 1e-12);
        out.addGradient(model);

        assertGradientAdded(model, before, 0, 0.1f, false, "out");
        assertEquals(Regularizers.l2(0.1).penalty(model), Regularizers.l2(0.1).only("out", "hidden").penalty(model));
    }

    @Test
    void onlyWithBiasesTakesTheLayersBiasesToo() {
        Model model = model(7);
        float[] before = TestArrays.floats(model.gradients());
        WeightPenalty hidden = Regularizers.l1(0.1).only("hidden").includingBiases();

        assertEquals(referencePenalty(model, 0.1f, 0, true, "hidden"), hidden.penalty(model), 1e-12);
        hidden.addGradient(model);

        assertGradientAdded(model, before, 0.1f, 0, true, "hidden");
    }

    @Test
    void oneDimensionalWeightsAreNotWeightMatrices() {
        LayoutModel model = new LayoutModel().tensor("dense.weight", 1, 2).tensor("dense.bias", 1)
                .tensor("norm.weight", 2).tensor("norm.bias", 2).build()
                .set("dense.weight", 1f, 2f).set("dense.bias", 4f).set("norm.weight", 8f, 16f).set("norm.bias", 32f, 64f);

        assertEquals(0.5 * (1 + 4), Regularizers.l2(1).penalty(model));
        assertEquals(0.5 * (1 + 4 + 16 + 64 + 256 + 1024 + 4096),
                Regularizers.l2(1).only("norm", "dense").includingBiases().penalty(model));
        assertEquals(0.5 * (64 + 256 + 1024 + 4096), Regularizers.l2(1).only("norm").includingBiases().penalty(model));
    }

    @Test
    void aLayerWithoutWeightIsAnError() {
        LayoutModel model = new LayoutModel().tensor("dense.weight", 1, 2).tensor("norm.weight", 2).build();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Regularizers.l2(1).only("norm").penalty(model));

        assertEquals("l2(1.0).only(\"norm\"): layer \"norm\" of network Layout has no weight (a tensor of two or more"
                + " dimensions), only norm.weight [2]; to penalize those, call includingBiases()", e.getMessage());
    }

    @Test
    void anUnknownLayerIsAnErrorNamingTheModelsLayers() {
        Model model = model(8);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Regularizers.l2(1e-4).only("hiden").addGradient(model));

        assertEquals("l2(1.0E-4).only(\"hiden\"): network Mlp has no layer \"hiden\"; did you mean \"hidden\"? its"
                + " layers with parameters are \"hidden\", \"out\"", e.getMessage());
    }

    @Test
    void severalUnknownLayersAreListedTogether() {
        Model model = model(8);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Regularizers.l1(0.5).only("out", "first", "second").penalty(model));

        assertEquals("l1(0.5).only(\"out\", \"first\", \"second\"): network Mlp has no layers \"first\", \"second\"; its"
                + " layers with parameters are \"hidden\", \"out\"", e.getMessage());
    }

    @Test
    void onlyNeedsANameThatIsNotBlank() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> Regularizers.l2(0.1).only());
        IllegalArgumentException blank = assertThrows(IllegalArgumentException.class,
                () -> Regularizers.l2(0.1).only("out", " "));
        NullPointerException missing = assertThrows(NullPointerException.class,
                () -> Regularizers.l2(0.1).only("out", null));

        assertEquals("l2(0.1).only() needs at least one layer name, e.g. only(\"hidden\"); to act on every layer,"
                + " leave out only(...)", none.getMessage());
        assertEquals("l2(0.1).only: a layer name is blank; give layer names as declared, e.g. \"hidden\" for the"
                + " tensors hidden.weight and hidden.bias", blank.getMessage());
        assertEquals("l2(0.1).only: a layer name is null", missing.getMessage());
    }

    @Test
    void aNegativeCoefficientIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Regularizers.l1(-0.1));

        assertEquals("l1: lambda = -0.1 must be zero or positive, and finite", e.getMessage());
    }

    @Test
    void aNanCoefficientIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Regularizers.l2(Double.NaN));

        assertEquals("l2: lambda = NaN must be zero or positive, and finite", e.getMessage());
    }

    @Test
    void anInfiniteCoefficientIsRejectedNamingTheArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Regularizers.elasticNet(0.1, Double.POSITIVE_INFINITY));

        assertEquals("elasticNet: l2 = Infinity must be zero or positive, and finite", e.getMessage());
    }

    @Test
    void aCoefficientBeyondFloatsIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Regularizers.l2(1e39));

        assertEquals("l2: lambda = 1.0E39 is too large for a float (at most 3.4028235E38)", e.getMessage());
    }

    @Test
    void aSumAddsPenaltiesAndGradients() {
        Model model = model(9);
        float[] before = TestArrays.floats(model.gradients());
        Regularizer sum = Regularizers.sum(Regularizers.l2(0.05), Regularizers.l1(0.02).only("out"));

        assertEquals(referencePenalty(model, 0, 0.05f, false) + referencePenalty(model, 0.02f, 0, false, "out"),
                sum.penalty(model), 1e-12);
        sum.addGradient(model);

        float[] w = TestArrays.floats(model.parameters());
        float[] after = TestArrays.floats(model.gradients());
        for (int k = 0; k < w.length; k++) {
            double expected = before[k] + (selected(model, k, false) ? 0.05f * w[k] : 0)
                    + (selected(model, k, false, "out") ? 0.02f * Math.signum(w[k]) : 0);
            assertEquals(expected, after[k], 1e-6 * (1 + Math.abs(expected)), "gradient " + k);
        }
        assertEquals("sum(l2(0.05), l1(0.02).only(\"out\"))", sum.toString());
    }

    @Test
    void aSumNeedsTerms() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, Regularizers::sum);
        NullPointerException missing = assertThrows(NullPointerException.class,
                () -> Regularizers.sum(Regularizers.l2(1), null));

        assertEquals("sum() needs at least one regularizer, e.g. sum(Regularizers.l2(1e-4), Regularizers.l1(1e-5))",
                none.getMessage());
        assertEquals("term 1 of sum(...) is null", missing.getMessage());
    }

    @Test
    void describesItselfAsTheCallsThatMadeIt() {
        assertEquals("elasticNet(0.001, 0.01).only(\"a\", \"b\").includingBiases()",
                Regularizers.elasticNet(0.001, 0.01).only("a", "b", "a").includingBiases().toString());
        assertEquals(0.001f, Regularizers.elasticNet(0.001, 0.01).l1());
        assertEquals(0.01f, Regularizers.elasticNet(0.001, 0.01).l2());
    }

    @Test
    void aPenaltyFollowsTheModelItIsGiven() {
        Model small = model(10);
        Model larger = Mlps.of(6, 7, 2, 4, 10);
        WeightPenalty l2 = Regularizers.l2(0.5).only("hidden");

        assertEquals(referencePenalty(small, 0, 0.5f, false, "hidden"), l2.penalty(small), 1e-12);
        assertEquals(referencePenalty(larger, 0, 0.5f, false, "hidden"), l2.penalty(larger), 1e-12);
    }

    @Test
    void l2OnEveryParameterStepsExactlyAsSgdWeightDecay() {
        Model decayed = model(11);
        Model regularized = model(11);
        Sgd sgdDecay = new Sgd(0.1f, 0f, 0.01f);
        Sgd sgd = new Sgd(0.1f);
        Regularizer l2 = Regularizers.l2(0.01).includingBiases();
        float[] x = TestArrays.uniform(new Rng(11), 4 * 4, 1.0);
        float[] t = TestArrays.uniform(new Rng(12), 4 * 3, 1.0);

        for (int step = 0; step < 20; step++) {
            for (Model model : List.of(decayed, regularized)) {
                model.zeroGradients();
                model.forward(x, 0, 4);
                model.loss(t, 0);
                model.backward();
            }
            l2.addGradient(regularized);
            sgdDecay.step(decayed.parameters(), decayed.gradients());
            sgd.step(regularized.parameters(), regularized.gradients());
        }

        assertEquals(boxed(TestArrays.floats(decayed.parameters())), boxed(TestArrays.floats(regularized.parameters())));
    }

    @Test
    void penaltyAndGradientAllocateNothingOnceTheModelIsKnown() {
        Model model = model(12);
        Regularizer regularizer = Regularizers.sum(Regularizers.elasticNet(0.1, 0.2).only("hidden"),
                Regularizers.l2(0.3), Regularizers.l1(0.1).includingBiases());
        double[] sink = new double[1];

        long bytes = Allocations.steadyStateBytes(() -> {
            sink[0] += regularizer.penalty(model);
            regularizer.addGradient(model);
        }, 1000, 5);

        assertEquals(0, bytes);
    }

    private static List<Float> boxed(float[] values) {
        Float[] boxed = new Float[values.length];
        for (int k = 0; k < values.length; k++) {
            boxed[k] = values[k];
        }
        return List.of(boxed);
    }
}
