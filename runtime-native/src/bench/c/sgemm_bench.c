/*
 * W5 of the Kiln benchmarks (shared/benchmarks.md), from C: C = A.B in single precision through
 * OpenBLAS's cblas_sgemm, square n, row-major, alpha = 1, beta = 0, A and B uniform in [-1, 1).
 *
 * For each n: one warm-up call; then the number of calls `reps` is doubled until one loop of `reps`
 * calls takes at least 0.1 s; that loop and 14 more loops of the same `reps` are timed (15 loops).
 * GFLOP/s = 2 n^3 reps / time of the fastest loop; the median over the 15 loops is printed too.
 * One element of C is checked against a double-precision dot product. One line of JSON per n.
 *
 * Build and run (Debian: apt-get install libopenblas-dev):
 *     gcc -O2 sgemm_bench.c -o sgemm_bench -lopenblas
 *     OPENBLAS_NUM_THREADS=1 ./sgemm_bench 1 256 512 1024 2048
 * Arguments: the thread count (set with openblas_set_num_threads; default 1), then the sizes
 * (default 64 128 256 512 1024 2048).
 */
#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOOPS 15

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec + 1e-9 * (double) t.tv_nsec;
}

/* SplitMix64, as in the benchmark's shuffle; the top 24 bits give a float in [-1, 1). */
static uint64_t state = 42;
static float uniform(void) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (float) ((double) (z >> 40) / 16777216.0 * 2.0 - 1.0);
}

static void product(int n, const float *a, const float *b, float *c) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
}

static int compare(const void *x, const void *y) {
    double a = *(const double *) x, b = *(const double *) y;
    return (a > b) - (a < b);
}

static void run(int n, int threads) {
    size_t size = (size_t) n * n;
    float *a = aligned_alloc(64, size * sizeof(float));
    float *b = aligned_alloc(64, size * sizeof(float));
    float *c = aligned_alloc(64, size * sizeof(float));
    if (!a || !b || !c) {
        fprintf(stderr, "sgemm_bench: out of memory for n = %d\n", n);
        exit(1);
    }
    for (size_t i = 0; i < size; i++) a[i] = uniform();
    for (size_t i = 0; i < size; i++) b[i] = uniform();

    product(n, a, b, c); /* warm-up */
    long reps = 1;
    double first;
    for (;;) {
        double start = now();
        for (long r = 0; r < reps; r++) product(n, a, b, c);
        first = now() - start;
        if (first >= 0.1) break;
        reps *= 2;
    }
    double times[LOOPS];
    times[0] = first;
    for (int loop = 1; loop < LOOPS; loop++) {
        double start = now();
        for (long r = 0; r < reps; r++) product(n, a, b, c);
        times[loop] = now() - start;
    }
    qsort(times, LOOPS, sizeof(double), compare);
    double flops = 2.0 * n * (double) n * n * reps;

    int i = n / 3, j = (2 * n) / 3;
    double exact = 0, magnitude = 0;
    for (int p = 0; p < n; p++) {
        exact += (double) a[(size_t) i * n + p] * b[(size_t) p * n + j];
        magnitude += fabs((double) a[(size_t) i * n + p] * b[(size_t) p * n + j]);
    }
    double error = fabs(c[(size_t) i * n + j] - exact) / magnitude;

    printf("{\"workload\":\"W5\",\"impl\":\"c\",\"n\":%d,\"threads\":%d,\"reps\":%ld,\"loops\":%d,"
           "\"best_gflops\":%.2f,\"median_gflops\":%.2f,\"check_relative_error\":%.2e,\"openblas\":\"%s\"}\n",
           n, threads, reps, LOOPS, flops / times[0] / 1e9, flops / times[LOOPS / 2] / 1e9, error,
           openblas_get_config());
    fflush(stdout);
    free(a);
    free(b);
    free(c);
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    if (threads < 1) {
        fprintf(stderr, "sgemm_bench: the thread count must be at least 1, got '%s'\n", argv[1]);
        return 2;
    }
    openblas_set_num_threads(threads);
    static const int defaults[] = {64, 128, 256, 512, 1024, 2048};
    if (argc > 2) {
        for (int i = 2; i < argc; i++) {
            int n = atoi(argv[i]);
            if (n < 1) {
                fprintf(stderr, "sgemm_bench: size '%s' is not a positive integer\n", argv[i]);
                return 2;
            }
            run(n, threads);
        }
    } else {
        for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) run(defaults[i], threads);
    }
    return 0;
}
