package dev.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Inverted dropout with rate {@code p} (see {@link dev.kiln.spec.DropoutSpec}): in training mode each
 * value is dropped with probability {@code p} and the others are scaled by {@code 1 / (1 - p)}; in
 * inference mode (a model's default) it passes values through unchanged. On a field with {@link Dense}
 * and an activation it applies last, to the activation's output, whatever order the annotations are
 * written in; alone on a {@link Layer} field it is a layer of its own (on the input, for example):
 *
 * <pre>{@code
 * @Dropout(0.2) Layer inputDropout;
 * @Dense(128) @Relu @Dropout(0.5) Layer hidden;
 * @Dense(10) Layer out;
 * }</pre>
 *
 * It cannot be on the last layer.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface Dropout {

    /** The probability of dropping each value, in {@code [0, 1)}, e.g. 0.5. */
    double value();
}
