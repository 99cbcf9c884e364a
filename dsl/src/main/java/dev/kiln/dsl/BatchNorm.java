package dev.kiln.dsl;

import dev.kiln.spec.BatchNormSpec;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Batch normalization of each feature, or of each channel of an image (see {@link BatchNormSpec}): in
 * training mode with the batch's statistics, in inference mode with the running ones. An activation on
 * the same field applies after it. Its learned scale and shift are {@code <field>.weight} and
 * {@code <field>.bias}, so it takes a field of its own, not the field of the layer before it:
 *
 * <pre>{@code
 * @Conv2d(filters = 16, kernel = 3, padding = 1, bias = false) Layer conv;
 * @BatchNorm @Relu Layer convNorm;
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface BatchNorm {

    /** The weight of each batch in the running statistics. */
    double momentum() default BatchNormSpec.DEFAULT_MOMENTUM;

    /** Added to the variance before its square root. */
    double epsilon() default BatchNormSpec.DEFAULT_EPSILON;
}
