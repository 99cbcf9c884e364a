/**
 * Checks of a model's numerics: {@link dev.kiln.runtime.check.GradientCheck} compares back-propagated
 * gradients with central differences of the loss and reports the worst parameters.
 */
package dev.kiln.runtime.check;
