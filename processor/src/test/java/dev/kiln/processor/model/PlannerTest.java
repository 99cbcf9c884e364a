package dev.kiln.processor.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.spec.Activation;
import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.DropoutSpec;
import dev.kiln.spec.Init;
import dev.kiln.spec.HeadSpec;
import dev.kiln.spec.Loss;
import dev.kiln.spec.MaxoutSpec;
import dev.kiln.spec.NetworkSpec;
import dev.kiln.spec.PReluSpec;
import dev.kiln.spec.Tier;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The model stage on plain specs, without javac. */
class PlannerTest {

    private static NetworkSpec iris(boolean softmax) {
        var layers = new java.util.ArrayList<dev.kiln.spec.LayerSpec>(List.of(
                new DenseSpec(16, true, Init.AUTO, 0.01, "Iris.hidden"),
                ActivationSpec.of(Activation.RELU, "Iris.hidden"),
                new DenseSpec(3, false, Init.AUTO, 0.01, "Iris.out")));
        if (softmax) {
            layers.add(ActivationSpec.of(Activation.SOFTMAX, "Iris.out"));
        }
        return new NetworkSpec("Iris", List.of(4), layers, Loss.SOFTMAX_CROSS_ENTROPY, 32);
    }

    private static NetworkPlan plan(NetworkSpec spec, String... fields) {
        return Planner.plan(spec, List.of(fields), "p", "KilnIris", "Iris");
    }

    /** A network of one Dense layer {@code in -> out} with ReLU, of the given tier, for batches up to {@code maxBatch}. */
    private static NetworkPlan single(int in, int out, Tier tier, int maxBatch) {
        NetworkSpec spec = new NetworkSpec("Net", List.of(in), List.of(
                new DenseSpec(out, true, Init.AUTO, 0.01, "Net.a", tier),
                ActivationSpec.of(Activation.RELU, "Net.a")), Loss.MSE, maxBatch);
        return Planner.plan(spec, List.of("a", "a"), "p", "KilnNet", "Net");
    }

    private static NetworkPlan single(int in, int out, Tier tier) {
        return single(in, out, tier, 8);
    }

    @Test
    void thePlannerUnrollsTinyLayersWhileBatchTimesWeightsIsSmall() {
        LayerPlan tiny = single(8, 8, Tier.AUTO, 128).layers().get(0);
        assertEquals(Tier.UNROLLED, tiny.tier());
        assertTrue(single(8, 8, Tier.AUTO, 128).layers().get(1).fused(), "its activation is fused");
        assertTrue(tiny.batchSwitch(), "it also has the Blas path, for batches beyond the threshold");
        assertEquals(Planner.UNROLLED_MAX_MULTIPLY_ADDS / 64, tiny.unrolledMaxBatch());
        assertFalse(single(8, 8, Tier.AUTO, tiny.unrolledMaxBatch()).layers().get(0).batchSwitch(),
                "no Blas path when maxBatch never goes beyond the threshold");
        assertEquals(1, Planner.unrolledMaxBatch(Tier.UNROLLED_MAX_WEIGHTS * 100L), "at least one");
    }

    @Test
    void layersBeyondTheUnrolledLimitsGoThroughBlas() {
        for (int[] shape : new int[][] {{Tier.UNROLLED_MAX_WEIGHTS + 1, 1}, {1, Tier.UNROLLED_MAX_OUTPUTS + 1}}) {
            NetworkPlan plan = single(shape[0], shape[1], Tier.AUTO);
            assertEquals(Tier.BLAS, plan.layers().get(0).tier(), shape[0] + " x " + shape[1]);
            assertFalse(plan.layers().get(0).batchSwitch());
            assertFalse(plan.layers().get(1).fused());
        }
        assertEquals(Tier.UNROLLED, single(Tier.UNROLLED_MAX_WEIGHTS, 1, Tier.AUTO).layers().get(0).tier());
    }

    @Test
    void aLayerThatAsksForATierGetsItOnEveryBatch() {
        for (Tier tier : List.of(Tier.UNROLLED, Tier.LOOPS, Tier.BLAS)) {
            NetworkPlan plan = single(4, 4, tier);
            assertEquals(tier, plan.layers().get(0).tier());
            assertFalse(plan.layers().get(0).batchSwitch(), tier + " has no second path");
            assertEquals(tier != Tier.BLAS, plan.layers().get(1).fused(), tier + " fuses its activation");
        }
    }

    @Test
    void parametersArePackedWeightThenBiasInDeclarationOrder() {
        NetworkPlan plan = plan(iris(false), "hidden", "hidden", "out");
        assertEquals(List.of("hidden.weight", "hidden.bias", "out.weight"),
                plan.parameters().stream().map(ParameterPlan::name).toList());
        assertEquals(List.of(0, 64, 80), plan.parameters().stream().map(ParameterPlan::offset).toList());
        assertEquals(List.of(3, 16), plan.parameters().get(2).shape());
        assertEquals(4 * 16 + 16 + 16 * 3, plan.parameterCount());
        assertEquals("HIDDEN_WEIGHT", plan.parameters().get(0).constant());
        assertNull(plan.layers().get(2).bias());
    }

    @Test
    void layersChainTheirBuffers() {
        NetworkPlan plan = plan(iris(false), "hidden", "hidden", "out");
        LayerPlan first = plan.layers().get(0);
        LayerPlan relu = plan.layers().get(1);
        assertEquals("x", first.input().name(), "the first layer reads the copy of the network's input");
        assertEquals("dx", first.inputGradient().name(), "and writes the network's input gradient");
        assertTrue(first.first());
        assertEquals(first.output(), relu.input());
        assertEquals(first.outputGradient(), relu.inputGradient());
        assertEquals("layer 2: ReLU(16), from Iris.hidden", relu.title());
        assertEquals(3, plan.backwardLayers().size());
        assertEquals(3, plan.backwardLayers().getFirst().number());
    }

    @Test
    void aFusedSoftmaxIsSkippedByTheBackwardPassAndHasNoGradientBuffer() {
        NetworkPlan plan = plan(iris(true), "hidden", "hidden", "out", "out");
        LossPlan loss = plan.loss();
        assertTrue(loss.fused());
        assertEquals("out3", loss.on().name(), "the loss reads the logits");
        assertEquals("dOut3", loss.gradient().name());
        assertNull(plan.layers().get(3).outputGradient());
        assertEquals(List.of(3, 2, 1), plan.backwardLayers().stream().map(LayerPlan::number).toList());
        assertTrue(plan.buffers().stream().noneMatch(b -> b.name().equals("dOut4")));
    }

    @Test
    void everythingLivesInOneAllocationInAFixedOrder() {
        NetworkPlan plan = plan(iris(false), "hidden", "hidden", "out");
        // 128 parameters; maxBatch 32: input 4, targets 3, layers 16, 16, 3
        assertEquals(List.of("params", "grads", "x", "t", "out1", "dOut1", "out2", "dOut2", "out3", "dOut3", "dx"),
                plan.buffers().stream().map(Buffer::name).toList());
        assertEquals(List.of(0L, 128L, 256L, 384L, 480L, 992L, 1504L, 2016L, 2528L, 2624L, 2720L),
                plan.buffers().stream().map(Buffer::offset).toList());
        assertEquals(2720 + 32 * 4, plan.memorySize());
        assertEquals("MAX_BATCH * 16", plan.buffer("out1").size());
    }

    @Test
    void aNetworkWithoutLossHasNoGradientBuffers() {
        NetworkSpec spec = new NetworkSpec("N", List.of(2), List.of(
                new DenseSpec(3, true, Init.AUTO, 0.01, "N.a")), Loss.NONE, 4);
        NetworkPlan plan = plan(spec, "a");
        assertEquals(List.of("params", "grads", "x", "out1"), plan.buffers().stream().map(Buffer::name).toList());
        assertNull(plan.layers().getFirst().inputGradient());
    }

    @Test
    void collidingConstantNamesGetTheLayerNumber() {
        NetworkSpec spec = new NetworkSpec("N", List.of(2), List.of(
                new DenseSpec(2, true, Init.AUTO, 0.01, "N.aB"),
                new DenseSpec(2, true, Init.AUTO, 0.01, "N.a_b")), Loss.NONE, 4);
        NetworkPlan plan = plan(spec, "aB", "a_b");
        assertEquals(List.of("A_B_WEIGHT", "A_B_BIAS", "A_B_WEIGHT_2", "A_B_BIAS_2"),
                plan.parameters().stream().map(ParameterPlan::constant).toList());
        assertNull(plan.loss());
    }

    @Test
    void oneFieldNamePerLayer() {
        assertThrows(IllegalArgumentException.class, () -> plan(iris(false), "hidden"));
    }

    @Test
    void eachDenseLayerGetsSlicesOfItsOwn() {
        NetworkPlan plan = plan(iris(false), "hidden", "hidden", "out");
        assertEquals("hidden", plan.layers().get(0).tensors());
        assertNull(plan.layers().get(1).tensors());
        assertEquals("out", plan.layers().get(2).tensors());
        assertEquals(80, plan.layers().get(0).parameterCount());
        assertEquals(64, plan.layers().get(0).biasWithinLayer());
        assertEquals(48, plan.layers().get(2).parameterCount());
        assertEquals("hiddenLayer", Planner.lowerCamel("hidden_layer"));
        assertEquals("out", Planner.lowerCamel("Out"));
    }

    @Test
    void aSliceNameTakenByABufferGetsTheLayerNumber() {
        NetworkSpec spec = new NetworkSpec("N", List.of(2), List.of(
                new DenseSpec(2, true, Init.AUTO, 0.01, "N.x"),
                new DenseSpec(2, true, Init.AUTO, 0.01, "N.X")), Loss.NONE, 4);
        NetworkPlan plan = plan(spec, "x", "X");
        assertEquals("x", plan.layers().get(0).tensors());
        assertEquals("x2", plan.layers().get(1).tensors());
    }

    @Test
    void preluSlopesAreAWeightOfTheirOwnAndMaxoutNarrowsItsBuffer() {
        NetworkSpec spec = new NetworkSpec("N", List.of(4), List.of(
                new DenseSpec(8, true, Init.AUTO, 0.01, "N.hidden", Tier.LOOPS),
                new MaxoutSpec(2, "N.hidden"),
                new PReluSpec("N.slopes"),
                new DenseSpec(1, false, Init.AUTO, 0.01, "N.out")), Loss.MSE, 8);
        NetworkPlan plan = plan(spec, "hidden", "hidden", "slopes", "out");
        assertEquals(List.of("hidden.weight", "hidden.bias", "slopes.weight", "out.weight"),
                plan.parameters().stream().map(ParameterPlan::name).toList());
        assertEquals(List.of(0, 32, 40, 44), plan.parameters().stream().map(ParameterPlan::offset).toList());
        assertEquals(List.of(4), plan.parameters().get(2).shape());
        LayerPlan slopes = plan.layers().get(2);
        assertEquals("slopes", slopes.tensors());
        assertEquals(4, slopes.parameterCount());
        assertNull(slopes.bias());
        assertFalse(plan.layers().get(1).fused(), "a maxout is never fused into its Dense layer's loops");
        assertEquals("MAX_BATCH * 4", plan.buffer("out2").size(), "the maxout's output is k times narrower");
        assertEquals(4 * 8 + 8 + 4 + 4, plan.parameterCount());
    }

    @Test
    void aDropoutLayerKeepsItsMaskAfterItsOutputAndGradient() {
        NetworkSpec spec = new NetworkSpec("N", List.of(4), List.of(
                new DenseSpec(6, true, Init.AUTO, 0.01, "N.hidden", Tier.LOOPS),
                ActivationSpec.of(Activation.RELU, "N.hidden"),
                new DropoutSpec(0.5, "N.hidden"),
                new DenseSpec(2, true, Init.AUTO, 0.01, "N.out")), Loss.MSE, 8);
        NetworkPlan plan = plan(spec, "hidden", "hidden", "hidden", "out");
        LayerPlan dropout = plan.layers().get(2);
        assertEquals("mask3", dropout.mask().name());
        assertEquals("MAX_BATCH * 6", dropout.mask().size());
        assertEquals(plan.buffer("dOut3").offset() + 8 * 6, dropout.mask().offset());
        assertEquals(dropout.mask().offset() + 8 * 6, plan.buffer("out4").offset());
        assertEquals("out2", dropout.input().name(), "it reads the activation's output");
        assertTrue(plan.layers().get(1).fused(), "the ReLU is still fused into its Dense layer");
        assertNull(plan.layers().get(1).mask());
        assertEquals(plan.buffer("dx").offset() + 8 * 4, plan.memorySize());
        assertEquals(4 * 6 + 6 + 6 * 2 + 2, plan.parameterCount(), "dropout has no parameters");
    }

    @Test
    void headsShareTheLastLayersGradient() {
        NetworkSpec spec = new NetworkSpec("N", List.of(4), List.of(
                new DenseSpec(4, true, Init.AUTO, 0.01, "N.out")), Loss.MULTI_TASK, 8, 1.0,
                List.of(new HeadSpec(3, Loss.SOFTMAX_CROSS_ENTROPY), new HeadSpec(1, Loss.MSE)));
        LossPlan loss = plan(spec, "out").loss();
        assertFalse(loss.fused());
        assertEquals("out1", loss.on().name());
        assertEquals("dOut1", loss.gradient().name());
        assertEquals(4, loss.width());
    }

    @Test
    void upperSnakeCase() {
        assertEquals("HIDDEN_LAYER", Planner.upperSnake("hiddenLayer"));
        assertEquals("OUT", Planner.upperSnake("out"));
        assertEquals("FC2", Planner.upperSnake("fc2"));
    }
}
