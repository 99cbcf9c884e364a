package dev.kiln.samples.fashion;

import dev.kiln.dsl.Conv2d;
import dev.kiln.dsl.Dense;
import dev.kiln.dsl.Flatten;
import dev.kiln.dsl.Layer;
import dev.kiln.dsl.MaxPool2d;
import dev.kiln.dsl.Network;
import dev.kiln.dsl.Relu;
import dev.kiln.spec.Init;
import dev.kiln.spec.Loss;

/**
 * LeNet-5 as benchmark workload W2 defines it, for Fashion-MNIST's 1x28x28 images: two 5x5 convolutions
 * (6 and 16 channels, the first padded by 2 so the image keeps its size) each followed by ReLU and 2x2 max
 * pooling, then Dense layers of 120, 84 and 10 units on the 16x5x5 = 400 flattened features. Every weight
 * starts He normal, {@code N(0, 2 / fan_in)} with {@code fan_in = channels x 5 x 5} for a convolution, as
 * W2 prescribes. Kiln's processor compiles this declaration into {@link KilnLeNet}.
 */
@Network(input = {1, 28, 28}, loss = Loss.SOFTMAX_CROSS_ENTROPY, maxBatch = 128)
class LeNet {
    @Conv2d(filters = 6, kernel = 5, padding = 2, init = Init.HE_NORMAL) @Relu Layer conv1;   // 6x28x28
    @MaxPool2d(2) Layer pool1;                                                                   // 6x14x14
    @Conv2d(filters = 16, kernel = 5, init = Init.HE_NORMAL) @Relu Layer conv2;                 // 16x10x10
    @MaxPool2d(2) Layer pool2;                                                                   // 16x5x5
    @Flatten Layer flat;                                                                         // 400
    @Dense(value = 120, init = Init.HE_NORMAL) @Relu Layer fc1;
    @Dense(value = 84, init = Init.HE_NORMAL) @Relu Layer fc2;
    @Dense(value = 10, init = Init.HE_NORMAL) Layer out;
}
