package dev.kiln.processor.emit;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import dev.kiln.processor.model.LayerPlan;
import dev.kiln.spec.ActivationSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import javax.lang.model.element.Modifier;

/**
 * Writes a Dense layer of {@code Tier.UNROLLED}: a method per pass, with no loop but the one over the
 * batch. Each pass copies the layer's parameters into a float array and from there into one local per
 * weight ({@code w2_0} is the weight from input 0 to output 2), copies the rows it reads into arrays, and
 * for each sample writes one expression per output: {@code z2 = b2 + w2_0 * x0 + w2_1 * x1 + ...}.
 * Backward accumulates each weight's and bias's gradient in a local ({@code gw2_0}, {@code gb2}) over the
 * whole batch and adds them to the gradients once. The fused activation and its derivative are applied
 * to each output in the same code. Array accesses keep the straight-line code small enough to compile
 * (a memory-segment access inlines much more code than an array access), which is also why the tier has
 * a size limit ({@code Tier.UNROLLED_MAX_WEIGHTS}).
 */
final class UnrolledWriter {

    /** How many declarations or statements share one line of generated code. */
    private static final int PER_LINE = 8;

    private final LayerPlan dense;
    private final LayerPlan forwardActivation;
    private final LayerPlan backwardActivation;
    private final String t;
    private final int in;
    private final int out;

    /**
     * @param dense              the layer
     * @param forwardActivation  the activation fused after it in the forward pass, or null
     * @param backwardActivation the activation whose derivative its backward pass applies (null when
     *                           none, or when the loss absorbed it)
     */
    UnrolledWriter(LayerPlan dense, LayerPlan forwardActivation, LayerPlan backwardActivation) {
        this.dense = dense;
        this.forwardActivation = forwardActivation;
        this.backwardActivation = backwardActivation;
        this.t = dense.tensors();
        this.in = dense.inputSize();
        this.out = dense.outputSize();
    }

    /** The name of the method that computes {@code dense}'s forward pass: {@code hiddenForward}. */
    static String forwardName(LayerPlan dense) {
        return dense.tensors() + "Forward";
    }

    /** The name of the method that computes {@code dense}'s backward pass: {@code hiddenBackward}. */
    static String backwardName(LayerPlan dense) {
        return dense.tensors() + "Backward";
    }

    /** The arrays the passes copy into, allocated with the model. */
    List<FieldSpec> fields(boolean trains) {
        List<FieldSpec> fields = new ArrayList<>();
        fields.add(array(t + "Weights", String.valueOf(dense.parameterCount()),
                "Layer " + dense.number() + "'s parameters (and in backward its gradients), copied for its unrolled code."));
        fields.add(array(t + "In", "MAX_BATCH * " + in, "The rows layer " + dense.number()
                + " reads, copied; backward writes its input gradient here."));
        fields.add(array(t + "Z", "MAX_BATCH * " + out, "Layer " + dense.number() + "'s outputs."));
        if (forwardActivation != null) {
            fields.add(array(t + "A", "MAX_BATCH * " + out, "The outputs of layer " + forwardActivation.number()
                    + ", the activation fused into layer " + dense.number() + "."));
        }
        if (trains) {
            fields.add(array(t + "Dy", "MAX_BATCH * " + out, "The gradient that reaches layer " + dense.number()
                    + ", copied."));
        }
        return fields;
    }

    private static FieldSpec array(String name, String size, String doc) {
        return FieldSpec.builder(TypeName.get(float[].class), name, Modifier.PRIVATE, Modifier.FINAL)
                .addJavadoc("$L\n", doc)
                .initializer("new float[$L]", size)
                .build();
    }

    // private void hiddenForward(int batch) {
    //     float[] p = hiddenWeights;
    //     Memory.copy(hiddenParams, 0L, p, 0, 80);
    //     float w0_0 = p[0], w0_1 = p[1], w0_2 = p[2], w0_3 = p[3];  ...
    //     for (int s = 0; s < batch; s++) {
    //         float x0 = in[i], x1 = in[i + 1], x2 = in[i + 2], x3 = in[i + 3];
    //         float z0 = b0 + w0_0 * x0 + w0_1 * x1 + w0_2 * x2 + w0_3 * x3;  ...
    //         z[o] = z0;
    //         a[o] = Math.max(0f, z0);  ...
    MethodSpec forward() {
        CodeBlock.Builder code = CodeBlock.builder();
        code.addStatement("float[] p = $NWeights", t)
                .addStatement("$T.copy($NParams, 0L, p, 0, $L)", RuntimeTypes.MEMORY, t, dense.parameterCount());
        declareWeights(code);
        if (dense.bias() != null) {
            declare(code, out, j -> "b" + j + " = p[" + (dense.biasWithinLayer() + j) + "]");
        }
        code.addStatement("float[] in = $NIn", t).addStatement("float[] z = $NZ", t);
        if (forwardActivation != null) {
            code.addStatement("float[] a = $NA", t);
        }
        code.addStatement("$T.copy($N, 0L, in, 0, batch * $L)", RuntimeTypes.MEMORY, dense.input().name(), in);
        code.beginControlFlow("for (int s = 0; s < batch; s++)");
        rowIndices(code);
        declare(code, in, k -> "x" + k + " = in[" + at("i", k) + "]");
        for (int j = 0; j < out; j++) {
            List<String> terms = new ArrayList<>();
            if (dense.bias() != null) {
                terms.add("b" + j);
            }
            for (int k = 0; k < in; k++) {
                terms.add("w" + j + "_" + k + " * x" + k);
            }
            code.addStatement("float z$L = $L", j, sum(terms));
        }
        lines(code, out, j -> "z[" + at("o", j) + "] = z" + j);
        if (forwardActivation != null) {
            ActivationSpec f = (ActivationSpec) forwardActivation.spec();
            for (int j = 0; j < out; j++) {
                code.addStatement("a[$L] = $L", at("o", j), DenseWriter.apply(f, "z" + j));
            }
        }
        code.endControlFlow();
        code.addStatement("$T.copy(z, 0, $N, 0L, batch * $L)", RuntimeTypes.MEMORY, dense.output().name(), out);
        if (forwardActivation != null) {
            code.addStatement("$T.copy(a, 0, $N, 0L, batch * $L)", RuntimeTypes.MEMORY,
                    forwardActivation.output().name(), out);
        }
        return MethodSpec.methodBuilder(forwardName(dense))
                .addJavadoc("Layer $L's forward pass$L, unrolled.\n", dense.number(), forwardActivation == null ? ""
                        : " and layer " + forwardActivation.number() + "'s")
                .addModifiers(Modifier.PRIVATE)
                .addParameter(TypeName.INT, "batch")
                .addCode(code.build())
                .build();
    }

    // private void hiddenBackward(int batch) {
    //     float w0_0 = p[0], ...;  float gw0_0 = 0f, ...;  float gb0 = 0f, ...;
    //     for (int s = 0; s < batch; s++) {
    //         float dz0 = z[o] > 0 ? dy[o] : 0f;  ...
    //         gb0 += dz0;  ...
    //         gw0_0 += dz0 * x0; gw0_1 += dz0 * x1; ...
    //         in[i] = dz0 * w0_0 + dz1 * w1_0 + ...;  ...
    //     }
    //     p[0] += gw0_0; ...
    MethodSpec backward() {
        boolean first = dense.first();
        String dy = backwardActivation == null ? dense.outputGradient().name()
                : backwardActivation.outputGradient().name();
        CodeBlock.Builder code = CodeBlock.builder();
        code.addStatement("float[] p = $NWeights", t)
                .addStatement("$T.copy($NParams, 0L, p, 0, $L)", RuntimeTypes.MEMORY, t, in * out);
        declareWeights(code);
        for (int j = 0; j < out; j++) {
            int row = j;
            declare(code, in, k -> "gw" + row + "_" + k + " = 0f");
        }
        if (dense.bias() != null) {
            declare(code, out, j -> "gb" + j + " = 0f");
        }
        code.addStatement("float[] in = $NIn", t).addStatement("float[] dy = $NDy", t);
        code.addStatement("$T.copy($N, 0L, in, 0, batch * $L)", RuntimeTypes.MEMORY, dense.input().name(), in)
                .addStatement("$T.copy($N, 0L, dy, 0, batch * $L)", RuntimeTypes.MEMORY, dy, out);
        DerivativeInputs inputs = DerivativeInputs.of(backwardActivation);
        if (inputs.z()) {
            code.addStatement("float[] z = $NZ", t).addStatement("$T.copy($N, 0L, z, 0, batch * $L)",
                    RuntimeTypes.MEMORY, dense.output().name(), out);
        }
        if (inputs.a()) {
            code.addStatement("float[] a = $NA", t).addStatement("$T.copy($N, 0L, a, 0, batch * $L)",
                    RuntimeTypes.MEMORY, backwardActivation.output().name(), out);
        }
        if (first) {
            code.addStatement("boolean wantDx = inputGradientEnabled");
        }
        code.beginControlFlow("for (int s = 0; s < batch; s++)");
        rowIndices(code);
        declare(code, in, k -> "x" + k + " = in[" + at("i", k) + "]");
        for (int j = 0; j < out; j++) {
            code.addStatement("float dz$L = $L", j, derivative(j));
        }
        if (dense.bias() != null) {
            lines(code, out, j -> "gb" + j + " += dz" + j);
        }
        for (int j = 0; j < out; j++) {
            int row = j;
            lines(code, in, k -> "gw" + row + "_" + k + " += dz" + row + " * x" + k);
        }
        if (first) {
            code.beginControlFlow("if (wantDx)");
        }
        for (int k = 0; k < in; k++) {
            List<String> terms = new ArrayList<>();
            for (int j = 0; j < out; j++) {
                terms.add("dz" + j + " * w" + j + "_" + k);
            }
            code.addStatement("in[$L] = $L", at("i", k), sum(terms));
        }
        if (first) {
            code.endControlFlow();
        }
        code.endControlFlow();
        CodeBlock toDx = CodeBlock.of("$T.copy(in, 0, $N, 0L, batch * $L)", RuntimeTypes.MEMORY,
                dense.inputGradient().name(), in);
        if (first) {
            code.beginControlFlow("if (wantDx)").addStatement(toDx).endControlFlow();
        } else {
            code.addStatement(toDx);
        }
        code.addStatement("$T.copy($NGrads, 0L, p, 0, $L)", RuntimeTypes.MEMORY, t, dense.parameterCount());
        for (int j = 0; j < out; j++) {
            int row = j;
            lines(code, in, k -> "p[" + (row * in + k) + "] += gw" + row + "_" + k);
        }
        if (dense.bias() != null) {
            lines(code, out, j -> "p[" + (dense.biasWithinLayer() + j) + "] += gb" + j);
        }
        code.addStatement("$T.copy(p, 0, $NGrads, 0L, $L)", RuntimeTypes.MEMORY, t, dense.parameterCount());
        return MethodSpec.methodBuilder(backwardName(dense))
                .addJavadoc("Layer $L's backward pass$L, unrolled: adds its parameters' gradients and writes its input's.\n",
                        dense.number(), backwardActivation == null ? "" : " and layer " + backwardActivation.number() + "'s")
                .addModifiers(Modifier.PRIVATE)
                .addParameter(TypeName.INT, "batch")
                .addCode(code.build())
                .build();
    }

    /** {@code float w0_0 = p[0], w0_1 = p[1], ...;}, a line per output (split every few inputs). */
    private void declareWeights(CodeBlock.Builder code) {
        for (int j = 0; j < out; j++) {
            int row = j;
            declare(code, in, k -> "w" + row + "_" + k + " = p[" + (row * in + k) + "]");
        }
    }

    private void rowIndices(CodeBlock.Builder code) {
        code.addStatement("int i = s * $L", in).addStatement("int o = s * $L", out);
    }

    /** {@code dz_j = f'(z_j) dy_j}, as the runtime's kernels compute it. */
    private String derivative(int j) {
        String g = "dy[" + at("o", j) + "]";
        if (backwardActivation == null) {
            return g;
        }
        ActivationSpec spec = (ActivationSpec) backwardActivation.spec();
        String z = "z[" + at("o", j) + "]";
        String a = "a[" + at("o", j) + "]";
        String alpha = (float) spec.alpha() + "f";
        return switch (spec.function()) {
            case IDENTITY -> g;
            case SIGMOID -> a + " * (1 - " + a + ") * " + g;
            case TANH -> "(1 - " + a + " * " + a + ") * " + g;
            case RELU -> z + " > 0 ? " + g + " : 0f";
            case LEAKY_RELU -> z + " > 0 ? " + g + " : " + alpha + " * " + g;
            case ELU -> z + " > 0 ? " + g + " : (" + a + " + " + alpha + ") * " + g;
            case SOFTMAX -> throw new IllegalArgumentException("softmax is row-wise and is never fused");
        };
    }

    /** What an activation's derivative reads: its input {@code z}, its output {@code a}, or both. */
    private record DerivativeInputs(boolean z, boolean a) {
        static DerivativeInputs of(LayerPlan activation) {
            if (activation == null) {
                return new DerivativeInputs(false, false);
            }
            return switch (((ActivationSpec) activation.spec()).function()) {
                case IDENTITY -> new DerivativeInputs(false, false);
                case SIGMOID, TANH -> new DerivativeInputs(false, true);
                case RELU, LEAKY_RELU -> new DerivativeInputs(true, false);
                case ELU -> new DerivativeInputs(true, true);
                case SOFTMAX -> throw new IllegalArgumentException("softmax is row-wise and is never fused");
            };
        }
    }

    /** {@code t0 + t1 + ...}, wrapped where the line gets long. */
    private static CodeBlock sum(List<String> terms) {
        CodeBlock.Builder sum = CodeBlock.builder();
        for (int n = 0; n < terms.size(); n++) {
            sum.add(n == 0 ? "$L" : "$W+ $L", terms.get(n));
        }
        return sum.build();
    }

    /** {@code o} for 0, else {@code o + n}. */
    private static String at(String base, int n) {
        return n == 0 ? base : base + " + " + n;
    }

    /** {@code float d0, d1, ...;} with at most {@link #PER_LINE} per line. */
    private static void declare(CodeBlock.Builder code, int count, IntFunction<String> item) {
        for (int from = 0; from < count; from += PER_LINE) {
            StringBuilder line = new StringBuilder("float ");
            for (int n = from; n < Math.min(count, from + PER_LINE); n++) {
                line.append(n == from ? "" : ", ").append(item.apply(n));
            }
            code.add("$L;\n", line);
        }
    }

    /** The statements {@code item(0); item(1); ...}, at most {@link #PER_LINE} per line. */
    private static void lines(CodeBlock.Builder code, int count, IntFunction<String> item) {
        for (int from = 0; from < count; from += PER_LINE) {
            StringBuilder line = new StringBuilder();
            for (int n = from; n < Math.min(count, from + PER_LINE); n++) {
                line.append(n == from ? "" : " ").append(item.apply(n)).append(';');
            }
            code.add("$L\n", line);
        }
    }
}
