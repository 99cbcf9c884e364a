package dev.kiln.runtime.tune;

import dev.kiln.runtime.EditDistance;
import java.util.Collection;
import java.util.Locale;

/** Suggests the name meant by a misspelt one ("Did you mean ..."). */
final class Names {

    private Names() {
    }

    /**
     * The candidate closest to {@code name} by edit distance, ignoring case, if it is close enough to be a
     * misspelling (at most a third of the name's letters, and at least one, differ); else null.
     */
    static String closest(String name, Collection<String> candidates) {
        String wanted = name.toLowerCase(Locale.ROOT);
        int limit = Math.max(1, wanted.length() / 3);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int distance = EditDistance.between(wanted, candidate.toLowerCase(Locale.ROOT));
            if (distance <= limit && distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }
}
