package dev.kiln.dsl;

import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.Init;
import dev.kiln.spec.Tier;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A fully connected layer, {@code y = x W^T + b}. An activation annotation on the same field applies
 * right after it: {@code @Dense(16) @Relu Layer hidden;}.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface Dense {

    /** The number of output features. */
    int value();

    /** Whether to add a learned bias (initialized to zero). */
    boolean bias() default true;

    /** How the weights start; {@link Init#AUTO} picks He or Xavier from the next activation. */
    Init init() default Init.AUTO;

    /** The scale of {@link Init#UNIFORM} ({@code U(-scale, scale)}) and {@link Init#NORMAL} (standard deviation). */
    double scale() default DenseSpec.DEFAULT_SCALE;

    /** How the generated class computes the layer; {@link Tier#AUTO} lets the planner pick by size. */
    Tier tier() default Tier.AUTO;
}
