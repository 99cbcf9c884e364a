package dev.kiln.samples.tour;

import dev.kiln.dsl.Dense;
import dev.kiln.dsl.Layer;
import dev.kiln.dsl.Network;
import dev.kiln.dsl.Tanh;
import dev.kiln.spec.Loss;

/**
 * A multilayer perceptron for Iris: 4 measurements, 8 tanh units, 3 species. Kiln's processor compiles
 * it into {@link KilnIrisMlp}; {@link IrisMlpChain#IRIS_MLP_CHAIN} declares the same network with the
 * builder.
 */
@Network(input = 4, loss = Loss.SOFTMAX_CROSS_ENTROPY)
class IrisMlp {
    @Dense(8) @Tanh Layer hidden;
    @Dense(3) Layer out;
}
