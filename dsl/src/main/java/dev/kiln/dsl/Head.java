package dev.kiln.dsl;

import dev.kiln.spec.HeadSpec;
import dev.kiln.spec.Loss;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * One head of a multi-task network, given in {@link Network#heads()}: the next {@code units} outputs of
 * the last layer, with their own loss and weight. The network's loss is the weighted sum of its heads'
 * losses (see {@link HeadSpec}):
 *
 * <pre>{@code
 * @Network(input = 8, heads = {
 *         @Head(units = 3, loss = Loss.SOFTMAX_CROSS_ENTROPY),
 *         @Head(units = 1, loss = Loss.MSE, weight = 0.5)})
 * class Tagger {
 *     @Dense(32) @Relu Layer hidden;
 *     @Dense(4) Layer out;       // outputs 0-2: class logits; output 3: a regression value
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target({})
public @interface Head {

    /** The number of outputs the head takes, after those of the heads before it. */
    int units();

    /** Its loss, computed on its outputs and the matching slice of the targets. */
    Loss loss();

    /** What its loss counts for in the network's loss; finite and positive. */
    double weight() default HeadSpec.DEFAULT_WEIGHT;
}
