package dev.kiln.processor.validate;

import dev.kiln.spec.Rule;

/** One error about a declaration: the rule, the full message and where it points. */
public record Diagnostic(Rule rule, String message, Location location) {
}
