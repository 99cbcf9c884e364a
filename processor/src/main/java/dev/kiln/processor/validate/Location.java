package dev.kiln.processor.validate;

import com.sun.source.util.TreePath;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;

/**
 * Where a message points: an element, optionally narrowed to one of its annotations and to one value of
 * that annotation, or to one expression in its initializer (a call of a builder chain, or one of its
 * arguments). Produced by the parse stage, read only by {@link Reporter}.
 *
 * @param element    the element
 * @param annotation one of its annotations, or null
 * @param value      one value of that annotation, or null
 * @param tree       an expression in the element's source, or null
 */
public record Location(Element element, AnnotationMirror annotation, AnnotationValue value, TreePath tree) {

    /** An annotation value of an element. */
    public Location(Element element, AnnotationMirror annotation, AnnotationValue value) {
        this(element, annotation, value, null);
    }

    /** The whole element. */
    public static Location of(Element element) {
        return new Location(element, null, null, null);
    }

    /** One annotation on the element. */
    public static Location of(Element element, AnnotationMirror annotation) {
        return new Location(element, annotation, null, null);
    }

    /** One expression in the element's source. */
    public static Location of(Element element, TreePath tree) {
        return new Location(element, null, null, tree);
    }
}
