package dev.kiln.processor.parse;

import dev.kiln.processor.validate.Diagnostic;
import dev.kiln.processor.validate.Location;
import dev.kiln.spec.NetworkSpec;
import java.util.List;
import java.util.Map;

/**
 * A {@code @Network} class as read from the source: the spec it declares, where each part came from,
 * and the problems found while reading it that the spec cannot express (field types, reachability).
 *
 * @param packageName       the class's package ("" for the unnamed package)
 * @param sourceName        the class's name inside its package, e.g. {@code Iris} or {@code Outer.Iris}
 * @param spec              the declared network
 * @param origins           for each layer of {@code spec}, where it was declared
 * @param network           the {@code @Network} annotation on the class
 * @param networkAttributes the locations of its explicitly written values, by name
 * @param findings          problems found while reading
 */
public record Declaration(
        String packageName,
        String sourceName,
        NetworkSpec spec,
        List<LayerOrigin> origins,
        Location network,
        Map<String, Location> networkAttributes,
        List<Diagnostic> findings) {

    public Declaration {
        origins = List.copyOf(origins);
        networkAttributes = Map.copyOf(networkAttributes);
        findings = List.copyOf(findings);
    }

    /** The simple name of the generated class. */
    public String generatedName() {
        return generatedName(sourceName);
    }

    /** The simple name of the class generated for {@code sourceName}: {@code Kiln}, then the name with dots as underscores. */
    public static String generatedName(String sourceName) {
        return "Kiln" + sourceName.replace('.', '_');
    }

    /** For each layer, the name of the field that declared it. */
    public List<String> layerFields() {
        return origins.stream().map(LayerOrigin::field).toList();
    }
}
