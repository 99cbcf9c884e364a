package dev.kiln.samples.iris;

import dev.kiln.dsl.Dense;
import dev.kiln.dsl.Layer;
import dev.kiln.dsl.Network;
import dev.kiln.dsl.Relu;
import dev.kiln.spec.Loss;

/**
 * A classifier for Fisher's Iris: 4 measurements in, one of 3 species out. Kiln's processor compiles
 * this declaration into {@link KilnIris}.
 */
@Network(input = 4, loss = Loss.SOFTMAX_CROSS_ENTROPY)
class Iris {
    @Dense(16) @Relu Layer hidden;
    @Dense(3) Layer out;
}
