package dev.kiln.samples.bench;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.blas.Blas;
import dev.kiln.runtime.data.Batches;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.ops.Conv2dGeometry;
import dev.kiln.runtime.ops.ConvOps;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.train.Evaluation;
import dev.kiln.samples.fashion.KilnLeNet;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Workload W2: LeNet-5 trained on Fashion-MNIST, exactly as the benchmark defines it (He-normal weights,
 * Adam 1e-3, batches of 128 in W1's shuffled order, 3 epochs). Besides the throughput and the test
 * accuracy it reports the rate the convolution layers alone reach, a training step's convolution passes
 * (forward and weight gradient of both, the input gradient of the second; the first layer's input needs
 * none) timed through {@link ConvOps} on the workload's shapes after the epochs, next to sgemm's rate on a
 * 512 x 512 product measured in the same process.
 */
final class LeNetWorkload {

    static final int BATCH = 128;
    static final int EPOCHS = 3;
    static final float LEARNING_RATE = 1e-3f;
    /** LeNet's two convolutions, as the generated class lays them out. */
    static final Conv2dGeometry CONV1 = new Conv2dGeometry(1, 28, 28, 6, 5, 5, 1, 1, 2, 2, 28, 28);
    static final Conv2dGeometry CONV2 = new Conv2dGeometry(6, 14, 14, 16, 5, 5, 1, 1, 0, 0, 10, 10);

    private LeNetWorkload() {
    }

    static Map<String, Object> run(Dataset train, Dataset test, double loadSeconds, int epochs, Blas blas) {
        Workloads.progress("W2: training LeNet-5, %d epochs, batch %d, BLAS %s", epochs, BATCH, blas.name());
        KilnLeNet network = new KilnLeNet(Workloads.INIT_SEED);
        Adam adam = new Adam(LEARNING_RATE);
        Batches batches = new Batches(train, BATCH, Workloads.W1_SHUFFLE_SEED);
        double[] seconds = new double[epochs];
        List<Map<String, Object>> perEpoch = new ArrayList<>();
        long allocated = 0; // by the steps of epochs 2.. (the first compiles the code)
        long steps = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            batches.startEpoch(epoch); // the permutation: outside the timed region
            network.setTraining(true);
            CpuUsage.Snapshot before = CpuUsage.now();
            long t0 = System.nanoTime();
            double lossSum = 0;
            long bytesBefore = Allocated.bytes();
            int epochSteps = 0;
            while (batches.next()) { // gathering the batch is inside the timed region
                int size = batches.size();
                network.zeroGradients();
                network.forward(batches.features(), 0, size);
                float loss = network.loss(batches.targets(), 0);
                network.backward();
                adam.step(network.parameters(), network.gradients());
                lossSum += (double) loss * size;
                epochSteps++;
            }
            long t1 = System.nanoTime();
            long bytesAfter = Allocated.bytes();
            if (epoch > 1 || epochs == 1) {
                allocated = bytesBefore < 0 || bytesAfter < 0 || allocated < 0 ? -1 : allocated + bytesAfter - bytesBefore;
                steps += epochSteps;
            }
            network.setTraining(false);
            Map<String, Object> contention = CpuUsage.between(before, CpuUsage.now());
            double elapsed = (t1 - t0) / 1e9;
            double meanLoss = lossSum / train.size();
            if (!Double.isFinite(meanLoss)) {
                throw new ArithmeticException("W2: the training loss became " + meanLoss + " in epoch " + epoch);
            }
            seconds[epoch - 1] = elapsed;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("epoch", epoch);
            row.put("seconds", elapsed);
            row.put("samples_per_s", train.size() / elapsed);
            row.put("train_loss", meanLoss);
            row.put("contention", contention);
            perEpoch.add(row);
            Workloads.progress("W2 epoch %d/%d: %.2f s, %.0f samples/s, loss %.4f, %s", epoch, epochs, elapsed,
                    train.size() / elapsed, meanLoss, Workloads.describe(contention));
        }
        double accuracy = Evaluation.accuracy(network, test);
        Workloads.progress("W2 test accuracy %.4f; %s bytes allocated per step", accuracy,
                Allocated.perStep(0, allocated, steps));
        Map<String, Object> convolutions = convolutionRate(blas);
        Workloads.progress("W2 convolution layers alone: %.1f GFLOP/s; sgemm 512: %.1f GFLOP/s",
                (double) convolutions.get("conv_gflops"), (double) convolutions.get("sgemm_512_gflops"));

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("workload", "W2");
        result.put("name", "fmnist-lenet training");
        result.put("blas", blas.name());
        result.put("definition", definition(epochs));
        double[] warm = epochs > 1 ? Arrays.copyOfRange(seconds, 1, epochs) : seconds;
        result.put("throughput_samples_per_s", train.size() / Stats.median(warm));
        result.put("throughput_definition", epochs > 1 ? train.size() + " / median wall time of epochs 2.." + epochs
                : train.size() + " / wall time of epoch 1 (only one epoch was run)");
        result.put("epoch1_samples_per_s", train.size() / seconds[0]);
        result.put("test_accuracy", accuracy);
        result.put("bytes_allocated_per_step", Allocated.perStep(0, allocated, steps));
        result.put("bytes_allocated_definition", "bytes the training thread allocated in the timed loops of epochs 2.."
                + epochs + " (gathering the batch, forward, loss, backward, Adam) / their steps");
        result.put("convolutions", convolutions);
        result.put("load_seconds", loadSeconds);
        result.put("per_epoch", perEpoch);
        return result;
    }

    private static Map<String, Object> definition(int epochs) {
        Map<String, Object> definition = new LinkedHashMap<>();
        definition.put("network", "1x28x28 -> Conv 5x5 6ch pad 2 -> ReLU -> MaxPool 2 -> Conv 5x5 16ch -> ReLU -> "
                + "MaxPool 2 -> flatten 400 -> Dense 120 -> ReLU -> Dense 84 -> ReLU -> Dense 10, softmax cross-entropy");
        definition.put("init", "He normal N(0, 2/fan_in), fan_in = in_channels*kh*kw for conv; biases 0; seed "
                + Workloads.INIT_SEED);
        definition.put("optimizer", "Adam lr 1e-3, betas (0.9, 0.999), eps 1e-8");
        definition.put("batch", BATCH);
        definition.put("epochs", epochs);
        definition.put("shuffle", "SplitMix64 + Fisher-Yates, state " + Workloads.W1_SHUFFLE_SEED + " + epoch");
        if (epochs != EPOCHS) {
            definition.put("deviation", "W2 defines " + EPOCHS + " epochs; this run made " + epochs);
        }
        return definition;
    }

    /**
     * The convolution passes of one training step at batch 128, timed alone (median of 20 after a warm-up),
     * and sgemm on 512 x 512 in the same minutes.
     */
    static Map<String, Object> convolutionRate(Blas blas) {
        Geometry one = new Geometry(CONV1, false);
        Geometry two = new Geometry(CONV2, true);
        long flops = one.flops() + two.flops();
        double[] times = new double[20];
        for (int warm = 0; warm < 10; warm++) {
            one.step(blas);
            two.step(blas);
        }
        for (int r = 0; r < times.length; r++) {
            long t0 = System.nanoTime();
            one.step(blas);
            two.step(blas);
            times[r] = (System.nanoTime() - t0) / 1e9;
        }
        double convSeconds = Stats.median(times);
        int n = 512;
        MemorySegment m = Memory.allocate(3L * n * n);
        fill(m, 3L * n * n, new Rng(3));
        double[] gemm = new double[10];
        for (int r = -3; r < gemm.length; r++) {
            long t0 = System.nanoTime();
            blas.sgemm(false, false, n, n, n, 1f, m, 0, n, m, (long) n * n, n, 0f, m, 2L * n * n, n);
            if (r >= 0) {
                gemm[r] = (System.nanoTime() - t0) / 1e9;
            }
        }
        Map<String, Object> rates = new LinkedHashMap<>();
        rates.put("conv_seconds_per_step", convSeconds);
        rates.put("conv_flops_per_step", flops);
        rates.put("conv_gflops", flops / convSeconds / 1e9);
        rates.put("sgemm_512_gflops", 2.0 * n * n * n / Stats.median(gemm) / 1e9);
        rates.put("definition", "conv1 forward + weight gradient, conv2 forward + weight and input gradients, batch "
                + BATCH + ", through ConvOps with the run's BLAS; FLOPs 2 x multiply-adds");
        return rates;
    }

    private static void fill(MemorySegment m, long count, Rng rng) {
        for (long i = 0; i < count; i++) {
            m.setAtIndex(Memory.FLOAT, i, (float) rng.nextGaussian());
        }
    }

    /** One convolution's buffers at batch 128, and its training passes. */
    private static final class Geometry {
        final Conv2dGeometry g;
        final boolean inputGradient;
        final MemorySegment x;
        final MemorySegment p;
        final MemorySegment y;
        final MemorySegment dy;
        final MemorySegment grads;
        final MemorySegment dx;
        final MemorySegment work;

        Geometry(Conv2dGeometry g, boolean inputGradient) {
            this.g = g;
            this.inputGradient = inputGradient;
            Rng rng = new Rng(11);
            x = Memory.allocate((long) BATCH * g.inputSize());
            p = Memory.allocate(g.weightSize() + g.outChannels());
            y = Memory.allocate((long) BATCH * g.outputSize());
            dy = Memory.allocate((long) BATCH * g.outputSize());
            grads = Memory.allocate(g.weightSize() + g.outChannels());
            dx = Memory.allocate((long) BATCH * g.inputSize());
            work = Memory.allocate(Math.max(1, ConvOps.workspaceFloats(g, BATCH)));
            fill(x, (long) BATCH * g.inputSize(), rng);
            fill(p, g.weightSize() + g.outChannels(), rng);
            fill(dy, (long) BATCH * g.outputSize(), rng);
        }

        long flops() {
            long pass = 2L * BATCH * g.outputSize() * g.patchSize();
            return pass * (inputGradient ? 3 : 2);
        }

        void step(Blas blas) {
            ConvOps.forward(blas, g, x, 0, p, 0, g.weightSize(), y, 0, work, 0, BATCH);
            ConvOps.backward(blas, g, x, 0, p, 0, dy, 0, grads, 0, g.weightSize(), inputGradient ? dx : null, 0, work,
                    0, BATCH);
        }
    }
}
