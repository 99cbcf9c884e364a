package dev.kiln.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.runtime.data.Dataset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The trainer's step allocates nothing in the steady state: the core step (zero, forward, loss, backward,
 * optimizer) with the measures it keeps, also in training mode with dropout drawing its masks, and the
 * progress bar between redraws. Checked in a JVM of its own ({@link TrainingStepAllocationCheck}), where
 * the step is the hot code, as it is in an application: in the test JVM, after everything the other tests
 * run, the JIT's queue was at times still too long after 10 s to have compiled the optimizer's vector loop.
 */
class TrainingStepAllocationTest {

    @Test
    void theStepAndTheProgressBarAllocateNothingOnceWarm() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), TrainingStepAllocationCheck.class.getName()));
        Process process = new ProcessBuilder(command).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), () -> command + " failed: " + out + "\n" + err);
        assertEquals("none allocate", out);
    }

    /** {@code size} samples of 4 features in 3 classes (the other trainer tests' data too). */
    static Dataset threeClasses(int size) {
        return TrainingStepAllocationCheck.threeClasses(size);
    }
}
