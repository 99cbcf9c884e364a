package dev.kiln.processor;

import com.google.auto.service.AutoService;
import dev.kiln.dsl.Network;
import dev.kiln.processor.emit.NetworkEmitter;
import dev.kiln.processor.model.NetworkPlan;
import dev.kiln.processor.model.Planner;
import dev.kiln.processor.parse.Declaration;
import dev.kiln.processor.parse.NetworkParser;
import dev.kiln.processor.validate.DeclarationValidator;
import dev.kiln.processor.validate.Diagnostic;
import dev.kiln.processor.validate.Location;
import dev.kiln.processor.validate.Reporter;
import dev.kiln.spec.Rule;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Generated;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;

/**
 * Kiln's annotation processor: for each {@code @Network} class, parse, validate, plan and emit. A
 * network with any error gets every error reported and no generated class; the others are still
 * processed.
 */
@AutoService(Processor.class)
public final class KilnProcessor extends AbstractProcessor {

    /**
     * Every Kiln annotation, and {@code @Generated} (which the generated classes carry), is claimed, so
     * that javac does not warn under {@code -Xlint:processing} that they went unprocessed.
     */
    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Set.of(Network.class.getPackageName() + ".*", Generated.class.getCanonicalName());
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        NetworkParser parser = new NetworkParser(processingEnv.getElementUtils());
        Reporter reporter = new Reporter(processingEnv.getMessager());
        for (Element element : round.getElementsAnnotatedWith(Network.class)) {
            TypeElement type = (TypeElement) element;
            try {
                parser.parse(type).ifPresent(declaration -> compile(declaration, type, reporter));
            } catch (RuntimeException e) {
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                reporter.error(Rule.UNEXPECTED.format(type.getQualifiedName(), trace), Location.of(type));
            }
        }
        return true;
    }

    private void compile(Declaration declaration, TypeElement type, Reporter reporter) {
        List<Diagnostic> problems = DeclarationValidator.validate(declaration);
        if (!problems.isEmpty()) {
            reporter.report(problems);
            return;
        }
        NetworkPlan plan = Planner.plan(declaration.spec(), declaration.layerFields(), declaration.packageName(),
                declaration.generatedName(), declaration.sourceName());
        try {
            NetworkEmitter.emit(plan, type).writeTo(processingEnv.getFiler());
        } catch (IOException e) {
            reporter.error(Rule.WRITE_FAILED.format(plan.className(), e.getMessage()), Location.of(type));
        }
    }
}
