/**
 * The interpreter: runs any valid {@link dev.kiln.spec.NetworkSpec} with the runtime's kernels, exactly
 * as the class Kiln would generate for it (same parameter layout, same initialization, same kernel calls
 * in the same order). It serves networks built at run time and is the oracle that generated classes are
 * compared against. Start at {@link dev.kiln.runtime.interpret.Interpreter}.
 */
package dev.kiln.runtime.interpret;
