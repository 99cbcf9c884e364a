package dev.kiln.runtime;

/**
 * The argument checks that generated models run at their public entry points, so that a wrong call
 * fails at once with a message naming the network, the argument and the fix, instead of an
 * {@link ArrayIndexOutOfBoundsException} deep inside a kernel.
 */
public final class Checks {

    private Checks() {
    }

    /**
     * Checks the arguments of {@link Model#forward}: {@code batch} samples of {@code inputSize} features
     * from {@code input[offset]}.
     *
     * @param network  the network's name, which starts every message
     * @param maxBatch the largest batch the network's buffers hold
     * @throws NullPointerException     if {@code input} is null
     * @throws IllegalArgumentException if {@code batch} is not in {@code [1, maxBatch]}, {@code offset} is
     *     negative or {@code input} is too short
     */
    public static void forwardArguments(String network, float[] input, int offset, int batch, int inputSize,
                                        int maxBatch) {
        if (input == null) {
            throw new NullPointerException(network + ": input is null");
        }
        if (batch < 1 || batch > maxBatch) {
            throw new IllegalArgumentException(network + ": batch " + batch + " is outside [1, " + maxBatch
                    + "]; split the data into batches of at most " + maxBatch + ", or raise @Network(maxBatch)");
        }
        rows(network, "input", input, offset, batch, inputSize, "features");
    }

    /**
     * Checks the arguments of {@link Model#loss}: {@code batch} rows of {@code outputSize} target values
     * from {@code target[offset]}, where {@code batch} is that of the last forward pass.
     *
     * @param network the network's name, which starts every message
     * @throws NullPointerException     if {@code target} is null
     * @throws IllegalArgumentException if {@code offset} is negative or {@code target} is too short
     */
    public static void targetArguments(String network, float[] target, int offset, int batch, int outputSize) {
        if (target == null) {
            throw new NullPointerException(network + ": target is null");
        }
        rows(network, "target", target, offset, batch, outputSize, "targets");
    }

    private static void rows(String network, String argument, float[] values, int offset, int batch, int width,
                             String unit) {
        if (offset < 0) {
            throw new IllegalArgumentException(network + ": the " + argument + " offset " + offset
                    + " is negative");
        }
        long needed = (long) batch * width;
        if (offset + needed > values.length) {
            throw new IllegalArgumentException(network + ": a batch of " + batch + " samples of " + width + " "
                    + unit + " needs " + needed + " values from offset " + offset + ", but the " + argument
                    + " array has " + values.length);
        }
    }
}
