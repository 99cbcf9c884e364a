package dev.kiln.runtime;

import java.lang.management.ManagementFactory;

/** Measures heap allocation by the current thread, to test that hot paths allocate nothing. */
public final class Allocations {

    private Allocations() {
    }

    /** The bytes the current thread allocates while running {@code action} {@code times} times. */
    public static long bytesAllocatedBy(Runnable action, int times) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int j = 0; j < times; j++) {
            action.run();
        }
        return threads.getCurrentThreadAllocatedBytes() - before;
    }
}
