/**
 * Regularization of training: penalties added to the loss ({@link dev.kiln.runtime.regularize.Regularizer},
 * made by {@link dev.kiln.runtime.regularize.Regularizers}: L1, L2, elastic net) and constraints enforced
 * after each optimizer step ({@link dev.kiln.runtime.regularize.Constraint}, made by
 * {@link dev.kiln.runtime.regularize.Constraints}: max-norm). Both act on weights only unless told
 * otherwise (tensors of two or more dimensions, not biases), on every layer or on layers chosen by name.
 */
package dev.kiln.runtime.regularize;
