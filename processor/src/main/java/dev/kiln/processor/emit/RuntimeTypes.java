package dev.kiln.processor.emit;

import com.palantir.javapoet.ClassName;

/**
 * The runtime types that generated code names. The processor does not depend on the runtime; these
 * names are checked by the tests that compile generated code against it.
 */
final class RuntimeTypes {

    private static final String RUNTIME = "dev.kiln.runtime";

    static final ClassName MODEL = ClassName.get(RUNTIME, "Model");
    static final ClassName PARAMETER = ClassName.get(RUNTIME, "Parameter");
    static final ClassName CHECKS = ClassName.get(RUNTIME, "Checks");
    static final ClassName RNG = ClassName.get(RUNTIME, "Rng");
    static final ClassName MEMORY = ClassName.get(RUNTIME, "Memory");
    static final ClassName MEMORY_SEGMENT = ClassName.get("java.lang.foreign", "MemorySegment");
    static final ClassName BLAS = ClassName.get(RUNTIME + ".blas", "Blas");
    static final ClassName BLASES = ClassName.get(RUNTIME + ".blas", "Blases");
    static final ClassName DENSE_OPS = ClassName.get(RUNTIME + ".ops", "DenseOps");
    static final ClassName DROPOUT_OPS = ClassName.get(RUNTIME + ".ops", "DropoutOps");
    static final ClassName ACTIVATIONS = ClassName.get(RUNTIME + ".ops", "Activations");
    static final ClassName CONV_OPS = ClassName.get(RUNTIME + ".ops", "ConvOps");
    static final ClassName CONV_GEOMETRY = ClassName.get(RUNTIME + ".ops", "Conv2dGeometry");
    static final ClassName POOL_OPS = ClassName.get(RUNTIME + ".ops", "PoolOps");
    static final ClassName POOL_GEOMETRY = ClassName.get(RUNTIME + ".ops", "Pool2dGeometry");
    static final ClassName BATCH_NORM_OPS = ClassName.get(RUNTIME + ".ops", "BatchNormOps");
    static final ClassName RECURRENT_OPS = ClassName.get(RUNTIME + ".ops", "RecurrentOps");
    static final ClassName SEQUENCE_OPS = ClassName.get(RUNTIME + ".ops", "SequenceOps");
    static final ClassName LOSSES = ClassName.get(RUNTIME + ".ops", "Losses");
    static final ClassName INITIALIZERS = ClassName.get(RUNTIME + ".init", "Initializers");

    private RuntimeTypes() {
    }
}
