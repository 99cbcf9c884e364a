package dev.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Softmax over each sample's features, {@code e^x_i / sum_j e^x_j}. Only the last layer may be a softmax; under {@code Loss.SOFTMAX_CROSS_ENTROPY} the two are fused. Alone on a {@link Layer} field it is a layer of its own; next to {@link Dense} it applies to that
 * layer's output.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface Softmax {}
