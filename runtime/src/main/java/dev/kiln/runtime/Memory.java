package dev.kiln.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * The memory models live in: off-heap segments of native-order floats, addressed by element offsets.
 * A model allocates one segment for all it holds (parameters, gradients, activations, their gradients),
 * so that native kernels read and write it in place, without copies; the segment belongs to an
 * automatic arena and is freed when the model is no longer reachable.
 */
public final class Memory {

    /** The layout of every value: a float in the platform's byte order. */
    public static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    /** Segments start on a 64-byte boundary, a cache line and the widest vector. */
    public static final long ALIGNMENT = 64;

    private Memory() {
    }

    /**
     * A zeroed segment of {@code floats} floats, freed by the garbage collector once unreachable.
     *
     * @throws IllegalArgumentException if {@code floats} is negative
     */
    public static MemorySegment allocate(long floats) {
        if (floats < 0) {
            throw new IllegalArgumentException("cannot allocate " + floats + " floats");
        }
        return Arena.ofAuto().allocate(Math.max(1, floats) * Float.BYTES, ALIGNMENT).asSlice(0, floats * Float.BYTES);
    }

    /** The {@code count} floats of {@code segment} from element {@code offset}, as a segment of their own. */
    public static MemorySegment slice(MemorySegment segment, long offset, long count) {
        return segment.asSlice(offset * Float.BYTES, count * Float.BYTES);
    }

    /** The number of whole floats a segment holds. */
    public static long floats(MemorySegment segment) {
        return segment.byteSize() / Float.BYTES;
    }

    /** {@code count} floats of {@code source} from {@code sourceOffset} into {@code target} at element {@code targetOffset}. */
    public static void copy(float[] source, int sourceOffset, MemorySegment target, long targetOffset, int count) {
        MemorySegment.copy(source, sourceOffset, target, FLOAT, targetOffset * Float.BYTES, count);
    }

    /** {@code count} floats of {@code source} from element {@code sourceOffset} into {@code target} at {@code targetOffset}. */
    public static void copy(MemorySegment source, long sourceOffset, float[] target, int targetOffset, int count) {
        MemorySegment.copy(source, FLOAT, sourceOffset * Float.BYTES, target, targetOffset, count);
    }

    /** {@code count} floats within or between segments, element offsets; overlapping ranges are handled. */
    public static void copy(MemorySegment source, long sourceOffset, MemorySegment target, long targetOffset,
                            long count) {
        MemorySegment.copy(source, sourceOffset * Float.BYTES, target, targetOffset * Float.BYTES,
                count * Float.BYTES);
    }

    /** The floats {@code [offset, offset + count)} of a segment, as a new array. */
    public static float[] toArray(MemorySegment segment, long offset, int count) {
        float[] values = new float[count];
        copy(segment, offset, values, 0, count);
        return values;
    }

    /** Sets {@code count} floats from element {@code offset} to zero. */
    public static void clear(MemorySegment segment, long offset, long count) {
        Objects.requireNonNull(segment, "segment");
        segment.asSlice(offset * Float.BYTES, count * Float.BYTES).fill((byte) 0);
    }
}
