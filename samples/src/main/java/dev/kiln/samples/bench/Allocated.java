package dev.kiln.samples.bench;

import java.lang.management.ManagementFactory;

/**
 * The bytes the current thread has allocated so far, for the runner's "bytes per step" figures: the
 * HotSpot extension of {@link java.lang.management.ThreadMXBean}, or -1 where the JVM lacks it or has it
 * switched off.
 */
final class Allocated {

    private static final com.sun.management.ThreadMXBean THREADS = threads();

    private Allocated() {
    }

    private static com.sun.management.ThreadMXBean threads() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                && threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()) {
            return threads;
        }
        return null;
    }

    /** The current thread's allocated bytes, or -1 when they cannot be read. */
    static long bytes() {
        return THREADS == null ? -1 : THREADS.getCurrentThreadAllocatedBytes();
    }

    /** {@code bytes / steps}, or null when either reading was -1. */
    static Double perStep(long before, long after, long steps) {
        return before < 0 || after < 0 || steps == 0 ? null : (double) (after - before) / steps;
    }
}
