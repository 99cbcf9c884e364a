package dev.kiln.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Reads the network's input as one class id per step and looks up a learned vector for each (see
 * {@link dev.kiln.spec.EmbeddingSpec}); only on the first layer, with {@code @Network(input = steps)}.
 *
 * <pre>{@code
 * @Embedding(vocabulary = 5000, dimension = 64) Layer words;   // 20 ids -> 20x64
 * @Gru(64) Layer gru;
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.FIELD)
public @interface Embedding {

    /** The number of distinct ids. */
    int vocabulary();

    /** The size of each id's vector. */
    int dimension();
}
