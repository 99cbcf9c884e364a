/** Initial values of parameters, drawn from {@link dev.kiln.spec.Init}'s distributions. */
package dev.kiln.runtime.init;
