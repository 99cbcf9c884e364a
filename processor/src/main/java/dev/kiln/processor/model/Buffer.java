package dev.kiln.processor.model;

/**
 * A float buffer of the generated class, {@code maxBatch * width} values, allocated once.
 *
 * @param name    the field name
 * @param width   values per sample
 * @param comment what it holds, for the generated comment
 */
public record Buffer(String name, int width, String comment) {
}
