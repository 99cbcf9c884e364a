package dev.kiln.samples.tour;

import dev.kiln.dsl.Kiln;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.interpret.Interpreter;
import dev.kiln.runtime.ops.Losses;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.optim.Sgd;
import dev.kiln.runtime.train.Evaluation;
import dev.kiln.runtime.train.Trainer;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;

/**
 * Chapter 3: losses. A classifier trained with softmax cross-entropy and with the multiclass hinge (the
 * SVM's loss), and a regression, wine's alcohol content from its other measurements, trained with mean
 * squared and with mean absolute error, each measured in the target's units with the mean bias error
 * beside them.
 */
final class LossesChapter {

    /**
     * What the chapter measured.
     *
     * @param crossEntropyAccuracy the digits test accuracy under softmax cross-entropy
     * @param hingeAccuracy        the same under the multiclass hinge
     * @param mse                  the regression trained with mean squared error
     * @param mae                  the regression trained with mean absolute error
     * @param baselineRmse         the test RMSE of always predicting the training mean
     */
    record Result(double crossEntropyAccuracy, double hingeAccuracy, Regression mse, Regression mae,
                  double baselineRmse) {
    }

    /**
     * A regression's errors on the test set, in the target's units.
     *
     * @param rmse the root mean squared error
     * @param mae  the mean absolute error
     * @param bias the mean bias error: positive when the predictions are too high on average
     */
    record Regression(double rmse, double mae, double bias) {
    }

    private LossesChapter() {
    }

    /** Trains the classifiers on {@code digits} and the regressions on wine, printing both tables. */
    static Result run(Tour tour, TourData.ThreeWay digits) {
        int epochs = tour.epochs(15, 5);
        tour.heading(3, "Losses", "Digits with softmax cross-entropy and with the multiclass hinge (64 -> 32 ReLU"
                + " -> 10, SGD 0.05 with momentum 0.9, " + epochs + " epochs); then wine's alcohol content predicted"
                + " from its 12 other measurements (12 -> 16 tanh -> 1, Adam 0.01) with mean squared and mean absolute"
                + " error.");
        double crossEntropy = classify(digits, Loss.SOFTMAX_CROSS_ENTROPY, epochs);
        double hinge = classify(digits, Loss.MULTICLASS_HINGE, epochs);
        Table classifiers = new Table("loss", "test accuracy");
        classifiers.row("softmax cross-entropy", Table.number(crossEntropy));
        classifiers.row("multiclass hinge", Table.number(hinge));
        tour.out().print(classifiers);
        tour.explain("The hinge stops pushing once the right class leads by a margin of 1; cross-entropy never"
                + " quite stops.");
        tour.println("");

        TourData.Regression wine = TourData.wineAlcohol();
        int regressionEpochs = tour.epochs(80, 30);
        Regression mse = regress(wine, Loss.MSE, regressionEpochs);
        Regression mae = regress(wine, Loss.MAE, regressionEpochs);
        double baseline = baselineRmse(wine);
        Table regressions = new Table("trained with", "test RMSE", "test MAE", "mean bias error");
        regressions.row("MSE", Table.number(mse.rmse()), Table.number(mse.mae()), signed(mse.bias()));
        regressions.row("MAE", Table.number(mae.rmse()), Table.number(mae.mae()), signed(mae.bias()));
        regressions.row("the training mean", Table.number(baseline), "", "");
        tour.printf("alcohol in %% vol on %d test wines, %d epochs:%n", wine.data().test().size(), regressionEpochs);
        tour.out().print(regressions);
        tour.explain("Squared error punishes large misses most and estimates the mean; absolute error estimates the"
                + " median and shrugs off outliers. The mean bias error says whether a model over- or under-predicts"
                + " on average.");
        return new Result(crossEntropy, hinge, mse, mae, baseline);
    }

    /** The test accuracy of the digits network trained with {@code loss}. */
    private static double classify(TourData.ThreeWay digits, Loss loss, int epochs) {
        NetworkSpec spec = Kiln.network("Digits").input(64)
                .dense(32).named("hidden").relu()
                .dense(10).named("out")
                .loss(loss)
                .build();
        Model model = Interpreter.of(spec, Tour.SEED);
        Trainer.of(model).optimizer(new Sgd(0.05f, 0.9f)).batchSize(32).epochs(epochs).seed(Tour.SEED)
                .fit(digits.train(), digits.dev());
        return Evaluation.accuracy(model, digits.test());
    }

    /** The wine regression trained with {@code loss}, measured on the test wines in % vol. */
    private static Regression regress(TourData.Regression wine, Loss loss, int epochs) {
        NetworkSpec spec = Kiln.network("Alcohol").input(12)
                .dense(16).named("hidden").tanh()
                .dense(1).named("out")
                .loss(loss)
                .build();
        Model model = Interpreter.of(spec, Tour.SEED);
        Trainer.of(model).optimizer(new Adam(0.01f)).batchSize(16).epochs(epochs).seed(Tour.SEED)
                .fit(wine.data().train(), wine.data().dev());
        Dataset test = wine.data().test();
        float[] predicted = new float[test.size()];
        float[] actual = new float[test.size()];
        for (int start = 0; start < test.size(); start += model.maxBatch()) {
            int n = Math.min(model.maxBatch(), test.size() - start);
            float[] y = model.forward(test.features(), start * test.featureSize(), n);
            for (int s = 0; s < n; s++) {
                // back to % vol
                predicted[start + s] = (float) (y[s] * wine.targetStd() + wine.targetMean());
                actual[start + s] = (float) (test.targets()[start + s] * wine.targetStd() + wine.targetMean());
            }
        }
        double squares = 0;
        double absolute = 0;
        for (int s = 0; s < test.size(); s++) {
            double error = (double) predicted[s] - actual[s];
            squares += error * error;
            absolute += Math.abs(error);
        }
        return new Regression(Math.sqrt(squares / test.size()), absolute / test.size(),
                Losses.meanBiasError(predicted, 0, actual, 0, test.size()));
    }

    /** The test RMSE of predicting the training targets' mean for every wine. */
    private static double baselineRmse(TourData.Regression wine) {
        Dataset test = wine.data().test();
        double squares = 0;
        for (float t : test.targets()) {
            // the targets are standardized with the training mean: the baseline predicts 0
            double error = t * wine.targetStd();
            squares += error * error;
        }
        return Math.sqrt(squares / test.size());
    }

    /** {@code value} with its sign and four decimals. */
    private static String signed(double value) {
        return String.format(java.util.Locale.ROOT, "%+.4f", value);
    }
}
