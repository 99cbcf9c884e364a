package dev.kiln.runtime.openblas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** The per-thread scratch grows at least twofold when too small, is reused otherwise, and is aligned. */
class ScratchTest {

    @Test
    void growsWhenNeededAndIsReusedOtherwise() {
        Scratch scratch = new Scratch();
        assertEquals(0, scratch.capacity(Scratch.A));
        MemorySegment first = scratch.reserve(Scratch.A, 1000);
        assertEquals(1000, first.byteSize());
        assertEquals(0, first.address() % Scratch.ALIGNMENT);
        assertSame(first, scratch.reserve(Scratch.A, 1000));
        assertSame(first, scratch.reserve(Scratch.A, 10));
        MemorySegment second = scratch.reserve(Scratch.A, 1001);
        assertEquals(2000, second.byteSize(), "grows at least twofold");
        MemorySegment third = scratch.reserve(Scratch.A, 10_000);
        assertEquals(10_000, third.byteSize(), "or to what is asked");
        assertSame(third, scratch.reserve(Scratch.A, 5));
        assertEquals(10_000, scratch.capacity(Scratch.A), "never shrinks");
    }

    @Test
    void regionsAreSeparate() {
        Scratch scratch = new Scratch();
        MemorySegment a = scratch.reserve(Scratch.A, 100);
        MemorySegment b = scratch.reserve(Scratch.B, 100);
        MemorySegment c = scratch.reserve(Scratch.C, 100);
        assertNotSame(a, b);
        assertNotSame(b, c);
        assertEquals(0, a.asOverlappingSlice(b).map(MemorySegment::byteSize).orElse(0L));
        assertEquals(0, b.asOverlappingSlice(c).map(MemorySegment::byteSize).orElse(0L));
        assertEquals(0, scratch.capacity(Scratch.C) - 100);
    }
}
