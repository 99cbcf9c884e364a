package dev.kiln.processor.parse;

import dev.kiln.processor.validate.Diagnostic;
import dev.kiln.processor.validate.Location;
import dev.kiln.spec.NetworkSpec;
import dev.kiln.spec.Problem;
import java.util.List;
import java.util.function.Function;
import javax.lang.model.element.Element;

/**
 * A network as read from the source, an {@code @Network} class or a {@code @Compile} builder field: the
 * spec it declares, where each part came from, and the problems found while reading it that the spec
 * cannot express (field types, reachability, arguments that are not constants).
 *
 * @param packageName   the package of the declaration and of the generated class ("" for the unnamed one)
 * @param declaredBy    how the generated class's documentation links to the declaration, e.g.
 *                      {@code Iris}, {@code Outer.Iris} or {@code Models#IRIS}
 * @param generatedName the simple name of the generated class
 * @param spec          the declared network; null when the declaration could not be read (its findings say why)
 * @param layerFields   for each layer, the name of the field or builder block that declared it
 * @param element       the declaring element, which the generated class records as its origin
 * @param locator       where each problem of {@code spec.validate()} was written
 * @param findings      problems found while reading
 */
public record Declaration(
        String packageName,
        String declaredBy,
        String generatedName,
        NetworkSpec spec,
        List<String> layerFields,
        Element element,
        Function<Problem, Location> locator,
        List<Diagnostic> findings) {

    public Declaration {
        layerFields = List.copyOf(layerFields);
        findings = List.copyOf(findings);
    }

    /** The simple name of the class generated for a class named {@code sourceName} in its package: {@code Kiln}, then the name with dots as underscores. */
    public static String generatedName(String sourceName) {
        return "Kiln" + sourceName.replace('.', '_');
    }

    /** Where a problem of the spec was written. */
    public Location locate(Problem problem) {
        return locator.apply(problem);
    }
}
