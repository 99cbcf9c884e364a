package dev.kiln.runtime.blas;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The process-wide choice of {@link Blas} backend, made once, on first use, and logged once at INFO
 * ({@code Kiln BLAS backend: java (vector kernel)}; for {@link JavaBlas} the log names its kernel, and
 * with the scalar one says how to get the faster Vector API one).
 *
 * <p>The choice, in order:
 * <ol>
 *   <li>the backend named by the system property {@value #PROPERTY} or, when that is unset, the
 *       environment variable {@value #ENVIRONMENT_VARIABLE} ({@code java} names {@link JavaBlas});
 *       an unknown name is an error that lists the available ones;</li>
 *   <li>otherwise the first backend other than {@link JavaBlas} that {@link ServiceLoader} finds (a
 *       native library binding on the class path or module path);</li>
 *   <li>otherwise {@link JavaBlas}.</li>
 * </ol>
 * A provider that fails to load is skipped, with its cause logged at DEBUG.
 */
public final class Blases {

    /** The system property that forces a backend by name, e.g. {@code -Dkiln.blas=java}. */
    public static final String PROPERTY = "kiln.blas";

    /** The environment variable that forces a backend by name when {@value #PROPERTY} is unset. */
    public static final String ENVIRONMENT_VARIABLE = "KILN_BLAS";

    private static final System.Logger LOG = System.getLogger(Blases.class.getName());

    private static volatile Blas chosen;

    private Blases() {
    }

    /**
     * The backend this process uses, chosen on the first call.
     *
     * @throws IllegalStateException if {@value #PROPERTY} or {@value #ENVIRONMENT_VARIABLE} names no
     *     available backend (on every call: a failed choice is not remembered)
     */
    public static Blas get() {
        Blas blas = chosen;
        if (blas == null) {
            synchronized (Blases.class) {
                if (chosen == null) {
                    chosen = choose();
                }
                blas = chosen;
            }
        }
        return blas;
    }

    private static Blas choose() {
        String requested = System.getProperty(PROPERTY);
        if (requested == null) {
            requested = System.getenv(ENVIRONMENT_VARIABLE);
        }
        // asking for the Java kernels must not load (or start) any native library
        List<String> failures = new ArrayList<>();
        Blas blas = requested != null && requested.strip().equals(JavaBlas.NAME)
                ? new JavaBlas()
                : select(requested, discover(failures), failures);
        LOG.log(System.Logger.Level.INFO, "Kiln BLAS backend: " + describe(blas));
        return blas;
    }

    /** A backend's name for the log; for {@link JavaBlas}, with its kernel. */
    static String describe(Blas blas) {
        if (!(blas instanceof JavaBlas java)) {
            return blas.name();
        }
        String kernel = java.kernel();
        return blas.name() + " (" + kernel + " kernel" + (kernel.equals("scalar") && !JavaBlas.vectorModulePresent()
                ? "; start the JVM with --add-modules jdk.incubator.vector for the faster Vector API kernel)" : ")");
    }

    /**
     * The backend for a request: the one named {@code requested} (blank or null: no request), else the
     * first of {@code discovered} that is not {@link JavaBlas}, else {@link JavaBlas}.
     *
     * @throws IllegalStateException if {@code requested} names none of them
     */
    static Blas select(String requested, List<Blas> discovered) {
        return select(requested, discovered, List.of());
    }

    /**
     * As {@link #select(String, List)}; {@code failures} (why providers failed to load) go into the
     * message when the requested backend is not available.
     */
    static Blas select(String requested, List<Blas> discovered, List<String> failures) {
        Map<String, Blas> byName = new LinkedHashMap<>();
        byName.put(JavaBlas.NAME, new JavaBlas());
        for (Blas blas : discovered) {
            if (!(blas instanceof JavaBlas)) {
                byName.putIfAbsent(blas.name(), blas);
            }
        }
        if (requested != null && !requested.isBlank()) {
            Blas blas = byName.get(requested.strip());
            if (blas == null) {
                throw new IllegalStateException("Kiln BLAS backend '" + requested.strip() + "' (from "
                        + PROPERTY + " or " + ENVIRONMENT_VARIABLE + ") is not available; available: "
                        + String.join(", ", byName.keySet())
                        + (failures.isEmpty() ? "" : "; backends that failed to load: " + String.join("; ", failures)));
            }
            return blas;
        }
        return byName.values().stream()
                .filter(blas -> !(blas instanceof JavaBlas))
                .findFirst()
                .orElse(byName.get(JavaBlas.NAME));
    }

    /** Every backend that {@link ServiceLoader} can instantiate, in its order; why others failed goes to {@code failures}. */
    private static List<Blas> discover(List<String> failures) {
        List<Blas> found = new ArrayList<>();
        Iterator<Blas> providers = ServiceLoader.load(Blas.class).iterator();
        while (true) {
            try {
                if (!providers.hasNext()) {
                    return found;
                }
                found.add(providers.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                LOG.log(System.Logger.Level.DEBUG, "Kiln BLAS backend skipped: it failed to load", e);
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                failures.add(String.valueOf(cause.getMessage()));
            }
        }
    }
}
