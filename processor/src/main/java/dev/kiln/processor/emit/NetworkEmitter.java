package dev.kiln.processor.emit;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.kiln.processor.model.Buffer;
import dev.kiln.processor.model.LayerPlan;
import dev.kiln.processor.model.NetworkPlan;
import dev.kiln.processor.model.ParameterPlan;
import dev.kiln.spec.BatchNormSpec;
import dev.kiln.spec.Conv2dSpec;
import dev.kiln.spec.PReluSpec;
import dev.kiln.spec.Pool2dSpec;
import dev.kiln.spec.RecurrentSpec;
import dev.kiln.spec.Shapes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.annotation.processing.Generated;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;

/**
 * The emit stage: writes the generated class for a {@link NetworkPlan}. The class implements the
 * runtime's {@code Model}; its members are written in a fixed order, so the output is deterministic.
 */
public final class NetworkEmitter {

    private static final String PROCESSOR = "dev.kiln.processor.KilnProcessor";

    private final NetworkPlan plan;
    private final PassWriter passes;
    private final DropoutWriter modes;
    /** The network's name, as run-time messages give it. */
    private final String networkName;
    /** The declaration, as the class documentation links to it. */
    private final String declaredBy;

    private NetworkEmitter(NetworkPlan plan) {
        this.plan = plan;
        this.passes = new PassWriter(plan);
        this.modes = new DropoutWriter(plan);
        this.networkName = plan.spec().name();
        this.declaredBy = plan.declaredBy();
    }

    /** The source file for {@code plan}, recording {@code originating} for incremental builds. */
    public static JavaFile emit(NetworkPlan plan, Element... originating) {
        return new NetworkEmitter(plan).file(originating);
    }

    private JavaFile file(Element... originating) {
        TypeSpec.Builder type = TypeSpec.classBuilder(plan.className())
                .addJavadoc(classJavadoc())
                .addAnnotation(AnnotationSpec.builder(Generated.class).addMember("value", "$S", PROCESSOR).build())
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addSuperinterface(RuntimeTypes.MODEL);
        for (Element element : originating) {
            type.addOriginatingElement(element);
        }
        MemberWriter members = new MemberWriter(plan);
        type.addFields(constants())
                .addFields(state())
                .addMethods(constructors())
                .addMethods(members.accessors())
                .addMethod(method("initialize", TypeName.VOID, "seed", TypeName.LONG).addCode(passes.initialize())
                        .addCode(modes.initialize()).build())
                .addMethod(forward())
                .addMethod(loss())
                .addMethod(backward())
                .addMethods(members.gradientControls())
                .addMethods(modes.modeControls());
        if (plan.layers().stream().anyMatch(l -> l.recurrent() != null)) {
            type.addMethod(resetState());
        }
        for (UnrolledWriter unrolled : passes.unrolled()) {
            type.addMethod(unrolled.forward());
            if (plan.loss() != null) {
                type.addMethod(unrolled.backward());
            }
        }
        return JavaFile.builder(plan.packageName(), type.build())
                .addStaticImport(RuntimeTypes.MEMORY, "FLOAT")
                .indent("    ")
                .skipJavaLangImports(true)
                .build();
    }

    private CodeBlock classJavadoc() {
        String layers = plan.layers().stream().map(l -> l.spec().describe(l.inputShape())).collect(Collectors.joining(", "));
        return CodeBlock.builder()
                .add("The network declared by {@link $L}, compiled by Kiln.\n", declaredBy)
                .add("\n<p>Layers: $L; loss: $L; at most $L samples per batch.\n", layers, plan.spec().describeLoss(),
                        plan.spec().maxBatch())
                .add("A new instance has all parameters zero: call {@link #initialize(long)} or load weights.\n")
                .add(modes.hasDropout() || hasBatchNorm() ? "It starts in inference mode, where "
                        + (modes.hasDropout() ? "dropout passes values through" : "batch norm uses its running statistics")
                        + "; {@link #setTraining setTraining(true)} switches to training mode, as training needs.\n" : "")
                .build();
    }

    // public static final NetworkSpec SPEC = ...;  public static final int INPUT_SIZE = 4; ...
    // private static final int HIDDEN_WEIGHT = 0;  ...  private static final List<Parameter> LAYOUT = ...;
    private List<FieldSpec> constants() {
        List<FieldSpec> fields = new ArrayList<>();
        fields.add(FieldSpec.builder(ClassName.get(dev.kiln.spec.NetworkSpec.class), "SPEC",
                        Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("The declaration this class was generated from.\n")
                .initializer(SpecLiteral.of(plan.spec()))
                .build());
        fields.add(intConstant("INPUT_SIZE", plan.spec().inputSize(), "Features per input sample."));
        fields.add(intConstant("OUTPUT_SIZE", plan.spec().outputSize(), "Features per output sample."));
        fields.add(intConstant("MAX_BATCH", plan.spec().maxBatch(), "The largest batch the buffers hold."));
        fields.add(intConstant("PARAMETER_COUNT", plan.parameterCount(), "The number of parameters."));
        fields.add(FieldSpec.builder(TypeName.LONG, "MEMORY_SIZE", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("Floats in the one allocation: parameters, gradients and every buffer.\n")
                .initializer("$LL", plan.memorySize())
                .build());
        for (ParameterPlan p : plan.parameters()) {
            fields.add(FieldSpec.builder(TypeName.INT, p.constant(), Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                    .addJavadoc("Offset of $L, shape $L.\n", p.name(), p.shape())
                    .initializer("$L", p.offset())
                    .build());
        }
        fields.add(layout("LAYOUT", plan.parameters(), null));
        if (!plan.state().isEmpty()) {
            fields.add(FieldSpec.builder(TypeName.INT, "STATE_COUNT", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                    .addJavadoc("Floats of state: batch norm's running statistics.\n")
                    .initializer("$L", plan.stateCount())
                    .build());
            for (ParameterPlan p : plan.state()) {
                fields.add(FieldSpec.builder(TypeName.INT, p.constant(), Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                        .addJavadoc("Offset of $L in {@code state}, shape $L.\n", p.name(), p.shape())
                        .initializer("$L", p.offset())
                        .build());
            }
            fields.add(layout("STATE_LAYOUT", plan.state(), "Where each state tensor sits in {@code state}.\n"));
        }
        fields.addAll(geometries());
        return fields;
    }

    private static FieldSpec layout(String name, List<ParameterPlan> tensors, String doc) {
        CodeBlock.Builder layout = CodeBlock.builder().add("$T.of(", List.class);
        for (int i = 0; i < tensors.size(); i++) {
            ParameterPlan p = tensors.get(i);
            layout.add(i == 0 ? "\n$>$>" : ",\n")
                    .add("new $T($S, $N, $T.of($L))", RuntimeTypes.PARAMETER, p.name(), p.constant(), List.class,
                            p.shape().stream().map(String::valueOf).collect(Collectors.joining(", ")));
        }
        layout.add(tensors.isEmpty() ? ")" : "$<$<)");
        FieldSpec.Builder field = FieldSpec.builder(ParameterizedTypeName.get(ClassName.get(List.class),
                        RuntimeTypes.PARAMETER), name, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer(layout.build());
        if (doc != null) {
            field.addJavadoc(doc);
        }
        return field.build();
    }

    // private static final Conv2dGeometry CONV1_GEOMETRY = new Conv2dGeometry(1, 28, 28, 6, 5, 5, 1, 1, 2, 2, 28, 28);
    // private static final long CONV1_WORKSPACE = ConvOps.workspaceFloats(CONV1_GEOMETRY, MAX_BATCH);
    // private static final long WORKSPACE_SIZE = CONV1_WORKSPACE + ...;
    private List<FieldSpec> geometries() {
        List<FieldSpec> fields = new ArrayList<>();
        for (LayerPlan layer : plan.layers()) {
            if (layer.geometry() == null) {
                continue;
            }
            List<Integer> in = layer.inputShape();
            List<Integer> out = layer.outputShape();
            CodeBlock init;
            if (layer.spec() instanceof Conv2dSpec c) {
                init = CodeBlock.of("new $T($L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L)", RuntimeTypes.CONV_GEOMETRY,
                        in.get(0), in.get(1), in.get(2), out.get(0), c.kernelHeight(), c.kernelWidth(), c.strideHeight(),
                        c.strideWidth(), Shapes.extent(in.get(1), c.kernelHeight(), c.strideHeight(), c.padHeight()).before(),
                        Shapes.extent(in.get(2), c.kernelWidth(), c.strideWidth(), c.padWidth()).before(), out.get(1),
                        out.get(2));
            } else {
                Pool2dSpec p = (Pool2dSpec) layer.spec();
                init = CodeBlock.of("new $T($L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L)", RuntimeTypes.POOL_GEOMETRY,
                        in.get(0), in.get(1), in.get(2), p.kernelHeight(), p.kernelWidth(), p.strideHeight(),
                        p.strideWidth(), Shapes.extent(in.get(1), p.kernelHeight(), p.strideHeight(), p.padHeight()).before(),
                        Shapes.extent(in.get(2), p.kernelWidth(), p.strideWidth(), p.padWidth()).before(), out.get(1),
                        out.get(2));
            }
            fields.add(FieldSpec.builder(layer.spec() instanceof Conv2dSpec ? RuntimeTypes.CONV_GEOMETRY
                            : RuntimeTypes.POOL_GEOMETRY, layer.geometry(), Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                    .addJavadoc("Layer $L's shapes: $L.\n", layer.number(), layer.spec().describe(in))
                    .initializer(init)
                    .build());
        }
        CodeBlock.Builder total = CodeBlock.builder();
        for (LayerPlan layer : plan.workspaceLayers()) {
            fields.add(FieldSpec.builder(TypeName.LONG, workspaceConstant(layer), Modifier.PRIVATE, Modifier.STATIC,
                            Modifier.FINAL)
                    .addJavadoc("Floats of scratch memory layer $L's kernels ask for.\n", layer.number())
                    .initializer(layer.recurrent() != null
                            ? CodeBlock.of("$T.workspaceFloats($T.Cell.$L, MAX_BATCH, $L, $L)", RuntimeTypes.RECURRENT_OPS,
                                    RuntimeTypes.RECURRENT_OPS, ((RecurrentSpec) layer.spec()).cell().name(),
                                    layer.recurrent().steps(), ((RecurrentSpec) layer.spec()).units())
                            : passes.poolingAfter(layer) != null
                            ? CodeBlock.of("$T.pooledWorkspaceFloats($N, $N, MAX_BATCH)", RuntimeTypes.CONV_OPS,
                                    layer.geometry(), passes.poolingAfter(layer).geometry())
                            : CodeBlock.of("$T.workspaceFloats($N, MAX_BATCH)", RuntimeTypes.CONV_OPS, layer.geometry()))
                    .build());
            total.add(total.isEmpty() ? "$N" : " + $N", workspaceConstant(layer));
        }
        if (!total.isEmpty()) {
            fields.add(FieldSpec.builder(TypeName.LONG, "WORKSPACE_SIZE", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                    .addJavadoc("Floats of the workspaces, after the buffers in the allocation.\n")
                    .initializer(total.build())
                    .build());
        }
        return fields;
    }

    /** {@code CONV1_WORKSPACE} for the layer whose slice is {@code conv1Work}. */
    static String workspaceConstant(LayerPlan layer) {
        String name = layer.workspace().substring(0, layer.workspace().length() - "Work".length());
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                s.append('_');
            }
            s.append(Character.toUpperCase(c));
        }
        return s + "_WORKSPACE";
    }

    // public void resetState() { Memory.clear(state2, 0, MAX_BATCH * 128 * 2); }
    private MethodSpec resetState() {
        MethodSpec.Builder m = method("resetState", TypeName.VOID);
        for (LayerPlan layer : plan.layers()) {
            if (layer.recurrent() != null) {
                m.addStatement("$T.clear($N, 0, $L)", RuntimeTypes.MEMORY, layer.recurrent().state().name(),
                        layer.recurrent().state().size());
            }
        }
        return m.build();
    }

    private boolean hasBatchNorm() {
        return !plan.state().isEmpty();
    }

    private static FieldSpec intConstant(String name, int value, String doc) {
        return FieldSpec.builder(TypeName.INT, name, Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("$L\n", doc)
                .initializer("$L", value)
                .build();
    }

    // private final MemorySegment memory = Memory.allocate(MEMORY_SIZE);
    // private final MemorySegment params = memory.asSlice(0L, 4L * PARAMETER_COUNT);  ...
    private List<FieldSpec> state() {
        List<FieldSpec> fields = new ArrayList<>();
        fields.add(FieldSpec.builder(RuntimeTypes.BLAS, "blas", Modifier.PRIVATE, Modifier.FINAL)
                .initializer("$T.get()", RuntimeTypes.BLASES).build());
        fields.add(FieldSpec.builder(RuntimeTypes.MEMORY_SEGMENT, "memory", Modifier.PRIVATE, Modifier.FINAL)
                .addJavadoc("Everything the network holds, in one off-heap allocation; the slices below.\n")
                .initializer(plan.workspaceLayers().isEmpty() ? "$T.allocate(MEMORY_SIZE)"
                        : "$T.allocate(MEMORY_SIZE + WORKSPACE_SIZE)", RuntimeTypes.MEMORY)
                .build());
        for (Buffer b : plan.buffers()) {
            fields.add(FieldSpec.builder(RuntimeTypes.MEMORY_SEGMENT, b.name(), Modifier.PRIVATE, Modifier.FINAL)
                    .addJavadoc("$L: $L floats from $L.\n", capitalize(b.comment()), b.size(), b.offset())
                    .initializer("$T.slice(memory, $LL, $L)", RuntimeTypes.MEMORY, b.offset(), b.size())
                    .build());
        }
        CodeBlock at = CodeBlock.of("MEMORY_SIZE");
        for (LayerPlan layer : plan.workspaceLayers()) {
            fields.add(FieldSpec.builder(RuntimeTypes.MEMORY_SEGMENT, layer.workspace(), Modifier.PRIVATE, Modifier.FINAL)
                    .addJavadoc("Layer $L's workspace, which its kernels own.\n", layer.number())
                    .initializer("$T.slice(memory, $L, $N)", RuntimeTypes.MEMORY, at, workspaceConstant(layer))
                    .build());
            at = CodeBlock.of("$L + $N", at, workspaceConstant(layer));
        }
        for (LayerPlan layer : plan.layers()) {
            if (layer.tensors() == null) {
                continue;
            }
            String tensors = layer.weight().name().substring(0, layer.weight().name().lastIndexOf('.'));
            String what = layer.spec() instanceof PReluSpec ? "the slopes " + layer.weight().name()
                    : layer.spec() instanceof BatchNormSpec ? "the scale " + layer.weight().name() + " then the shift"
                    : layer.bias() == null ? tensors + " weight" : tensors + " weight then bias";
            fields.add(FieldSpec.builder(RuntimeTypes.MEMORY_SEGMENT, layer.tensors() + "Params", Modifier.PRIVATE,
                            Modifier.FINAL)
                    .addJavadoc("Layer $L's parameters, $L: $L floats of {@code params} from $N.\n",
                            layer.number(), what, layer.parameterCount(), layer.weight().constant())
                    .initializer("$T.slice(params, $N, $L)", RuntimeTypes.MEMORY, layer.weight().constant(),
                            layer.parameterCount())
                    .build());
            fields.add(FieldSpec.builder(RuntimeTypes.MEMORY_SEGMENT, layer.tensors() + "Grads", Modifier.PRIVATE,
                            Modifier.FINAL)
                    .addJavadoc("Their gradients.\n")
                    .initializer("$T.slice(grads, $N, $L)", RuntimeTypes.MEMORY, layer.weight().constant(),
                            layer.parameterCount())
                    .build());
        }
        for (UnrolledWriter unrolled : passes.unrolled()) {
            fields.addAll(unrolled.fields(plan.loss() != null));
        }
        TypeName floats = TypeName.get(float[].class);
        fields.add(FieldSpec.builder(floats, "output", Modifier.PRIVATE, Modifier.FINAL)
                .addJavadoc("What {@link #forward} returns: the last layer's output, copied out.\n")
                .initializer("new float[MAX_BATCH * OUTPUT_SIZE]").build());
        fields.add(FieldSpec.builder(floats, "inputGradient", Modifier.PRIVATE, Modifier.FINAL)
                .addJavadoc("What {@link #inputGradient()} returns: {@code dx}, copied out when enabled.\n")
                .initializer("new float[MAX_BATCH * INPUT_SIZE]").build());
        fields.add(FieldSpec.builder(TypeName.INT, "batch", Modifier.PRIVATE)
                .addJavadoc("Samples in the last forward pass; 0 before the first.\n").build());
        fields.add(FieldSpec.builder(TypeName.BOOLEAN, "lossReady", Modifier.PRIVATE)
                .addJavadoc("Whether {@link #loss} ran after the last forward pass.\n").build());
        fields.add(FieldSpec.builder(TypeName.BOOLEAN, "inputGradientEnabled", Modifier.PRIVATE).build());
        fields.addAll(modes.fields());
        if (hasBatchNorm()) {
            fields.add(FieldSpec.builder(TypeName.BOOLEAN, "batchStatistics", Modifier.PRIVATE)
                    .addJavadoc("Whether the last forward pass ran in training mode, normalizing with the batch's "
                            + "statistics, so backward goes through them.\n").build());
        }
        return fields;
    }

    private List<MethodSpec> constructors() {
        return List.of(
                MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                        .addJavadoc("A network whose parameters are all zero.\n").build(),
                MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                        .addJavadoc("A network initialized by {@link #initialize(long)} with {@code seed}.\n")
                        .addParameter(TypeName.LONG, "seed")
                        .addStatement("initialize(seed)").build());
    }

    private MethodSpec forward() {
        return method("forward", TypeName.get(float[].class), "input", TypeName.get(float[].class))
                .addParameter(TypeName.INT, "offset")
                .addParameter(TypeName.INT, "batch")
                .addStatement("$T.forwardArguments($S, input, offset, batch, INPUT_SIZE, MAX_BATCH)", RuntimeTypes.CHECKS, networkName)
                .addStatement("$T.copy(input, offset, x, 0, batch * INPUT_SIZE)", RuntimeTypes.MEMORY)
                .addStatement("this.batch = batch")
                .addStatement("this.lossReady = false")
                .addCode(modes.startForward())
                .addCode(hasBatchNorm() ? CodeBlock.of("batchStatistics = training;\n") : CodeBlock.of(""))
                .addCode(passes.forward())
                .addStatement("$T.copy($N, 0, output, 0, batch * OUTPUT_SIZE)", RuntimeTypes.MEMORY,
                        plan.layers().getLast().output().name())
                .addStatement("return output")
                .build();
    }

    private MethodSpec loss() {
        MethodSpec.Builder m = method("loss", TypeName.FLOAT, "target", TypeName.get(float[].class))
                .addParameter(TypeName.INT, "offset");
        if (plan.loss() == null) {
            return m.addStatement("throw new $T($S)", IllegalStateException.class, networkName
                    + " declares no loss; declare one, e.g. @Network(loss = Loss.MSE), to train it").build();
        }
        return m.beginControlFlow("if (batch == 0)")
                .addStatement("throw new $T($S)", IllegalStateException.class, networkName + ": loss() needs a forward() first")
                .endControlFlow()
                .addStatement("$T.targetArguments($S, target, offset, batch, OUTPUT_SIZE)", RuntimeTypes.CHECKS, networkName)
                .addStatement("$T.copy(target, offset, t, 0, batch * OUTPUT_SIZE)", RuntimeTypes.MEMORY)
                .addCode(passes.loss())
                .addStatement("lossReady = true")
                .addStatement("return loss")
                .build();
    }

    private MethodSpec backward() {
        MethodSpec.Builder m = method("backward", TypeName.VOID);
        if (plan.loss() == null) {
            return m.addStatement("throw new $T($S)", IllegalStateException.class, networkName
                    + " declares no loss; declare one, e.g. @Network(loss = Loss.MSE), to train it").build();
        }
        return m.beginControlFlow("if (!lossReady)")
                .addStatement("throw new $T($S)", IllegalStateException.class,
                        networkName + ": backward() needs loss() after the last forward()")
                .endControlFlow()
                .addStatement("lossReady = false")
                .addCode(passes.backward())
                .beginControlFlow("if (inputGradientEnabled)")
                .addStatement("$T.copy(dx, 0, inputGradient, 0, batch * INPUT_SIZE)", RuntimeTypes.MEMORY)
                .endControlFlow()
                .build();
    }

    /** A public {@code @Override} method with the given return type and (name, type) parameter pairs. */
    static MethodSpec.Builder method(String name, TypeName returns, Object... parameters) {
        MethodSpec.Builder m = MethodSpec.methodBuilder(name).addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC).returns(returns);
        for (int i = 0; i < parameters.length; i += 2) {
            m.addParameter((TypeName) parameters[i + 1], (String) parameters[i]);
        }
        return m;
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
