package dev.kiln.runtime.interpret;

import dev.kiln.spec.Activation;
import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.DropoutSpec;
import dev.kiln.spec.HeadSpec;
import dev.kiln.spec.Init;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.Loss;
import dev.kiln.spec.MaxoutSpec;
import dev.kiln.spec.NetworkSpec;
import dev.kiln.spec.PReluSpec;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;

/**
 * The networks the interpreter's tests run, built from the IR records as a declaration would give them,
 * and the random data they run on. Together they cover every activation (leaky ReLU and ELU with a
 * given and a default alpha), Dense layers with and without bias, every initialization, and every loss:
 * none, squared error, binary cross-entropy on a sigmoid and on logits, softmax cross-entropy on a softmax
 * and on logits, absolute error, mean bias error, hinge, multiclass hinge, contrastive pairs, and
 * multi-task heads; with the last activation absorbed by the loss or not, and activations first; PReLU
 * (after a Dense layer and first) and maxout (on a Dense layer and alone, first too); dropout on the input,
 * after an activation, twice in a row, after a PReLU and before a maxout.
 */
final class Networks {

    private Networks() {
    }

    /** Softmax cross-entropy on logits from a Dense layer; sigmoid, tanh, ReLU; a layer without bias. */
    static final NetworkSpec LOGITS = spec("Logits", 5, Loss.SOFTMAX_CROSS_ENTROPY, 4,
            dense(4, Init.XAVIER_NORMAL, "Logits.a"), activation(Activation.SIGMOID, "Logits.a"),
            dense(3, Init.HE_UNIFORM, "Logits.b"), activation(Activation.TANH, "Logits.b"),
            new DenseSpec(4, false, Init.UNIFORM, 0.1, "Logits.c"), activation(Activation.RELU, "Logits.c"),
            dense(3, Init.AUTO, "Logits.out"));

    /** Softmax cross-entropy on logits from an explicit identity activation. */
    static final NetworkSpec IDENTITY_LOGITS = spec("IdentityLogits", 3, Loss.SOFTMAX_CROSS_ENTROPY, 4,
            dense(4, Init.NORMAL, "IdentityLogits.a"), activation(Activation.TANH, "IdentityLogits.a"),
            dense(3, Init.ZEROS, "IdentityLogits.out"), activation(Activation.IDENTITY, "IdentityLogits.out"));

    /** A softmax absorbed by softmax cross-entropy; leaky ReLU and ELU with given alphas. */
    static final NetworkSpec FUSED_SOFTMAX = spec("FusedSoftmax", 4, Loss.SOFTMAX_CROSS_ENTROPY, 4,
            dense(6, Init.AUTO, "FusedSoftmax.a"), new ActivationSpec(Activation.LEAKY_RELU, 0.1, "FusedSoftmax.a"),
            dense(5, Init.HE_NORMAL, "FusedSoftmax.b"), new ActivationSpec(Activation.ELU, 0.7, "FusedSoftmax.b"),
            new DenseSpec(3, false, Init.XAVIER_UNIFORM, 0.01, "FusedSoftmax.out"),
            activation(Activation.SOFTMAX, "FusedSoftmax.out"));

    /** A sigmoid absorbed by binary cross-entropy, after an identity activation. */
    static final NetworkSpec FUSED_SIGMOID = spec("FusedSigmoid", 3, Loss.BINARY_CROSS_ENTROPY, 4,
            dense(4, Init.AUTO, "FusedSigmoid.a"), activation(Activation.IDENTITY, "FusedSigmoid.a"),
            dense(2, Init.AUTO, "FusedSigmoid.out"), activation(Activation.SIGMOID, "FusedSigmoid.out"));

    /** Binary cross-entropy on logits from a Dense layer without bias. */
    static final NetworkSpec BINARY_LOGITS = spec("BinaryLogits", 3, Loss.BINARY_CROSS_ENTROPY, 4,
            dense(5, Init.AUTO, "BinaryLogits.a"), activation(Activation.TANH, "BinaryLogits.a"),
            new DenseSpec(2, false, Init.AUTO, 0.01, "BinaryLogits.out"));

    /** Binary cross-entropy on logits from an explicit identity activation. */
    static final NetworkSpec BINARY_IDENTITY = spec("BinaryIdentity", 3, Loss.BINARY_CROSS_ENTROPY, 4,
            dense(3, Init.AUTO, "BinaryIdentity.a"), activation(Activation.RELU, "BinaryIdentity.a"),
            dense(2, Init.AUTO, "BinaryIdentity.out"), activation(Activation.IDENTITY, "BinaryIdentity.out"));

    /** An activation first: its backward pass writes the input gradient; a fused sigmoid last. */
    static final NetworkSpec SIGMOID_FIRST = spec("SigmoidFirst", 2, Loss.BINARY_CROSS_ENTROPY, 4,
            activation(Activation.SIGMOID, "SigmoidFirst.squash"),
            dense(1, Init.AUTO, "SigmoidFirst.out"), activation(Activation.SIGMOID, "SigmoidFirst.out"));

    /** Squared error through ELU (default alpha) and a sigmoid that squared error does not absorb. */
    static final NetworkSpec REGRESSION = spec("Regression", 4, Loss.MSE, 4,
            dense(5, Init.AUTO, "Regression.a"), activation(Activation.ELU, "Regression.a"),
            dense(2, Init.AUTO, "Regression.out"), activation(Activation.SIGMOID, "Regression.out"));

    /** Squared error after a leaky ReLU (default alpha) that comes first, and a ReLU last. */
    static final NetworkSpec LEAKY_FIRST = spec("LeakyFirst", 3, Loss.MSE, 4,
            activation(Activation.LEAKY_RELU, "LeakyFirst.leak"),
            new DenseSpec(4, false, Init.AUTO, 0.01, "LeakyFirst.a"), activation(Activation.RELU, "LeakyFirst.a"),
            dense(2, Init.AUTO, "LeakyFirst.out"));

    /** A lone softmax absorbed by its loss: the loss writes the input gradient itself. */
    static final NetworkSpec SOFTMAX_ONLY = spec("SoftmaxOnly", 3, Loss.SOFTMAX_CROSS_ENTROPY, 4,
            activation(Activation.SOFTMAX, "SoftmaxOnly.p"));

    /** Forward only, ending in a softmax that no loss absorbs. */
    static final NetworkSpec INFERENCE = spec("Inference", 3, Loss.NONE, 4,
            dense(4, Init.AUTO, "Inference.a"), new ActivationSpec(Activation.LEAKY_RELU, 0.2, "Inference.a"),
            dense(3, Init.AUTO, "Inference.out"), activation(Activation.SOFTMAX, "Inference.out"));

    /** Absolute error through a PReLU of its own after a Dense layer. */
    static final NetworkSpec ABSOLUTE_PRELU = spec("AbsolutePRelu", 3, Loss.MAE, 4,
            dense(5, Init.AUTO, "AbsolutePRelu.a"), new PReluSpec("AbsolutePRelu.slopes"),
            dense(2, Init.AUTO, "AbsolutePRelu.out"));

    /** Mean bias error through a maxout of 3 pieces on a Dense layer, and tanh last. */
    static final NetworkSpec MEAN_BIAS = spec("MeanBias", 4, Loss.MEAN_BIAS_ERROR, 4,
            dense(6, Init.AUTO, "MeanBias.a"), new MaxoutSpec(3, "MeanBias.a"),
            dense(2, Init.AUTO, "MeanBias.out"), activation(Activation.TANH, "MeanBias.out"));

    /** Binary hinge loss on scores. */
    static final NetworkSpec HINGE = spec("Hinge", 3, Loss.HINGE, 4,
            dense(4, Init.AUTO, "Hinge.a"), activation(Activation.TANH, "Hinge.a"),
            dense(2, Init.AUTO, "Hinge.out"));

    /** Multiclass hinge loss on scores, after a maxout of 2 pieces. */
    static final NetworkSpec MULTICLASS_HINGE = spec("MulticlassHinge", 4, Loss.MULTICLASS_HINGE, 4,
            dense(6, Init.AUTO, "MulticlassHinge.a"), new MaxoutSpec(2, "MulticlassHinge.a"),
            dense(3, Init.AUTO, "MulticlassHinge.out"));

    /** Contrastive loss over pairs of rows, with a margin of its own. */
    static final NetworkSpec CONTRASTIVE = new NetworkSpec("Contrastive", List.of(3), List.of(
            dense(4, Init.AUTO, "Contrastive.a"), activation(Activation.ELU, "Contrastive.a"),
            dense(3, Init.AUTO, "Contrastive.embedding")), Loss.CONTRASTIVE, 4, 1.5, List.of());

    /** Three heads: softmax cross-entropy on logits, squared error and hinge, each weighted. */
    static final NetworkSpec MULTI_TASK = new NetworkSpec("MultiTask", List.of(4), List.of(
            dense(5, Init.AUTO, "MultiTask.a"), activation(Activation.RELU, "MultiTask.a"),
            dense(6, Init.AUTO, "MultiTask.out")), Loss.MULTI_TASK, 4, 1.0, List.of(
            new HeadSpec(3, Loss.SOFTMAX_CROSS_ENTROPY), new HeadSpec(1, Loss.MSE, 0.5),
            new HeadSpec(2, Loss.HINGE, 0.25)));

    /**
     * Five heads, one of them contrastive (so batches are even): a PReLU first, then a maxout of its own,
     * then the heads' Dense layer.
     */
    static final NetworkSpec MULTI_TASK_PAIRS = new NetworkSpec("MultiTaskPairs", List.of(8), List.of(
            new PReluSpec("MultiTaskPairs.slopes"), new MaxoutSpec(2, "MultiTaskPairs.pool"),
            dense(7, Init.AUTO, "MultiTaskPairs.out")), Loss.MULTI_TASK, 4, 0.75, List.of(
            new HeadSpec(2, Loss.CONTRASTIVE), new HeadSpec(1, Loss.BINARY_CROSS_ENTROPY, 2.0),
            new HeadSpec(1, Loss.MAE, 0.5), new HeadSpec(1, Loss.MEAN_BIAS_ERROR, 0.125),
            new HeadSpec(2, Loss.MULTICLASS_HINGE, 1.5)));

    /** A maxout first: its backward pass writes the input gradient. */
    static final NetworkSpec MAXOUT_FIRST = spec("MaxoutFirst", 6, Loss.MSE, 4,
            new MaxoutSpec(3, "MaxoutFirst.pool"), dense(2, Init.AUTO, "MaxoutFirst.out"));

    /**
     * Dropout on the input, after a ReLU and then again at rate 0, before a softmax that softmax
     * cross-entropy absorbs.
     */
    static final NetworkSpec DROPOUT = spec("Dropout", 5, Loss.SOFTMAX_CROSS_ENTROPY, 4,
            new DropoutSpec(0.2, "Dropout.drop"), dense(6, Init.AUTO, "Dropout.a"),
            activation(Activation.RELU, "Dropout.a"), new DropoutSpec(0.5, "Dropout.a"),
            new DropoutSpec(0.0, "Dropout.none"), dense(3, Init.AUTO, "Dropout.out"),
            activation(Activation.SOFTMAX, "Dropout.out"));

    /** Dropout after a PReLU and before a maxout, under squared error. */
    static final NetworkSpec DROPOUT_PRELU = spec("DropoutPRelu", 3, Loss.MSE, 4,
            dense(6, Init.AUTO, "DropoutPRelu.a"), new PReluSpec("DropoutPRelu.slopes"),
            new DropoutSpec(0.3, "DropoutPRelu.slopes"), new MaxoutSpec(2, "DropoutPRelu.pool"),
            dense(2, Init.AUTO, "DropoutPRelu.out"));

    /** The network of the Iris demo, as the annotation processor reads it. */
    static final NetworkSpec IRIS = spec("Iris", 4, Loss.SOFTMAX_CROSS_ENTROPY, 128,
            dense(16, Init.AUTO, "Iris.hidden"), activation(Activation.RELU, "Iris.hidden"),
            dense(3, Init.AUTO, "Iris.out"));

    /** Every network that declares a loss. */
    static Stream<Named<NetworkSpec>> trainable() {
        return Stream.of(LOGITS, IDENTITY_LOGITS, FUSED_SOFTMAX, FUSED_SIGMOID, BINARY_LOGITS, BINARY_IDENTITY,
                SIGMOID_FIRST, REGRESSION, LEAKY_FIRST, SOFTMAX_ONLY, ABSOLUTE_PRELU, MEAN_BIAS, HINGE,
                MULTICLASS_HINGE, CONTRASTIVE, MULTI_TASK, MULTI_TASK_PAIRS, MAXOUT_FIRST, DROPOUT, DROPOUT_PRELU)
                .map(spec -> Named.of(spec.name(), spec));
    }

    /** The networks with dropout layers. */
    static Stream<Named<NetworkSpec>> withDropout() {
        return Stream.of(DROPOUT, DROPOUT_PRELU).map(spec -> Named.of(spec.name(), spec));
    }

    static NetworkSpec spec(String name, int input, Loss loss, int maxBatch, LayerSpec... layers) {
        return new NetworkSpec(name, List.of(input), List.of(layers), loss, maxBatch);
    }

    static DenseSpec dense(int units, Init init, String source) {
        return new DenseSpec(units, true, init, DenseSpec.DEFAULT_SCALE, source);
    }

    static ActivationSpec activation(Activation function, String source) {
        return ActivationSpec.of(function, source);
    }

    /** {@code n} values uniform in {@code (-bound, bound)}. */
    static float[] uniform(Random random, int n, double bound) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (bound * (2 * random.nextDouble() - 1));
        }
        return v;
    }

    /** {@code count} values of {@code v} from {@code offset}, widened to double. */
    static double[] toDouble(float[] v, int offset, int count) {
        double[] d = new double[count];
        for (int i = 0; i < count; i++) {
            d[i] = v[offset + i];
        }
        return d;
    }
}
