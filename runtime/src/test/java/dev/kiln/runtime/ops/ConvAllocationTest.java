package dev.kiln.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Once the JIT has compiled them (until then the Vector API boxes its vectors), the convolutions and LeNet's
 * max poolings allocate nothing per call, with the Vector API and without it. Checked in a JVM of its own
 * ({@link ConvAllocationCheck}), where these calls are the hot code, as a model's are in an application:
 * in the test JVM, after everything the other tests run, the JIT may compile the kernels with other
 * inlining decisions.
 */
class ConvAllocationTest {

    @Test
    void withTheVectorApiNothingIsAllocatedOnceWarm() throws IOException, InterruptedException, URISyntaxException {
        assertEquals("none allocate", runElsewhere(List.of("--add-modules", "jdk.incubator.vector")));
    }

    @Test
    void withoutTheVectorApiNothingIsAllocatedOnceWarm() throws IOException, InterruptedException,
            URISyntaxException {
        assertEquals("none allocate", runElsewhere(List.of()));
    }

    /** Runs {@link ConvAllocationCheck} in a new JVM with the given options and returns what it printed. */
    private static String runElsewhere(List<String> options) throws IOException, InterruptedException,
            URISyntaxException {
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classPath = Path.of(ConvOps.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                + File.pathSeparator
                + Path.of(ConvAllocationCheck.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(options);
        command.addAll(List.of("-cp", classPath, ConvAllocationCheck.class.getName()));
        Process process = new ProcessBuilder(command).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), () -> command + " failed: " + out + "\n" + err);
        return out;
    }
}
