package dev.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Reads the network's input as one class id per step and encodes it one-hot (see
 * {@link dev.kiln.spec.OneHotSpec}); only on the first layer, with {@code @Network(input = steps)}. The
 * layer after it looks columns of its weights up instead of multiplying by one-hot vectors.
 *
 * <pre>{@code
 * @OneHot(114) Layer chars;   // 64 ids -> 64x114
 * @Lstm(128) Layer lstm;
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface OneHot {

    /** The number of distinct ids. */
    int value();
}
