package dev.kiln.processor.validate;

import java.util.List;
import javax.annotation.processing.Messager;
import javax.tools.Diagnostic.Kind;

/** Prints diagnostics as compiler errors at their narrowest location. */
public final class Reporter {

    private final Messager messager;

    public Reporter(Messager messager) {
        this.messager = messager;
    }

    /** Reports every diagnostic as an error. */
    public void report(List<Diagnostic> diagnostics) {
        for (Diagnostic d : diagnostics) {
            error(d.message(), d.location());
        }
    }

    /** Reports one error at a location. */
    public void error(String message, Location at) {
        if (at.value() != null) {
            messager.printMessage(Kind.ERROR, message, at.element(), at.annotation(), at.value());
        } else if (at.annotation() != null) {
            messager.printMessage(Kind.ERROR, message, at.element(), at.annotation());
        } else {
            messager.printMessage(Kind.ERROR, message, at.element());
        }
    }
}
