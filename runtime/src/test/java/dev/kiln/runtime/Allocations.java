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

    /**
     * The fewest bytes allocated by one of at least {@code rounds} rounds of {@code times} calls: the steady
     * state, once the JIT has compiled the code (before that, the Vector API allocates its vectors, and the
     * first round may include class loading). Stops at the first round that allocates nothing; otherwise
     * goes on past {@code rounds} until {@link #PATIENCE_NANOS} have passed, since in a test JVM the JIT may
     * still be compiling what thousands of other tests ran before it reaches this code.
     */
    public static long steadyStateBytes(Runnable action, int times, int rounds) {
        long least = Long.MAX_VALUE;
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        for (int r = 0; least > 0 && (r < rounds || System.nanoTime() - deadline < 0); r++) {
            least = Math.min(least, bytesAllocatedBy(action, times));
        }
        return least;
    }

    /** How long {@link #steadyStateBytes} waits for the JIT at most: 10 seconds. */
    static final long PATIENCE_NANOS = 10_000_000_000L;
}
