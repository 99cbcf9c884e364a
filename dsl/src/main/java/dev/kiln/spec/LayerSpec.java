package dev.kiln.spec;

/**
 * One layer of a {@link NetworkSpec}. Layers are immutable records; each knows where it was declared
 * ({@link #source()}), so that messages and generated comments can point back at the declaration.
 */
public sealed interface LayerSpec permits DenseSpec, ActivationSpec, PReluSpec, MaxoutSpec, DropoutSpec {

    /** Where the layer was declared, e.g. {@code Iris.hidden}. */
    String source();

    /** A short description for comments and messages, e.g. {@code Dense(4 -> 16)}. */
    String describe(int inputSize);

    /** The number of features this layer produces from {@code inputSize} features. */
    int outputSize(int inputSize);
}
