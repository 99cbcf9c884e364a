package dev.kiln.runtime.interpret;

/**
 * An array and an offset that a {@link Step} reads from or writes to. Most slots are one of the model's
 * buffers, read from index 0, and never change. Two are rewired by the model: the network's input, which
 * each forward pass points at the caller's array and offset, and the network's input gradient, whose
 * array is {@code null} while that gradient is disabled.
 */
final class Slot {

    /** The array; {@code null} for a disabled input gradient. */
    float[] array;

    /** The index of the first value of the first sample. */
    int offset;

    Slot(float[] array) {
        this.array = array;
    }
}
