/**
 * Matrix products: the {@link dev.kiln.runtime.blas.Blas} interface, its always-present pure-Java
 * implementation, and the process-wide choice of backend ({@link dev.kiln.runtime.blas.Blases}).
 */
package dev.kiln.runtime.blas;
