package dev.kiln.processor.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import dev.kiln.processor.model.NetworkPlan;
import dev.kiln.spec.NetworkSpec;
import java.util.List;

/** Writes the generated class's small members: accessors and gradient controls. */
final class MemberWriter {

    private final NetworkPlan plan;

    MemberWriter(NetworkPlan plan) {
        this.plan = plan;
    }

    // public NetworkSpec spec() { return SPEC; }   public int inputSize() { return INPUT_SIZE; }   ...
    List<MethodSpec> accessors() {
        List<MethodSpec> methods = new java.util.ArrayList<>(List.of(
                NetworkEmitter.method("spec", ClassName.get(NetworkSpec.class)).addStatement("return SPEC").build(),
                NetworkEmitter.method("inputSize", TypeName.INT).addStatement("return INPUT_SIZE").build(),
                NetworkEmitter.method("outputSize", TypeName.INT).addStatement("return OUTPUT_SIZE").build(),
                NetworkEmitter.method("maxBatch", TypeName.INT).addStatement("return MAX_BATCH").build(),
                NetworkEmitter.method("parameterLayout",
                        ParameterizedTypeName.get(ClassName.get(List.class), RuntimeTypes.PARAMETER))
                        .addStatement("return LAYOUT").build(),
                NetworkEmitter.method("parameters", RuntimeTypes.MEMORY_SEGMENT).addStatement("return params").build(),
                NetworkEmitter.method("gradients", RuntimeTypes.MEMORY_SEGMENT).addStatement("return grads").build()));
        if (!plan.state().isEmpty()) {
            methods.add(NetworkEmitter.method("stateLayout",
                            ParameterizedTypeName.get(ClassName.get(List.class), RuntimeTypes.PARAMETER))
                    .addStatement("return STATE_LAYOUT").build());
            methods.add(NetworkEmitter.method("state", RuntimeTypes.MEMORY_SEGMENT).addStatement("return state").build());
        }
        return methods;
    }

    // public void zeroGradients() { grads.fill((byte) 0); }   ...
    List<MethodSpec> gradientControls() {
        return List.of(
                NetworkEmitter.method("zeroGradients", TypeName.VOID)
                        .addStatement("grads.fill((byte) 0)").build(),
                NetworkEmitter.method("setInputGradientEnabled", TypeName.VOID, "enabled", TypeName.BOOLEAN)
                        .addStatement("inputGradientEnabled = enabled").build(),
                NetworkEmitter.method("inputGradient", TypeName.get(float[].class))
                        .addStatement("return inputGradient").build());
    }
}
