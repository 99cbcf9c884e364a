package dev.kiln.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Shapes and rules of convolution, pooling, flattening and batch norm layers. */
class ConvolutionSpecTest {

    private static Conv2dSpec conv(int filters, int kernel, int stride, int padding) {
        return new Conv2dSpec(filters, kernel, kernel, stride, stride, padding, padding, true, Init.AUTO,
                DenseSpec.DEFAULT_SCALE, "Net.conv");
    }

    private static Pool2dSpec maxPool(int kernel, int stride) {
        return new Pool2dSpec(Pool2dSpec.Kind.MAX, kernel, kernel, stride, stride, 0, 0, "Net.pool");
    }

    private static NetworkSpec image(List<Integer> input, LayerSpec... layers) {
        return new NetworkSpec("Net", input, List.of(layers), Loss.NONE, 8);
    }

    private static List<String> messages(NetworkSpec spec) {
        return spec.validate().stream().map(Problem::message).toList();
    }

    @Test
    void leNetShapesFollowTheWindowArithmetic() {
        NetworkSpec lenet = new NetworkSpec("LeNet", List.of(1, 28, 28), List.of(
                conv(6, 5, 1, 2), ActivationSpec.of(Activation.RELU, "LeNet.conv1"), maxPool(2, 2),
                conv(16, 5, 1, 0), ActivationSpec.of(Activation.RELU, "LeNet.conv2"), maxPool(2, 2),
                new FlattenSpec("LeNet.flat"),
                new DenseSpec(120, true, Init.AUTO, 0.01, "LeNet.fc1"), new DenseSpec(10, true, Init.AUTO, 0.01, "LeNet.out")),
                Loss.SOFTMAX_CROSS_ENTROPY, 128);
        assertEquals(List.of(), lenet.validate());
        assertEquals(List.of(List.of(1, 28, 28), List.of(6, 28, 28), List.of(6, 28, 28), List.of(6, 14, 14),
                List.of(16, 10, 10), List.of(16, 10, 10), List.of(16, 5, 5), List.of(400), List.of(120), List.of(10)),
                lenet.layerShapes());
        assertEquals(List.of(784, 4704, 4704, 1176, 1600, 1600, 400, 400, 120, 10), lenet.layerInputSizes());
        assertEquals("Conv2d(1x28x28 -> 6x28x28, 5x5, pad 2)", lenet.layers().get(0).describe(List.of(1, 28, 28)));
        assertEquals("MaxPool2d(16x10x10 -> 16x5x5, 2x2, stride 2)",
                lenet.layers().get(5).describe(List.of(16, 10, 10)));
        assertEquals("Flatten(16x5x5 -> 400)", lenet.layers().get(6).describe(List.of(16, 5, 5)));
        assertEquals(Init.HE_NORMAL, lenet.initOf(0), "AUTO looks past nothing to the ReLU");
    }

    @Test
    void samePaddingKeepsTheSizeAtStrideOneAndRoundsUpAtLargerStrides() {
        Conv2dSpec same = conv(4, 4, 1, Conv2dSpec.SAME);
        assertEquals(List.of(4, 7, 7), same.outputShape(List.of(3, 7, 7)));
        assertEquals(new Shapes.Extent(7, 1), Shapes.extent(7, 4, 1, Conv2dSpec.SAME), "3 rows of padding: 1 above, 2 below");
        assertEquals(List.of(4, 4, 4), conv(4, 3, 2, Conv2dSpec.SAME).outputShape(List.of(3, 7, 7)));
        assertEquals(List.of(8, 5, 5), conv(8, 1, 1, 0).outputShape(List.of(3, 5, 5)), "1x1 keeps the positions");
        assertEquals(List.of(), image(List.of(3, 7, 7), conv(4, 3, 2, Conv2dSpec.SAME)).validate());
    }

    @Test
    void windowsThatDoNotDivideAreAnErrorThatSuggestsAFix() {
        assertEquals(List.of("[Kiln/WindowShape] Net.conv: Conv2d over 28 rows: (28 - 5 + 2 x 0) / 2 + 1 = 12.5, "
                        + "not a whole number; use stride 1 (gives 24), or Conv2d.SAME padding (gives 14)",
                "[Kiln/WindowShape] Net.conv: Conv2d over 28 columns: (28 - 5 + 2 x 0) / 2 + 1 = 12.5, not a whole number; "
                        + "use stride 1 (gives 24), or Conv2d.SAME padding (gives 14)"),
                messages(image(List.of(1, 28, 28), conv(6, 5, 2, 0))));
        List<String> tooSmall = messages(image(List.of(1, 3, 3), conv(6, 5, 1, 0)));
        assertEquals("[Kiln/WindowShape] Net.conv: Conv2d over 3 rows: (3 - 5 + 2 x 0) / 1 + 1 = -1, so no window fits; "
                + "use padding 1 (gives 1), or a kernel of at most 3, or Conv2d.SAME padding (gives 3)", tooSmall.getFirst());
        List<String> pool = messages(image(List.of(6, 5, 5), maxPool(2, 2)));
        assertEquals("[Kiln/WindowShape] Net.pool: MaxPool2d over 5 rows: (5 - 2 + 2 x 0) / 2 + 1 = 2.5, not a whole "
                + "number; use stride 1 (gives 4), or Conv2d.SAME padding (gives 3)", pool.getFirst());
    }

    @Test
    void aWindowFixSuggestsTheNearestPaddingsAboveAndBelow() {
        // at stride 2 a padding never changes the parity of N - F + 2P, so only a stride or SAME can fix it
        assertEquals(List.of(), messages(image(List.of(1, 9, 9), conv(2, 3, 2, 1))));
        String stride3 = messages(image(List.of(1, 12, 12), conv(2, 3, 3, 2))).getFirst();
        assertTrue(stride3.contains("(12 - 3 + 2 x 2) / 3 + 1 = 5.333, not a whole number; use padding 0 (gives 4), "
                + "or padding 3 (gives 6), or stride 1 (gives 14), or Conv2d.SAME padding (gives 4)"), stride3);
    }

    @Test
    void layersCheckTheRankOfWhatTheyReceive() {
        assertEquals(List.of("[Kiln/NeedsImage] Net.conv: Conv2d works on images [channels, height, width], but its "
                        + "input is 784 features; declare the network's input as an image, e.g. @Network(input = {1, 28, "
                        + "28}) or Kiln.input(1, 28, 28), and keep convolutions and pooling before any Flatten or Dense layer"),
                messages(image(List.of(784), conv(6, 5, 1, 0))));
        assertEquals(List.of("[Kiln/NeedsFlat] Net.d: Dense takes a flat input, but its input is the image 6x24x24; "
                        + "flatten it first, e.g. a field `@Flatten Layer flat;` before it, or .flatten()"),
                messages(image(List.of(1, 28, 28), conv(6, 5, 1, 0), new DenseSpec(10, true, Init.AUTO, 0.01, "Net.d"))));
        assertEquals(List.of(Rule.NEEDS_IMAGE), image(List.of(1, 8, 8), new FlattenSpec("Net.f"), maxPool(2, 2))
                .validate().stream().map(Problem::rule).toList());
        assertEquals(List.of(Rule.NEEDS_FLAT), image(List.of(1, 8, 8), new MaxoutSpec(2, "Net.m"))
                .validate().stream().map(Problem::rule).toList());
        assertEquals(List.of(Rule.NEEDS_FLAT), image(List.of(1, 8, 8), new PReluSpec("Net.p"))
                .validate().stream().map(Problem::rule).toList());
        assertEquals(List.of(), image(List.of(1, 8, 8), ActivationSpec.of(Activation.RELU, "Net.r"),
                new DropoutSpec(0.5, "Net.d"), new BatchNormSpec(0.1, 1e-5, "Net.n"), new FlattenSpec("Net.f"),
                new BatchNormSpec(0.1, 1e-5, "Net.n2"), new DenseSpec(2, true, Init.AUTO, 0.01, "Net.o")).validate(),
                "element-wise layers and batch norm take images and features");
    }

    @Test
    void windowParametersMustBeInRange() {
        NetworkSpec bad = image(List.of(1, 8, 8), new Conv2dSpec(0, 3, -1, 0, 1, -2, 0, true, Init.AUTO, 0.01, "Net.c"));
        assertEquals(List.of("[Kiln/WindowParameter] Net.c: the Conv2d filters must be positive, got 0; e.g. "
                        + "@Conv2d(filters = 6, kernel = 5) or .conv2d(6, 5)",
                "[Kiln/WindowParameter] Net.c: the Conv2d kernel width must be positive, got -1; e.g. kernel = 5 or "
                        + "kernel = {3, 5}",
                "[Kiln/WindowParameter] Net.c: the Conv2d stride down must be positive, got 0; e.g. stride = 2",
                "[Kiln/WindowParameter] Net.c: the Conv2d padding (rows) must be 0 or more, or Conv2d.SAME (-1), got -2; "
                        + "e.g. padding = 2"), messages(bad));
        assertEquals(List.of("[Kiln/WindowParameter] Net.pool: the MaxPool2d padding (rows) must be at most half the "
                        + "kernel (1), or a window could hold only padding, got 2; e.g. padding = 1",
                "[Kiln/WindowParameter] Net.pool: the MaxPool2d padding (columns) must be at most half the kernel (1), or "
                        + "a window could hold only padding, got 2; e.g. padding = 1"),
                messages(image(List.of(1, 8, 8), new Pool2dSpec(Pool2dSpec.Kind.MAX, 3, 3, 1, 1, 2, 2, "Net.pool"))));
    }

    @Test
    void batchNormParametersAndItsField() {
        assertEquals(List.of("[Kiln/BatchNormParameter] Net.n: batch norm momentum must be in (0, 1], got 0.0; e.g. 0.1",
                "[Kiln/BatchNormParameter] Net.n: batch norm epsilon must be finite and positive, got NaN; e.g. 1e-5"),
                messages(image(List.of(4), new BatchNormSpec(0, Double.NaN, "Net.n"))));
        String shared = messages(image(List.of(1, 8, 8), conv(2, 3, 1, 1).withSource("Net.c"),
                new BatchNormSpec(0.1, 1e-5, "Net.c"))).getFirst();
        assertTrue(shared.startsWith("[Kiln/ParameterField] Net.c: batch norm learns parameters named c.weight and "
                + "c.bias, but the Conv2d layer declared with it already has a weight of that name"), shared);
    }

    @Test
    void parametersOfConvolutionsAndBatchNormCountTowardsTheArrayLimit() {
        NetworkSpec huge = image(List.of(1, 8, 8), new Conv2dSpec(60_000, 200, 200, 1, 1, Conv2dSpec.SAME,
                Conv2dSpec.SAME, true, Init.AUTO, 0.01, "Net.c"));
        assertEquals(List.of(Rule.TOO_LARGE), huge.validate().stream().map(Problem::rule).toList());
    }
}
