package dev.kiln.samples.bench;

import dev.kiln.runtime.blas.Blas;
import dev.kiln.runtime.data.TextCorpus;
import dev.kiln.samples.text.CharLanguageModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Workload W3: the character-level LSTM on the fortunes corpus, exactly as the benchmark defines it (32
 * streams, 64 characters per step, one-hot inputs over the 114 byte values, LSTM 128 then Dense 114 on every
 * step, state carried and detached, Adam 2e-3, 200 steps). Throughput is {@code 190 x 32 x 64} characters
 * over the wall time of steps 11..200; the loss is the mean of steps 181..200.
 */
final class CharLstmWorkload {

    static final int STEPS = 200;
    static final int WARMUP = 10;
    static final int LOSS_FROM = 181;
    /** The first step of the allocation figure once the JIT has compiled the step. */
    static final int LATE_FROM = 101;
    static final int CHARACTERS_PER_STEP = 32 * 64;

    private CharLstmWorkload() {
    }

    static Map<String, Object> run(TextCorpus corpus, double loadSeconds, Blas blas) {
        Workloads.progress("W3: char-LSTM on %,d bytes (%d distinct), %d steps, BLAS %s", corpus.size(),
                corpus.vocabularySize(), STEPS, blas.name());
        CharLanguageModel lm = new CharLanguageModel(corpus, Workloads.INIT_SEED);
        double[] losses = new double[STEPS];
        double[] stepSeconds = new double[STEPS];
        long timedFrom = 0;
        CpuUsage.Snapshot before = null;
        long allocated = 0; // by the timed steps themselves
        long allocatedLate = 0; // by steps LATE_FROM.., when the JIT has compiled the step
        for (int step = 1; step <= STEPS; step++) {
            if (step == WARMUP + 1) {
                before = CpuUsage.now();
                timedFrom = System.nanoTime();
            }
            long bytesBefore = Allocated.bytes();
            long stepFrom = System.nanoTime();
            losses[step - 1] = lm.trainStep(step - 1);
            stepSeconds[step - 1] = (System.nanoTime() - stepFrom) / 1e9;
            long bytesAfter = Allocated.bytes();
            if (step > WARMUP) {
                allocated = bytesBefore < 0 || bytesAfter < 0 || allocated < 0 ? -1 : allocated + bytesAfter - bytesBefore;
            }
            if (step >= LATE_FROM) {
                allocatedLate = bytesBefore < 0 || bytesAfter < 0 || allocatedLate < 0 ? -1
                        : allocatedLate + bytesAfter - bytesBefore;
            }
            if (!Double.isFinite(losses[step - 1])) {
                throw new ArithmeticException("W3: the loss became " + losses[step - 1] + " at step " + step);
            }
            if (step % 50 == 0) {
                Workloads.progress("W3 step %d: loss %.4f", step, losses[step - 1]);
            }
        }
        double seconds = (System.nanoTime() - timedFrom) / 1e9;
        Map<String, Object> contention = CpuUsage.between(before, CpuUsage.now());
        double throughput = (double) (STEPS - WARMUP) * CHARACTERS_PER_STEP / seconds;
        double lateLoss = 0;
        for (int step = LOSS_FROM; step <= STEPS; step++) {
            lateLoss += losses[step - 1];
        }
        lateLoss /= STEPS - LOSS_FROM + 1;
        double[] late = Arrays.copyOfRange(stepSeconds, LATE_FROM - 1, STEPS);
        double lateThroughput = CHARACTERS_PER_STEP / Stats.median(late);
        Workloads.progress("W3: %.0f characters/s (steps %d..%d alone: %.0f), loss(181..200) %.4f, bytes allocated per step %s (steps %d..%d: %s), %s",
                throughput, LATE_FROM, STEPS, lateThroughput, lateLoss, Allocated.perStep(0, allocated, STEPS - WARMUP), LATE_FROM, STEPS,
                Allocated.perStep(0, allocatedLate, STEPS - LATE_FROM + 1), Workloads.describe(contention));
        List<Double> all = new ArrayList<>();
        for (double loss : losses) {
            all.add(loss);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("workload", "W3");
        result.put("name", "char-lstm training");
        result.put("blas", blas.name());
        Map<String, Object> definition = new LinkedHashMap<>();
        definition.put("corpus", "fortunes, " + corpus.size() + " bytes, vocabulary " + corpus.vocabularySize());
        definition.put("network", "one-hot 114 -> LSTM 128 (state carried, detached) -> Dense 114 on every step, "
                + "softmax cross-entropy, mean over 32 x 64 characters");
        definition.put("init", "weights U(-1/sqrt(128), 1/sqrt(128)), biases 0, LSTM forget-gate bias 1; seed "
                + Workloads.INIT_SEED);
        definition.put("optimizer", "Adam lr 2e-3, betas (0.9, 0.999), eps 1e-8, no clipping");
        definition.put("steps", STEPS);
        result.put("definition", definition);
        result.put("throughput_chars_per_s", throughput);
        result.put("throughput_definition", (STEPS - WARMUP) + " x " + CHARACTERS_PER_STEP
                + " characters / wall time of steps " + (WARMUP + 1) + ".." + STEPS);
        result.put("throughput_late_chars_per_s", lateThroughput);
        result.put("throughput_late_definition", CHARACTERS_PER_STEP + " characters / median wall time of steps "
                + LATE_FROM + ".." + STEPS + ", once the JIT has compiled the step");
        result.put("loss_181_200", lateLoss);
        result.put("bytes_allocated_per_step", Allocated.perStep(0, allocated, STEPS - WARMUP));
        result.put("bytes_allocated_per_step_late", Allocated.perStep(0, allocatedLate, STEPS - LATE_FROM + 1));
        result.put("bytes_allocated_definition", "bytes the training thread allocated in steps " + (WARMUP + 1) + ".."
                + STEPS + " (the streams' ids and targets, forward, loss, backward, Adam) / their count; _late: in steps "
                + LATE_FROM + ".." + STEPS + ", once the JIT has compiled the step (the first timed steps still run "
                + "partly in its lower tiers, where vectors are objects)");
        result.put("contention", contention);
        result.put("load_seconds", loadSeconds);
        result.put("losses", all);
        List<Double> times = new ArrayList<>();
        for (double t : stepSeconds) {
            times.add(t);
        }
        result.put("step_seconds", times);
        return result;
    }
}
