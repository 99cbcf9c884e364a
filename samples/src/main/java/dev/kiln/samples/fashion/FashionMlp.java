package dev.kiln.samples.fashion;

import dev.kiln.dsl.Dense;
import dev.kiln.dsl.Layer;
import dev.kiln.dsl.Network;
import dev.kiln.dsl.Relu;
import dev.kiln.spec.Init;
import dev.kiln.spec.Loss;

/**
 * The multilayer perceptron of benchmark workload W1 for Fashion-MNIST: 784 pixels in, two hidden ReLU
 * layers of 256 and 128 units, 10 class logits out, trained with softmax cross-entropy. Every weight
 * starts He normal, {@code N(0, 2 / fan_in)}, as W1 prescribes (the last layer says so explicitly:
 * {@link Init#AUTO} would pick Xavier before a layer that is not a rectifier). Kiln's processor compiles
 * this declaration into {@link KilnFashionMlp}.
 */
@Network(input = FashionMnist.IMAGE_SIZE, loss = Loss.SOFTMAX_CROSS_ENTROPY, maxBatch = 128)
class FashionMlp {
    @Dense(value = 256, init = Init.HE_NORMAL) @Relu Layer hidden1;
    @Dense(value = 128, init = Init.HE_NORMAL) @Relu Layer hidden2;
    @Dense(value = 10, init = Init.HE_NORMAL) Layer out;
}
