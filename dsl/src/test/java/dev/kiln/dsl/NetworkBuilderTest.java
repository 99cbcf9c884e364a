package dev.kiln.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
import dev.kiln.spec.Rule;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fluent builder: the specs it builds, how it names layers, and the errors it gives. */
class NetworkBuilderTest {

    @Test
    void buildsTheSameSpecAsTheAnnotatedIrisClass() {
        NetworkSpec built = Kiln.network("Iris").input(4)
                .dense(16).named("hidden").relu()
                .dense(3).named("out")
                .loss(Loss.SOFTMAX_CROSS_ENTROPY)
                .build();
        NetworkSpec annotated = new NetworkSpec("Iris", List.of(4), List.of(
                new DenseSpec(16, true, Init.AUTO, 0.01, "Iris.hidden"),
                new ActivationSpec(Activation.RELU, 0.0, "Iris.hidden"),
                new DenseSpec(3, true, Init.AUTO, 0.01, "Iris.out")),
                Loss.SOFTMAX_CROSS_ENTROPY, 128);
        assertEquals(annotated, built);
    }

    @Test
    void unnamedBlocksAreNumberedByKind() {
        NetworkSpec spec = Kiln.input(8)
                .dense(16).relu()
                .tanh()
                .dense(4).noBias().init(Init.NORMAL, 0.05)
                .sigmoid()
                .build();
        assertEquals(NetworkBuilder.DEFAULT_NAME, spec.name());
        assertEquals(List.of(
                new DenseSpec(16, true, Init.AUTO, 0.01, "Network.dense1"),
                new ActivationSpec(Activation.RELU, 0.0, "Network.dense1"),
                new ActivationSpec(Activation.TANH, 0.0, "Network.tanh1"),
                new DenseSpec(4, false, Init.NORMAL, 0.05, "Network.dense2"),
                new ActivationSpec(Activation.SIGMOID, 0.0, "Network.dense2")), spec.layers());
    }

    @Test
    void everyActivationAndItsParameter() {
        NetworkSpec spec = Kiln.input(2)
                .identity().sigmoid().tanh().relu().leakyRelu().leakyRelu(0.2).elu().elu(0.5)
                .activation(Activation.LEAKY_RELU).activation(Activation.ELU, 2)
                .dense(3).softmax()
                .build();
        List<String> described = spec.layers().stream().map(l -> l.describe(2)).toList();
        assertEquals(List.of("Identity(2)", "Sigmoid(2)", "Tanh(2)", "ReLU(2)", "LeakyReLU(2, alpha=0.01)",
                "LeakyReLU(2, alpha=0.2)", "ELU(2, alpha=1.0)", "ELU(2, alpha=0.5)", "LeakyReLU(2, alpha=0.01)",
                "ELU(2, alpha=2.0)", "Dense(2 -> 3)", "Softmax(2)"), described);
        assertEquals("Network.leakyRelu3", spec.layers().get(8).source());
        assertEquals("Network.dense1", spec.layers().get(11).source());
    }

    @Test
    void aBuilderIsNeverChangedByLaterCalls() {
        NetworkBuilder base = Kiln.input(4).dense(8).relu();
        NetworkSpec a = base.dense(2).loss(Loss.MSE).build();
        NetworkSpec b = base.dense(3).softmax().loss(Loss.SOFTMAX_CROSS_ENTROPY).maxBatch(32).build();
        assertEquals(3, a.layers().size());
        assertEquals(Loss.MSE, a.loss());
        assertEquals(4, b.layers().size());
        assertEquals(32, b.maxBatch());
        assertEquals(2, base.build().layers().size());
        assertEquals(Loss.NONE, base.build().loss());
    }

    @Test
    void specRulesNameTheCallBehindEachProblem() {
        InvalidNetworkException e = assertThrows(InvalidNetworkException.class, () -> Kiln.input(4)
                .dense(16).relu()
                .dense(0)
                .leakyRelu(1.5)
                .build());
        assertEquals(List.of(Rule.UNITS, Rule.ACTIVATION_PARAMETER), e.problems().stream().map(p -> p.rule()).toList());
        assertEquals("""
                [Kiln/Units] Network.dense2: Dense units must be positive, got 0; give the number of output \
                features, e.g. @Dense(16) or .dense(16) (at dense(0), call 4 of the chain)
                [Kiln/ActivationParameter] Network.dense2: leaky ReLU alpha must be finite and in [0, 1), got 1.5; \
                e.g. alpha = 0.01 (at leakyRelu(1.5), call 5 of the chain)""", e.getMessage());
    }

    @Test
    void networkAttributesPointAtTheirCalls() {
        InvalidNetworkException e = assertThrows(InvalidNetworkException.class,
                () -> Kiln.network("Net").input(4).dense(3).relu().loss(Loss.SOFTMAX_CROSS_ENTROPY).maxBatch(0).build());
        assertEquals(2, e.problems().size());
        String[] lines = e.getMessage().split("\n");
        assertEquals("(at maxBatch(0), call 6 of the chain)", lines[0].substring(lines[0].indexOf("(at ")));
        assertEquals("(at loss(Loss.SOFTMAX_CROSS_ENTROPY), call 5 of the chain)",
                lines[1].substring(lines[1].indexOf("(at ")));
    }

    @Test
    void aMissingInputPointsAtTheStartOfTheChain() {
        InvalidNetworkException e = assertThrows(InvalidNetworkException.class,
                () -> Kiln.network("Net").dense(3).build());
        assertEquals("[Kiln/NoInput] network Net declares no input shape; give the number of input features, "
                + "e.g. @Network(input = 4) or Kiln.input(4) (at Kiln.network(\"Net\"), call 1 of the chain)", e.getMessage());
    }

    @Test
    void aDenseOptionMustFollowItsDenseLayer() {
        BuilderException e = assertThrows(BuilderException.class, () -> Kiln.input(4).dense(8).relu().noBias());
        assertEquals(Rule.BUILDER_ORDER, e.rule());
        assertEquals("[Kiln/BuilderOrder] noBias() must directly follow dense(...) or conv2d(...) (or another of "
                + "their options, before the activation); e.g. Kiln.input(4).dense(16).noBias().relu()", e.getMessage());
        assertThrows(BuilderException.class, () -> Kiln.input(4).init(Init.ZEROS));
    }

    @Test
    void theInputShapeIsGivenOnce() {
        BuilderException e = assertThrows(BuilderException.class, () -> Kiln.input(4).input(5));
        assertEquals("[Kiln/InputRepeated] input(5): the input shape was already given as [4]; give it once",
                e.getMessage());
    }

    @Test
    void namesMustBeIdentifiersAndUnique() {
        BuilderException bad = assertThrows(BuilderException.class, () -> Kiln.input(4).dense(3).named("2nd"));
        assertEquals("[Kiln/LayerName] named(\"2nd\"): layer name \"2nd\" is not a Java identifier; "
                + "use a Java identifier such as \"hidden\"", bad.getMessage());
        assertEquals(0, bad.argument());
        assertThrows(BuilderException.class, () -> Kiln.input(4).dense(3).named("class"));
        assertThrows(BuilderException.class, () -> Kiln.input(4).named("first"));

        BuilderException taken = assertThrows(BuilderException.class,
                () -> Kiln.input(4).dense(3).named("dense2").dense(2).build());
        assertEquals("[Kiln/LayerName] dense(2): layer name \"dense2\" is already the name of block 1 of the "
                + "chain; use a Java identifier such as \"hidden\"", taken.getMessage());
    }

    @Test
    void callsAreRecordedAsWritten() {
        NetworkBuilder b = Kiln.network("N").input(1, 28, 28).dense(5).init(Init.UNIFORM, 0.5).named("x")
                .activation(Activation.ELU, 0.5).loss(Loss.MSE);
        assertEquals(List.of("Kiln.network(\"N\")", "input(1, 28, 28)", "dense(5)", "init(Init.UNIFORM, 0.5)",
                "named(\"x\")", "activation(Activation.ELU, 0.5)", "loss(Loss.MSE)"), b.calls());
    }

    @Test
    void preluIsABlockOfItsOwnAndMaxoutJoinsItsDenseBlock() {
        NetworkSpec spec = Kiln.input(4)
                .dense(12).maxout(3)
                .prelu()
                .maxout(2)
                .dense(2).prelu().named("slopes")
                .build();
        assertEquals(List.of(
                new DenseSpec(12, true, Init.AUTO, 0.01, "Network.dense1"),
                new MaxoutSpec(3, "Network.dense1"),
                new PReluSpec("Network.prelu1"),
                new MaxoutSpec(2, "Network.maxout1"),
                new DenseSpec(2, true, Init.AUTO, 0.01, "Network.dense2"),
                new PReluSpec("Network.slopes")), spec.layers());
        assertEquals(List.of(4, 12, 4, 4, 2, 2, 2), spec.layerInputSizes());
    }

    @Test
    void theAnnotatedFormOfPReluAndMaxout() {
        NetworkSpec built = Kiln.network("Net").input(4)
                .dense(8).named("hidden").maxout(2)
                .prelu().named("slopes")
                .dense(1).named("out")
                .loss(Loss.MAE)
                .build();
        NetworkSpec annotated = new NetworkSpec("Net", List.of(4), List.of(
                new DenseSpec(8, true, Init.AUTO, 0.01, "Net.hidden"),
                new MaxoutSpec(2, "Net.hidden"),
                new PReluSpec("Net.slopes"),
                new DenseSpec(1, true, Init.AUTO, 0.01, "Net.out")), Loss.MAE, 128);
        assertEquals(annotated, built);
    }

    @Test
    void headsMakeTheLossMultiTask() {
        NetworkSpec spec = Kiln.input(4).dense(4)
                .head(3, Loss.SOFTMAX_CROSS_ENTROPY)
                .head(1, Loss.MSE, 0.5)
                .build();
        assertEquals(Loss.MULTI_TASK, spec.loss());
        assertEquals(List.of(new HeadSpec(3, Loss.SOFTMAX_CROSS_ENTROPY, 1.0), new HeadSpec(1, Loss.MSE, 0.5)),
                spec.heads());
        InvalidNetworkException both = assertThrows(InvalidNetworkException.class,
                () -> Kiln.input(4).dense(4).loss(Loss.MSE).head(4, Loss.MSE).build());
        assertEquals(Rule.HEADS_WITH_LOSS, both.problems().getFirst().rule());
        assertEquals("(at loss(Loss.MSE), call 3 of the chain)",
                both.getMessage().substring(both.getMessage().indexOf("(at ")));
    }

    @Test
    void aHeadProblemNamesItsHeadCall() {
        InvalidNetworkException e = assertThrows(InvalidNetworkException.class, () -> Kiln.input(4).dense(4)
                .head(3, Loss.SOFTMAX_CROSS_ENTROPY)
                .head(1, Loss.MSE, -0.5)
                .build());
        assertEquals(List.of(Rule.HEAD_WEIGHT), e.problems().stream().map(p -> p.rule()).toList());
        assertEquals("[Kiln/HeadWeight] network Network, head 2: weight must be finite and positive, got -0.5; "
                + "e.g. weight = 1.0 or .head(3, Loss.MSE, 1.0) (at head(1, Loss.MSE, -0.5), call 4 of the chain)",
                e.getMessage());
        NetworkBuilder wide = Kiln.input(4).dense(4).head(3, Loss.MSE).head(2, Loss.MAE);
        NetworkBuilder.Call call = wide.callOf(wide.unchecked().validate().getFirst());
        assertEquals(new NetworkBuilder.Call(3, "head(2, Loss.MAE)", NetworkBuilder.Call.WHOLE_CALL), call);
        NetworkBuilder lossless = Kiln.input(4).dense(4).head(3, Loss.MSE).head(1, Loss.NONE, 2.0);
        assertEquals(new NetworkBuilder.Call(3, "head(1, Loss.NONE, 2.0)", 1),
                lossless.callOf(lossless.unchecked().validate().getFirst()));
        NetworkBuilder weightless = Kiln.input(4).dense(4).head(4, Loss.MSE, Double.NaN);
        assertEquals(2, weightless.callOf(weightless.unchecked().validate().getFirst()).argument());
    }

    @Test
    void theMarginComesWithTheLoss() {
        NetworkSpec spec = Kiln.input(4).dense(2).loss(Loss.CONTRASTIVE, 2.5).build();
        assertEquals(2.5, spec.margin());
        assertEquals(NetworkSpec.DEFAULT_MARGIN, Kiln.input(4).dense(2).loss(Loss.CONTRASTIVE, 2.5)
                .loss(Loss.CONTRASTIVE).build().margin(), "loss(Loss) is the default margin");
        NetworkBuilder bad = Kiln.input(4).dense(2).loss(Loss.CONTRASTIVE, -1);
        InvalidNetworkException e = assertThrows(InvalidNetworkException.class, bad::build);
        assertEquals(Rule.MARGIN, e.problems().getFirst().rule());
        assertEquals(new NetworkBuilder.Call(2, "loss(Loss.CONTRASTIVE, -1.0)", 1),
                bad.callOf(e.problems().getFirst()));
    }

    @Test
    void aMaxoutProblemPointsAtItsPieces() {
        NetworkBuilder b = Kiln.input(4).dense(5).maxout(2);
        InvalidNetworkException e = assertThrows(InvalidNetworkException.class, b::build);
        assertEquals(Rule.MAXOUT_WIDTH, e.problems().getFirst().rule());
        assertEquals(new NetworkBuilder.Call(2, "maxout(2)", 0), b.callOf(e.problems().getFirst()));
    }

    @Test
    void dropoutJoinsTheCurrentBlockAndEndsIt() {
        NetworkBuilder b = Kiln.input(4)
                .dropout(0.2)
                .dropout(0.1)
                .dense(8).relu().dropout(0.5)
                .relu()
                .prelu().dropout(0.25).named("slopes")
                .dense(2);
        assertEquals(List.of(
                new DropoutSpec(0.2, "Network.dropout1"),
                new DropoutSpec(0.1, "Network.dropout2"),
                new DenseSpec(8, true, Init.AUTO, 0.01, "Network.dense1"),
                ActivationSpec.of(Activation.RELU, "Network.dense1"),
                new DropoutSpec(0.5, "Network.dense1"),
                ActivationSpec.of(Activation.RELU, "Network.relu1"),
                new PReluSpec("Network.slopes"),
                new DropoutSpec(0.25, "Network.slopes"),
                new DenseSpec(2, true, Init.AUTO, 0.01, "Network.dense2")), b.build().layers());
        assertEquals("dropout(0.5)", b.calls().get(5));
    }

    @Test
    void aDropoutProblemPointsAtItsRate() {
        NetworkBuilder b = Kiln.input(4).dense(5).dropout(1.5).dense(1);
        InvalidNetworkException e = assertThrows(InvalidNetworkException.class, b::build);
        assertEquals(List.of(Rule.DROPOUT_RATE), e.problems().stream().map(p -> p.rule()).toList());
        assertEquals(new NetworkBuilder.Call(2, "dropout(1.5)", 0), b.callOf(e.problems().getFirst()));
        NetworkBuilder last = Kiln.input(4).dense(5).dropout(0.5);
        InvalidNetworkException atEnd = assertThrows(InvalidNetworkException.class, last::build);
        assertEquals(new NetworkBuilder.Call(2, "dropout(0.5)", NetworkBuilder.Call.WHOLE_CALL),
                last.callOf(atEnd.problems().getFirst()));
    }

    @Test
    void newCallsAreRecordedAsWritten() {
        NetworkBuilder b = Kiln.input(4).dense(6).maxout(3).prelu().dense(2).head(1, Loss.HINGE)
                .head(1, Loss.MAE, 0.5).loss(Loss.CONTRASTIVE, 2.0);
        assertEquals(List.of("Kiln.input(4)", "dense(6)", "maxout(3)", "prelu()", "dense(2)", "head(1, Loss.HINGE)",
                "head(1, Loss.MAE, 0.5)", "loss(Loss.CONTRASTIVE, 2.0)"), b.calls());
    }
}
