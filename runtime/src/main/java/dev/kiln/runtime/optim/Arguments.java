package dev.kiln.runtime.optim;

/** Checks of optimizer hyper-parameters and step arguments, with messages naming the argument. */
final class Arguments {

    private Arguments() {
    }

    /** {@code value}, if positive and finite. */
    static float positive(String name, float value) {
        if (!(value > 0) || Float.isInfinite(value)) {
            throw new IllegalArgumentException(name + " = " + value + " must be positive and finite");
        }
        return value;
    }

    /** {@code value}, if in {@code [0, 1)}. */
    static float fraction(String name, float value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(name + " = " + value + " must be in [0, 1)");
        }
        return value;
    }

    /**
     * Checks that {@code parameters} and {@code gradients} have the same length and, once the optimizer
     * holds state ({@code stateLength >= 0}), the length of that state.
     */
    static void stepArrays(float[] parameters, float[] gradients, int stateLength) {
        if (parameters.length != gradients.length) {
            throw new IllegalArgumentException("step: " + parameters.length + " parameters but "
                    + gradients.length + " gradients");
        }
        if (stateLength >= 0 && parameters.length != stateLength) {
            throw new IllegalArgumentException("step: " + parameters.length + " parameters, but this optimizer"
                    + " was first used with " + stateLength + "; use one optimizer per model");
        }
    }
}
