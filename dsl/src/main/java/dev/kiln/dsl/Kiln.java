package dev.kiln.dsl;

/**
 * Where a fluent network declaration starts. The chain builds the same {@link dev.kiln.spec.NetworkSpec}
 * an {@link Network @Network} class declares:
 *
 * <pre>{@code
 * static final NetworkSpec IRIS = Kiln.input(4)
 *         .dense(16).relu()
 *         .dense(3).softmax()
 *         .loss(Loss.SOFTMAX_CROSS_ENTROPY)
 *         .build();
 * }</pre>
 *
 * At run time the spec can be run and trained at once by the runtime's interpreter; annotated with
 * {@link Compile @Compile}, the same field is read by Kiln's annotation processor, which generates a
 * class for it as it does for an {@code @Network} class. See {@link NetworkBuilder} for every call.
 */
public final class Kiln {

    private Kiln() {
    }

    /**
     * Starts a network named {@value NetworkBuilder#DEFAULT_NAME} with the given input shape (for Dense
     * networks, the number of input features).
     */
    public static NetworkBuilder input(int... shape) {
        return NetworkBuilder.start(NetworkBuilder.DEFAULT_NAME, "Kiln.input").input(shape);
    }

    /**
     * Starts a network with a name, used in messages and in its layers' sources ({@code Iris.hidden});
     * give the input shape next, e.g. {@code Kiln.network("Iris").input(4)}.
     */
    public static NetworkBuilder network(String name) {
        return NetworkBuilder.start(name, "Kiln.network");
    }
}
