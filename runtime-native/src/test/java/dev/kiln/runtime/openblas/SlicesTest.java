package dev.kiln.runtime.openblas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * The table of operand slices keeps every operand of a working set up to its capacity, whatever the
 * segments' identity hashes: a second pass over the same operands gets the very slices of the first, so
 * that a model's products, which repeat their operands every step, slice nothing after the first step.
 */
class SlicesTest {

    @Test
    void everyOperandUpToTheCapacityKeepsItsSlice() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] segments = new MemorySegment[8];
            for (int k = 0; k < segments.length; k++) {
                segments[k] = arena.allocate(1 << 16);
            }
            int perSegment = OpenBlas.Slices.CAPACITY / segments.length;
            OpenBlas.Slices table = new OpenBlas.Slices();
            MemorySegment[][] first = new MemorySegment[segments.length][perSegment];
            for (int k = 0; k < segments.length; k++) {
                for (int j = 0; j < perSegment; j++) {
                    first[k][j] = table.at(segments[k], 1 + 3L * j);
                    assertEquals(segments[k].address() + (1 + 3L * j) * Float.BYTES, first[k][j].address());
                }
            }
            for (int pass = 0; pass < 3; pass++) {
                for (int k = 0; k < segments.length; k++) {
                    for (int j = 0; j < perSegment; j++) {
                        assertSame(first[k][j], table.at(segments[k], 1 + 3L * j), "segment " + k + ", offset " + j);
                    }
                }
            }
            assertSame(segments[0], table.at(segments[0], 0), "offset 0 is the segment itself");
        }
    }

    @Test
    void pastTheCapacityTheTableStartsOverAndStillSlicesRight() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate(1 << 20);
            OpenBlas.Slices table = new OpenBlas.Slices();
            MemorySegment kept = table.at(segment, 7);
            for (int j = 0; j < OpenBlas.Slices.CAPACITY; j++) {
                MemorySegment slice = table.at(segment, 100 + j);
                assertEquals(segment.address() + (100L + j) * Float.BYTES, slice.address());
            }
            MemorySegment again = table.at(segment, 7);
            assertNotSame(kept, again, "the table was full: it started over");
            assertEquals(kept.address(), again.address());
            assertSame(again, table.at(segment, 7));
        }
    }
}
