package dev.kiln.processor.validate;

import com.sun.source.util.Trees;
import java.util.List;
import javax.annotation.processing.Messager;
import javax.tools.Diagnostic.Kind;

/** Prints diagnostics as compiler errors at their narrowest location. */
public final class Reporter {

    private final Messager messager;
    private final Trees trees;

    /**
     * @param messager where messages about elements and annotations go
     * @param trees    where messages about expressions go; null when the compiler is not javac, and then
     *                 such messages go to their element
     */
    public Reporter(Messager messager, Trees trees) {
        this.messager = messager;
        this.trees = trees;
    }

    /** Reports every diagnostic as an error. */
    public void report(List<Diagnostic> diagnostics) {
        for (Diagnostic d : diagnostics) {
            error(d.message(), d.location());
        }
    }

    /** Reports one error at a location. */
    public void error(String message, Location at) {
        if (at.tree() != null && trees != null) {
            trees.printMessage(Kind.ERROR, message, at.tree().getLeaf(), at.tree().getCompilationUnit());
        } else if (at.value() != null) {
            messager.printMessage(Kind.ERROR, message, at.element(), at.annotation(), at.value());
        } else if (at.annotation() != null) {
            messager.printMessage(Kind.ERROR, message, at.element(), at.annotation());
        } else {
            messager.printMessage(Kind.ERROR, message, at.element());
        }
    }
}
