package dev.kiln.samples.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * PyTorch for the interchange tests: finds a {@code python3} that can {@code import torch} and runs
 * {@code torch_interop.py} with it.
 *
 * <p>The interpreters tried, in order: {@code /usr/bin/python3} (where Debian's {@code python3-torch}
 * installs PyTorch), then every {@code python3} on the {@code PATH}. Without one the tests are skipped,
 * unless the environment variable {@code KILN_REQUIRE_TORCH} is {@code 1} (as CI sets it): then they fail,
 * saying what to install.
 */
final class Torch {

    /** The environment variable that turns a missing PyTorch from a skip into a failure. */
    static final String REQUIRE = "KILN_REQUIRE_TORCH";

    private static final long TIMEOUT_SECONDS = 300;
    private static Optional<Path> found;

    private Torch() {
    }

    /**
     * A python3 that imports torch; otherwise the calling test is skipped, or fails if
     * {@link #REQUIRE} is {@code 1}.
     */
    static synchronized Path python() {
        if (found == null) {
            found = find(candidates());
        }
        return require(found, candidates(), System.getenv(REQUIRE));
    }

    /** {@code python}, or else a skip or, when {@code requireTorch} is {@code 1}, a failure naming the fix. */
    static Path require(Optional<Path> python, List<Path> tried, String requireTorch) {
        if (python.isPresent()) {
            return python.get();
        }
        String message = "no python3 that can import torch was found (tried " + tried + "); install PyTorch, on"
                + " Debian or Ubuntu: apt-get install -y python3-torch";
        if ("1".equals(requireTorch)) {
            fail(message + " (" + REQUIRE + "=1 requires the PyTorch tests to run)");
        }
        assumeTrue(false, message + "; skipping the PyTorch tests (set " + REQUIRE + "=1 to fail instead)");
        throw new AssertionError("unreachable");
    }

    /** {@code /usr/bin/python3}, then each {@code python3} on the PATH, without repeats. */
    static List<Path> candidates() {
        Set<Path> candidates = new LinkedHashSet<>();
        candidates.add(Path.of("/usr/bin/python3"));
        String path = Objects.requireNonNullElse(System.getenv("PATH"), "");
        for (String directory : path.split(File.pathSeparator)) {
            if (!directory.isEmpty()) {
                candidates.add(Path.of(directory, "python3"));
            }
        }
        return List.copyOf(candidates);
    }

    /** The first candidate that runs {@code import torch} successfully. */
    static Optional<Path> find(List<Path> candidates) {
        for (Path candidate : candidates) {
            if (Files.isExecutable(candidate)) {
                try {
                    if (run(List.of(candidate.toString(), "-c", "import torch")).exitCode() == 0) {
                        return Optional.of(candidate);
                    }
                } catch (IOException e) {
                    // not runnable: try the next one
                }
            }
        }
        return Optional.empty();
    }

    /** Runs {@code torch_interop.py} with {@code arguments}; fails the test with its output if it fails. */
    static void interop(Path directory, String... arguments) throws IOException {
        Path script = directory.resolve("torch_interop.py");
        if (!Files.exists(script)) {
            try (InputStream in = Torch.class.getResourceAsStream("torch_interop.py")) {
                Files.copy(Objects.requireNonNull(in, "torch_interop.py is not on the class path"), script);
            }
        }
        List<String> command = new ArrayList<>(List.of(python().toString(), script.toString()));
        command.addAll(List.of(arguments));
        Result result = run(command);
        assertEquals(0, result.exitCode(), () -> String.join(" ", command) + " failed:\n" + result.output());
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command) throws IOException {
        // the output goes to a file, so that a process that hangs cannot block the reading of its output
        Path log = Files.createTempFile("kiln-torch", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            process.getOutputStream().close();
            boolean finished;
            try {
                finished = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running " + command, e);
            }
            if (!finished) {
                process.destroyForcibly();
            }
            String output = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
            return finished ? new Result(process.exitValue(), output)
                    : new Result(-1, output + "\n(killed after " + TIMEOUT_SECONDS + " s)");
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
