package dev.kiln.runtime.regularize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Allocations;
import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.Parameter;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.TestArrays;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Constraints}: max-norm's rows against a double-precision reference, its selection, sequences and errors. */
class ConstraintsTest {

    @Test
    void rowsAboveTheBoundAreScaledToItAndOthersAreLeftAlone() {
        LayoutModel model = new LayoutModel().tensor("a.weight", 4, 2).tensor("a.bias", 4).build()
                .set("a.weight", 3f, 4f, 1f, 0f, 0f, 0f, -6f, 8f)
                .set("a.bias", 10f, 10f, 10f, 10f);

        Constraints.maxNorm(2.5).apply(model);

        assertArrayEquals(new float[] {1.5f, 2f, 1f, 0f, 0f, 0f, -1.5f, 2f}, model.get("a.weight"));
        assertArrayEquals(new float[] {10f, 10f, 10f, 10f}, model.get("a.bias"));
    }

    @Test
    void aRowExactlyAtTheBoundIsUnchanged() {
        LayoutModel model = new LayoutModel().tensor("a.weight", 1, 2).build().set("a.weight", 3f, 4f);

        Constraints.maxNorm(5).apply(model);

        assertArrayEquals(new float[] {3f, 4f}, model.get("a.weight"));
    }

    @Test
    void eachUnitsIncomingWeightsEndWithNormAtMostTheBound() {
        Model model = Mlps.of(6, 8, 5, 4, 1);
        int n = (int) Memory.floats(model.parameters());
        Memory.copy(TestArrays.uniform(new Rng(1), n, 1.0), 0, model.parameters(), 0, n);
        float[] before = TestArrays.floats(model.parameters());
        double c = 1.2;

        Constraints.maxNorm(c).apply(model);

        float[] after = TestArrays.floats(model.parameters());
        int scaled = 0;
        int kept = 0;
        for (Parameter p : model.parameterLayout()) {
            if (p.shape().size() == 1) {
                for (int k = p.offset(); k < p.offset() + p.size(); k++) {
                    assertEquals(before[k], after[k], p.name() + " must be unchanged");
                }
                continue;
            }
            int width = p.shape().get(1);
            for (int r = 0; r < p.shape().getFirst(); r++) {
                int start = p.offset() + r * width;
                double norm = 0;
                double newNorm = 0;
                for (int k = start; k < start + width; k++) {
                    norm += (double) before[k] * before[k];
                    newNorm += (double) after[k] * after[k];
                }
                norm = Math.sqrt(norm);
                newNorm = Math.sqrt(newNorm);
                for (int k = start; k < start + width; k++) {
                    double expected = norm > c ? before[k] * c / norm : before[k];
                    assertEquals(expected, after[k], 1e-7 * Math.abs(expected), p.name() + " row " + r);
                }
                assertEquals(Math.min(norm, c), newNorm, 1e-6 * c, p.name() + " row " + r + " norm");
                if (norm > c) {
                    scaled++;
                } else {
                    kept++;
                }
            }
        }
        assertTrue(scaled > 0 && kept > 0, "the data must have rows on both sides: " + scaled + " above, " + kept
                + " within");
    }

    @Test
    void onlyConstrainsTheNamedLayers() {
        LayoutModel model = new LayoutModel().tensor("a.weight", 1, 2).tensor("b.weight", 1, 2).build()
                .set("a.weight", 3f, 4f).set("b.weight", 3f, 4f);

        Constraints.maxNorm(1).only("b").apply(model);

        assertArrayEquals(new float[] {3f, 4f}, model.get("a.weight"));
        assertArrayEquals(new float[] {0.6f, 0.8f}, model.get("b.weight"));
    }

    @Test
    void aWeightOfMoreDimensionsIsConstrainedPerFirstIndex() {
        LayoutModel model = new LayoutModel().tensor("conv.weight", 2, 1, 2, 2).build()
                .set("conv.weight", 2f, 2f, 2f, 2f, 0.5f, 0.5f, 0.5f, 0.5f);

        Constraints.maxNorm(2).apply(model);

        assertArrayEquals(new float[] {1f, 1f, 1f, 1f, 0.5f, 0.5f, 0.5f, 0.5f}, model.get("conv.weight"));
    }

    @Test
    void aSequenceAppliesItsConstraintsInOrder() {
        List<String> calls = new ArrayList<>();
        LayoutModel model = new LayoutModel().tensor("a.weight", 1, 2).build().set("a.weight", 3f, 4f);

        Constraint sequence = Constraints.sequence(m -> calls.add("first"), Constraints.maxNorm(2),
                m -> calls.add("third " + model.get("a.weight")[1]));
        sequence.apply(model);

        assertEquals(List.of("first", "third 1.6"), calls);
    }

    @Test
    void aSequenceNeedsConstraints() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, Constraints::sequence);
        NullPointerException missing = assertThrows(NullPointerException.class,
                () -> Constraints.sequence(Constraints.maxNorm(1), null));

        assertEquals("sequence() needs at least one constraint, e.g. sequence(Constraints.maxNorm(3).only(\"hidden\"),"
                + " Constraints.maxNorm(1).only(\"out\"))", none.getMessage());
        assertEquals("constraint 1 of sequence(...) is null", missing.getMessage());
    }

    @Test
    void theBoundMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Constraints.maxNorm(0));

        assertEquals("maxNorm: c = 0.0 must be positive and finite; it is the largest L2 norm a unit's incoming"
                + " weights may have, e.g. maxNorm(3)", e.getMessage());
    }

    @Test
    void theBoundMustBeANumber() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Constraints.maxNorm(Double.NaN));

        assertEquals("maxNorm: c = NaN must be positive and finite; it is the largest L2 norm a unit's incoming"
                + " weights may have, e.g. maxNorm(3)", e.getMessage());
    }

    @Test
    void theBoundMustBeFinite() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Constraints.maxNorm(Double.POSITIVE_INFINITY));

        assertEquals("maxNorm: c = Infinity must be positive and finite; it is the largest L2 norm a unit's incoming"
                + " weights may have, e.g. maxNorm(3)", e.getMessage());
    }

    @Test
    void anUnknownLayerIsAnErrorNamingTheModelsLayers() {
        Model model = Mlps.small(2);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Constraints.maxNorm(3).only("output").apply(model));

        assertEquals("maxNorm(3.0).only(\"output\"): network Mlp has no layer \"output\"; its layers with parameters are"
                + " \"hidden\", \"out\"", e.getMessage());
    }

    @Test
    void aLayerWithoutWeightIsAnError() {
        LayoutModel model = new LayoutModel().tensor("norm.weight", 2).tensor("norm.bias", 2).build();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Constraints.maxNorm(3).only("norm").apply(model));

        assertEquals("maxNorm(3.0).only(\"norm\"): layer \"norm\" of network Layout has no weight (a tensor of two or"
                + " more dimensions), only norm.weight [2], norm.bias [2]; max-norm constrains weight rows, not biases",
                e.getMessage());
    }

    @Test
    void describesItself() {
        assertEquals("maxNorm(2.0).only(\"hidden\")", Constraints.maxNorm(2).only("hidden").toString());
        assertEquals(2.0, Constraints.maxNorm(2).maxNorm());
    }

    @Test
    void applyingAllocatesNothingOnceTheModelIsKnown() {
        Model model = Mlps.of(6, 8, 5, 4, 3);
        int n = (int) Memory.floats(model.parameters());
        float[] large = TestArrays.uniform(new Rng(3), n, 2.0);
        Constraint constraint = Constraints.sequence(Constraints.maxNorm(1).only("hidden"), Constraints.maxNorm(0.5));

        long bytes = Allocations.steadyStateBytes(() -> {
            Memory.copy(large, 0, model.parameters(), 0, n);
            constraint.apply(model);
        }, 1000, 5);

        assertEquals(0, bytes);
    }
}
