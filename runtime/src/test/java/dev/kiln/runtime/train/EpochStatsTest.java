package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The one-line format of {@link EpochStats}, its values by name, and the printing listener. */
class EpochStatsTest {

    @Test
    void formatsEveryMeasure() {
        EpochStats stats = new EpochStats(12, 100, new Measures(0.43118, 0.885714, 0.9, 0.8, 0.88123),
                new Measures(0.50123, 0.844444, 0.7, 0.6, 0.83904), 0.01, 2.5);

        assertEquals("epoch  12/100  loss 0.4312  acc 0.8857  f1 0.8812  val_loss 0.5012  val_acc 0.8444"
                + "  val_f1 0.8390", stats.format());
        assertTrue(stats.hasValidation());
    }

    @Test
    void omitsMeasuresNotTaken() {
        EpochStats stats = new EpochStats(3, 9, loss(1.5), Measures.NONE, 0.1, 1);

        assertEquals("epoch 3/9  loss 1.5000", stats.format());
        assertFalse(stats.hasValidation());
    }

    @Test
    void thePrintingListenerPrintsOneLinePerEpoch() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TrainingListener listener = TrainingListener.printing(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        listener.onEpoch(new EpochStats(1, 2, new Measures(0.5, 0.25, 0, 0, Double.NaN), Measures.NONE, 0.1, 1));
        listener.onEpoch(new EpochStats(2, 2, new Measures(0.25, 0.5, 0, 0, Double.NaN), Measures.NONE, 0.1, 1));

        assertEquals("epoch 1/2  loss 0.5000  acc 0.2500" + System.lineSeparator()
                + "epoch 2/2  loss 0.2500  acc 0.5000" + System.lineSeparator(),
                bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyValueHasAName() {
        EpochStats stats = new EpochStats(1, 1, new Measures(1, 2, 3, 4, 5), new Measures(6, 7, 8, 9, 10), 11, 12);

        double[] values = EpochStats.METRICS.stream().mapToDouble(stats::value).toArray();

        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, values);
        assertEquals(stats.loss(), stats.value("loss"));
        assertEquals(stats.validationAccuracy(), stats.value("val_accuracy"));
    }

    @Test
    void anUnknownMetricIsRejectedListingTheNames() {
        EpochStats stats = new EpochStats(1, 1, loss(1), Measures.NONE, 0.1, 1);

        assertEquals("no metric is named 'val_acc'; the metrics are loss, accuracy, precision, recall, f1, val_loss,"
                + " val_accuracy, val_precision, val_recall, val_f1, learning_rate, seconds",
                assertThrows(IllegalArgumentException.class, () -> stats.value("val_acc")).getMessage());
    }

    static Measures loss(double loss) {
        return new Measures(loss, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
}
