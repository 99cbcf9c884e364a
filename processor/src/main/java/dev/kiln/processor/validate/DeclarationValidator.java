package dev.kiln.processor.validate;

import dev.kiln.processor.parse.Declaration;
import dev.kiln.spec.Problem;
import java.util.ArrayList;
import java.util.List;

/**
 * The validate stage: every problem with a declaration, each placed at the narrowest element. The rules
 * about the network itself are {@link dev.kiln.spec.NetworkSpec#validate()}'s, the same ones the runtime
 * applies; this class adds what was found while parsing and points each problem at its source.
 */
public final class DeclarationValidator {

    private DeclarationValidator() {
    }

    /** All problems, parse findings first, then the spec's rules in declaration order. */
    public static List<Diagnostic> validate(Declaration declaration) {
        List<Diagnostic> all = new ArrayList<>(declaration.findings());
        for (Problem problem : declaration.spec().validate()) {
            all.add(new Diagnostic(problem.rule(), problem.message(), locate(declaration, problem)));
        }
        return List.copyOf(all);
    }

    /**
     * The network's own attributes ({@code input}, {@code maxBatch}, {@code loss}) point at the
     * {@code @Network} value; anything else about a layer at the layer's annotation or value.
     */
    private static Location locate(Declaration declaration, Problem problem) {
        String attribute = problem.attribute();
        if (problem.layer() == Problem.NETWORK || "loss".equals(attribute)) {
            return attribute == null ? declaration.network()
                    : declaration.networkAttributes().getOrDefault(attribute, declaration.network());
        }
        return declaration.origins().get(problem.layer()).at(attribute);
    }
}
