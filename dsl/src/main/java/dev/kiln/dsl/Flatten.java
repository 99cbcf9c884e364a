package dev.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Flattens each image to its {@code channels x height x width} values, in that order, between the
 * convolutions and the Dense layers (see {@link dev.kiln.spec.FlattenSpec}); it computes nothing.
 *
 * <pre>{@code
 * @MaxPool2d(2) Layer pool2;   // 16x5x5
 * @Flatten Layer flat;          // 400
 * @Dense(120) @Relu Layer fc1;
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface Flatten {
}
