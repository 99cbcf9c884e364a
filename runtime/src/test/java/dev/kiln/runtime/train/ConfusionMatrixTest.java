package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.train.ClassificationReport.Average;
import org.junit.jupiter.api.Test;

/**
 * {@link ConfusionMatrix} and {@link ClassificationReport} against matrices and measures worked out by hand.
 */
class ConfusionMatrixTest {

    /**
     * Ten samples of three classes. By hand:
     * <pre>
     * actual \ predicted  0  1  2     support
     *                  0  2  1  0     3
     *                  1  0  4  0     4
     *                  2  1  1  1     3
     * predicted as        3  6  1
     * </pre>
     * precision 2/3, 4/6, 1/1; recall 2/3, 4/4, 1/3; F1 2/3, 4/5, 1/2.
     */
    private static final int[] ACTUAL = {0, 0, 0, 1, 1, 1, 1, 2, 2, 2};
    private static final int[] PREDICTED = {0, 0, 1, 1, 1, 1, 1, 2, 0, 1};

    @Test
    void countsEachPairOfActualAndPredictedClass() {
        ConfusionMatrix matrix = ConfusionMatrix.of(ACTUAL, PREDICTED, 3);

        assertArrayEquals(new long[][] {{2, 1, 0}, {0, 4, 0}, {1, 1, 1}}, matrix.toArray());
        assertEquals(10, matrix.total());
        assertEquals(7, matrix.correct());
        assertEquals(0.7, matrix.accuracy());
        assertEquals(4, matrix.support(1));
        assertEquals(6, matrix.predictedAs(1));
        assertEquals(matrix, ConfusionMatrix.of(new long[][] {{2, 1, 0}, {0, 4, 0}, {1, 1, 1}}));
        assertNotEquals(matrix, ConfusionMatrix.of(new long[][] {{2, 1, 0}, {0, 4, 0}, {1, 0, 2}}));
    }

    @Test
    void perClassMeasures() {
        ConfusionMatrix matrix = ConfusionMatrix.of(ACTUAL, PREDICTED, 3);

        assertEquals(2 / 3.0, matrix.precision(0), 1e-15);
        assertEquals(4 / 6.0, matrix.precision(1), 1e-15);
        assertEquals(1.0, matrix.precision(2), 1e-15);
        assertEquals(2 / 3.0, matrix.recall(0), 1e-15);
        assertEquals(1.0, matrix.recall(1), 1e-15);
        assertEquals(1 / 3.0, matrix.recall(2), 1e-15);
        assertEquals(2 / 3.0, matrix.f1(0), 1e-15);
        assertEquals(0.8, matrix.f1(1), 1e-15);
        assertEquals(0.5, matrix.f1(2), 1e-15);
    }

    @Test
    void aClassNeverPredictedOrPresentScoresZero() {
        // class 2 is never predicted (precision 0/0) and class 1 never occurs among the actual ones (recall 0/0)
        ConfusionMatrix matrix = ConfusionMatrix.of(new int[] {0, 0, 2}, new int[] {0, 1, 1}, 3);

        assertEquals(0.0, matrix.precision(2));
        assertEquals(0.0, matrix.recall(2));
        assertEquals(0.0, matrix.f1(2));
        assertEquals(0.0, matrix.precision(1));
        assertEquals(0.0, matrix.recall(1));
        assertTrue(matrix.occurs(1));
    }

    @Test
    void theMacroAverageIsTheMeanOverTheClasses() {
        ClassificationReport report = ClassificationReport.of(ConfusionMatrix.of(ACTUAL, PREDICTED, 3), Average.MACRO);

        assertEquals((2 / 3.0 + 4 / 6.0 + 1) / 3, report.precision(), 1e-15);
        assertEquals((2 / 3.0 + 1 + 1 / 3.0) / 3, report.recall(), 1e-15);
        assertEquals((2 / 3.0 + 0.8 + 0.5) / 3, report.f1(), 1e-15, "the mean of the F1 scores, 59/90");
        assertEquals(0.7, report.accuracy());
    }

    @Test
    void theMacroAverageLeavesOutClassesThatNeverOccur() {
        // a fourth class that is neither actual nor predicted changes nothing (as in scikit-learn)
        ClassificationReport three = ClassificationReport.of(ConfusionMatrix.of(ACTUAL, PREDICTED, 3), Average.MACRO);
        ConfusionMatrix fourClasses = ConfusionMatrix.of(ACTUAL, PREDICTED, 4);
        ClassificationReport four = ClassificationReport.of(fourClasses, Average.MACRO);

        assertFalse(fourClasses.occurs(3));
        assertEquals(three.precision(), four.precision());
        assertEquals(three.recall(), four.recall());
        assertEquals(three.f1(), four.f1());
        // but a class that is predicted without being present counts, with zeros
        int[] predicted = PREDICTED.clone();
        predicted[0] = 3;
        ClassificationReport wrong = ClassificationReport.of(ConfusionMatrix.of(ACTUAL, predicted, 4), Average.MACRO);
        assertEquals((1 / 2.0 + 4 / 6.0 + 1 + 0) / 4, wrong.precision(), 1e-15);
    }

    @Test
    void theBinaryReportIsThePositiveClasss() {
        // tp 3 (samples 0, 2, 7), fn 1 (sample 1), fp 2 (samples 4, 5), tn 2
        ConfusionMatrix matrix = ConfusionMatrix.of(new int[] {1, 1, 1, 0, 0, 0, 0, 1},
                new int[] {1, 0, 1, 0, 1, 1, 0, 1}, 2);
        ClassificationReport report = ClassificationReport.of(matrix, Average.BINARY);

        assertArrayEquals(new long[][] {{2, 2}, {1, 3}}, matrix.toArray());
        assertEquals(3 / 5.0, report.precision(), 1e-15);
        assertEquals(3 / 4.0, report.recall(), 1e-15);
        assertEquals(2 / 3.0, report.f1(), 1e-15);
        assertEquals(5 / 8.0, report.accuracy());
    }

    @Test
    void formatsTheMatrix() {
        assertEquals("""
                actual \\ predicted  0  1  2
                                 0  2  1  0
                                 1  0  4  0
                                 2  1  1  1
                """, ConfusionMatrix.of(ACTUAL, PREDICTED, 3).format());
    }

    @Test
    void formatsTheReport() {
        assertEquals("""
                       class  precision  recall      f1  support
                           0     0.6667  0.6667  0.6667        3
                           1     0.6667  1.0000  0.8000        4
                           2     1.0000  0.3333  0.5000        3

                    accuracy                     0.7000       10
                   macro avg     0.7778  0.6667  0.6556       10
                """, ClassificationReport.of(ConfusionMatrix.of(ACTUAL, PREDICTED, 3), Average.MACRO).format());
    }

    @Test
    void anEmptyMatrixHasNoAverages() {
        ClassificationReport report = ClassificationReport.of(ConfusionMatrix.of(new int[0], new int[0], 2),
                Average.MACRO);

        assertTrue(Double.isNaN(report.accuracy()));
        assertTrue(Double.isNaN(report.f1()));
    }

    @Test
    void aClassOutOfRangeIsRejected() {
        assertEquals("sample 2 has predicted class 3, outside [0, 3) (samples are numbered from 0)",
                assertThrows(IllegalArgumentException.class,
                        () -> ConfusionMatrix.of(new int[] {0, 1, 2}, new int[] {0, 1, 3}, 3)).getMessage());
    }

    @Test
    void arraysOfDifferentLengthsAreRejected() {
        assertEquals("3 actual classes but 2 predicted ones; give one of each per sample",
                assertThrows(IllegalArgumentException.class,
                        () -> ConfusionMatrix.of(new int[] {0, 1, 2}, new int[] {0, 1}, 3)).getMessage());
    }

    @Test
    void fewerThanTwoClassesAreRejected() {
        assertEquals("classes = 1: a confusion matrix needs at least 2",
                assertThrows(IllegalArgumentException.class,
                        () -> ConfusionMatrix.of(new int[] {0}, new int[] {0}, 1)).getMessage());
    }

    @Test
    void aMatrixThatIsNotSquareIsRejected() {
        assertEquals("row 1 of the counts has 3 values; a confusion matrix is square, 2 x 2",
                assertThrows(IllegalArgumentException.class,
                        () -> ConfusionMatrix.of(new long[][] {{1, 2}, {3, 4, 5}})).getMessage());
    }

    @Test
    void aNegativeCountIsRejected() {
        assertEquals("count[0][1] = -2 is negative",
                assertThrows(IllegalArgumentException.class,
                        () -> ConfusionMatrix.of(new long[][] {{1, -2}, {3, 4}})).getMessage());
    }

    @Test
    void aBinaryReportNeedsTwoClasses() {
        ConfusionMatrix matrix = ConfusionMatrix.of(ACTUAL, PREDICTED, 3);

        assertEquals("a binary report needs 2 classes, but the matrix has 3; use Average.MACRO",
                assertThrows(IllegalArgumentException.class, () -> ClassificationReport.of(matrix, Average.BINARY))
                        .getMessage());
    }
}
