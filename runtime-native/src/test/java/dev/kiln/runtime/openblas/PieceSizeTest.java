package dev.kiln.runtime.openblas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which products {@link OpenBlas} cuts for OpenBLAS's small-matrix kernels, and into what. */
class PieceSizeTest {

    @ParameterizedTest(name = "{0} x {1} x {2}: pieces of {3}")
    @CsvSource({
        "32, 512, 128, 128",   // an LSTM step's gates: 4 pieces of 128 columns
        "32, 128, 512, 32",    // its gradient: 4 pieces of 32 columns
        "2048, 128, 114, 32",  // a dense layer over every step: rows
        "128, 400, 120, 32",
        "100, 100, 100, 0",    // small enough whole
        "512, 512, 512, 0",    // pieces would be 2 rows
        "1024, 1024, 1024, 0",
        "8, 8, 100000, 0",     // one row of C is already more than a piece
    })
    void piecesOfAboutHalfAMillionMultiplyAddsOfAtLeast16Lines(int m, int n, int k, int expected) {
        int piece = OpenBlas.pieceSize(m, n, k);
        assertEquals(expected, piece);
        if (piece > 0) {
            assertEquals(0, piece % 16, "a multiple of 16");
            long perPiece = (long) piece * m * n * k / Math.max(m, n);
            assertTrue(perPiece <= OpenBlas.SMALL_KERNEL_MAX_WORK, "each piece within the small kernels: " + perPiece);
        }
    }

    @Test
    void everyPieceFitsTheSmallKernels() {
        for (int m = 1; m <= 600; m += 37) {
            for (int n = 1; n <= 600; n += 41) {
                for (int k = 1; k <= 1200; k += 97) {
                    int piece = OpenBlas.pieceSize(m, n, k);
                    if (piece > 0) {
                        long work = (long) m * n * k;
                        assertTrue(work > OpenBlas.SMALL_KERNEL_MAX_WORK, m + "x" + n + "x" + k + " is small already");
                        long perPiece = work / Math.max(m, n) * piece;
                        assertTrue(perPiece <= OpenBlas.SMALL_KERNEL_MAX_WORK, m + "x" + n + "x" + k + ": " + perPiece);
                        assertTrue(piece >= OpenBlas.MIN_PIECE);
                    }
                }
            }
        }
    }

    @Test
    void onlyTheCoresWithSmallKernelsCut() {
        assertTrue(OpenBlas.hasSmallKernels("Cooperlake"));
        assertTrue(OpenBlas.hasSmallKernels("SkylakeX"));
        assertTrue(OpenBlas.hasSmallKernels("sapphirerapids"));
        assertFalse(OpenBlas.hasSmallKernels("Haswell"));
        assertFalse(OpenBlas.hasSmallKernels("Zen"));
    }
}
