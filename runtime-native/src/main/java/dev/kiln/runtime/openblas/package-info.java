/**
 * The {@link dev.kiln.runtime.blas.Blas} backend on OpenBLAS, called through {@code java.lang.foreign}:
 * {@link dev.kiln.runtime.openblas.OpenBlas} (registered for {@link java.util.ServiceLoader}) and the
 * discovery of the library it calls, {@link dev.kiln.runtime.openblas.OpenBlasLibrary}.
 */
package dev.kiln.runtime.openblas;
