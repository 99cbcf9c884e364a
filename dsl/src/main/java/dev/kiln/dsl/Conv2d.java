package dev.kiln.dsl;

import dev.kiln.spec.Conv2dSpec;
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.Init;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A 2-D convolution over an image (see {@link Conv2dSpec}); the network's input must be one,
 * {@code @Network(input = {channels, height, width})}. An activation on the same field applies right after
 * it. The output size down is {@code (height - kernel + 2 padding) / stride + 1}, and across likewise;
 * a declaration where that is not a whole number of at least 1 is a compile error at the annotation,
 * which suggests a padding or stride that fits.
 *
 * <pre>{@code
 * @Conv2d(filters = 6, kernel = 5, padding = 2) @Relu Layer conv1;     // 1x28x28 -> 6x28x28
 * @MaxPool2d(2) Layer pool1;                                             // -> 6x14x14
 * @Conv2d(filters = 16, kernel = 3, padding = Conv2d.SAME) Layer conv2; // -> 16x14x14
 * @Conv2d(filters = 8, kernel = 1) Layer mix;                            // 1x1: mixes channels
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface Conv2d {

    /** Padding that keeps {@code ceil(size / stride)} outputs (the input's size at stride 1). */
    int SAME = Conv2dSpec.SAME;

    /** The number of output channels (kernels). */
    int filters();

    /** The kernel's size: one value for a square kernel, or {height, width}. */
    int[] kernel();

    /** The step between windows: one value, or {down, across}. */
    int[] stride() default 1;

    /** Zero rows and columns added around the input: one value, {rows, columns}, or {@link #SAME}. */
    int[] padding() default 0;

    /** Whether each filter adds a learned bias (initialized to zero). */
    boolean bias() default true;

    /** How the weights start; {@link Init#AUTO} picks He or Xavier from the next activation. */
    Init init() default Init.AUTO;

    /** The scale of {@link Init#UNIFORM} ({@code U(-scale, scale)}) and {@link Init#NORMAL} (standard deviation). */
    double scale() default DenseSpec.DEFAULT_SCALE;
}
