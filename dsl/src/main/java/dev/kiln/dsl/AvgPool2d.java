package dev.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Avg pooling over an image: the mean (dividing by the window's area, padding included) of each window, each channel on its own
 * (see {@link dev.kiln.spec.Pool2dSpec}). The stride is the window's size unless given, so
 * {@code @AvgPool2d(2)} halves the height and the width. The sizes must fit as for {@link Conv2d}.
 *
 * <pre>{@code
 * @Conv2d(filters = 6, kernel = 5, padding = 2) @Relu Layer conv1;   // 6x28x28
 * @AvgPool2d(2) Layer pool1;                                          // 6x14x14
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface AvgPool2d {

    /** The window's size: one value for a square window, or {height, width}. */
    int[] value();

    /** The step between windows: one value, or {down, across}; by default the window's size. */
    int[] stride() default {};

    /** Padding rows and columns around the input, at most half the window: one value, or {rows, columns}. */
    int[] padding() default 0;
}
