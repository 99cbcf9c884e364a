package dev.kiln.processor.validate;

import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;

/**
 * Where a message points: an element, optionally narrowed to one of its annotations and to one value of
 * that annotation. Produced by the parse stage, read only by {@link Reporter}.
 */
public record Location(Element element, AnnotationMirror annotation, AnnotationValue value) {

    /** The whole element. */
    public static Location of(Element element) {
        return new Location(element, null, null);
    }

    /** One annotation on the element. */
    public static Location of(Element element, AnnotationMirror annotation) {
        return new Location(element, annotation, null);
    }
}
