/**
 * Optimizers, the update rules that move parameters against their gradients ({@link
 * dev.kiln.runtime.optim.Sgd}, {@link dev.kiln.runtime.optim.Adam}, {@link dev.kiln.runtime.optim.AdamW},
 * {@link dev.kiln.runtime.optim.Adagrad}, {@link dev.kiln.runtime.optim.Adadelta},
 * {@link dev.kiln.runtime.optim.RmsProp}, each PyTorch's optimizer of the same name), their state for
 * checkpoints, and learning-rate schedules ({@link dev.kiln.runtime.optim.LearningRateSchedule}).
 */
package dev.kiln.runtime.optim;
