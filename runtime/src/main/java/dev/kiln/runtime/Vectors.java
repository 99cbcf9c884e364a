package dev.kiln.runtime;

/**
 * Whether the Vector API ({@code jdk.incubator.vector}) is available to this JVM. It is an incubator
 * module, resolved only when the JVM starts with {@code --add-modules jdk.incubator.vector}; the
 * runtime's vector kernels live in classes of their own, loaded only when this says yes, and plain
 * loops run otherwise.
 */
public final class Vectors {

    private static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private Vectors() {
    }

    /** True when the JVM was started with {@code --add-modules jdk.incubator.vector}. */
    public static boolean available() {
        return AVAILABLE;
    }
}
