package dev.kiln.samples.text;

import dev.kiln.runtime.data.TextCorpus;
import dev.kiln.runtime.io.Weights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Trains {@link CharLstm} on the fortunes corpus as workload W3 does, printing the loss as it goes, saves
 * the weights, and writes text from a prompt. With {@code --steps 0} and an existing weights file it only
 * loads and writes.
 *
 * <pre>{@code
 * apt-get install -y fortunes
 * ./kiln mvn -q -pl samples -am package -DskipTests
 * java -cp "samples/target/classes:$(cat samples/target/bench.classpath)" dev.kiln.samples.text.CharLstmDemo \
 *     --steps 2000 --prompt "The " --temperature 0.7 --weights char-lstm.safetensors
 * }</pre>
 * Options: {@code --steps N} (default 1000), {@code --prompt TEXT} (default "The "), {@code --temperature T}
 * (default 0.8), {@code --length N} characters to write (default 400), {@code --weights FILE} (default
 * {@code char-lstm.safetensors}), {@code --corpus DIR} (default the fortunes package's directory).
 */
public final class CharLstmDemo {

    static final long SEED = 42;

    private CharLstmDemo() {
    }

    /** Trains, saves and writes; exits with status 2 on a bad argument or a missing corpus, saying why. */
    public static void main(String[] args) throws IOException {
        int steps = 1000;
        String prompt = "The ";
        double temperature = 0.8;
        int length = 400;
        Path weights = Path.of("char-lstm.safetensors");
        Path corpusDir = TextCorpus.FORTUNES_DIRECTORY;
        try {
            for (int j = 0; j < args.length; j += 2) {
                if (j + 1 >= args.length) {
                    throw new IllegalArgumentException(args[j] + " needs a value");
                }
                String value = args[j + 1];
                switch (args[j]) {
                    case "--steps" -> steps = Integer.parseInt(value);
                    case "--prompt" -> prompt = value;
                    case "--temperature" -> temperature = Double.parseDouble(value);
                    case "--length" -> length = Integer.parseInt(value);
                    case "--weights" -> weights = Path.of(value);
                    case "--corpus" -> corpusDir = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[j]);
                }
            }
            if (steps < 0 || length < 0 || !(temperature >= 0)) {
                throw new IllegalArgumentException("--steps and --length must be 0 or more, --temperature 0 or more");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("CharLstmDemo: " + e.getMessage());
            System.exit(2);
            return;
        }
        TextCorpus corpus;
        try {
            corpus = TextCorpus.fortunes(corpusDir);
        } catch (IOException | IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        System.out.printf(Locale.ROOT, "corpus: %,d bytes, %d distinct%n", corpus.size(), corpus.vocabularySize());
        CharLanguageModel lm = new CharLanguageModel(corpus, SEED);
        if (steps == 0) {
            if (!Files.exists(weights)) {
                System.err.println("--steps 0 writes with saved weights, but " + weights + " does not exist; train first");
                System.exit(2);
            }
            Weights.load(lm.model(), weights);
            System.out.println("loaded " + weights);
        } else {
            double sum = 0;
            long start = System.nanoTime();
            for (int step = 1; step <= steps; step++) {
                sum += lm.trainStep(step - 1);
                if (step % 50 == 0 || step == steps) {
                    int n = step % 50 == 0 ? 50 : step % 50;
                    double seconds = (System.nanoTime() - start) / 1e9;
                    System.out.printf(Locale.ROOT, "step %5d  loss %.4f (mean of the last %d)  %.0f chars/s%n", step,
                            sum / n, n, (double) step * CharLstm.STREAMS * CharLstm.STEPS / seconds);
                    sum = 0;
                }
            }
            Weights.save(lm.model(), weights);
            System.out.println("saved the weights to " + weights);
        }
        System.out.println("--- " + length + " characters after \"" + prompt + "\" at temperature " + temperature + ":");
        System.out.println(prompt + CharLanguageModel.write(lm.model(), corpus, prompt, length, temperature, SEED));
    }
}
