/** Optimizers: update rules that move parameters against their gradients. */
package dev.kiln.runtime.optim;
