package dev.kiln.runtime.blas;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Shares large products between threads, above a single-threaded backend: a product of at least
 * {@link #minFlops()} floating-point operations is cut into blocks of rows (or of columns, when the result
 * is wider than tall) of {@code C}, and the calling thread and {@code threads - 1} workers each take
 * blocks until none is left; smaller products, and any product while another thread's is being shared,
 * run on the calling thread alone. Each block is an ordinary product of the inner backend on a slice of
 * the operands, so the result is the one the inner backend computes, bit for bit, whichever thread
 * computes a block.
 *
 * <p>Why above the backend rather than inside it (docs/decisions.md, "Threads"): the calling thread never
 * waits for a worker to start, since it takes blocks itself and a worker that wakes late finds fewer or
 * none; the threshold keeps the small products of a training step on one thread, where handing them
 * over costs more than it saves; and the same splitting serves the Java kernels. Workers are daemon
 * threads that spin briefly after each product (the next one of a step usually follows within
 * microseconds) and then park. Nothing is allocated per product.
 *
 * <p>Operands in memory that other threads may not access (a segment of a confined arena) are never
 * shared: such products run on the calling thread.
 */
public final class SplitBlas implements Blas {

    /** How long a worker spins for the next product before parking, in nanoseconds. */
    private static final long SPIN_NANOS = 50_000;

    /**
     * How many times a waiting thread spins before it starts yielding its core: spinning alone, a caller
     * waiting for a block that a worker on the same core holds would keep that worker from running.
     */
    private static final int SPINS_BEFORE_YIELD = 200;

    /** The most products run alone after a series of stalls. */
    private static final int MAX_ALONE = 1024;

    /** A wait this much longer than expected counts as a stall. */
    private static final long STALL_SLACK_NANOS = 50_000;

    /** The fewest rows (or columns) of {@code C} in one block. */
    private static final int MIN_BLOCK = 16;

    private final Blas inner;
    private final int threads;
    private final long minFlops;
    private final Thread[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    // guarded by busy: the products to run alone after a stall, the current back-off, the stalls so far
    private int alone;
    private int backoff;
    private volatile long stalls;
    private final Job job = new Job();

    /**
     * @param inner    the backend that computes each block, used from several threads at once
     * @param threads  the threads a product may use, the caller's included (at least 2)
     * @param minFlops the fewest operations ({@code 2 m n k}) a product must have to be shared
     * @throws IllegalArgumentException if {@code threads < 2} or {@code minFlops < 0}
     */
    public SplitBlas(Blas inner, int threads, long minFlops) {
        this.inner = Objects.requireNonNull(inner, "inner");
        if (threads < 2) {
            throw new IllegalArgumentException("SplitBlas: threads = " + threads + " must be at least 2");
        }
        if (minFlops < 0) {
            throw new IllegalArgumentException("SplitBlas: minFlops = " + minFlops + " must not be negative");
        }
        this.threads = threads;
        this.minFlops = minFlops;
        this.workers = new Thread[threads - 1];
        for (int w = 0; w < workers.length; w++) {
            workers[w] = Thread.ofPlatform().daemon().name("kiln-blas-" + (w + 1)).unstarted(this::work);
            workers[w].start();
        }
    }

    /** The inner backend's name and the thread count, e.g. {@code openblas, 2 threads}. */
    @Override
    public String name() {
        return inner.name() + ", " + threads + " threads";
    }

    /** The backend that computes each block. */
    public Blas inner() {
        return inner;
    }

    /** The threads a product may use, the caller's included. */
    public int threads() {
        return threads;
    }

    /** The fewest operations a product must have to be shared. */
    public long minFlops() {
        return minFlops;
    }

    /** Arrays live on the heap, which every thread may read: shared like segments. */
    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset,
                      int lda, float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc) {
        SgemmArguments.check(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        sgemm(transA, transB, m, n, k, alpha, MemorySegment.ofArray(a), aOffset, lda, MemorySegment.ofArray(b),
                bOffset, ldb, beta, MemorySegment.ofArray(c), cOffset, ldc);
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a,
                      long aOffset, int lda, MemorySegment b, long bOffset, int ldb, float beta, MemorySegment c,
                      long cOffset, int ldc) {
        SgemmArguments.check(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        boolean byRows = m >= n;
        int extent = byRows ? m : n;
        int blocks = Math.min(2 * threads, extent / MIN_BLOCK);
        if (2.0 * m * n * k < minFlops || blocks < 2 || !sharable(a) || !sharable(b) || !sharable(c)
                || !busy.compareAndSet(false, true)) {
            inner.sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
            return;
        }
        if (alone > 0) { // backing off after a stall: the other threads are not getting a core
            alone--;
            busy.set(false);
            inner.sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
            return;
        }
        try {
            Job j = job;
            j.set(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc, byRows);
            j.open(blocks); // publishes the fields above to the workers
            for (Thread worker : workers) {
                LockSupport.unpark(worker);
            }
            long start = System.nanoTime();
            int computed = 0;
            for (int taken = j.takeBlock(inner); taken >= 0; taken = j.takeBlock(inner)) {
                computed += taken; // the caller computes blocks too, so it never waits for a worker to start
            }
            long finished = System.nanoTime();
            // the last blocks are being computed by workers: spin a little, then yield, so that a worker
            // that shares this core (a busy machine) gets to finish
            for (int spins = 0; j.done.get() < blocks; spins++) {
                if (spins < SPINS_BEFORE_YIELD) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
            backOffAfterStall(finished - start, computed, System.nanoTime() - finished);
            Throwable failure = j.failure;
            j.clear();
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            if (failure != null) {
                throw new IllegalStateException("sgemm failed on a worker thread", failure);
            }
        } finally {
            busy.set(false);
        }
    }

    /**
     * After a stall, runs the next products alone, twice as many after each further stall (up to
     * {@link #MAX_ALONE}); a product shared without a stall resets the count. A stall is a wait for the
     * workers' last blocks longer than two of the caller's own blocks took (plus {@link #STALL_SLACK_NANOS}):
     * a worker that claimed a block and then did not get a core, on a machine whose cores are busy with
     * other work. So sharing a product costs at most one such wait in a while, never a wait per product.
     */
    private void backOffAfterStall(long ownNanos, int ownBlocks, long waitedNanos) {
        long perBlock = ownNanos / Math.max(1, ownBlocks);
        if (waitedNanos > 2 * perBlock + STALL_SLACK_NANOS) {
            backoff = Math.min(MAX_ALONE, Math.max(1, 2 * backoff));
            alone = backoff;
            stalls++;
        } else {
            backoff = 0;
        }
    }

    /** How many shared products stalled since this backend was made (see {@link #backOffAfterStall}). */
    public long stalls() {
        return stalls;
    }

    /** Whether every thread may access {@code segment}: heap memory and shared or automatic arenas. */
    private boolean sharable(MemorySegment segment) {
        for (Thread worker : workers) {
            if (!segment.isAccessibleBy(worker)) {
                return false;
            }
        }
        return true;
    }

    /** A worker: takes blocks while there are any; otherwise spins a while, then parks. */
    private void work() {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        int spins = 0;
        while (true) {
            if (job.takeBlock(inner) >= 0) {
                spinUntil = System.nanoTime() + SPIN_NANOS;
                spins = 0;
            } else if (System.nanoTime() < spinUntil) {
                if (++spins < SPINS_BEFORE_YIELD) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield(); // leaves the core to whoever else needs it
                }
            } else {
                LockSupport.park(this);
                spinUntil = System.nanoTime() + SPIN_NANOS;
                spins = 0;
            }
        }
    }

    /**
     * The product being shared. Its blocks are claimed through one {@link #ticket}, which packs the
     * product's number, the next block and the block count: a claim is a compare-and-set on all three,
     * so a thread can only claim an unfinished block of the current product, whose operands the caller
     * does not change before every block is done. The caller writes the operands, then the ticket (a
     * volatile write, which publishes them).
     */
    private static final class Job {
        private static final long BLOCK = 1L << 16;

        final AtomicLong ticket = new AtomicLong();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;
        private long product;

        boolean transA;
        boolean transB;
        int m;
        int n;
        int k;
        float alpha;
        MemorySegment a;
        long aOffset;
        int lda;
        MemorySegment b;
        long bOffset;
        int ldb;
        float beta;
        MemorySegment c;
        long cOffset;
        int ldc;
        boolean byRows;

        void set(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, long aOffset,
                 int lda, MemorySegment b, long bOffset, int ldb, float beta, MemorySegment c, long cOffset,
                 int ldc, boolean byRows) {
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.a = a;
            this.aOffset = aOffset;
            this.lda = lda;
            this.b = b;
            this.bOffset = bOffset;
            this.ldb = ldb;
            this.beta = beta;
            this.c = c;
            this.cOffset = cOffset;
            this.ldc = ldc;
            this.byRows = byRows;
            this.failure = null;
            done.set(0);
        }

        /** Makes {@code blocks} blocks of the product just set claimable. */
        void open(int blocks) {
            product++;
            ticket.set((product << 32) | blocks);
        }

        /** Drops the operands, so that a finished product keeps no memory reachable. */
        void clear() {
            a = null;
            b = null;
            c = null;
        }

        /**
         * Claims and computes one block, if one is left: 1 when it computed one, 0 when another thread
         * claimed it first (there may be more), -1 when none is left.
         */
        int takeBlock(Blas inner) {
            long t = ticket.get();
            int next = (int) ((t >>> 16) & 0xFFFF);
            int total = (int) (t & 0xFFFF);
            if (next >= total) {
                return -1;
            }
            if (!ticket.compareAndSet(t, t + BLOCK)) {
                return 0;
            }
            try {
                compute(inner, next, total);
            } catch (Throwable e) { // counted as done whatever happens, or the caller would wait forever
                failure = e;
            } finally {
                done.incrementAndGet();
            }
            return 1;
        }

        /**
         * Block {@code block} of {@code total}: rows {@code [from, to)} of {@code C} (and of {@code op(A)}),
         * or columns (and of {@code op(B)}).
         */
        private void compute(Blas inner, int block, int total) {
            int extent = byRows ? m : n;
            int from = (int) ((long) extent * block / total);
            int to = (int) ((long) extent * (block + 1) / total);
            if (byRows) {
                // op(A) row r is A's row r, or A's column r when transposed
                long aAt = aOffset + (transA ? from : (long) from * lda);
                inner.sgemm(transA, transB, to - from, n, k, alpha, a, aAt, lda, b, bOffset, ldb, beta, c,
                        cOffset + (long) from * ldc, ldc);
            } else {
                // op(B) column j is B's column j, or B's row j when transposed
                long bAt = bOffset + (transB ? (long) from * ldb : from);
                inner.sgemm(transA, transB, m, to - from, k, alpha, a, aOffset, lda, b, bAt, ldb, beta, c,
                        cOffset + from, ldc);
            }
        }
    }
}
