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

    /**
     * All problems, parse findings first, then the spec's rules in declaration order (none when the
     * declaration could not be read into a spec).
     */
    public static List<Diagnostic> validate(Declaration declaration) {
        List<Diagnostic> all = new ArrayList<>(declaration.findings());
        if (declaration.spec() == null) {
            return List.copyOf(all);
        }
        for (Problem problem : declaration.spec().validate()) {
            all.add(new Diagnostic(problem.rule(), problem.message(), declaration.locate(problem)));
        }
        return List.copyOf(all);
    }
}
