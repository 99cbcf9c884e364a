package dev.kiln.processor.parse;

import dev.kiln.processor.validate.Location;
import java.util.Map;

/**
 * Where one layer of a {@link Declaration} came from.
 *
 * @param field      the declaring field's name
 * @param layer      the annotation that declared the layer, on its field
 * @param attributes the locations of the annotation's explicitly written values, by name
 */
public record LayerOrigin(String field, Location layer, Map<String, Location> attributes) {

    public LayerOrigin {
        attributes = Map.copyOf(attributes);
    }

    /** The location of an attribute if it was written out, else of the whole annotation. */
    public Location at(String attribute) {
        return attribute == null ? layer : attributes.getOrDefault(attribute, layer);
    }
}
