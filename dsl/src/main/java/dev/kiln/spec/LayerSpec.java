package dev.kiln.spec;

import java.util.List;

/**
 * One layer of a {@link NetworkSpec}. Layers are immutable records; each knows where it was declared
 * ({@link #source()}), so that messages and generated comments can point back at the declaration.
 *
 * <p>A layer maps an input <em>shape</em> to an output shape, per sample: {@code [features]} for a flat
 * vector, {@code [steps, features]} for a sequence, {@code [channels, height, width]} for an image. Dense layers and most activations know only
 * widths ({@link #outputSize(int)}); convolution, pooling and flattening work on shapes
 * ({@link #outputShape(List)}). Shapes are meaningful once {@link NetworkSpec#validate()} has passed.
 */
public sealed interface LayerSpec permits DenseSpec, ActivationSpec, PReluSpec, MaxoutSpec, DropoutSpec,
        Conv2dSpec, Pool2dSpec, FlattenSpec, BatchNormSpec, RecurrentSpec, OneHotSpec, EmbeddingSpec {

    /** Where the layer was declared, e.g. {@code Iris.hidden}. */
    String source();

    /** The same layer, declared at {@code source}. */
    LayerSpec withSource(String source);

    /** A short description for comments and messages, e.g. {@code Dense(4 -> 16)}. */
    String describe(int inputSize);

    /** The number of features this layer produces from {@code inputSize} features (a flat input). */
    int outputSize(int inputSize);

    /**
     * The shape this layer produces from {@code inputShape}. By default a flat layer: the shape's
     * elements taken as features, giving {@code [outputSize(features)]}; layers that keep the shape
     * (element-wise ones) or change it (convolution, pooling, flattening) say so.
     */
    default List<Integer> outputShape(List<Integer> inputShape) {
        return List.of(outputSize(Shapes.size(inputShape)));
    }

    /** {@link #describe(int)} for a shaped input; by default of its element count. */
    default String describe(List<Integer> inputShape) {
        return describe(Shapes.size(inputShape));
    }
}
