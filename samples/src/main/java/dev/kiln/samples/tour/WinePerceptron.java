package dev.kiln.samples.tour;

import dev.kiln.dsl.Dense;
import dev.kiln.dsl.Layer;
import dev.kiln.dsl.Network;
import dev.kiln.dsl.Sigmoid;
import dev.kiln.spec.Loss;

/**
 * A single neuron: 13 wine measurements, one weighted sum, a sigmoid that reads it as the probability of
 * cultivar 0. Trained with binary cross-entropy this is logistic regression, the perceptron with a smooth
 * output. Kiln's processor compiles it into {@link KilnWinePerceptron}.
 */
@Network(input = 13, loss = Loss.BINARY_CROSS_ENTROPY)
class WinePerceptron {
    @Dense(1) @Sigmoid Layer unit;
}
