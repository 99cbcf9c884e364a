package dev.kiln.samples.tour;

import dev.kiln.dsl.Kiln;
import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.Parameter;
import dev.kiln.runtime.interpret.Interpreter;
import dev.kiln.runtime.optim.Sgd;
import dev.kiln.runtime.train.Evaluation;
import dev.kiln.runtime.train.Trainer;
import dev.kiln.spec.Init;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;

/**
 * Chapter 4: initialization. A network of two sigmoid hidden layers trained from zeros, from small random
 * weights, and with Xavier's and He's scaled draws. From zeros every unit of a layer computes the same
 * thing and receives the same gradient, so the units stay identical however long they train: the layer is
 * one unit repeated.
 */
final class InitializationChapter {

    /** The width of each hidden layer. */
    static final int HIDDEN = 32;

    /** The initializations compared, by their name in the table. */
    static final SequencedMap<String, Init> INITS = inits();

    /**
     * One initialization's outcome.
     *
     * @param devAccuracy   the dev accuracy after training
     * @param distinctUnits how many units of the first hidden layer differ (in their weights and bias), of
     *                      {@link #HIDDEN}
     */
    record Outcome(double devAccuracy, int distinctUnits) {
    }

    /**
     * What the chapter measured.
     *
     * @param outcomes each initialization's outcome, by name, in {@link #INITS}' order
     */
    record Result(SequencedMap<String, Outcome> outcomes) {
    }

    private InitializationChapter() {
    }

    /** Trains the network from each initialization of {@link #INITS} on {@code digits} and prints the table. */
    static Result run(Tour tour, TourData.ThreeWay digits) {
        int epochs = tour.epochs(15, 5);
        tour.heading(4, "Initialization", "64 pixels -> 32 sigmoid -> 32 sigmoid -> 10 digits, every Dense layer"
                + " started the same way; SGD 0.05 with momentum 0.9, batch 32, " + epochs + " epochs.");
        SequencedMap<String, Outcome> outcomes = new LinkedHashMap<>();
        Table table = new Table("initialization", "distinct hidden units", "dev accuracy");
        INITS.forEach((name, init) -> {
            Model model = Interpreter.of(spec(init), Tour.SEED);
            Trainer.of(model).optimizer(new Sgd(0.05f, 0.9f)).batchSize(32).epochs(epochs).seed(Tour.SEED)
                    .fit(digits.train(), digits.dev());
            Outcome outcome = new Outcome(Evaluation.accuracy(model, digits.dev()), distinctUnits(model, "hidden1"));
            outcomes.put(name, outcome);
            table.row(name, outcome.distinctUnits() + " of " + HIDDEN, Table.number(outcome.devAccuracy()));
        });
        tour.out().print(table);
        tour.explain("From zeros the units of a layer stay identical, bit for bit: symmetry is never broken, and the"
                + " network guesses at chance. Tiny random weights break the symmetry but shrink the signal, and its"
                + " gradient, layer after layer. Xavier keeps the variance of a sigmoid or tanh layer's signal about"
                + " constant, He that of a ReLU layer (twice Xavier's variance, for the half a rectifier drops).");
        return new Result(outcomes);
    }

    /** The network with every Dense layer initialized with {@code init}. */
    static NetworkSpec spec(Init init) {
        return Kiln.network("Deep").input(64)
                .dense(HIDDEN).named("hidden1").init(init).sigmoid()
                .dense(HIDDEN).named("hidden2").init(init).sigmoid()
                .dense(10).named("out").init(init)
                .loss(Loss.SOFTMAX_CROSS_ENTROPY)
                .build();
    }

    /**
     * How many units of layer {@code layer} have different incoming weights and bias. Two units count as
     * the same when no value of theirs differs by more than {@link #SAME_UNIT} of the layer's largest
     * value: zero-initialized units stay equal in exact arithmetic, but a native BLAS may round the columns
     * of one product differently (its kernels treat edge columns apart), which leaves differences of a few
     * units in the last place.
     */
    static int distinctUnits(Model model, String layer) {
        Parameter weight = parameter(model, layer + ".weight");
        Parameter bias = parameter(model, layer + ".bias");
        int inputs = weight.shape().get(1);
        int count = weight.shape().get(0);
        float[][] units = new float[count][inputs + 1];
        float largest = 0;
        for (int u = 0; u < count; u++) {
            for (int i = 0; i < inputs; i++) {
                units[u][i] = model.parameters().getAtIndex(Memory.FLOAT, weight.offset() + (long) u * inputs + i);
            }
            units[u][inputs] = model.parameters().getAtIndex(Memory.FLOAT, bias.offset() + u);
            for (float v : units[u]) {
                largest = Math.max(largest, Math.abs(v));
            }
        }
        float tolerance = SAME_UNIT * largest;
        List<float[]> distinct = new ArrayList<>();
        for (float[] unit : units) {
            if (distinct.stream().noneMatch(seen -> within(seen, unit, tolerance))) {
                distinct.add(unit);
            }
        }
        return distinct.size();
    }

    /** The relative difference below which two units count as the same in {@link #distinctUnits}. */
    static final float SAME_UNIT = 1e-4f;

    private static boolean within(float[] a, float[] b, float tolerance) {
        for (int i = 0; i < a.length; i++) {
            if (Math.abs(a[i] - b[i]) > tolerance) {
                return false;
            }
        }
        return true;
    }

    /** The tensor of {@code model} named {@code name}. */
    private static Parameter parameter(Model model, String name) {
        return model.parameterLayout().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(model.spec().name() + " has no tensor " + name));
    }

    /** The initializations, in the table's order. */
    private static SequencedMap<String, Init> inits() {
        SequencedMap<String, Init> inits = new LinkedHashMap<>();
        inits.put("zeros", Init.ZEROS);
        inits.put("uniform +-0.01", Init.UNIFORM);
        inits.put("Xavier uniform", Init.XAVIER_UNIFORM);
        inits.put("He normal", Init.HE_NORMAL);
        return inits;
    }
}
