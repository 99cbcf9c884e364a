package dev.kiln.runtime.interpret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.spec.Activation;
import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.DropoutSpec;
import dev.kiln.spec.HeadSpec;
import dev.kiln.spec.Init;
import dev.kiln.spec.InvalidNetworkException;
import dev.kiln.spec.Loss;
import dev.kiln.spec.MaxoutSpec;
import dev.kiln.spec.NetworkSpec;
import dev.kiln.spec.PReluSpec;
import dev.kiln.spec.Problem;
import dev.kiln.spec.Rule;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Wrong specs and wrong calls fail at once, with the messages of the annotation processor and of
 * generated classes: an invalid spec lists its rules, bad arguments name the network, the argument and
 * the fix, and passes out of order say which pass is missing.
 */
class InterpreterErrorsTest {

    @Test
    void anInvalidSpecIsRejectedWithEveryRuleItBreaks() {
        NetworkSpec spec = Networks.spec("Bad", 4, Loss.SOFTMAX_CROSS_ENTROPY, 8,
                Networks.dense(0, Init.AUTO, "Bad.hidden"),
                new ActivationSpec(Activation.ELU, -1, "Bad.hidden"),
                Networks.dense(3, Init.AUTO, "Bad.out"),
                Networks.activation(Activation.TANH, "Bad.out"));
        var e = assertThrows(InvalidNetworkException.class, () -> Interpreter.of(spec));
        assertEquals(List.of(Rule.UNITS, Rule.ACTIVATION_PARAMETER, Rule.LOSS_MISMATCH),
                e.problems().stream().map(Problem::rule).toList());
        assertEquals(spec.validate(), e.problems());
        assertTrue(e.getMessage().startsWith("[Kiln/Units] Bad.hidden: Dense units must be positive, got 0"),
                e.getMessage());
        assertTrue(e.getMessage().contains("[Kiln/ActivationParameter]"), e.getMessage());
        assertTrue(e.getMessage().contains("[Kiln/LossMismatch]"), e.getMessage());
    }

    @Test
    void networkRulesAreCheckedToo() {
        assertRule(Rule.EMPTY_NETWORK, new NetworkSpec("Empty", List.of(3), List.of(), Loss.NONE, 4));
        assertRule(Rule.NO_INPUT, new NetworkSpec("NoInput", List.of(), List.of(
                Networks.dense(2, Init.AUTO, "NoInput.out")), Loss.NONE, 4));
        assertRule(Rule.MAX_BATCH, Networks.spec("Batchless", 3, Loss.NONE, 0,
                Networks.dense(2, Init.AUTO, "Batchless.out")));
        assertRule(Rule.SOFTMAX_NOT_LAST, Networks.spec("Early", 3, Loss.NONE, 4,
                Networks.activation(Activation.SOFTMAX, "Early.p"), Networks.dense(2, Init.AUTO, "Early.out")));
        assertRule(Rule.INIT_SCALE, Networks.spec("Scale", 3, Loss.NONE, 4,
                new DenseSpec(2, true, Init.NORMAL, 0, "Scale.out")));
        assertRule(Rule.TOO_LARGE, Networks.spec("Huge", 100_000, Loss.NONE, 100_000,
                Networks.dense(2, Init.AUTO, "Huge.out")));
    }

    @Test
    void theRulesOfTheNewLayersAndLossesAreCheckedToo() {
        assertRule(Rule.PRELU_FIELD, Networks.spec("Shared", 3, Loss.NONE, 4,
                Networks.dense(2, Init.AUTO, "Shared.a"), new PReluSpec("Shared.a")));
        assertRule(Rule.MAXOUT_WIDTH, Networks.spec("Uneven", 3, Loss.NONE, 4,
                Networks.dense(5, Init.AUTO, "Uneven.a"), new MaxoutSpec(2, "Uneven.a")));
        assertRule(Rule.MAXOUT_PIECES, Networks.spec("Single", 3, Loss.NONE, 4, new MaxoutSpec(1, "Single.m")));
        assertRule(Rule.MARGIN, new NetworkSpec("Marginless", List.of(3), List.of(
                Networks.dense(2, Init.AUTO, "Marginless.a")), Loss.CONTRASTIVE, 4, -1, List.of()));
        assertRule(Rule.HEADS_WIDTH, new NetworkSpec("Narrow", List.of(3), List.of(
                Networks.dense(2, Init.AUTO, "Narrow.a")), Loss.MULTI_TASK, 4, 1.0, List.of(new HeadSpec(3, Loss.MSE))));
        assertRule(Rule.NO_HEADS, Networks.spec("Headless", 3, Loss.MULTI_TASK, 4, Networks.dense(2, Init.AUTO, "Headless.a")));
        assertRule(Rule.DROPOUT_RATE, Networks.spec("Certain", 3, Loss.NONE, 4, new DropoutSpec(1.0, "Certain.drop"),
                Networks.dense(2, Init.AUTO, "Certain.out")));
        assertRule(Rule.DROPOUT_LAST, Networks.spec("Dropped", 3, Loss.MSE, 4,
                Networks.dense(2, Init.AUTO, "Dropped.out"), new DropoutSpec(0.5, "Dropped.out")));
    }

    @Test
    void hingeTargetsThatAreNotSignsNameTheirRow() {
        InterpretedModel model = Interpreter.of(Networks.HINGE, 1);
        model.forward(new float[6], 0, 2);
        var e = assertThrows(IllegalArgumentException.class, () -> model.loss(new float[] {1, -1, 1, 0}, 0));
        assertEquals("hinge loss: the target of row 1 of the batch, value 1, is 0.0, but hinge targets are -1 or +1; "
                + "map 0/1 labels with 2t - 1", e.getMessage());
        assertThrows(IllegalStateException.class, model::backward, "no loss, no backward");
    }

    @Test
    void contrastiveBatchesMustBeEven() {
        InterpretedModel model = Interpreter.of(Networks.CONTRASTIVE, 1);
        model.forward(new float[9], 0, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> model.loss(new float[9], 0));
        assertEquals("contrastive loss: rows 2i and 2i + 1 of a batch are a pair, but the batch has 3 rows; give an "
                + "even batch, each pair on adjacent rows", e.getMessage());
    }

    private static void assertRule(Rule rule, NetworkSpec spec) {
        var e = assertThrows(InvalidNetworkException.class, () -> Interpreter.of(spec));
        assertEquals(rule, e.problems().getFirst().rule(), e.getMessage());
        assertTrue(e.getMessage().startsWith("[" + rule.id() + "]"), e.getMessage());
    }

    @Test
    void aNullSpecIsRejected() {
        assertThrows(NullPointerException.class, () -> Interpreter.of(null));
        assertThrows(NullPointerException.class, () -> Interpreter.of(null, 1));
    }

    @Test
    void badBatchesAndArraysAreRejectedWithWhatAndWhere() {
        InterpretedModel model = Interpreter.of(Networks.LOGITS);
        float[] x = new float[4 * 5];
        var tooBig = assertThrows(IllegalArgumentException.class, () -> model.forward(x, 0, 5));
        assertTrue(tooBig.getMessage().startsWith("Logits: batch 5 is outside [1, 4]"), tooBig.getMessage());
        var empty = assertThrows(IllegalArgumentException.class, () -> model.forward(x, 0, 0));
        assertTrue(empty.getMessage().startsWith("Logits: batch 0 is outside [1, 4]"), empty.getMessage());
        var tooShort = assertThrows(IllegalArgumentException.class, () -> model.forward(x, 6, 3));
        assertEquals("Logits: a batch of 3 samples of 5 features needs 15 values from offset 6, but the input"
                + " array has 20", tooShort.getMessage());
        var negative = assertThrows(IllegalArgumentException.class, () -> model.forward(x, -1, 1));
        assertEquals("Logits: the input offset -1 is negative", negative.getMessage());
        var missing = assertThrows(NullPointerException.class, () -> model.forward(null, 0, 1));
        assertEquals("Logits: input is null", missing.getMessage());

        model.forward(x, 0, 2);
        var shortTarget = assertThrows(IllegalArgumentException.class, () -> model.loss(new float[5], 0));
        assertEquals("Logits: a batch of 2 samples of 3 targets needs 6 values from offset 0, but the target"
                + " array has 5", shortTarget.getMessage());
        assertThrows(NullPointerException.class, () -> model.loss(null, 0));
    }

    @Test
    void passesOutOfOrderAreRejected() {
        InterpretedModel model = Interpreter.of(Networks.REGRESSION);
        var noForward = assertThrows(IllegalStateException.class, () -> model.loss(new float[8], 0));
        assertEquals("Regression: loss() needs a forward() first", noForward.getMessage());
        var nothing = assertThrows(IllegalStateException.class, model::backward);
        assertEquals("Regression: backward() needs loss() after the last forward()", nothing.getMessage());
        model.forward(new float[8], 0, 2);
        var noLoss = assertThrows(IllegalStateException.class, model::backward);
        assertEquals("Regression: backward() needs loss() after the last forward()", noLoss.getMessage());
        model.loss(new float[4], 0);
        model.backward();
        assertThrows(IllegalStateException.class, model::backward, "one loss, one backward");
        model.loss(new float[4], 0);
        model.forward(new float[8], 0, 2);
        assertThrows(IllegalStateException.class, model::backward, "a forward pass voids the loss before it");
    }

    @Test
    void aNetworkWithoutLossRunsForwardOnly() {
        InterpretedModel model = Interpreter.of(Networks.INFERENCE, 5);
        float[] y = model.forward(new float[] {1, 2, 3}, 0, 1);
        assertEquals(1, y[0] + y[1] + y[2], 1e-6, "softmax probabilities");
        var loss = assertThrows(IllegalStateException.class, () -> model.loss(new float[3], 0));
        assertEquals("Inference declares no loss; declare one, e.g. @Network(loss = Loss.MSE), to train it",
                loss.getMessage());
        var backward = assertThrows(IllegalStateException.class, model::backward);
        assertEquals(loss.getMessage(), backward.getMessage());
    }
}
