package dev.kiln.runtime.openblas;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A thread's native staging memory for heap operands: one segment for each of A, B and C, each grown on
 * demand (at least doubling) and never shrunk, so that after the first few products of a given size no
 * call allocates, natively or on the Java heap (the segments are handed to the library whole, not
 * sliced). The memory belongs to automatic arenas and is freed once the thread, and so its scratch, is
 * gone. Not thread-safe: {@link OpenBlas} keeps one per thread.
 */
final class Scratch {

    /** Alignment of each segment: a cache line, as OpenBLAS's own buffers. */
    static final long ALIGNMENT = 64;

    /** The region for A. */
    static final int A = 0;
    /** The region for B. */
    static final int B = 1;
    /** The region for C. */
    static final int C = 2;

    private final MemorySegment[] regions = {MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL};

    /** Region {@code region}'s segment, at least {@code bytes} long. */
    MemorySegment reserve(int region, long bytes) {
        MemorySegment segment = regions[region];
        if (segment.byteSize() < bytes) {
            long size = Math.max(bytes, Math.min(Long.MAX_VALUE / 4, segment.byteSize()) * 2);
            segment = Arena.ofAuto().allocate(size, ALIGNMENT);
            regions[region] = segment;
        }
        return segment;
    }

    /** The size of region {@code region}'s segment in bytes (0 before its first reservation). */
    long capacity(int region) {
        return regions[region].byteSize();
    }
}
