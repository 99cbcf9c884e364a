package dev.kiln.processor;

import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.kiln.runtime.Model;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import javax.tools.JavaFileObject;

/** Compiles test declarations with Kiln's processor and loads what it generates. */
final class Sources {

    /** The imports every test declaration starts with. */
    static final String IMPORTS = """
            import dev.kiln.dsl.*;
            import dev.kiln.spec.Init;
            import dev.kiln.spec.Loss;
            import dev.kiln.spec.Tier;
            """;

    private Sources() {
    }

    /** A source file {@code test/<name>.java} in package {@code test}, with {@link #IMPORTS}. */
    static JavaFileObject source(String name, String body) {
        return JavaFileObjects.forSourceString("test." + name, "package test;\n\n" + IMPORTS + "\n" + body);
    }

    /** Compiles with the processor, treating every lint warning as an error. */
    static Compilation compile(JavaFileObject... files) {
        return compile(new RecordingProcessor(), files);
    }

    /** Compiles with {@code processor}, treating every lint warning as an error. */
    static Compilation compile(RecordingProcessor processor, JavaFileObject... files) {
        return javac().withProcessors(processor).withOptions("-Xlint:all", "-Werror").compile(files);
    }

    /** Loads a class compiled by {@code compilation} and creates the model with its no-argument constructor. */
    static Model load(Compilation compilation, String binaryName) {
        Map<String, byte[]> classes = new HashMap<>();
        for (JavaFileObject file : compilation.generatedFiles()) {
            if (file.getKind() == JavaFileObject.Kind.CLASS) {
                String path = file.toUri().getPath();
                String name = path.substring(path.indexOf("/test/") + 1, path.length() - ".class".length()).replace('/', '.');
                classes.put(name, bytes(file));
            }
        }
        ClassLoader loader = new ClassLoader(Sources.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] b = classes.get(name);
                if (b == null) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, b, 0, b.length);
            }
        };
        try {
            return (Model) loader.loadClass(binaryName).getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot load " + binaryName + " from " + classes.keySet(), e);
        }
    }

    /** The bytes of the class file {@code compilation} wrote for {@code binaryName}. */
    static byte[] classFile(Compilation compilation, String binaryName) {
        String path = "/" + binaryName.replace('.', '/') + ".class";
        for (JavaFileObject file : compilation.generatedFiles()) {
            if (file.getKind() == JavaFileObject.Kind.CLASS && file.toUri().getPath().endsWith(path)) {
                return bytes(file);
            }
        }
        throw new AssertionError("no class file for " + binaryName);
    }

    private static byte[] bytes(JavaFileObject file) {
        try (InputStream in = file.openInputStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
