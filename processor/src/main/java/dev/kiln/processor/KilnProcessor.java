package dev.kiln.processor;

import com.google.auto.service.AutoService;
import com.sun.source.util.Trees;
import dev.kiln.dsl.Compile;
import dev.kiln.dsl.Network;
import dev.kiln.processor.emit.NetworkEmitter;
import dev.kiln.processor.model.NetworkPlan;
import dev.kiln.processor.model.Planner;
import dev.kiln.processor.parse.ChainParser;
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
import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Generated;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;

/**
 * Kiln's annotation processor: for each {@code @Network} class and each {@code @Compile} builder field,
 * parse, validate, plan and emit. A
 * network with any error gets every error reported and no generated class; the others are still
 * processed.
 */
@AutoService(Processor.class)
public final class KilnProcessor extends AbstractProcessor {

    /** The classes generated so far in this compilation, and the declaration each came from. */
    private final Map<String, String> generated = new HashMap<>();

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
        Trees trees = trees();
        NetworkParser networks = new NetworkParser(processingEnv.getElementUtils());
        ChainParser chains = new ChainParser(processingEnv.getElementUtils(), trees);
        Reporter reporter = new Reporter(processingEnv.getMessager(), trees);
        for (Element element : round.getElementsAnnotatedWith(Network.class)) {
            guard(element, reporter, () -> networks.parse((TypeElement) element)
                    .ifPresent(declaration -> compile(declaration, reporter)));
        }
        for (Element element : round.getElementsAnnotatedWith(Compile.class)) {
            guard(element, reporter, () -> compile(chains.parse((VariableElement) element), reporter));
        }
        return true;
    }

    /**
     * javac's trees, or null under another compiler (then builder chains cannot be read). Build tools
     * sometimes hand processors a wrapper around javac's environment (Gradle does, for incremental
     * processing); the wrapped environment is then looked for in the wrapper's fields.
     */
    private Trees trees() {
        ProcessingEnvironment env = processingEnv;
        for (int depth = 0; env != null && depth < 4; depth++) {
            try {
                return Trees.instance(env);
            } catch (IllegalArgumentException notJavac) {
                env = wrappedBy(env);
            }
        }
        return null;
    }

    private static ProcessingEnvironment wrappedBy(ProcessingEnvironment wrapper) {
        for (Class<?> c = wrapper.getClass(); c != null; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (ProcessingEnvironment.class.isAssignableFrom(field.getType())) {
                    try {
                        field.setAccessible(true);
                        return (ProcessingEnvironment) field.get(wrapper);
                    } catch (ReflectiveOperationException | RuntimeException inaccessible) {
                        return null;
                    }
                }
            }
        }
        return null;
    }

    /** Runs one declaration's work; a bug in Kiln becomes an error at the declaration, not a crashed build. */
    private static void guard(Element element, Reporter reporter, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            reporter.error(Rule.UNEXPECTED.format(element, trace), Location.of(element));
        }
    }

    private void compile(Declaration declaration, Reporter reporter) {
        List<Diagnostic> problems = DeclarationValidator.validate(declaration);
        if (!problems.isEmpty()) {
            reporter.report(problems);
            return;
        }
        String qualified = (declaration.packageName().isEmpty() ? "" : declaration.packageName() + ".")
                + declaration.generatedName();
        String earlier = generated.putIfAbsent(qualified, declaration.declaredBy());
        if (earlier != null) {
            reporter.error(Rule.GENERATED_NAME_TAKEN.format(declaration.declaredBy(), qualified, earlier),
                    Location.of(declaration.element()));
            return;
        }
        NetworkPlan plan = Planner.plan(declaration.spec(), declaration.layerFields(), declaration.packageName(),
                declaration.generatedName(), declaration.declaredBy());
        try {
            NetworkEmitter.emit(plan, declaration.element()).writeTo(processingEnv.getFiler());
        } catch (IOException e) {
            reporter.error(Rule.WRITE_FAILED.format(plan.className(), e.getMessage()),
                    Location.of(declaration.element()));
        }
    }
}
