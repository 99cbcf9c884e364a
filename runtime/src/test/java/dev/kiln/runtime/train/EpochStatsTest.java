package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The one-line format of {@link EpochStats} and the printing listener. */
class EpochStatsTest {

    @Test
    void formatsEveryMeasure() {
        EpochStats stats = new EpochStats(12, 100, 0.43118, 0.885714, 0.50123, 0.844444, 0.01);

        assertEquals("epoch  12/100  loss 0.4312  acc 0.8857  val_loss 0.5012  val_acc 0.8444", stats.format());
        assertTrue(stats.hasValidation());
    }

    @Test
    void omitsMeasuresNotTaken() {
        EpochStats stats = new EpochStats(3, 9, 1.5, Double.NaN, Double.NaN, Double.NaN, 0.1);

        assertEquals("epoch 3/9  loss 1.5000", stats.format());
        assertFalse(stats.hasValidation());
    }

    @Test
    void thePrintingListenerPrintsOneLinePerEpoch() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TrainingListener listener = TrainingListener.printing(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        listener.onEpoch(new EpochStats(1, 2, 0.5, 0.25, Double.NaN, Double.NaN, 0.1));
        listener.onEpoch(new EpochStats(2, 2, 0.25, 0.5, Double.NaN, Double.NaN, 0.1));

        assertEquals("epoch 1/2  loss 0.5000  acc 0.2500" + System.lineSeparator()
                + "epoch 2/2  loss 0.2500  acc 0.5000" + System.lineSeparator(),
                bytes.toString(StandardCharsets.UTF_8));
    }
}
