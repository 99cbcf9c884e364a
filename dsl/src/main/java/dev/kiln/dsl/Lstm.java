package dev.kiln.dsl;

import dev.kiln.spec.RecurrentSpec;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A recurrent LSTM layer over a sequence {@code [steps, features]} (see {@link RecurrentSpec}), with PyTorch's
 * equations, parameter names and initialization. It gives every step's hidden state unless
 * {@link #returnSequences()} is false; a {@link #stateful()} layer carries its final state into the next
 * forward pass (truncated back-propagation through time; {@code Model.resetState()} zeroes it).
 *
 * <pre>{@code
 * @Network(input = 64, loss = Loss.SOFTMAX_CROSS_ENTROPY, maxBatch = 32)
 * class CharModel {
 *     @OneHot(114) Layer chars;                          // 64 ids -> 64x114
 *     @Lstm(value = 128, stateful = true) Layer recurrent;   // 64x128
 *     @Dense(114) Layer next;                            // on every step: 64x114
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface Lstm {

    /** The hidden state's size. */
    int value();

    /** Whether the output is every step's state ({@code [steps, units]}) or only the last step's ({@code [units]}). */
    boolean returnSequences() default true;

    /** Whether the final state carries over to the next forward pass, one row per stream of the batch. */
    boolean stateful() default false;

    /** The forget gate's initial bias. */
    double forgetBias() default RecurrentSpec.DEFAULT_FORGET_BIAS;
}
