package dev.kiln.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Conv2dGeometry}: output sizes as PyTorch computes them, the sizes derived from a geometry, the
 * implicit padding after the input, and one test per rule, each asserting the whole message.
 */
class Conv2dGeometryTest {

    @Test
    void outputSizesFollowPyTorchsFormula() {
        // LeNet-5 on 28 x 28: "same" 5 x 5, then a valid 5 x 5 after pooling
        Conv2dGeometry conv1 = Conv2dGeometry.of(1, 28, 28, 6, 5, 5, 1, 1, 2, 2, 2, 2);
        Conv2dGeometry conv2 = Conv2dGeometry.of(6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 0, 0);
        assertEquals(new Conv2dGeometry(1, 28, 28, 6, 5, 5, 1, 1, 2, 2, 28, 28), conv1);
        assertEquals(new Conv2dGeometry(6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 10, 10), conv2);
        // floor((7 + 1 + 1 - 3) / 2) + 1 = 4, and floor((8 + 0 + 0 - 3) / 2) + 1 = 3: the last column unread
        Conv2dGeometry strided = Conv2dGeometry.of(2, 7, 8, 3, 3, 3, 2, 2, 1, 0, 1, 0);
        assertEquals(4, strided.outHeight());
        assertEquals(3, strided.outWidth());
        assertEquals(1, strided.padBottom());
        assertEquals(-1, strided.padRight());
    }

    @Test
    void samePaddingWithAnEvenKernelPadsOneMoreAfter() {
        Conv2dGeometry g = Conv2dGeometry.of(3, 6, 7, 2, 4, 4, 1, 1, 1, 1, 2, 2);

        assertEquals(6, g.outHeight());
        assertEquals(7, g.outWidth());
        assertEquals(1, g.padTop());
        assertEquals(2, g.padBottom());
        assertEquals(2, g.padRight());
    }

    @Test
    void derivedSizes() {
        Conv2dGeometry g = Conv2dGeometry.of(6, 14, 13, 16, 5, 3, 1, 1, 0, 0, 0, 0);

        assertEquals(6 * 14 * 13, g.inputSize());
        assertEquals(16 * 10 * 11, g.outputSize());
        assertEquals(16 * 6 * 5 * 3, g.weightSize());
        assertEquals(6 * 5 * 3, g.patchSize());
        assertEquals(10 * 11, g.outputPixels());
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("sizes")
    void everySizeMustBePositive(String field, int value) {
        int[] fields = {1, 5, 5, 1, 3, 3, 1, 1, 0, 0, 3, 3};
        fields[index(field)] = value;

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> create(fields));

        assertEquals("convolution: " + field + " = " + value + " must be positive", e.getMessage());
    }

    static Stream<Arguments> sizes() {
        return Stream.of(Arguments.of("inChannels", 0), Arguments.of("inHeight", -1), Arguments.of("inWidth", 0),
                Arguments.of("outChannels", 0), Arguments.of("kernelHeight", 0), Arguments.of("kernelWidth", -3),
                Arguments.of("strideHeight", 0), Arguments.of("strideWidth", 0), Arguments.of("outHeight", 0),
                Arguments.of("outWidth", -2));
    }

    @Test
    void paddingMustBeSmallerThanTheKernel() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Conv2dGeometry(1, 5, 5, 1, 3, 3, 1, 1, 3, 0, 3, 3));

        assertEquals("convolution: padTop = 3 must be in [0, kernelHeight = 3): a window inside the padding would "
                + "read only zeros", e.getMessage());
    }

    @Test
    void paddingMustNotBeNegative() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Conv2dGeometry(1, 5, 5, 1, 3, 3, 1, 1, 0, -1, 3, 3));

        assertEquals("convolution: padLeft = -1 must be in [0, kernelWidth = 3): a window inside the padding would "
                + "read only zeros", e.getMessage());
    }

    @Test
    void everyOutputRowMustOverlapTheInput() {
        // rows start at -1, 1, 3, 5: the fourth window starts past the 5 input rows
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Conv2dGeometry(1, 5, 5, 1, 3, 3, 2, 1, 1, 0, 4, 3));

        assertEquals("convolution: outHeight = 4 is too large: its last window starts at 5, past the input "
                + "(inHeight = 5, strideHeight = 2, padTop = 1); at most 3 windows overlap the input", e.getMessage());
    }

    @Test
    void everyOutputColumnMustOverlapTheInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Conv2dGeometry(1, 5, 4, 1, 3, 3, 1, 1, 0, 2, 3, 7));

        assertEquals("convolution: outWidth = 7 is too large: its last window starts at 4, past the input "
                + "(inWidth = 4, strideWidth = 1, padLeft = 2); at most 6 windows overlap the input", e.getMessage());
    }

    @Test
    void sizesMustFitAnInt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Conv2dGeometry(65_536, 256, 256, 1, 1, 1, 1, 1, 0, 0, 256, 256));

        assertEquals("convolution: an input (inChannels x inHeight x inWidth) has 4294967296 floats, more than an "
                + "int counts (2147483647)", e.getMessage());
    }

    @Test
    void ofRejectsAKernelLargerThanThePaddedInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Conv2dGeometry.of(1, 3, 8, 1, 5, 3, 1, 1, 0, 0, 1, 0));

        assertEquals("convolution: kernelHeight = 5 is larger than the padded input (inHeight 3 + padTop 0 + "
                + "padBottom 1 = 4); pad more or use a smaller kernel", e.getMessage());
    }

    @Test
    void ofRejectsPaddingAfterTheInputAsLargeAsTheKernel() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Conv2dGeometry.of(1, 8, 8, 1, 3, 3, 1, 1, 1, 1, 1, 3));

        assertEquals("convolution: padRight = 3 must be in [0, kernelWidth = 3): a window inside the padding would "
                + "read only zeros", e.getMessage());
    }

    private static int index(String field) {
        return switch (field) {
            case "inChannels" -> 0;
            case "inHeight" -> 1;
            case "inWidth" -> 2;
            case "outChannels" -> 3;
            case "kernelHeight" -> 4;
            case "kernelWidth" -> 5;
            case "strideHeight" -> 6;
            case "strideWidth" -> 7;
            case "outHeight" -> 10;
            case "outWidth" -> 11;
            default -> throw new IllegalArgumentException(field);
        };
    }

    private static Conv2dGeometry create(int[] f) {
        return new Conv2dGeometry(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11]);
    }
}
