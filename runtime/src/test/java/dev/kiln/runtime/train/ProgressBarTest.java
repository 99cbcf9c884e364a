package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.optim.Sgd;
import dev.kiln.spec.Loss;
import org.junit.jupiter.api.Test;

/**
 * {@link ProgressBar}'s output, character for character, on a terminal and elsewhere, driven by a clock
 * the test sets: an epoch of 4 batches whose ends come at 50, 150, 200 and 260 ms, measured at 300 ms.
 */
class ProgressBarTest {

    private static final long MS = 1_000_000;

    private final TestOutput output = new TestOutput();
    private long now;

    @Test
    void onATerminalTheLineIsRedrawnInPlaceAtMostEvery100Milliseconds() {
        run(true);

        assertEquals("\repoch 1/2  2/4 [===============>..............]  0.15s  eta 0.15s  loss 0.8000  acc 0.6000"
                + "\repoch 1/2  4/4 [==============================]  0.26s  eta 0.00s  loss 0.6000  acc 0.7500"
                + "\repoch 1/2  4/4 [==============================]  0.30s  loss 0.6000  acc 0.7500  f1 0.7123"
                + "  val_loss 0.9000  val_acc 0.5000  val_f1 0.4500\n"
                + "stopped after epoch 1: asked to\n"
                + "train error 25.0 %, dev error 50.0 %: high bias and high variance; first a bigger network or longer"
                + " training, then more data or regularization\n", output.text());
    }

    @Test
    void elsewhereEachEpochIsOnePlainLine() {
        run(false);

        assertEquals("epoch 1/2  0.30s  loss 0.6000  acc 0.7500  f1 0.7123  val_loss 0.9000  val_acc 0.5000"
                + "  val_f1 0.4500\n"
                + "stopped after epoch 1: asked to\n"
                + "train error 25.0 %, dev error 50.0 %: high bias and high variance; first a bigger network or longer"
                + " training, then more data or regularization\n", output.text());
        assertFalse(output.text().contains("\r"));
    }

    @Test
    void aShorterLineIsPaddedOverTheLongerOne() {
        // without labels and validation the final line lacks the live line's "  eta 0.05s"
        ProgressBar bar = new ProgressBar(output.stream(), true, () -> now);
        TrainingContext context = new TrainingContext(TinyMlp.of(1, 2, 1, Loss.MSE, 4), null, 0, 1, 2, 8, false,
                false);
        context.startEpoch(1);
        bar.onEpochBegin(context);
        now = 100 * MS;
        context.endBatch(1, 4, 2.0, 0, 0.5f);
        bar.onBatchEnd(context);
        now = 120 * MS;
        context.endEpoch(new EpochStats(1, 1, EpochStatsTest.loss(0.25), Measures.NONE, 0.1, 0.12));
        bar.onEpochEnd(context);

        assertEquals("\repoch 1/1  1/2 [===============>..............]  0.10s  eta 0.10s  loss 0.5000"
                + "\repoch 1/1  1/2 [===============>..............]  0.12s  loss 0.2500           \n", output.text());
    }

    @Test
    void aTrainerDrivesTheBarThroughEveryEpoch() {
        // the real clock: only the plain lines' shape is certain
        Dataset data = TrainingStepAllocationTest.threeClasses(12);

        Trainer.of(TinyMlp.of(4, 3, 3, Loss.SOFTMAX_CROSS_ENTROPY, 4)).optimizer(new Sgd(0.1f)).batchSize(4).epochs(3)
                .callback(new ProgressBar(output.stream(), false)).fit(data, data);

        String[] lines = output.text().split("\n");
        assertEquals(4, lines.length);
        assertTrue(lines[0].matches("epoch 1/3  \\d\\.\\d\\ds  loss \\d\\.\\d{4}  acc \\d\\.\\d{4}  f1 \\d\\.\\d{4}"
                + "  val_loss \\d\\.\\d{4}  val_acc \\d\\.\\d{4}  val_f1 \\d\\.\\d{4}"), lines[0]);
        assertTrue(lines[2].startsWith("epoch 3/3  "), lines[2]);
        assertTrue(lines[3].startsWith("train error "), lines[3]);
    }

    @Test
    void aTerminalIsAConsoleWithATermThatIsNotDumb() {
        assertTrue(ProgressBar.isTerminal(true, "xterm-256color"));
        assertFalse(ProgressBar.isTerminal(false, "xterm-256color"), "output redirected");
        assertFalse(ProgressBar.isTerminal(true, "dumb"));
        assertFalse(ProgressBar.isTerminal(true, null));
        assertFalse(ProgressBar.isTerminal(true, " "));
        assertEquals(ProgressBar.isTerminal(), new ProgressBar(output.stream()).terminal());
    }

    @Test
    void durations() {
        assertEquals("0.50s", ProgressBar.duration(0.5));
        assertEquals("12.3s", ProgressBar.duration(12.34));
        assertEquals("2m05s", ProgressBar.duration(125.9));
        assertEquals("1h02m", ProgressBar.duration(3725));
    }

    /** One epoch of 4 batches of 10 samples, a stop, and the end of training, on a bar of the given kind. */
    private void run(boolean terminal) {
        ProgressBar bar = new ProgressBar(output.stream(), terminal, () -> now);
        TrainingContext context = new TrainingContext(TinyMlp.of(4, 3, 3, Loss.SOFTMAX_CROSS_ENTROPY, 16), null, 0,
                2, 4, 40, true, true);
        bar.onTrainBegin(context);
        context.startEpoch(1);
        bar.onEpochBegin(context);
        batch(bar, context, 50, 1, 9.0, 5);    // 50 ms after the epoch began: too soon to draw
        batch(bar, context, 150, 2, 16.0, 12); // drawn
        batch(bar, context, 200, 3, 21.0, 20); // 50 ms after the last drawing: not drawn
        batch(bar, context, 260, 4, 24.0, 30); // drawn
        now = 300 * MS;
        context.endEpoch(new EpochStats(1, 2, new Measures(0.6, 0.75, 0.7, 0.7, 0.7123),
                new Measures(0.9, 0.5, 0.5, 0.5, 0.45), 0.1, 0.3));
        bar.onEpochEnd(context);
        context.requestStop("asked to");
        bar.onTrainEnd(context);
    }

    private void batch(ProgressBar bar, TrainingContext context, long millis, int step, double lossSum, long correct) {
        now = millis * MS;
        context.endBatch(step, step * 10, lossSum, correct, 0.5f);
        bar.onBatchEnd(context);
    }
}
