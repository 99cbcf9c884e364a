/**
 * The training loop and what surrounds it: {@link dev.kiln.runtime.train.Trainer} (mini-batches, a
 * validation split or set, schedules, regularizers, constraints, augmentations), its per-epoch record
 * ({@link dev.kiln.runtime.train.EpochStats}, {@link dev.kiln.runtime.train.History}), callbacks
 * ({@link dev.kiln.runtime.train.Callback}: {@link dev.kiln.runtime.train.ProgressBar},
 * {@link dev.kiln.runtime.train.EarlyStopping}, {@link dev.kiln.runtime.train.Checkpoints}), learning curves
 * ({@link dev.kiln.runtime.train.LearningCurves}), a bias and variance reading
 * ({@link dev.kiln.runtime.train.BiasVariance}), and the measures of a model on a data set
 * ({@link dev.kiln.runtime.train.Evaluation}, {@link dev.kiln.runtime.train.ConfusionMatrix},
 * {@link dev.kiln.runtime.train.ClassificationReport}).
 */
package dev.kiln.runtime.train;
