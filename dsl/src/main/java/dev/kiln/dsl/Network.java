package dev.kiln.dsl;

import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a network. The annotated class's fields of type {@link Layer}, in declaration order, are its
 * layers; Kiln's annotation processor generates {@code Kiln<ClassName>} in the same package (for a
 * nested class {@code Outer.Net}, {@code KilnOuter_Net}), a final class with the network's parameters
 * and its forward and backward passes.
 *
 * <pre>{@code
 * @Network(input = 4, loss = Loss.SOFTMAX_CROSS_ENTROPY)
 * class Iris {
 *     @Dense(16) @Relu Layer hidden;
 *     @Dense(3) Layer out;
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface Network {

    /** The input shape; for Dense networks, the number of input features. */
    int[] input() default {};

    /**
     * The training objective; {@link Loss#NONE} for a network that only runs forward. Left out when
     * {@link #heads()} are given: the loss is then {@link Loss#MULTI_TASK}.
     */
    Loss loss() default Loss.NONE;

    /** The margin of {@link Loss#CONTRASTIVE}: how far apart dissimilar pairs are pushed; finite and positive. */
    double margin() default NetworkSpec.DEFAULT_MARGIN;

    /**
     * For a multi-task network, the heads that split the last layer's outputs, in order, each with its
     * own loss and weight; their units add up to the last layer's width. See {@link Head}.
     */
    Head[] heads() default {};

    /** The largest batch the generated buffers hold; they are allocated once, at construction. */
    int maxBatch() default NetworkSpec.DEFAULT_MAX_BATCH;
}
