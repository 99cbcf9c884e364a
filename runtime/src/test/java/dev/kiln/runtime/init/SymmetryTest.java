package dev.kiln.runtime.init;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.Parameter;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.TestArrays;
import dev.kiln.runtime.interpret.Interpreter;
import dev.kiln.runtime.optim.Sgd;
import dev.kiln.spec.Activation;
import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.Init;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Why weights start random: a hidden layer whose units start identical, read by a next layer whose
 * weights are identical too, keeps its units identical however long it trains, because identical units
 * compute identical outputs and receive identical gradients; it is one unit repeated. A random start (of
 * the hidden layer, or of the layer that reads it) breaks that symmetry. Each network below is 3 inputs,
 * 4 sigmoid units, 2 outputs under squared error, trained by 200 steps of plain gradient descent on the
 * same 16 samples, whose targets no single hidden unit can fit.
 */
class SymmetryTest {

    private static final int HIDDEN = 4;
    private static final int INPUTS = 3;

    private static Model trained(Init hidden, Init out) {
        NetworkSpec spec = new NetworkSpec("Sym", List.of(INPUTS), List.of(
                new DenseSpec(HIDDEN, true, hidden, DenseSpec.DEFAULT_SCALE, "Sym.hidden"),
                ActivationSpec.of(Activation.SIGMOID, "Sym.hidden"),
                new DenseSpec(2, true, out, DenseSpec.DEFAULT_SCALE, "Sym.out")), Loss.MSE, 16);
        Model model = Interpreter.of(spec, 5);
        Rng rng = new Rng(6);
        float[] x = TestArrays.uniform(rng, 16 * INPUTS, 2);
        float[] t = new float[16 * 2];
        for (int s = 0; s < 16; s++) {
            t[2 * s] = (float) Math.sin(3 * x[INPUTS * s]) * x[INPUTS * s + 1];
            t[2 * s + 1] = x[INPUTS * s + 2] * x[INPUTS * s + 2] - x[INPUTS * s];
        }
        Sgd sgd = new Sgd(0.5f);
        for (int step = 0; step < 200; step++) {
            model.zeroGradients();
            model.forward(x, 0, 16);
            model.loss(t, 0);
            model.backward();
            sgd.step(model.parameters(), model.gradients());
        }
        return model;
    }

    /** Row {@code unit} of the hidden layer: that unit's input weights, then its bias. */
    private static float[] unit(Model model, int unit) {
        Parameter weight = model.parameterLayout().get(0);
        Parameter bias = model.parameterLayout().get(1);
        float[] row = new float[INPUTS + 1];
        for (int i = 0; i < INPUTS; i++) {
            row[i] = model.parameters().getAtIndex(Memory.FLOAT, weight.offset() + unit * INPUTS + i);
        }
        row[INPUTS] = model.parameters().getAtIndex(Memory.FLOAT, bias.offset() + unit);
        return row;
    }

    /** The largest difference between a value of unit 0 and the same value of any other unit. */
    private static double spread(Model model) {
        float[] first = unit(model, 0);
        double spread = 0;
        for (int u = 1; u < HIDDEN; u++) {
            float[] other = unit(model, u);
            for (int i = 0; i < first.length; i++) {
                spread = Math.max(spread, Math.abs(other[i] - first[i]));
            }
        }
        return spread;
    }

    private static double largest(float[] values) {
        double largest = 0;
        for (float v : values) {
            largest = Math.max(largest, Math.abs(v));
        }
        return largest;
    }

    @Test
    void zerosEverywhereKeepTheHiddenUnitsIdentical() {
        Model model = trained(Init.ZEROS, Init.ZEROS);
        double moved = largest(unit(model, 0));
        assertTrue(moved > 0.01, "the hidden units did learn something, all the same thing: " + moved);
        assertTrue(spread(model) <= 1e-6 * moved, "the hidden units must stay identical, but differ by " + spread(model));
    }

    @Test
    void aRandomHiddenLayerBreaksTheSymmetry() {
        Model model = trained(Init.XAVIER_UNIFORM, Init.ZEROS);
        assertTrue(spread(model) > 0.1, "random units stay different, differing by " + spread(model));
    }

    @Test
    void aRandomNextLayerBreaksItToo() {
        // the units start equal, but the outputs read them with different weights, so their gradients differ
        Model model = trained(Init.ZEROS, Init.XAVIER_UNIFORM);
        assertTrue(spread(model) > 0.01, "the units drift apart, differing by " + spread(model));
    }
}
