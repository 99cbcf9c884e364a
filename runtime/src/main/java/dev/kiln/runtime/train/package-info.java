/** The training loop, its per-epoch measures and listeners, and evaluation of a model on a data set. */
package dev.kiln.runtime.train;
