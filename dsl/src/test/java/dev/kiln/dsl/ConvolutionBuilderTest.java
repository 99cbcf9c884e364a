package dev.kiln.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.BatchNormSpec;
import dev.kiln.spec.Conv2dSpec;
import dev.kiln.spec.FlattenSpec;
import dev.kiln.spec.Init;
import dev.kiln.spec.InvalidNetworkException;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import dev.kiln.spec.Pool2dSpec;
import dev.kiln.spec.Rule;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Convolution, pooling, flattening and batch norm through the builder. */
class ConvolutionBuilderTest {

    @Test
    void leNetAsAChain() {
        NetworkSpec lenet = Kiln.network("LeNet").input(1, 28, 28)
                .conv2d(6, 5).padding(2).relu()
                .maxPool2d(2)
                .conv2d(16, 5).relu()
                .maxPool2d(2)
                .flatten()
                .dense(120).relu()
                .dense(84).relu()
                .dense(10)
                .loss(Loss.SOFTMAX_CROSS_ENTROPY)
                .build();
        assertEquals(List.of(10), lenet.layerShapes().getLast());
        assertEquals(new Conv2dSpec(6, 5, 5, 1, 1, 2, 2, true, Init.AUTO, 0.01, "LeNet.conv1"), lenet.layers().get(0));
        assertEquals(ActivationSpec.class, lenet.layers().get(1).getClass());
        assertEquals("LeNet.conv1", lenet.layers().get(1).source(), "the activation joins the convolution's block");
        assertEquals(new Pool2dSpec(Pool2dSpec.Kind.MAX, 2, 2, 2, 2, 0, 0, "LeNet.maxPool1"), lenet.layers().get(2));
        assertEquals("LeNet.conv2", lenet.layers().get(3).source());
        assertEquals(new FlattenSpec("LeNet.flatten1"), lenet.layers().get(6));
    }

    @Test
    void windowOptionsApplyToTheLayerBeforeThem() {
        NetworkSpec spec = Kiln.input(3, 9, 9).conv2d(4, 3, 5).stride(2, 1).samePadding().noBias().init(Init.HE_UNIFORM)
                .avgPool2d(3).stride(1).padding(1)
                .build();
        assertEquals(new Conv2dSpec(4, 3, 5, 2, 1, Conv2dSpec.SAME, Conv2dSpec.SAME, false, Init.HE_UNIFORM, 0.01,
                "Network.conv1"), spec.layers().get(0));
        assertEquals(new Pool2dSpec(Pool2dSpec.Kind.AVG, 3, 3, 1, 1, 1, 1, "Network.avgPool1"), spec.layers().get(1));
        assertEquals(List.of(4, 5, 9), spec.layerShapes().getLast());

        BuilderException e = assertThrows(BuilderException.class, () -> Kiln.input(1, 8, 8).conv2d(2, 3).relu().stride(2));
        assertEquals(Rule.BUILDER_ORDER, e.rule());
        assertEquals("[Kiln/BuilderOrder] stride(2) must directly follow conv2d(...), maxPool2d(...) or avgPool2d(...) "
                + "(or another of their options); e.g. Kiln.input(4).dense(16).noBias().relu()", e.getMessage());
    }

    @Test
    void batchNormIsABlockOfItsOwnThatAnActivationJoins() {
        NetworkSpec spec = Kiln.input(1, 8, 8).conv2d(4, 3).padding(1).noBias().batchNorm().relu().named("norm")
                .flatten().dense(3).batchNorm(0.2, 1e-3).build();
        assertEquals(new BatchNormSpec(0.1, 1e-5, "Network.norm"), spec.layers().get(1));
        assertEquals("Network.norm", spec.layers().get(2).source());
        assertEquals(new BatchNormSpec(0.2, 1e-3, "Network.batchNorm2"), spec.layers().get(5));
    }

    @Test
    void aWindowThatDoesNotFitNamesTheCallThatDeclaredIt() {
        InvalidNetworkException e = assertThrows(InvalidNetworkException.class,
                () -> Kiln.input(1, 28, 28).conv2d(6, 5).stride(2).build());
        assertTrue(e.getMessage().startsWith("[Kiln/WindowShape] Network.conv1: Conv2d over 28 rows: (28 - 5 + 2 x 0) "
                + "/ 2 + 1 = 12.5, not a whole number"), e.getMessage());
        assertTrue(e.getMessage().contains("(at stride(2), call 3 of the chain)"), e.getMessage());
        InvalidNetworkException momentum = assertThrows(InvalidNetworkException.class,
                () -> Kiln.input(4).batchNorm(2.0, 1e-5).build());
        assertTrue(momentum.getMessage().endsWith("(at batchNorm(2.0, 1.0E-5), call 2 of the chain)"), momentum.getMessage());
    }
}
