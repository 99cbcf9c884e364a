package dev.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Leaky ReLU, {@code f(x) = x} for {@code x > 0}, else {@code alpha * x}. Alone on a {@link Layer} field it is a layer of its own; next to {@link Dense} it applies to that
 * layer's output.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface LeakyRelu {

    /** The slope for negative inputs, in [0, 1). */
    double alpha() default 0.01;
}
