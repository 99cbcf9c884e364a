package dev.kiln.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Pool2dGeometry}: output sizes of {@link Pool2dGeometry#of} against PyTorch's formula worked out by
 * hand, the sizes per sample, the implicit padding, and one test per rule asserting its message.
 */
class Pool2dGeometryTest {

    @ParameterizedTest(name = "in {0}, kernel {1}, stride {2}, pads {3} {4} -> {5}")
    @CsvSource({
            "28, 2, 2, 0, 0, 14", // LeNet's first pooling
            "10, 2, 2, 0, 0, 5", // and its second
            "5, 2, 2, 0, 0, 2", // floor: the last row is not pooled
            "7, 3, 2, 0, 0, 3", // (7 - 3) / 2 + 1
            "7, 3, 2, 1, 1, 4", // (7 + 2 - 3) / 2 + 1
            "6, 3, 2, 1, 1, 3", // (6 + 2 - 3) / 2 + 1 = 3.5 -> 3
            "5, 3, 1, 1, 0, 4", // (5 + 1 - 3) / 1 + 1
            "3, 3, 1, 0, 0, 1", // a global window
            "8, 2, 3, 0, 1, 3"}) // (8 + 1 - 2) / 3 + 1
    void ofComputesPyTorchsOutputSize(int in, int kernel, int stride, int before, int after, int out) {
        Pool2dGeometry rows = Pool2dGeometry.of(1, in, 1, kernel, 1, stride, 1, before, 0, after, 0);
        assertEquals(out, rows.outHeight(), "outHeight");
        Pool2dGeometry columns = Pool2dGeometry.of(1, 1, in, 1, kernel, 1, stride, 0, before, 0, after);
        assertEquals(out, columns.outWidth(), "outWidth");
    }

    @Test
    void sizesPerSample() {
        Pool2dGeometry g = Pool2dGeometry.of(6, 28, 26, 2, 2, 2, 2, 0, 0, 0, 0);
        assertEquals(new Pool2dGeometry(6, 28, 26, 2, 2, 2, 2, 0, 0, 14, 13), g);
        assertEquals(6 * 28 * 26, g.inputSize());
        assertEquals(6 * 14 * 13, g.outputSize());
    }

    @Test
    void theImplicitPaddingIsWhatTheLastWindowReaches() {
        Pool2dGeometry reaching = Pool2dGeometry.of(1, 7, 6, 3, 3, 2, 2, 1, 1, 1, 1);
        assertEquals(1, reaching.padBottom(), "7 rows, windows at -1, 1, 3, 5, the last to row 7");
        assertEquals(0, reaching.padRight(), "6 columns, windows at -1, 1, 3, the last to column 5");
        Pool2dGeometry overhanging = new Pool2dGeometry(1, 5, 4, 2, 2, 2, 2, 0, 0, 3, 2);
        assertEquals(1, overhanging.padBottom());
        assertEquals(0, overhanging.padRight());
    }

    /** The arguments of the canonical constructor, from a valid 3x3 stride-2 pooling of 7x7 with padding 1. */
    private static Pool2dGeometry with(String field, int value) {
        int[] a = {2, 7, 7, 3, 3, 2, 2, 1, 1, 4, 4};
        String[] names = {"channels", "inHeight", "inWidth", "kernelHeight", "kernelWidth", "strideHeight",
                "strideWidth", "padTop", "padLeft", "outHeight", "outWidth"};
        a[java.util.Arrays.asList(names).indexOf(field)] = value;
        return new Pool2dGeometry(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10]);
    }

    private static void assertRejected(String message, org.junit.jupiter.api.function.Executable construction) {
        var e = assertThrows(IllegalArgumentException.class, construction);
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"channels, 0", "inHeight, 0", "inWidth, -3", "kernelHeight, 0", "kernelWidth, -1",
            "strideHeight, 0", "strideWidth, -2", "outHeight, 0", "outWidth, -1"})
    void everySizeAndStrideMustBePositive(String field, int value) {
        assertRejected("pooling: " + field + " = " + value + " must be positive", () -> with(field, value));
    }

    @Test
    void aNegativePaddingIsRejected() {
        assertRejected("pooling: padLeft = -1 must be zero or positive", () -> with("padLeft", -1));
    }

    @Test
    void paddingMayBeAtMostHalfTheKernel() {
        assertRejected("pooling: padTop = 2 is more than half of kernelHeight = 3; padding may be at most "
                + "kernel / 2 = 1 (as in PyTorch), so that no window is mostly padding", () -> with("padTop", 2));
    }

    @Test
    void everyWindowMustOverlapTheInput() {
        assertRejected("pooling: outWidth = 5 windows at strideWidth = 2 and padLeft = 1 put the last window at "
                + "column 7, beyond the inWidth = 7 columns of the input; at most 4 windows overlap the input",
                () -> with("outWidth", 5));
        // the last window may hang over the input as long as it starts inside it
        assertEquals(4, with("outHeight", 4).outHeight());
    }

    @Test
    void aSampleMustFitAnInt() {
        assertRejected("pooling: channels * inHeight * inWidth = 4294967296 floats per sample exceed 2147483647; "
                + "pool smaller images or fewer channels",
                () -> new Pool2dGeometry(1 << 10, 1 << 11, 1 << 11, 2, 2, 2, 2, 0, 0, 1 << 10, 1 << 10));
    }

    @Test
    void ofChecksTheBottomAndRightPadding() {
        assertRejected("pooling: padBottom = 2 is more than half of kernelHeight = 2; padding may be at most "
                        + "kernel / 2 = 1 (as in PyTorch), so that no window is mostly padding",
                () -> Pool2dGeometry.of(1, 5, 5, 2, 2, 2, 2, 0, 0, 2, 0));
        assertRejected("pooling: padRight = -1 must be zero or positive",
                () -> Pool2dGeometry.of(1, 5, 5, 2, 2, 2, 2, 0, 0, 0, -1));
    }

    @Test
    void ofRejectsAKernelLargerThanThePaddedInput() {
        assertRejected("pooling: kernelWidth = 5 is larger than inWidth = 3 with its padding (4); no window fits, "
                + "use a smaller kernel or more padding", () -> Pool2dGeometry.of(1, 5, 3, 2, 5, 1, 1, 0, 1, 0, 0));
    }
}
