/**
 * Matrix products: the {@link dev.kiln.runtime.blas.Blas} interface, its always-present pure-Java
 * implementation ({@link dev.kiln.runtime.blas.JavaBlas}), and the process-wide choice of backend
 * ({@link dev.kiln.runtime.blas.Blases}).
 *
 * <h2>Speed of the pure-Java backend</h2>
 *
 * <p>{@code JavaBlas} runs its Vector API kernel when the JVM is started with
 * {@code --add-modules jdk.incubator.vector} (the build's tests are), and a scalar kernel otherwise; the
 * table gives both, and the simple loops the backend had before (one row of C at a time, no blocking,
 * which the JIT compiler does not vectorize; a naive triple loop for segments).
 *
 * <p>Measured on the development machine, 2 vCPUs of an AMD EPYC (Zen 4, AVX-512, 32 KiB L1 and 1 MiB
 * L2 per core; a fused multiply-add loop peaks near 110 GFLOP/s on one core), JDK 25.0.3, one thread,
 * with {@code JavaBlasBench} in the test sources: each of 11 rounds times every product with every
 * implementation, interleaved, for about 0.15 s each after a warm-up; the figure is the median GFLOP/s
 * ({@code 2mnk} per product) over the rounds, with the minimum and maximum. Other processes and steal
 * took 0.01 cores during these runs; on a busy machine all figures halve. Vector and scalar columns
 * come from one process started with the module, the scalar-alone column from one started without it
 * (where the scalar kernel is what runs). Arrays unless said otherwise; {@code NT} is
 * {@code C = A B^T} and so on, sizes {@code m x n x k}.
 *
 * <table class="striped">
 *   <caption>GFLOP/s, median (min-max) of 11 rounds</caption>
 *   <thead>
 *     <tr><th>product</th><th>vector</th><th>scalar</th><th>scalar, no module</th><th>before</th></tr>
 *   </thead>
 *   <tbody>
 *     <tr><td>NN 64</td><td>70 (56-71)</td><td>22 (15-22)</td><td>22 (20-22)</td><td>3.6</td></tr>
 *     <tr><td>NN 128</td><td>88 (85-88)</td><td>28 (27-29)</td><td>28 (22-28)</td><td>3.6</td></tr>
 *     <tr><td>NN 256</td><td>98 (96-99)</td><td>42 (40-43)</td><td>44 (34-45)</td><td>3.7</td></tr>
 *     <tr><td>NN 512</td><td>95 (93-98)</td><td>50 (48-51)</td><td>50 (38-53)</td><td>3.7</td></tr>
 *     <tr><td>NN 1024</td><td>92 (83-96)</td><td>51 (40-53)</td><td>56 (43-57)</td><td>3.7</td></tr>
 *     <tr><td>NT 128 x 256 x 784 (dense forward, batch 128)</td><td>94 (92-95)</td><td>39 (36-39)</td>
 *         <td>41 (36-41)</td><td>4.4</td></tr>
 *     <tr><td>NN 128 x 784 x 256 (dense backward, input gradient)</td><td>94 (90-94)</td><td>56 (52-56)</td>
 *         <td>57 (48-58)</td><td>3.7</td></tr>
 *     <tr><td>TN 256 x 784 x 128, beta 1 (dense backward, weight gradient)</td><td>85 (83-87)</td>
 *         <td>52 (49-53)</td><td>54 (42-55)</td><td>3.6</td></tr>
 *     <tr><td>NT 1 x 256 x 784 (dense forward, batch 1)</td><td>44 (20-45)</td><td>5.8 (5.0-5.9)</td>
 *         <td>5.1 (3.1-5.3)</td><td>4.4</td></tr>
 *     <tr><td>NN 1 x 784 x 256</td><td>31 (22-32)</td><td>14 (12-14)</td><td>14 (11-14)</td><td>3.8</td></tr>
 *     <tr><td>NN 512, native segments</td><td>89 (80-91)</td><td>49 (46-50)</td><td>51 (36-53)</td>
 *         <td>0.6</td></tr>
 *     <tr><td>NN 512, heap segments</td><td>90 (75-97)</td><td>49 (39-51)</td><td>52 (37-54)</td>
 *         <td>0.6</td></tr>
 *     <tr><td>NT 128 x 256 x 784, native segments</td><td>86 (69-86)</td><td>37 (24-37)</td>
 *         <td>39 (28-39)</td><td>0.7</td></tr>
 *     <tr><td>TN 256 x 784 x 128, native segments</td><td>70 (69-70)</td><td>51 (48-51)</td>
 *         <td>52 (40-53)</td><td>0.6</td></tr>
 *     <tr><td>NT 1 x 256 x 784, native segments</td><td>20 (19-20)</td><td>4.9 (4.8-5.0)</td>
 *         <td>4.5 (2.9-4.6)</td><td>0.7</td></tr>
 *     <tr><td>NN 1 x 784 x 256, native segments</td><td>34 (34-35)</td><td>14 (13-14)</td>
 *         <td>14 (13-14)</td><td>0.6</td></tr>
 *   </tbody>
 * </table>
 *
 * <p>For comparison, OpenBLAS reaches about 115 GFLOP/s for sgemm n = 512 on one core of the reference
 * machine of the benchmarks (Cascade Lake, AVX-512), and the micro-kernel of the vector kernel alone,
 * on data in L1, reaches the FMA peak above. Batch-1 products read the whole weight matrix for few
 * multiply-adds and run at the speed of the cache that holds it. Segments cost more than arrays where a
 * path reads them row by row (batch 1); where they are packed first, the difference is small.
 */
package dev.kiln.runtime.blas;
