package dev.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A parametric ReLU, {@code f(x_j) = x_j} for {@code x_j > 0}, else {@code a_j x_j}, with a slope
 * {@code a_j} learned per feature, starting at 0.25 (see {@link dev.kiln.spec.PReluSpec}). Its slopes are
 * the tensor {@code <field>.weight} of shape (features), as {@code torch.nn.PReLU} names it, so it takes a
 * {@link Layer} field of its own, never one with {@link Dense}:
 *
 * <pre>{@code
 * @Dense(16) Layer hidden;
 * @PRelu Layer hiddenSlopes;
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface PRelu {}
