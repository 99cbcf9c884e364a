package dev.kiln.samples.digits;

import dev.kiln.dsl.BatchNorm;
import dev.kiln.dsl.Conv2d;
import dev.kiln.dsl.Dense;
import dev.kiln.dsl.Flatten;
import dev.kiln.dsl.Layer;
import dev.kiln.dsl.MaxPool2d;
import dev.kiln.dsl.Network;
import dev.kiln.dsl.Relu;
import dev.kiln.spec.Loss;

/**
 * A small convolutional network for the 8x8 handwritten digits: a 3x3 convolution with "same" padding
 * (8 channels) followed by batch norm and ReLU, 2x2 max pooling to 8x4x4, a 1x1 convolution that mixes
 * the channels into 16, ReLU, a second pooling to 16x2x2, and a Dense layer from the 64 flattened
 * features to the 10 digits. Kiln compiles it into {@link KilnDigitsCnn}.
 */
@Network(input = {1, 8, 8}, loss = Loss.SOFTMAX_CROSS_ENTROPY, maxBatch = 64)
class DigitsCnn {
    @Conv2d(filters = 8, kernel = 3, padding = Conv2d.SAME, bias = false) Layer conv;   // 8x8x8
    @BatchNorm @Relu Layer convNorm;
    @MaxPool2d(2) Layer pool1;                                                          // 8x4x4
    @Conv2d(filters = 16, kernel = 1) @Relu Layer mix;                                  // 16x4x4
    @MaxPool2d(2) Layer pool2;                                                          // 16x2x2
    @Flatten Layer flat;                                                                // 64
    @Dense(10) Layer out;
}
