package dev.kiln.samples.iris;

import dev.kiln.dsl.Compile;
import dev.kiln.dsl.Kiln;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;

/**
 * The {@link Iris} network written with the fluent builder. The spec is an ordinary value: the demo
 * runs it through the interpreter as it is, and {@code @Compile} also has Kiln's processor read the
 * chain and generate {@link KilnIrisChain}, the same code as {@link KilnIris}.
 */
final class IrisChains {

    private IrisChains() {
    }

    /** 4 measurements, a hidden layer of 16 ReLU units, 3 species. */
    @Compile
    static final NetworkSpec IRIS_CHAIN = Kiln.network("Iris").input(4)
            .dense(16).named("hidden").relu()
            .dense(3).named("out")
            .loss(Loss.SOFTMAX_CROSS_ENTROPY)
            .build();
}
