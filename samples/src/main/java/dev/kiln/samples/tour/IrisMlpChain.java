package dev.kiln.samples.tour;

import dev.kiln.dsl.Compile;
import dev.kiln.dsl.Kiln;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;

/**
 * {@link IrisMlp} written with the fluent builder: an ordinary value the interpreter runs as it is, and,
 * through {@code @Compile}, the class {@link KilnIrisMlpChain} that Kiln's processor generates from the
 * chain.
 */
final class IrisMlpChain {

    private IrisMlpChain() {
    }

    /** 4 measurements, 8 tanh units, 3 species: the same spec as {@link IrisMlp}. */
    @Compile
    static final NetworkSpec IRIS_MLP_CHAIN = Kiln.network("IrisMlp").input(4)
            .dense(8).named("hidden").tanh()
            .dense(3).named("out")
            .loss(Loss.SOFTMAX_CROSS_ENTROPY)
            .build();
}
