package dev.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Maxout with {@code k} pieces: each output is the largest of a group of {@code k} consecutive input
 * features ({@code y_j = max(x_{jk}, ..., x_{jk+k-1})}), so the output is {@code k} times narrower than
 * the input. Next to {@link Dense} it applies to that layer's output: {@code @Dense(64) @Maxout(4)} gives
 * 16 features, each the maximum of 4 linear pieces; alone on a {@link Layer} field it is a layer of its
 * own. The input width must be a multiple of {@code k}.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface Maxout {

    /** The number of pieces {@code k} per output, at least 2. */
    int value();
}
