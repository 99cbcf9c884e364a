package dev.kiln.samples.tour;

import dev.kiln.dsl.Kiln;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.interpret.Interpreter;
import dev.kiln.runtime.optim.Adadelta;
import dev.kiln.runtime.optim.Adagrad;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.optim.AdamW;
import dev.kiln.runtime.optim.LearningRateSchedule;
import dev.kiln.runtime.optim.Optimizer;
import dev.kiln.runtime.optim.RmsProp;
import dev.kiln.runtime.optim.Sgd;
import dev.kiln.runtime.train.Evaluation;
import dev.kiln.runtime.train.History;
import dev.kiln.runtime.train.Trainer;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.SequencedMap;
import java.util.function.Supplier;

/**
 * Chapter 5: optimizers. The same network and data, from the same initial weights, trained by each of
 * Kiln's optimizers at a learning rate that suits it; then SGD with momentum at a rate too large to settle
 * at, with and without a learning-rate schedule that halves the rate every few epochs.
 */
final class OptimizersChapter {

    /** The network every optimizer trains: 64 pixels, 32 ReLU units, 10 digits. */
    static final NetworkSpec NETWORK = Kiln.network("Digits").input(64)
            .dense(32).named("hidden").relu()
            .dense(10).named("out")
            .loss(Loss.SOFTMAX_CROSS_ENTROPY)
            .build();

    /** The initial learning rate of the schedule's example: too large to settle at, for SGD with momentum. */
    static final float SCHEDULED_RATE = 0.2f;

    /** Each optimizer, by its name in the table, made anew for each run. */
    static final SequencedMap<String, Supplier<Optimizer>> OPTIMIZERS = optimizers();

    /**
     * One optimizer's outcome.
     *
     * @param firstLoss   the training loss of the first epoch
     * @param finalLoss   the training loss of the last epoch
     * @param devAccuracy the dev accuracy after training
     */
    record Outcome(double firstLoss, double finalLoss, double devAccuracy) {
    }

    /**
     * What the chapter measured.
     *
     * @param outcomes  each optimizer's outcome, by name, in {@link #OPTIMIZERS}' order
     * @param constant  SGD with momentum at the constant rate {@link #SCHEDULED_RATE}
     * @param scheduled the same with the rate halved every few epochs
     * @param rates     the scheduled run's learning rate in each epoch
     */
    record Result(SequencedMap<String, Outcome> outcomes, Outcome constant, Outcome scheduled, double[] rates) {
    }

    private OptimizersChapter() {
    }

    /** Trains {@link #NETWORK} on {@code digits} with each optimizer, then with and without the schedule. */
    static Result run(Tour tour, TourData.ThreeWay digits) {
        int epochs = tour.epochs(10, 4);
        tour.heading(5, "Optimizers", "64 -> 32 ReLU -> 10 on digits from the same initial weights, batch 32, "
                + epochs + " epochs, with each optimizer at a learning rate that suits it (the adaptive ones take"
                + " smaller rates).");
        SequencedMap<String, Outcome> outcomes = new LinkedHashMap<>();
        Table table = new Table("optimizer", "first epoch loss", "last epoch loss", "dev accuracy");
        OPTIMIZERS.forEach((name, optimizer) -> {
            Outcome outcome = train(digits, optimizer.get(), null, epochs).outcome();
            outcomes.put(name, outcome);
            table.row(name, Table.number(outcome.firstLoss()), Table.number(outcome.finalLoss()),
                    Table.number(outcome.devAccuracy()));
        });
        tour.out().print(table);
        tour.explain("Momentum, Nesterov's look-ahead and the adaptive methods (a rate per parameter, from the"
                + " gradients' magnitudes) all leave plain SGD behind at equal epochs.");
        tour.println("");

        int scheduleEpochs = tour.epochs(12, 4);
        int every = scheduleEpochs / 4;
        LearningRateSchedule schedule = LearningRateSchedule.stepDecay(SCHEDULED_RATE, 0.5, every);
        Outcome constant = train(digits, new Sgd(SCHEDULED_RATE, 0.9f), null, scheduleEpochs).outcome();
        Run scheduled = train(digits, new Sgd(SCHEDULED_RATE, 0.9f), schedule, scheduleEpochs);
        Outcome decayed = scheduled.outcome();
        double[] rates = scheduled.history().values("learning_rate");
        tour.printf("SGD with momentum 0.9 at %s, %d epochs: constant, and halved every %d epochs"
                + " (stepDecay(%s, 0.5, %d)):%n", SCHEDULED_RATE, scheduleEpochs, every, SCHEDULED_RATE, every);
        Table schedules = new Table("learning rate", "last epoch loss", "dev accuracy");
        schedules.row("constant " + SCHEDULED_RATE, Table.number(constant.finalLoss()),
                Table.number(constant.devAccuracy()));
        schedules.row("step decay", Table.number(decayed.finalLoss()), Table.number(decayed.devAccuracy()));
        tour.out().print(schedules);
        StringBuilder line = new StringBuilder("the rates of the step decay's epochs:");
        for (double rate : rates) {
            line.append(String.format(Locale.ROOT, " %.3g", rate));
        }
        tour.explain(line.toString());
        tour.explain("At a constant " + SCHEDULED_RATE + " the steps stay too large to settle; halving the rate lets"
                + " the weights come to rest in a minimum after the large early steps have made the fast progress.");
        return new Result(outcomes, constant, decayed, rates);
    }

    /** A training run's outcome and its history. */
    private record Run(Outcome outcome, History history) {
    }

    /** Trains {@link #NETWORK} from {@link Tour#SEED} with {@code optimizer}, and {@code schedule} unless null. */
    private static Run train(TourData.ThreeWay digits, Optimizer optimizer, LearningRateSchedule schedule,
                             int epochs) {
        Model model = Interpreter.of(NETWORK, Tour.SEED);
        Trainer trainer = Trainer.of(model).optimizer(optimizer).batchSize(32).epochs(epochs).seed(Tour.SEED);
        if (schedule != null) {
            trainer.schedulePerEpoch(schedule);
        }
        History history = trainer.fit(digits.train(), digits.dev());
        return new Run(new Outcome(history.epochs().getFirst().loss(), history.last().loss(),
                Evaluation.accuracy(model, digits.dev())), history);
    }

    /** The optimizers, in the table's order, each with its learning rate. */
    private static SequencedMap<String, Supplier<Optimizer>> optimizers() {
        SequencedMap<String, Supplier<Optimizer>> optimizers = new LinkedHashMap<>();
        optimizers.put("SGD 0.05", () -> new Sgd(0.05f));
        optimizers.put("SGD 0.05, momentum 0.9", () -> new Sgd(0.05f, 0.9f));
        optimizers.put("Nesterov 0.05, momentum 0.9", () -> Sgd.nesterov(0.05f, 0.9f));
        optimizers.put("Adagrad 0.1", () -> new Adagrad(0.1f));
        optimizers.put("Adadelta 1.0", () -> new Adadelta(1.0f));
        optimizers.put("RMSProp 0.005", () -> new RmsProp(0.005f));
        optimizers.put("Adam 0.01", () -> new Adam(0.01f));
        optimizers.put("AdamW 0.01, decay 0.01", () -> new AdamW(0.01f, 0.01f));
        return optimizers;
    }
}
