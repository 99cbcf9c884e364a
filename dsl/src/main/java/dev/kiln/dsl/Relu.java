package dev.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The rectified linear unit, {@code f(x) = max(0, x)}. Alone on a {@link Layer} field it is a layer of its own; next to {@link Dense} it applies to that
 * layer's output.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface Relu {}
