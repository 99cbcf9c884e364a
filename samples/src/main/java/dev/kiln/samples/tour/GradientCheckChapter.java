package dev.kiln.samples.tour;

import dev.kiln.dsl.Kiln;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.check.GradientCheck;
import dev.kiln.runtime.check.GradientCheckReport;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.interpret.Interpreter;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;

/**
 * Chapter 7: gradient checking. Back-propagation computes every gradient in one backward pass; central
 * differences {@code (L(w + h) - L(w - h)) / 2h} compute each one slowly but independently. They must
 * agree: on the Iris MLP as initialized (generated code; a trained network's gradients are too small to
 * tell much) and on an interpreted network with ELU, PReLU and maxout.
 */
final class GradientCheckChapter {

    /** The samples in each checked batch. */
    static final int BATCH = 8;

    /** An interpreted network with the less common layers: ELU, PReLU, maxout. */
    static final NetworkSpec MIXED = Kiln.network("Mixed").input(13)
            .dense(12).named("hidden").elu()
            .prelu().named("slopes")
            .dense(8).named("pieces").maxout(2)
            .dense(3).named("out")
            .loss(Loss.SOFTMAX_CROSS_ENTROPY)
            .build();

    /**
     * What the chapter measured.
     *
     * @param generated the check of the Iris MLP, generated code, as initialized
     * @param mixed     the check of {@link #MIXED}, interpreted
     */
    record Result(GradientCheckReport generated, GradientCheckReport mixed) {
    }

    private GradientCheckChapter() {
    }

    /** Checks the Iris MLP on {@code iris}'s training data and {@link #MIXED} on wine, printing both reports. */
    static Result run(Tour tour, TourData.ThreeWay iris) {
        tour.heading(7, "Gradient checking", "Every back-propagated gradient against a central difference of the"
                + " loss, on " + BATCH + " samples: the Iris MLP as initialized (generated code), then an interpreted"
                + " 13 -> 12 ELU -> PReLU -> maxout(8 / 2) -> 3 network on wine.");
        GradientCheckReport generated = check(new KilnIrisMlp(Tour.SEED), iris.train());
        tour.out().print(generated);
        tour.println("");
        TourData.ThreeWay wine = TourData.wine();
        GradientCheckReport mixed = check(Interpreter.of(MIXED, Tour.SEED), wine.train());
        tour.println(mixed.summary());
        tour.explain("A check that fails names the parameter; a ReLU or maxout kink within h of a value can fail"
                + " one entry without a bug, and a second batch tells the two apart.");
        return new Result(generated, mixed);
    }

    /** Checks {@code model} on the first {@link #BATCH} samples of {@code data}. */
    private static GradientCheckReport check(Model model, Dataset data) {
        return GradientCheck.of(model).seed(Tour.SEED).run(data.features(), data.targets(), BATCH);
    }
}
