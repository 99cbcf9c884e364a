package dev.kiln.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import dev.kiln.spec.Tier;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The unrolled tier's limits: at its largest ({@link Tier#UNROLLED_MAX_WEIGHTS} weights as a square, a
 * tall and a wide layer, the wide one with {@link Tier#UNROLLED_MAX_OUTPUTS} outputs; with the activation
 * whose derivative reads the most), every generated method stays under the 8,000 bytes of
 * bytecode beyond which HotSpot never compiles a method (-XX:HugeMethodLimit), so the tier never runs
 * interpreted.
 */
class UnrolledTierTest {

    /** HotSpot's {@code HugeMethodLimit}: a larger method stays in the interpreter. */
    private static final int HUGE_METHOD_LIMIT = 8000;

    @Test
    void theLargestUnrolledLayersCompileToMethodsTheJitAccepts() {
        Compilation compilation = Sources.compile(Sources.source("Widest", """
                @Network(input = 8, loss = Loss.MSE, maxBatch = 4)
                class Square {
                    @Dense(value = 12, tier = Tier.UNROLLED) @Elu Layer a;
                }

                @Network(input = 96, loss = Loss.MSE, maxBatch = 4)
                class Tall {
                    @Dense(value = 1, tier = Tier.UNROLLED) @Elu Layer a;
                }

                @Network(input = 3, loss = Loss.MSE, maxBatch = 4)
                class Wide {
                    @Dense(value = 32, tier = Tier.UNROLLED) @Elu Layer a;
                }
                """));
        assertThat(compilation).succeededWithoutWarnings();
        for (String name : List.of("Square", "Tall", "Wide")) {
            ClassModel model = ClassFile.of().parse(Sources.classFile(compilation, "test.Kiln" + name));
            List<String> unrolled = new ArrayList<>();
            for (MethodModel method : model.methods()) {
                int length = method.findAttribute(java.lang.classfile.Attributes.code())
                        .map(CodeAttribute::codeLength).orElse(0);
                String what = name + "." + method.methodName().stringValue();
                assertTrue(length < HUGE_METHOD_LIMIT, what + " has " + length + " bytes of bytecode");
                if (method.methodName().stringValue().startsWith("a")) {
                    unrolled.add(method.methodName().stringValue());
                }
            }
            assertEquals(List.of("aForward", "aBackward"), unrolled, name);
        }
    }
}
