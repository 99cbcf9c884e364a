package dev.kiln.samples.tour;

import dev.kiln.dsl.Kiln;
import dev.kiln.dsl.NetworkBuilder;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.interpret.Interpreter;
import dev.kiln.runtime.optim.Sgd;
import dev.kiln.runtime.train.Evaluation;
import dev.kiln.runtime.train.History;
import dev.kiln.runtime.train.Trainer;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;
import java.util.function.UnaryOperator;

/**
 * Chapter 2: activation functions. The same digits network, 64 pixels, 32 hidden features, 10 digits,
 * trained the same way with each activation of its hidden layer; the networks are built with the builder
 * and run by the interpreter, as one does while experimenting.
 */
final class ActivationsChapter {

    /** The hidden layer's width, in features (maxout's Dense layer has twice as many pieces). */
    static final int HIDDEN = 32;

    /**
     * One variant of the hidden layer.
     *
     * @param name       its name in the table
     * @param denseUnits the hidden Dense layer's units
     * @param activation adds the activation to a builder right after {@code dense(denseUnits)}
     */
    record HiddenLayer(String name, int denseUnits, UnaryOperator<NetworkBuilder> activation) {
    }

    /** Every activation of the table, in its order. */
    static final List<HiddenLayer> HIDDEN_LAYERS = List.of(
            new HiddenLayer("sigmoid", HIDDEN, NetworkBuilder::sigmoid),
            new HiddenLayer("tanh", HIDDEN, NetworkBuilder::tanh),
            new HiddenLayer("ReLU", HIDDEN, NetworkBuilder::relu),
            new HiddenLayer("leaky ReLU 0.01", HIDDEN, b -> b.leakyRelu(0.01)),
            new HiddenLayer("ELU 1.0", HIDDEN, b -> b.elu(1.0)),
            new HiddenLayer("PReLU", HIDDEN, NetworkBuilder::prelu),
            // maxout keeps the larger of each 2 consecutive outputs: twice the units for the same width
            new HiddenLayer("maxout of 2", 2 * HIDDEN, b -> b.maxout(2)));

    /**
     * What the chapter measured.
     *
     * @param devAccuracy each activation's dev accuracy, by name, in {@link #HIDDEN_LAYERS}' order
     * @param trainLoss   each activation's training loss in its last epoch
     */
    record Result(SequencedMap<String, Double> devAccuracy, SequencedMap<String, Double> trainLoss) {
    }

    private ActivationsChapter() {
    }

    /** Trains the network with each hidden layer of {@link #HIDDEN_LAYERS} on {@code digits} and prints the table. */
    static Result run(Tour tour, TourData.ThreeWay digits) {
        int epochs = tour.epochs(15, 5);
        tour.heading(2, "Activation functions", "The same network (64 pixels -> 32 hidden features -> 10 digits)"
                + " trained with each activation of its hidden layer: SGD 0.05 with momentum 0.9, batch 32, " + epochs
                + " epochs, the same initial seed.");
        SequencedMap<String, Double> dev = new LinkedHashMap<>();
        SequencedMap<String, Double> loss = new LinkedHashMap<>();
        Table table = new Table("hidden layer", "train loss", "dev accuracy");
        for (HiddenLayer hidden : HIDDEN_LAYERS) {
            Model model = Interpreter.of(spec(hidden), Tour.SEED);
            History history = Trainer.of(model).optimizer(new Sgd(0.05f, 0.9f)).batchSize(32).epochs(epochs)
                    .seed(Tour.SEED).fit(digits.train(), digits.dev());
            double accuracy = Evaluation.accuracy(model, digits.dev());
            dev.put(hidden.name(), accuracy);
            loss.put(hidden.name(), history.last().loss());
            table.row(hidden.name(), Table.number(history.last().loss()), Table.number(accuracy));
        }
        tour.out().print(table);
        tour.explain("Sigmoid learns slowest: its slope is at most 1/4 and its outputs are not centred on 0."
                + " The rectifiers pass gradients through unchanged where they are active; PReLU learns its negative"
                + " slopes, and maxout takes the larger of two linear pieces per feature (64 Dense outputs for 32"
                + " features).");
        return new Result(dev, loss);
    }

    /** The digits network with {@code hidden} as its hidden layer. */
    static NetworkSpec spec(HiddenLayer hidden) {
        return hidden.activation().apply(Kiln.network("Digits").input(64).dense(hidden.denseUnits()).named("hidden"))
                .dense(10).named("out")
                .loss(Loss.SOFTMAX_CROSS_ENTROPY)
                .build();
    }
}
