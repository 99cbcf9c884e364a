/**
 * The kernels generated code calls, one class per op family with each forward beside its backward: the
 * reference that generated networks and the interpreter both trust.
 */
package dev.kiln.runtime.ops;
