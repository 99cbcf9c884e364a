package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.runtime.Model;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.optim.Sgd;
import dev.kiln.spec.Loss;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@link Callback}s are told, in which order, what the context holds, and stopping. */
class TrainerCallbackTest {

    /** Ten samples in batches of 4: three steps per epoch (4, 4, 2). */
    private static final Dataset DATA = TrainingStepAllocationTest.threeClasses(10);

    @Test
    void callbacksAndListenersAreToldInTheOrderGiven() {
        List<String> heard = new ArrayList<>();

        Trainer.of(model()).optimizer(new Sgd(0.1f)).batchSize(4).epochs(2)
                .callback(new Recorder("a", heard))
                .listener(stats -> heard.add("listener " + stats.epoch()))
                .callback(new Recorder("b", heard))
                .fit(DATA);

        assertEquals(List.of("a train begin", "b train begin",
                "a epoch 1 begin", "b epoch 1 begin",
                "a batch 1/3", "b batch 1/3", "a batch 2/3", "b batch 2/3", "a batch 3/3", "b batch 3/3",
                "a epoch 1 end", "listener 1", "b epoch 1 end",
                "a epoch 2 begin", "b epoch 2 begin",
                "a batch 1/3", "b batch 1/3", "a batch 2/3", "b batch 2/3", "a batch 3/3", "b batch 3/3",
                "a epoch 2 end", "listener 2", "b epoch 2 end",
                "a train end", "b train end"), heard);
    }

    @Test
    void theContextHoldsTheRunningMeasures() {
        Model model = model();
        List<String> seen = new ArrayList<>();
        Sgd sgd = new Sgd(0.1f);

        History history = Trainer.of(model).optimizer(sgd).batchSize(4).epochs(1).callback(new Callback() {
            @Override
            public void onBatchEnd(TrainingContext context) {
                assertSame(model, context.model());
                assertSame(sgd, context.optimizer());
                seen.add(context.step() + "/" + context.steps() + " " + context.samples() + " of "
                        + context.trainingSize());
            }

            @Override
            public void onEpochEnd(TrainingContext context) {
                // after the last batch the running measures are the epoch's
                assertEquals(context.logs().loss(), context.loss(), 1e-12);
                assertEquals(context.logs().accuracy(), context.accuracy());
                assertEquals(List.of(context.logs()), context.finishedEpochs());
            }
        }).fit(DATA);

        assertEquals(List.of("1/3 4 of 10", "2/3 8 of 10", "3/3 10 of 10"), seen);
        assertEquals(1, history.epochs().size());
    }

    @Test
    void aStopAskedAfterABatchEndsTheEpochThereAndItIsMeasuredOverWhatRan() {
        List<String> heard = new ArrayList<>();
        Callback stopper = new Callback() {
            @Override
            public void onBatchEnd(TrainingContext context) {
                if (context.epoch() == 2 && context.step() == 2) {
                    context.requestStop("enough");
                }
            }

            @Override
            public void onEpochEnd(TrainingContext context) {
                heard.add("epoch " + context.epoch() + ": " + context.samples() + " samples, loss "
                        + (context.logs().loss() == context.loss()));
            }

            @Override
            public void onTrainEnd(TrainingContext context) {
                heard.add("end: " + context.stopReason());
            }
        };

        History history = Trainer.of(model()).optimizer(new Sgd(0.1f)).batchSize(4).epochs(5).callback(stopper)
                .fit(DATA);

        assertEquals(2, history.epochs().size());
        assertEquals(List.of("epoch 1: 10 samples, loss true", "epoch 2: 8 samples, loss true", "end: enough"), heard);
    }

    @Test
    void aStopAskedAfterAnEpochEndsTheRun() {
        List<String> reasons = new ArrayList<>();

        History history = Trainer.of(model()).optimizer(new Sgd(0.1f)).batchSize(4).epochs(5)
                .callback(new Callback() {
                    @Override
                    public void onEpochEnd(TrainingContext context) {
                        if (context.epoch() == 3) {
                            context.requestStop("three is enough");
                            context.requestStop("the first reason is kept");
                        }
                    }

                    @Override
                    public void onTrainEnd(TrainingContext context) {
                        reasons.add(context.stopReason());
                    }
                }).fit(DATA);

        assertEquals(3, history.epochs().size());
        assertEquals(3, history.last().epoch());
        assertEquals(List.of("three is enough"), reasons);
    }

    @Test
    void logsBeforeTheFirstEpochEndsAreAnError() {
        Trainer trainer = Trainer.of(model()).optimizer(new Sgd(0.1f)).callback(new Callback() {
            @Override
            public void onEpochBegin(TrainingContext context) {
                context.logs();
            }
        });

        assertEquals("no epoch has finished yet: logs() are there from onEpochEnd on",
                assertThrows(IllegalStateException.class, () -> trainer.fit(DATA)).getMessage());
    }

    private static Model model() {
        Model model = TinyMlp.of(4, 3, 3, Loss.SOFTMAX_CROSS_ENTROPY, 4);
        model.initialize(2);
        return model;
    }

    /** Records each call as "{name} {what}". */
    private record Recorder(String name, List<String> heard) implements Callback {

        @Override
        public void onTrainBegin(TrainingContext context) {
            heard.add(name + " train begin");
        }

        @Override
        public void onEpochBegin(TrainingContext context) {
            heard.add(name + " epoch " + context.epoch() + " begin");
        }

        @Override
        public void onBatchEnd(TrainingContext context) {
            heard.add(name + " batch " + context.step() + "/" + context.steps());
        }

        @Override
        public void onEpochEnd(TrainingContext context) {
            heard.add(name + " epoch " + context.logs().epoch() + " end");
        }

        @Override
        public void onTrainEnd(TrainingContext context) {
            heard.add(name + " train end");
        }
    }
}
