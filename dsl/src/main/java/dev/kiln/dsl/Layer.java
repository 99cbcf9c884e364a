package dev.kiln.dsl;

/**
 * The type of a layer field in a {@link Network} class. The field only marks the layer's place in the
 * declaration and carries its annotations; it is never assigned, and the generated class holds the
 * layer's parameters.
 */
public final class Layer {
    private Layer() {
    }
}
