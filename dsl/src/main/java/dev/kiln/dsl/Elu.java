package dev.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The exponential linear unit, {@code f(x) = x} for {@code x > 0}, else {@code alpha * (e^x - 1)}. Alone on a {@link Layer} field it is a layer of its own; next to {@link Dense} it applies to that
 * layer's output.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface Elu {

    /** The value approached for very negative inputs is {@code -alpha}; positive. */
    double alpha() default 1.0;
}
