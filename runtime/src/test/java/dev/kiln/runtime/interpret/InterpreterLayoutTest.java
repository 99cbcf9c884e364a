package dev.kiln.runtime.interpret;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Parameter;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.TestArrays;
import dev.kiln.runtime.init.Initializers;
import dev.kiln.spec.Activation;
import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.Init;
import dev.kiln.spec.Loss;
import dev.kiln.spec.MaxoutSpec;
import dev.kiln.spec.NetworkSpec;
import dev.kiln.spec.PReluSpec;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The interpreter lays out and initializes parameters as the generated class does: the same names,
 * offsets and shapes (those of the generated {@code KilnIris} are written out below), and the same draws
 * from the same seed, made by the same {@link Initializers} calls in the same order.
 */
class InterpreterLayoutTest {

    @Test
    void irisHasTheLayoutOfTheGeneratedClass() {
        InterpretedModel model = Interpreter.of(Networks.IRIS);
        assertEquals(List.of(
                        new Parameter("hidden.weight", 0, List.of(16, 4)),
                        new Parameter("hidden.bias", 64, List.of(16)),
                        new Parameter("out.weight", 80, List.of(3, 16)),
                        new Parameter("out.bias", 128, List.of(3))),
                model.parameterLayout());
        assertEquals(131, (int) Memory.floats(model.parameters()));
        assertEquals(131, (int) Memory.floats(model.gradients()));
        assertEquals(4, model.inputSize());
        assertEquals(3, model.outputSize());
        assertEquals(128, model.maxBatch());
        assertEquals(128 * 4, model.inputGradient().length);
        assertSame(Networks.IRIS, model.spec());
    }

    @Test
    void layersWithoutBiasHaveNoBiasTensor() {
        InterpretedModel model = Interpreter.of(Networks.LOGITS);
        List<Parameter> layout = model.parameterLayout();
        assertEquals(List.of("a.weight", "a.bias", "b.weight", "b.bias", "c.weight", "out.weight", "out.bias"),
                layout.stream().map(Parameter::name).toList());
        assertEquals(List.of(0, 20, 24, 36, 39, 51, 63), layout.stream().map(Parameter::offset).toList());
        assertEquals(List.of(3, 4), layout.get(5).shape());
        assertEquals((int) Memory.floats(model.parameters()), layout.getLast().offset() + layout.getLast().size());
    }

    @Test
    void tensorsAreNamedAfterTheFieldAtTheEndOfTheSource() {
        NetworkSpec spec = Networks.spec("Outer.Regressor", 3, Loss.MSE, 8,
                Networks.dense(5, Init.AUTO, "Outer.Regressor.first"),
                Networks.dense(1, Init.AUTO, "value"));
        assertEquals(List.of("first.weight", "first.bias", "value.weight", "value.bias"),
                Interpreter.of(spec).parameterLayout().stream().map(Parameter::name).toList());
        assertEquals(List.of(), Interpreter.of(Networks.SOFTMAX_ONLY).parameterLayout());
    }

    @Test
    void aNewModelIsZeroAndASeededOneIsInitialized() {
        InterpretedModel zero = Interpreter.of(Networks.FUSED_SOFTMAX);
        for (float p : TestArrays.floats(zero.parameters())) {
            assertEquals(0f, p);
        }
        InterpretedModel seeded = Interpreter.of(Networks.FUSED_SOFTMAX, 42);
        zero.initialize(42);
        assertArrayEquals(TestArrays.floats(seeded.parameters()), TestArrays.floats(zero.parameters()));
        zero.initialize(43);
        assertFalse(Arrays.equals(TestArrays.floats(seeded.parameters()), TestArrays.floats(zero.parameters())), "another seed, other weights");
        assertNotEquals(0f, seeded.parameters().getAtIndex(Memory.FLOAT, 0));
    }

    @Test
    void initializationResetsBiasesToZero() {
        InterpretedModel model = Interpreter.of(Networks.IRIS);
        Memory.copy(filled(Memory.floats(model.parameters()), 1f), 0, model.parameters(), 0, (int) Memory.floats(model.parameters()));
        model.initialize(7);
        for (Parameter p : model.parameterLayout()) {
            if (p.name().endsWith(".bias")) {
                for (int k = 0; k < p.size(); k++) {
                    assertEquals(0f, model.parameters().getAtIndex(Memory.FLOAT, p.offset() + k), p.name());
                }
            }
        }
    }

    /**
     * One Dense layer per initialization; what the generated class's {@code initialize} would do is
     * written out, call by call, as the processor emits it (AUTO resolved by the next activation).
     */
    @Test
    void everyInitializationDrawsWhatTheGeneratedClassDraws() {
        NetworkSpec spec = Networks.spec("Inits", 3, Loss.MSE, 2,
                Networks.dense(4, Init.ZEROS, "Inits.zeros"),
                new DenseSpec(5, true, Init.UNIFORM, 0.3, "Inits.uniform"),
                new DenseSpec(2, false, Init.NORMAL, 0.2, "Inits.normal"),
                Networks.dense(6, Init.XAVIER_UNIFORM, "Inits.xavierUniform"),
                Networks.dense(3, Init.XAVIER_NORMAL, "Inits.xavierNormal"),
                Networks.dense(4, Init.HE_UNIFORM, "Inits.heUniform"),
                Networks.dense(5, Init.HE_NORMAL, "Inits.heNormal"),
                Networks.dense(4, Init.AUTO, "Inits.beforeElu"),
                new ActivationSpec(Activation.ELU, 0.5, "Inits.beforeElu"),
                Networks.dense(3, Init.AUTO, "Inits.beforeTanh"),
                Networks.activation(Activation.TANH, "Inits.beforeTanh"),
                Networks.dense(2, Init.AUTO, "Inits.last"));
        long seed = 2024;
        float[] expected = new float[(int) Memory.floats(Interpreter.of(spec).parameters())];
        Rng rng = new Rng(seed);
        Initializers.fill(MemorySegment.ofArray(expected), 0, 12, Init.ZEROS, 0.01, 3, 4, rng);
        Initializers.zeros(MemorySegment.ofArray(expected), 12, 4);
        Initializers.fill(MemorySegment.ofArray(expected), 16, 20, Init.UNIFORM, 0.3, 4, 5, rng);
        Initializers.zeros(MemorySegment.ofArray(expected), 36, 5);
        Initializers.fill(MemorySegment.ofArray(expected), 41, 10, Init.NORMAL, 0.2, 5, 2, rng);
        Initializers.fill(MemorySegment.ofArray(expected), 51, 12, Init.XAVIER_UNIFORM, 0.01, 2, 6, rng);
        Initializers.zeros(MemorySegment.ofArray(expected), 63, 6);
        Initializers.fill(MemorySegment.ofArray(expected), 69, 18, Init.XAVIER_NORMAL, 0.01, 6, 3, rng);
        Initializers.zeros(MemorySegment.ofArray(expected), 87, 3);
        Initializers.fill(MemorySegment.ofArray(expected), 90, 12, Init.HE_UNIFORM, 0.01, 3, 4, rng);
        Initializers.zeros(MemorySegment.ofArray(expected), 102, 4);
        Initializers.fill(MemorySegment.ofArray(expected), 106, 20, Init.HE_NORMAL, 0.01, 4, 5, rng);
        Initializers.zeros(MemorySegment.ofArray(expected), 126, 5);
        Initializers.fill(MemorySegment.ofArray(expected), 131, 20, Init.HE_NORMAL, 0.01, 5, 4, rng);      // AUTO before ELU
        Initializers.zeros(MemorySegment.ofArray(expected), 151, 4);
        Initializers.fill(MemorySegment.ofArray(expected), 155, 12, Init.XAVIER_UNIFORM, 0.01, 4, 3, rng); // AUTO before tanh
        Initializers.zeros(MemorySegment.ofArray(expected), 167, 3);
        Initializers.fill(MemorySegment.ofArray(expected), 170, 6, Init.XAVIER_UNIFORM, 0.01, 3, 2, rng);  // AUTO, last
        Initializers.zeros(MemorySegment.ofArray(expected), 176, 2);
        assertEquals(178, expected.length);

        assertArrayEquals(expected, TestArrays.floats(Interpreter.of(spec, seed).parameters()));
    }

    /**
     * A PReLU's slopes are one tensor {@code <field>.weight} of shape (features), as torch.nn.PReLU names
     * it, between the tensors of the layers around it; they start at 0.25 and draw nothing from the
     * generator; a maxout has no parameters.
     */
    @Test
    void preluSlopesAreAWeightOfOneValuePerFeature() {
        NetworkSpec spec = Networks.spec("Net", 3, Loss.MSE, 2,
                Networks.dense(8, Init.HE_NORMAL, "Net.hidden"),
                new PReluSpec("Net.slopes"),
                new MaxoutSpec(2, "Net.pool"),
                Networks.dense(1, Init.XAVIER_UNIFORM, "Net.out"));
        InterpretedModel model = Interpreter.of(spec, 99);
        assertEquals(List.of(
                        new Parameter("hidden.weight", 0, List.of(8, 3)),
                        new Parameter("hidden.bias", 24, List.of(8)),
                        new Parameter("slopes.weight", 32, List.of(8)),
                        new Parameter("out.weight", 40, List.of(1, 4)),
                        new Parameter("out.bias", 44, List.of(1))),
                model.parameterLayout());
        float[] expected = new float[45];
        Rng rng = new Rng(99);
        Initializers.fill(MemorySegment.ofArray(expected), 0, 24, Init.HE_NORMAL, 0.01, 3, 8, rng);
        Initializers.constant(MemorySegment.ofArray(expected), 32, 8, 0.25f);
        Initializers.fill(MemorySegment.ofArray(expected), 40, 4, Init.XAVIER_UNIFORM, 0.01, 4, 1, rng);
        assertArrayEquals(expected, TestArrays.floats(model.parameters()));
        assertEquals("""
                Net (interpreted): 3 -> 1, 45 parameters, at most 2 samples per batch
                  layer 1: Dense(3 -> 8), from Net.hidden; hidden.weight [8, 3] at 0, hidden.bias [8] at 24
                  layer 2: PReLU(8), from Net.slopes; slopes.weight [8] at 32
                  layer 3: Maxout(8 -> 4, k=2), from Net.pool
                  layer 4: Dense(4 -> 1), from Net.out; out.weight [1, 4] at 40, out.bias [1] at 44
                  loss: MSE""", model.toString());
    }

    @Test
    void toStringDescribesHeadsAndTheMargin() {
        assertEquals("  loss: MULTI_TASK: 1.0 x SOFTMAX_CROSS_ENTROPY on outputs 0 to 2 + 0.5 x MSE on output 3 + "
                + "0.25 x HINGE on outputs 4 to 5", Interpreter.of(Networks.MULTI_TASK).toString().lines().toList().getLast());
        assertEquals("  loss: CONTRASTIVE (margin 1.5)",
                Interpreter.of(Networks.CONTRASTIVE).toString().lines().toList().getLast());
    }

    @Test
    void toStringDescribesLayersShapesAndTheLoss() {
        assertEquals("""
                Iris (interpreted): 4 -> 3, 131 parameters, at most 128 samples per batch
                  layer 1: Dense(4 -> 16), from Iris.hidden; hidden.weight [16, 4] at 0, hidden.bias [16] at 64
                  layer 2: ReLU(16), from Iris.hidden
                  layer 3: Dense(16 -> 3), from Iris.out; out.weight [3, 16] at 80, out.bias [3] at 128
                  loss: SOFTMAX_CROSS_ENTROPY""", Interpreter.of(Networks.IRIS).toString());
        String fused = Interpreter.of(Networks.FUSED_SOFTMAX).toString();
        assertEquals("  loss: SOFTMAX_CROSS_ENTROPY absorbs layer 6 (softmax): it reads the logits and its gradient"
                + " skips that layer", fused.lines().toList().getLast());
        assertEquals("  loss: NONE (forward only)",
                Interpreter.of(Networks.INFERENCE).toString().lines().toList().getLast());
    }

    private static float[] filled(long length, float value) {
        float[] values = new float[(int) length];
        Arrays.fill(values, value);
        return values;
    }
}
