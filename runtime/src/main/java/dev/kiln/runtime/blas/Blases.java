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

    /** The system property that sets how many threads one matrix product may use, e.g. {@code -Dkiln.threads=2}. */
    public static final String THREADS_PROPERTY = "kiln.threads";

    /**
     * The environment variables read, in order, when {@value #THREADS_PROPERTY} is unset: Kiln's own, then
     * the ones that by convention say how many threads linear algebra may use.
     */
    public static final List<String> THREADS_VARIABLES = List.of("KILN_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS");

    /**
     * The fewest floating-point operations ({@code 2 m n k}) of a product that {@link SplitBlas} shares
     * between threads; smaller ones run on the calling thread. Measured: docs/decisions.md, "Threads".
     */
    public static final long SPLIT_MIN_FLOPS = 2_000_000;

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
        int threads = threads(System.getProperty(THREADS_PROPERTY),
                THREADS_VARIABLES.stream().map(System::getenv).toList());
        if (threads > 1) {
            blas = new SplitBlas(blas, threads, SPLIT_MIN_FLOPS);
        }
        LOG.log(System.Logger.Level.INFO, "Kiln BLAS backend: " + describe(blas));
        return blas;
    }

    /**
     * The threads one product may use: the first of {@code property} and {@code variables} (the values of
     * {@link #THREADS_VARIABLES}, null when unset) that is set, else 1.
     *
     * @throws IllegalStateException naming the setting when the value is not a positive whole number
     */
    static int threads(String property, List<String> variables) {
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        names.add(THREADS_PROPERTY);
        values.add(property);
        names.addAll(THREADS_VARIABLES);
        values.addAll(variables);
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            if (value == null || value.isBlank()) {
                continue;
            }
            int threads;
            try {
                threads = Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                threads = 0;
            }
            if (threads < 1) {
                throw new IllegalStateException(names.get(i) + " = '" + value
                        + "' is not a positive whole number of threads; e.g. " + names.get(i) + "=2");
            }
            return threads;
        }
        return 1;
    }

    /** A backend's name for the log; for {@link JavaBlas}, with its kernel. */
    static String describe(Blas blas) {
        if (blas instanceof SplitBlas split) {
            return describe(split.inner()) + ", " + split.threads() + " threads (products of at least "
                    + split.minFlops() / 1_000_000.0 + " MFLOP shared)";
        }
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
