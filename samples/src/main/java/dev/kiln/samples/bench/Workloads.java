package dev.kiln.samples.bench;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.blas.Blas;
import dev.kiln.runtime.blas.Blases;
import dev.kiln.runtime.blas.JavaBlas;
import dev.kiln.runtime.blas.SplitBlas;
import dev.kiln.runtime.data.Batches;
import dev.kiln.runtime.data.Dataset;
import dev.kiln.runtime.data.TextCorpus;
import dev.kiln.runtime.openblas.OpenBlas;
import dev.kiln.runtime.optim.Adam;
import dev.kiln.runtime.train.Evaluation;
import dev.kiln.samples.fashion.FashionMnist;
import dev.kiln.samples.fashion.KilnFashionMlp;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Measures the benchmark workloads W1 (Fashion-MNIST MLP training), W4 (MLP inference latency and
 * throughput) and W5 (square sgemm) as the project's benchmark definitions state them, in one process, and
 * prints one JSON document on standard output; progress goes to standard error. Run it with
 * {@code ./kiln bench [options]}; {@code docs/benchmarks.md} explains every figure.
 *
 * <p>Next to each figure the runner records how busy the machine was ({@link CpuUsage}) and, for W1 and
 * W4, the <em>efficiency</em>: the workload's matrix-product rate over the rate that the BLAS backend
 * reaches on the same products alone ({@link GemmPlan}), timed in the same process between the
 * workload's measured blocks. It is 1 when everything but the products costs nothing, and it moves much
 * less than raw speed when the machine's speed drifts.
 *
 * <p>Options: {@code --workloads W1,W4,W5} (default all), {@code --data DIR} (Fashion-MNIST, see
 * {@link FashionMnist}), {@code --epochs E} (W1, default 5), {@code --repeat R} (W4 and W5, default 1;
 * medians with min and max are reported), {@code --sizes 64,128,...} (W5), {@code --quick} (W5 sizes up
 * to 512), {@code --threads N} (recorded; thread counts are fixed by the environment before the JVM
 * starts, which {@code ./kiln bench --threads N} does).
 */
public final class Workloads {

    /** The layer widths of the W1 network, input first. */
    static final int[] W1_WIDTHS = {784, 256, 128, 10};
    static final int W1_BATCH = 128;
    /** Epoch {@code e} of W1 visits the samples in the order {@code new Rng(W1_SHUFFLE_SEED + e).permutation(n)}. */
    static final long W1_SHUFFLE_SEED = 1000;
    static final int W1_EPOCHS = 5;
    static final float W1_LEARNING_RATE = 1e-3f;
    static final long INIT_SEED = 42;

    static final int W4_INPUTS = 1000;
    static final int W4_WARMUP_SINGLE = 10_000;
    static final int W4_CALLS = 20_000;
    static final int W4_WARMUP_BATCH = 200;
    static final int W4_MIN_BATCH_CALLS = 200;
    static final double W4_MIN_BATCH_SECONDS = 2.0;

    static final int[] W5_SIZES = {64, 128, 256, 512, 1024, 2048};
    static final int[] W5_QUICK_SIZES = {64, 128, 256, 512};
    static final int W5_WARMUP = 5;
    static final int W5_LOOPS = 15;
    static final double W5_MIN_LOOP_SECONDS = 0.1;

    /** How long each timing of a workload's products through sgemm lasts, at least. */
    static final double PROBE_SECONDS = 0.4;

    /** The workloads this runner measures. */
    static final List<String> WORKLOADS = List.of("W1", "W2", "W3", "W4", "W5");

    /** The order it runs them in: the Fashion-MNIST ones first, which share the data. */
    static final List<String> RUN_ORDER = List.of("W1", "W2", "W4", "W3", "W5");

    static final List<String> THREAD_VARIABLES = List.of("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
            "MKL_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "KILN_BLAS", "KILN_THREADS");

    static final String USAGE = """
            usage: ./kiln bench [--workloads W1,W2,W3,W4,W5] [--data DIR] [--epochs E] [--repeat R]
                                [--sizes 64,128,...] [--quick] [--threads N] [--same-jvm]
              --workloads  which workloads to run (default all; W3 reads the fortunes package's corpus)
              --data       the Fashion-MNIST directory (W1, W2, W4); default: -Dkiln.fashionMnist,
                           $KILN_FASHION_MNIST, else /usr/share/datasets/fashion-mnist
              --epochs     W1 and W2 epochs (default 5 and 3, as they define)
              --repeat     repeat W4 and W5 R times, reporting medians with min and max (default 1)
              --sizes      W5 matrix sizes (default 64,128,256,512,1024,2048)
              --quick      W5 sizes 64..512 only
              --threads    the thread count to record; it must be fixed before the JVM starts
                           (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS), as ./kiln bench --threads N does
              --same-jvm   run every workload in this JVM; by default each runs in a fresh JVM of its
                           own, with the same options, so that none inherits another's compiled code
            The JSON document goes to standard output, progress to standard error.""";

    /** Keeps results alive so that the JIT cannot drop the work that made them. */
    static volatile float sink;

    private Workloads() {
    }

    /**
     * The parsed command line.
     *
     * @param workloads the workloads to run, in the order W1, W4, W5
     * @param data      the data directory given, or null
     * @param epochs    W1's and W2's epochs, or null for the ones they define
     * @param repeat    how many times W4 and W5 run
     * @param threads   the thread count given, or null
     * @param sizes     W5's matrix sizes
     * @param help      whether to print the usage and stop
     * @param sameJvm   whether every workload runs in this JVM, rather than each in a JVM of its own
     */
    record Options(Set<String> workloads, String data, Integer epochs, int repeat, Integer threads, int[] sizes,
                   boolean help, boolean sameJvm) {
    }

    /**
     * Set on the JVM that runs one workload for the runner: it prints that workload's result alone, which the
     * runner that started it puts in its document.
     */
    static final String CHILD_PROPERTY = "kiln.bench.workload";

    /** Runs the workloads the arguments name and prints the JSON document; exits 2 on a bad argument or missing data. */
    public static void main(String[] args) throws IOException {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("kiln bench: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(USAGE);
            return;
        }
        boolean w1 = options.workloads().contains("W1");
        boolean w2 = options.workloads().contains("W2");
        boolean w4 = options.workloads().contains("W4");
        Path directory = null;
        if (w1 || w2 || w4) {
            try {
                directory = FashionMnist.directory(options.data());
            } catch (IllegalStateException e) {
                System.err.println(e.getMessage());
                System.err.println("W1, W2 and W4 need it (give its directory with --data DIR);"
                        + " --workloads W5 runs without it.");
                System.exit(2);
                return;
            }
        }
        Blas blas = Blases.get();
        Map<String, Object> document = describeRun(options, blas);
        String child = System.getProperty(CHILD_PROPERTY);
        if (child == null && !options.sameJvm() && options.workloads().size() > 1) {
            List<Object> results = new ArrayList<>();
            for (String workload : RUN_ORDER) { // the order one JVM runs them in
                if (options.workloads().contains(workload)) {
                    try {
                        results.add(new Json.Raw(runAlone(workload, args)));
                    } catch (IllegalStateException e) { // its own message is on standard error already
                        System.err.println("kiln bench: " + e.getMessage());
                        System.exit(1);
                        return;
                    }
                }
            }
            document.put("jvm_per_workload", true);
            document.put("results", results);
            System.out.println(Json.write(document));
            return;
        }
        // loaded here, not before: with a JVM per workload, W3's own JVM loads it
        TextCorpus corpus = null;
        double corpusSeconds = 0;
        if (options.workloads().contains("W3")) {
            long loadStart = System.nanoTime();
            try {
                corpus = TextCorpus.fortunes();
            } catch (IOException e) {
                System.err.println(e.getMessage());
                System.err.println("W3 needs it; --workloads W1,W2,W4,W5 runs without it.");
                System.exit(2);
                return;
            }
            corpusSeconds = (System.nanoTime() - loadStart) / 1e9;
        }
        CpuUsage.Snapshot start = CpuUsage.now();
        List<Object> results = new ArrayList<>();
        if (w1 || w2 || w4) {
            long loadStart = System.nanoTime();
            Dataset test = FashionMnist.test(directory);
            Dataset train = w1 || w2 ? FashionMnist.train(directory) : null;
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            progress("Fashion-MNIST from %s loaded in %.2f s", directory, loadSeconds);
            if (w1) {
                results.add(w1(train, test, loadSeconds, options.epochs() == null ? W1_EPOCHS : options.epochs(), blas));
            }
            if (w2) {
                results.add(LeNetWorkload.run(train, test, loadSeconds,
                        options.epochs() == null ? LeNetWorkload.EPOCHS : options.epochs(), blas));
            }
            if (w4) {
                results.add(w4(test, options.repeat(), blas));
            }
        }
        if (corpus != null) {
            results.add(CharLstmWorkload.run(corpus, corpusSeconds, blas));
        }
        if (options.workloads().contains("W5")) {
            results.add(w5(options.sizes(), options.repeat(), blas));
        }
        if (child != null) {
            System.out.println(Json.write(results.getFirst()));
            return;
        }
        document.put("jvm_per_workload", false);
        document.put("results", results);
        document.put("contention_whole_run", CpuUsage.since(start));
        System.out.println(Json.write(document));
    }

    /**
     * Runs {@code workload} in a fresh JVM (this one's executable, options and class path; the other
     * arguments as given) and returns the JSON of its result. Its progress goes to this standard error.
     *
     * @throws IllegalStateException if it fails, with its exit status
     */
    static String runAlone(String workload, String[] args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-D" + CHILD_PROPERTY + "=" + workload);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Workloads.class.getName());
        command.addAll(argumentsFor(workload, args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int status;
        try {
            status = process.waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(workload + ": interrupted while it ran", e);
        }
        if (status != 0 || output.isEmpty()) {
            throw new IllegalStateException(workload + " failed in its own JVM (exit status " + status
                    + "); run it alone with --workloads " + workload + " to see why");
        }
        return output;
    }

    /** {@code args} with the workloads replaced by {@code workload} alone. */
    static List<String> argumentsFor(String workload, String[] args) {
        List<String> kept = new ArrayList<>();
        for (int j = 0; j < args.length; j++) {
            if (args[j].equals("--workloads")) {
                j++; // and its value
            } else if (!args[j].startsWith("--workloads=")) {
                kept.add(args[j]);
            }
        }
        kept.add("--workloads");
        kept.add(workload);
        return kept;
    }

    /**
     * Parses the command line.
     *
     * @throws IllegalArgumentException naming the option at fault and what it takes
     */
    static Options parse(String[] args) {
        Set<String> workloads = new LinkedHashSet<>(WORKLOADS);
        String data = null;
        Integer epochs = null;
        int repeat = 1;
        Integer threads = null;
        int[] sizes = W5_SIZES;
        boolean help = false;
        boolean sameJvm = false;
        for (int j = 0; j < args.length; j++) {
            String arg = args[j];
            String value = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                value = arg.substring(equals + 1);
                arg = arg.substring(0, equals);
            }
            switch (arg) {
                case "--help", "-h" -> help = true;
                case "--quick" -> sizes = W5_QUICK_SIZES;
                case "--same-jvm" -> sameJvm = true;
                case "--workloads", "--data", "--epochs", "--repeat", "--threads", "--sizes" -> {
                    if (value == null) {
                        if (j + 1 >= args.length) {
                            throw new IllegalArgumentException(arg + " needs a value");
                        }
                        value = args[++j];
                    }
                    switch (arg) {
                        case "--workloads" -> workloads = workloads(value);
                        case "--data" -> data = value;
                        case "--epochs" -> epochs = positive(arg, value);
                        case "--repeat" -> repeat = positive(arg, value);
                        case "--threads" -> threads = positive(arg, value);
                        default -> sizes = sizes(value);
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument '" + args[j] + "'");
            }
        }
        return new Options(workloads, data, epochs, repeat, threads, sizes, help, sameJvm);
    }

    private static Set<String> workloads(String value) {
        Set<String> chosen = new LinkedHashSet<>();
        for (String name : value.split(",")) {
            String workload = name.strip().toUpperCase(Locale.ROOT);
            if (!WORKLOADS.contains(workload)) {
                throw new IllegalArgumentException("--workloads: unknown workload '" + name.strip()
                        + "'; this runner measures " + String.join(", ", WORKLOADS));
            }
            chosen.add(workload);
        }
        Set<String> ordered = new LinkedHashSet<>();
        for (String workload : WORKLOADS) {
            if (chosen.contains(workload)) {
                ordered.add(workload);
            }
        }
        return ordered;
    }

    private static int[] sizes(String value) {
        String[] parts = value.split(",");
        int[] sizes = new int[parts.length];
        for (int j = 0; j < parts.length; j++) {
            sizes[j] = positive("--sizes", parts[j].strip());
        }
        return sizes;
    }

    private static int positive(String option, String value) {
        try {
            int number = Integer.parseInt(value);
            if (number >= 1) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " takes a positive integer, got '" + value + "'");
    }

    // ---------------------------------------------------------------------------------------------- W1

    /**
     * The mini-batches of W1: batches of 128 consecutive samples of the permutation of epoch {@code e},
     * {@code new Rng(1000 + e).permutation(n)}; {@link Batches#startEpoch} draws it, {@link Batches#next}
     * gathers a batch.
     */
    static Batches w1Batches(Dataset train) {
        return new Batches(train, W1_BATCH, W1_SHUFFLE_SEED);
    }

    static Map<String, Object> w1(Dataset train, Dataset test, double loadSeconds, int epochs, Blas blas) {
        progress("W1: training the 784-256-128-10 MLP, %d epochs, batch %d, BLAS %s", epochs, W1_BATCH, blas.name());
        KilnFashionMlp network = new KilnFashionMlp(INIT_SEED);
        Adam adam = new Adam(W1_LEARNING_RATE);
        Batches batches = w1Batches(train);
        int fullBatches = train.size() / W1_BATCH;
        int rest = train.size() % W1_BATCH;
        GemmPlan full = GemmPlan.trainingStep(W1_BATCH, W1_WIDTHS);
        GemmPlan last = rest == 0 ? null : GemmPlan.trainingStep(rest, W1_WIDTHS);
        long epochFlops = fullBatches * full.flops() + (last == null ? 0 : last.flops());

        List<Map<String, Object>> perEpoch = new ArrayList<>();
        double[] seconds = new double[epochs];
        double[] efficiency = new double[epochs];
        double[] sgemmRate = new double[epochs];
        double previousProbe = Double.NaN;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            batches.startEpoch(epoch); // the permutation: outside the timed region
            CpuUsage.Snapshot before = CpuUsage.now();
            long t0 = System.nanoTime();
            double lossSum = 0;
            while (batches.next()) { // gathering the batch is inside the timed region
                int size = batches.size();
                network.zeroGradients();
                network.forward(batches.features(), 0, size);
                float loss = network.loss(batches.targets(), 0);
                network.backward();
                adam.step(network.parameters(), network.gradients());
                lossSum += (double) loss * size;
            }
            long t1 = System.nanoTime();
            Map<String, Object> contention = CpuUsage.between(before, CpuUsage.now());
            double elapsed = (t1 - t0) / 1e9;
            double meanLoss = lossSum / train.size();
            if (!Double.isFinite(meanLoss)) {
                throw new ArithmeticException("W1: the training loss became " + meanLoss + " in epoch " + epoch);
            }
            // the same products through sgemm alone, after the epoch; an epoch's reference is the mean of
            // the timings on either side of it (epoch 1: only after, so that epoch 1 stays cold)
            double probe = (fullBatches * (double) full.medianNanos(blas, PROBE_SECONDS, 3)
                    + (last == null ? 0 : last.medianNanos(blas, PROBE_SECONDS / 8, 3))) / 1e9;
            double gemmSeconds = Double.isNaN(previousProbe) ? probe : (previousProbe + probe) / 2;
            previousProbe = probe;
            seconds[epoch - 1] = elapsed;
            efficiency[epoch - 1] = gemmSeconds / elapsed;
            sgemmRate[epoch - 1] = epochFlops / gemmSeconds / 1e9;

            Map<String, Object> row = new LinkedHashMap<>();
            row.put("epoch", epoch);
            row.put("seconds", elapsed);
            row.put("samples_per_s", train.size() / elapsed);
            row.put("train_loss", meanLoss);
            row.put("workload_gemm_gflops", epochFlops / elapsed / 1e9);
            row.put("sgemm_gflops", sgemmRate[epoch - 1]);
            row.put("efficiency", efficiency[epoch - 1]);
            row.put("contention", contention);
            perEpoch.add(row);
            progress("W1 epoch %d/%d: %.2f s, %.0f samples/s, loss %.4f, efficiency %.3f (sgemm %.1f GFLOP/s), %s",
                    epoch, epochs, elapsed, train.size() / elapsed, meanLoss, efficiency[epoch - 1],
                    sgemmRate[epoch - 1], describe(contention));
        }
        double accuracy = Evaluation.accuracy(network, test);
        progress("W1 test accuracy %.4f", accuracy);

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("workload", "W1");
        result.put("name", "fmnist-mlp training");
        result.put("blas", blas.name());
        result.put("definition", definitionW1(epochs, fullBatches + (rest == 0 ? 0 : 1), epochFlops));
        double[] warm = epochs > 1 ? Arrays.copyOfRange(seconds, 1, epochs) : seconds;
        result.put("throughput_samples_per_s", train.size() / Stats.median(warm));
        result.put("throughput_definition", epochs > 1 ? train.size() + " / median wall time of epochs 2.." + epochs
                : train.size() + " / wall time of epoch 1 (only one epoch was run)");
        result.put("epoch1_samples_per_s", train.size() / seconds[0]);
        result.put("epoch_seconds_after_warmup", epochs > 1 ? Stats.summary(boxed(warm)) : Stats.summary(boxed(seconds)));
        result.put("test_accuracy", accuracy);
        double[] warmEfficiency = epochs > 1 ? Arrays.copyOfRange(efficiency, 1, epochs) : efficiency;
        double[] warmRate = epochs > 1 ? Arrays.copyOfRange(sgemmRate, 1, epochs) : sgemmRate;
        result.put("efficiency", Stats.summary(boxed(warmEfficiency)));
        result.put("sgemm_gflops_on_workload_shapes", Stats.summary(boxed(warmRate)));
        result.put("load_seconds", loadSeconds);
        result.put("per_epoch", perEpoch);
        return result;
    }

    private static Map<String, Object> definitionW1(int epochs, int steps, long epochFlops) {
        Map<String, Object> definition = new LinkedHashMap<>();
        definition.put("network", "784 -> Dense 256 -> ReLU -> Dense 128 -> ReLU -> Dense 10, softmax cross-entropy");
        definition.put("init", "He normal N(0, 2/fan_in) for every weight, biases 0, seed " + INIT_SEED);
        definition.put("optimizer", "Adam lr 1e-3, betas 0.9 0.999, eps 1e-8");
        definition.put("batch", W1_BATCH);
        definition.put("epochs", epochs);
        definition.put("steps_per_epoch", steps);
        definition.put("shuffle", "SplitMix64 + Fisher-Yates, state " + W1_SHUFFLE_SEED + " + epoch");
        definition.put("timed", "gathering each batch, zero, forward, loss, backward, Adam step;"
                + " not the per-epoch permutation");
        definition.put("gemm_gflop_per_epoch", epochFlops / 1e9);
        if (epochs != W1_EPOCHS) {
            definition.put("deviation", "W1 defines " + W1_EPOCHS + " epochs; this run made " + epochs);
        }
        return definition;
    }

    // ---------------------------------------------------------------------------------------------- W4

    static Map<String, Object> w4(Dataset test, int repeat, Blas blas) {
        progress("W4: inference latency (batch 1) and throughput (batch 128), BLAS %s, %d run(s)", blas.name(), repeat);
        int features = test.featureSize();
        KilnFashionMlp network = new KilnFashionMlp(INIT_SEED);
        float[][] singles = new float[W4_INPUTS][];
        for (int s = 0; s < W4_INPUTS; s++) {
            singles[s] = Arrays.copyOfRange(test.features(), s * features, (s + 1) * features);
        }
        float[] batch = Arrays.copyOf(test.features(), W1_BATCH * features);
        GemmPlan single = GemmPlan.inference(1, W1_WIDTHS);
        GemmPlan batched = GemmPlan.inference(W1_BATCH, W1_WIDTHS);

        List<Map<String, Object>> runs = new ArrayList<>();
        List<Double> medians = new ArrayList<>();
        List<Double> p99s = new ArrayList<>();
        List<Double> throughputs = new ArrayList<>();
        List<Double> singleEfficiency = new ArrayList<>();
        List<Double> batchEfficiency = new ArrayList<>();
        for (int run = 1; run <= repeat; run++) {
            Map<String, Object> latency = w4Single(network, singles, single, blas);
            Map<String, Object> throughput = w4Batch(network, batch, batched, blas);
            medians.add((Double) latency.get("median_us"));
            p99s.add((Double) latency.get("p99_us"));
            singleEfficiency.add((Double) latency.get("efficiency"));
            throughputs.add((Double) throughput.get("samples_per_s"));
            batchEfficiency.add((Double) throughput.get("efficiency"));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("run", run);
            row.put("batch1", latency);
            row.put("batch128", throughput);
            runs.add(row);
            progress("W4 run %d/%d: batch 1 median %.1f us, p99 %.1f us (%s); batch 128 %.0f samples/s (%s)", run, repeat,
                    latency.get("median_us"), latency.get("p99_us"), describe(latency.get("contention")),
                    throughput.get("samples_per_s"), describe(throughput.get("contention")));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("workload", "W4");
        result.put("name", "mlp-latency");
        result.put("blas", blas.name());
        Map<String, Object> definition = new LinkedHashMap<>();
        definition.put("network", "the W1 network, freshly initialised (seed " + INIT_SEED + "), forward only");
        definition.put("batch1", "the first " + W4_INPUTS + " test images, each its own array, round-robin; "
                + W4_WARMUP_SINGLE + " warm-up calls, then " + W4_CALLS + " calls timed one by one;"
                + " median and p99 (nearest rank)");
        definition.put("batch128", "the first 128 test images as one array; " + W4_WARMUP_BATCH
                + " warm-up calls, then calls for at least " + W4_MIN_BATCH_SECONDS + " s and "
                + W4_MIN_BATCH_CALLS + " calls");
        definition.put("repeat", repeat);
        result.put("definition", definition);
        result.put("batch1_median_us", Stats.summary(medians));
        result.put("batch1_p99_us", Stats.summary(p99s));
        result.put("batch128_samples_per_s", Stats.summary(throughputs));
        result.put("batch1_efficiency", Stats.summary(singleEfficiency));
        result.put("batch128_efficiency", Stats.summary(batchEfficiency));
        result.put("runs", runs);
        return result;
    }

    private static Map<String, Object> w4Single(KilnFashionMlp network, float[][] inputs, GemmPlan plan, Blas blas) {
        float keep = 0;
        for (int call = 0; call < W4_WARMUP_SINGLE; call++) {
            keep += network.forward(inputs[call % inputs.length], 0, 1)[0];
        }
        double probeBefore = plan.medianNanos(blas, PROBE_SECONDS / 2, 100);
        long[] nanos = new long[W4_CALLS];
        CpuUsage.Snapshot before = CpuUsage.now();
        for (int call = 0; call < W4_CALLS; call++) {
            float[] input = inputs[call % inputs.length];
            long t0 = System.nanoTime();
            float[] output = network.forward(input, 0, 1);
            nanos[call] = System.nanoTime() - t0;
            keep += output[0];
        }
        Map<String, Object> contention = CpuUsage.between(before, CpuUsage.now());
        double probeAfter = plan.medianNanos(blas, PROBE_SECONDS / 2, 100);
        sink = keep;
        Arrays.sort(nanos);
        double median = (nanos[(nanos.length - 1) / 2] + nanos[nanos.length / 2]) / 2.0;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("warmup_calls", W4_WARMUP_SINGLE);
        result.put("calls", W4_CALLS);
        result.put("median_us", median / 1e3);
        result.put("p99_us", Stats.nearestRank(nanos, 99) / 1e3);
        result.put("min_us", nanos[0] / 1e3);
        result.put("max_us", nanos[nanos.length - 1] / 1e3);
        double probe = (probeBefore + probeAfter) / 2;
        result.put("sgemm_us", probe / 1e3);
        result.put("efficiency", probe / median);
        result.put("contention", contention);
        return result;
    }

    private static Map<String, Object> w4Batch(KilnFashionMlp network, float[] batch, GemmPlan plan, Blas blas) {
        float keep = 0;
        for (int call = 0; call < W4_WARMUP_BATCH; call++) {
            keep += network.forward(batch, 0, W1_BATCH)[0];
        }
        double probeBefore = plan.medianNanos(blas, PROBE_SECONDS, 5);
        CpuUsage.Snapshot before = CpuUsage.now();
        long minimum = (long) (W4_MIN_BATCH_SECONDS * 1e9);
        long t0 = System.nanoTime();
        long elapsed;
        int calls = 0;
        do {
            keep += network.forward(batch, 0, W1_BATCH)[0];
            calls++;
            elapsed = System.nanoTime() - t0;
        } while (calls < W4_MIN_BATCH_CALLS || elapsed < minimum);
        Map<String, Object> contention = CpuUsage.between(before, CpuUsage.now());
        double probeAfter = plan.medianNanos(blas, PROBE_SECONDS, 5);
        sink = keep;
        double perCall = elapsed / (double) calls;
        double probe = (probeBefore + probeAfter) / 2;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("warmup_calls", W4_WARMUP_BATCH);
        result.put("calls", calls);
        result.put("seconds", elapsed / 1e9);
        result.put("samples_per_s", calls * (double) W1_BATCH / (elapsed / 1e9));
        result.put("us_per_call", perCall / 1e3);
        result.put("sgemm_us", probe / 1e3);
        result.put("efficiency", probe / perCall);
        result.put("contention", contention);
        return result;
    }

    // ---------------------------------------------------------------------------------------------- W5

    static Map<String, Object> w5(int[] sizes, int repeat, Blas chosen) {
        // with several threads: Kiln's sharing of each product (the chosen backend), the library's own
        // threads (as W5 defines it, openblas_set_num_threads), and the Java kernels both ways
        List<Blas> backends = new ArrayList<>();
        backends.add(chosen);
        if (chosen instanceof SplitBlas split) {
            if (split.inner() instanceof OpenBlas library) {
                backends.add(new LibraryThreads(library, split.threads()));
            }
            if (!(split.inner() instanceof JavaBlas)) {
                backends.add(new SplitBlas(new JavaBlas(), split.threads(), split.minFlops()));
            }
            backends.add(new JavaBlas());
        } else if (!(chosen instanceof JavaBlas)) {
            backends.add(new JavaBlas());
        }
        progress("W5: sgemm n = %s, backends %s, %d run(s)", Arrays.toString(sizes),
                backends.stream().map(Blas::name).toList(), repeat);
        // runs[backend][size], interleaved: each run measures every size on every backend in turn
        List<List<List<Map<String, Object>>>> runs = new ArrayList<>();
        for (int b = 0; b < backends.size(); b++) {
            List<List<Map<String, Object>>> bySize = new ArrayList<>();
            for (int s = 0; s < sizes.length; s++) {
                bySize.add(new ArrayList<>());
            }
            runs.add(bySize);
        }
        for (int run = 1; run <= repeat; run++) {
            for (int s = 0; s < sizes.length; s++) {
                for (int b = 0; b < backends.size(); b++) {
                    Map<String, Object> measured = w5Run(backends.get(b), sizes[s]);
                    runs.get(b).get(s).add(measured);
                    progress("W5 run %d/%d, %s, n = %d: best %.2f GFLOP/s, median %.2f GFLOP/s, reps %s, check %s, %s",
                            run, repeat, backends.get(b).name(), sizes[s], measured.get("best_gflops"),
                            measured.get("median_gflops"), measured.get("reps"),
                            ((Map<?, ?>) measured.get("check")).get("ok"), describe(measured.get("contention")));
                }
            }
        }
        List<Map<String, Object>> table = new ArrayList<>();
        for (int b = 0; b < backends.size(); b++) {
            for (int s = 0; s < sizes.length; s++) {
                List<Map<String, Object>> measured = runs.get(b).get(s);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("backend", backends.get(b).name() + (backends.get(b) == chosen ? " (chosen)" : ""));
                row.put("n", sizes[s]);
                row.put("best_gflops", Stats.summary(measured.stream().map(m -> (Double) m.get("best_gflops")).toList()));
                row.put("median_gflops", Stats.summary(measured.stream().map(m -> (Double) m.get("median_gflops")).toList()));
                row.put("runs", measured);
                table.add(row);
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("workload", "W5");
        result.put("name", "sgemm");
        result.put("blas", chosen.name());
        Map<String, Object> definition = new LinkedHashMap<>();
        definition.put("product", "C = A B, square, row-major, alpha 1, beta 0, A and B uniform in [-1, 1)");
        definition.put("timing", W5_WARMUP + " warm-up calls; reps doubled until one loop takes >= "
                + W5_MIN_LOOP_SECONDS + " s; that loop and " + (W5_LOOPS - 1) + " more timed; GFLOP/s = 2 n^3 reps"
                + " / loop time, best and median over the " + W5_LOOPS + " loops");
        definition.put("check", "one element of C against a double-precision dot product");
        definition.put("repeat", repeat);
        result.put("definition", definition);
        result.put("sizes", table);
        return result;
    }

    /**
     * OpenBLAS with its own threads: sets the library's thread count for each product and back to one
     * after it (the count is process-wide), which costs nothing measurable beside a W5 product.
     */
    record LibraryThreads(OpenBlas library, int threads) implements Blas {
        @Override
        public String name() {
            return library.name() + " (its own " + threads + " threads)";
        }

        @Override
        public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset,
                          int lda, float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc) {
            library.setThreads(threads);
            try {
                library.sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
            } finally {
                library.setThreads(1);
            }
        }

        @Override
        public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a,
                          long aOffset, int lda, MemorySegment b, long bOffset, int ldb, float beta, MemorySegment c,
                          long cOffset, int ldc) {
            library.setThreads(threads);
            try {
                library.sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
            } finally {
                library.setThreads(1);
            }
        }
    }

    /** One W5 measurement of {@code blas} at size {@code n}. */
    static Map<String, Object> w5Run(Blas blas, int n) {
        Rng rng = new Rng(n);
        // off-heap, as a model's memory: native backends then run on it without copies
        MemorySegment a = Memory.allocate((long) n * n);
        MemorySegment b = Memory.allocate((long) n * n);
        MemorySegment c = Memory.allocate((long) n * n);
        for (long j = 0; j < (long) n * n; j++) {
            a.setAtIndex(Memory.FLOAT, j, 2 * rng.nextFloat() - 1);
            b.setAtIndex(Memory.FLOAT, j, 2 * rng.nextFloat() - 1);
        }
        for (int call = 0; call < W5_WARMUP; call++) {
            blas.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        }
        CpuUsage.Snapshot before = CpuUsage.now();
        long minimum = (long) (W5_MIN_LOOP_SECONDS * 1e9);
        int reps = 1;
        long first = loop(blas, n, reps, a, b, c);
        while (first < minimum) {
            reps *= 2;
            first = loop(blas, n, reps, a, b, c);
        }
        double[] loops = new double[W5_LOOPS];
        loops[0] = first;
        for (int j = 1; j < W5_LOOPS; j++) {
            loops[j] = loop(blas, n, reps, a, b, c);
        }
        Map<String, Object> contention = CpuUsage.between(before, CpuUsage.now());
        Map<String, Object> check = check(n, a.toArray(Memory.FLOAT), b.toArray(Memory.FLOAT), c.toArray(Memory.FLOAT));
        if (!Boolean.TRUE.equals(check.get("ok"))) {
            progress("W5 check FAILED: %s at n = %d: C[%s][%s] = %s, expected %s within %s", blas.name(), n,
                    check.get("row"), check.get("column"), check.get("value"), check.get("reference"), check.get("bound"));
        }
        double flop = 2.0 * n * n * n * reps;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("reps", reps);
        result.put("best_gflops", flop / Arrays.stream(loops).min().orElseThrow());
        result.put("median_gflops", flop / Stats.median(loops));
        result.put("check", check);
        result.put("contention", contention);
        return result;
    }

    private static long loop(Blas blas, int n, int reps, MemorySegment a, MemorySegment b, MemorySegment c) {
        long t0 = System.nanoTime();
        for (int r = 0; r < reps; r++) {
            blas.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        }
        return System.nanoTime() - t0;
    }

    /**
     * One element of {@code C} against a dot product in double precision; it passes within
     * {@code n * 2^-23 * sum |a_ip b_pj|}, twice the worst-case error bound of float summation.
     */
    static Map<String, Object> check(int n, float[] a, float[] b, float[] c) {
        int i = n * 2 / 3;
        int j = n / 3;
        double reference = 0;
        double magnitude = 0;
        for (int p = 0; p < n; p++) {
            double term = (double) a[i * n + p] * b[p * n + j];
            reference += term;
            magnitude += Math.abs(term);
        }
        double error = Math.abs(c[i * n + j] - reference);
        double bound = n * 0x1.0p-23 * magnitude;
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("row", i);
        check.put("column", j);
        check.put("value", (double) c[i * n + j]);
        check.put("reference", reference);
        check.put("abs_error", error);
        check.put("bound", bound);
        check.put("ok", error <= bound);
        return check;
    }

    // ------------------------------------------------------------------------------------------ report

    private static Map<String, Object> describeRun(Options options, Blas blas) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("runner", Workloads.class.getName());
        run.put("date", Instant.now().toString());
        run.put("blas", blas.name());
        Map<String, Object> jdk = new LinkedHashMap<>();
        jdk.put("version", Runtime.version().toString());
        jdk.put("vm", System.getProperty("java.vm.name"));
        jdk.put("vendor", System.getProperty("java.vm.vendor"));
        jdk.put("arguments", ManagementFactory.getRuntimeMXBean().getInputArguments());
        run.put("jdk", jdk);
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("available_processors", Runtime.getRuntime().availableProcessors());
        machine.put("cpu", cpuModel());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        run.put("machine", machine);
        Map<String, Object> env = new LinkedHashMap<>();
        for (String variable : THREAD_VARIABLES) {
            env.put(variable, System.getenv(variable));
        }
        run.put("env", env);
        List<String> warnings = new ArrayList<>();
        Map<String, Object> threads = new LinkedHashMap<>();
        threads.put("requested", options.threads());
        if (options.threads() != null) {
            for (String variable : List.of("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")) {
                String value = System.getenv(variable);
                if (!String.valueOf(options.threads()).equals(value)) {
                    warnings.add("--threads " + options.threads() + " but " + variable + " is "
                            + (value == null ? "unset" : "'" + value + "'") + ": thread counts must be fixed in the"
                            + " environment before the JVM starts (./kiln bench --threads N exports them)");
                }
            }
        }
        threads.put("kiln", blas instanceof SplitBlas split ? split.threads() : 1);
        run.put("threads", threads);
        Map<String, Object> given = new LinkedHashMap<>();
        given.put("workloads", List.copyOf(options.workloads()));
        given.put("epochs", options.epochs());
        given.put("repeat", options.repeat());
        given.put("sizes", Arrays.stream(options.sizes()).boxed().toList());
        given.put("data", options.data());
        run.put("options", given);
        run.put("warnings", warnings);
        for (String warning : warnings) {
            progress("warning: %s", warning);
        }
        return run;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).strip())
                    .findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    static String describe(Object contention) {
        if (!(contention instanceof Map<?, ?> usage) || usage.get("other_cores") == null) {
            return "contention unknown";
        }
        return String.format(Locale.ROOT, "other %.2f + steal %.2f cores%s", usage.get("other_cores"),
                usage.get("steal_cores"), Boolean.TRUE.equals(usage.get("disturbed")) ? " (disturbed)" : "");
    }

    private static List<Double> boxed(double[] values) {
        return Arrays.stream(values).boxed().toList();
    }

    static void progress(String format, Object... args) {
        System.err.println(String.format(Locale.ROOT, format, args));
        System.err.flush();
    }
}
