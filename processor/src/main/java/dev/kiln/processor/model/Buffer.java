package dev.kiln.processor.model;

/**
 * A run of floats in the generated class's one allocation: the parameters, their gradients, or a
 * buffer of {@code maxBatch * width} values for the input, the targets, a layer's output or a gradient.
 *
 * @param name    the field name of its slice
 * @param offset  where it starts in the allocation, in floats
 * @param length  its length in floats
 * @param size    its length as the generated code writes it, e.g. {@code MAX_BATCH * 16}
 * @param comment what it holds, for the generated comment
 */
public record Buffer(String name, long offset, long length, String size, String comment) {
}
