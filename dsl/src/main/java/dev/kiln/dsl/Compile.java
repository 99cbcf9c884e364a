package dev.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Asks Kiln's annotation processor to compile a network declared with the builder. The field must be
 * {@code static final}, of type {@link dev.kiln.spec.NetworkSpec}, and initialized by one builder chain
 * whose arguments are compile-time constants (literals, {@code static final} constants, enum
 * constants, and arithmetic on them):
 *
 * <pre>{@code
 * @Compile
 * static final NetworkSpec IRIS = Kiln.input(4)
 *         .dense(16).relu()
 *         .dense(3).softmax()
 *         .loss(Loss.SOFTMAX_CROSS_ENTROPY)
 *         .build();
 * }</pre>
 *
 * The processor generates {@code Kiln<FieldName>} in the field's package, the field's name in upper
 * camel case ({@code IRIS} gives {@code KilnIris}, {@code fashionMlp} gives {@code KilnFashionMlp}),
 * with the same code an {@link Network @Network} class declaring the same spec gets. Its {@code SPEC}
 * constant equals the field's value.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface Compile {
}
