package dev.kiln.runtime.interpret;

import dev.kiln.spec.Activation;
import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.Init;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;

/**
 * The networks the interpreter's tests run, built from the IR records as a declaration would give them,
 * and the random data they run on. Together they cover every activation (leaky ReLU and ELU with a
 * given and a default alpha), Dense layers with and without bias, every initialization, and every loss:
 * none, squared error, binary cross-entropy on a sigmoid and on logits, softmax cross-entropy on a softmax
 * and on logits; with the last activation absorbed by the loss or not, and activations first.
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

    /** The network of the Iris demo, as the annotation processor reads it. */
    static final NetworkSpec IRIS = spec("Iris", 4, Loss.SOFTMAX_CROSS_ENTROPY, 128,
            dense(16, Init.AUTO, "Iris.hidden"), activation(Activation.RELU, "Iris.hidden"),
            dense(3, Init.AUTO, "Iris.out"));

    /** Every network that declares a loss. */
    static Stream<Named<NetworkSpec>> trainable() {
        return Stream.of(LOGITS, IDENTITY_LOGITS, FUSED_SOFTMAX, FUSED_SIGMOID, BINARY_LOGITS, BINARY_IDENTITY,
                SIGMOID_FIRST, REGRESSION, LEAKY_FIRST, SOFTMAX_ONLY).map(spec -> Named.of(spec.name(), spec));
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
