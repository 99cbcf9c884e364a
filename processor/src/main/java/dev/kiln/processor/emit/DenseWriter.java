package dev.kiln.processor.emit;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.processor.model.LayerPlan;
import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.Tier;

/**
 * Writes a Dense layer's passes in its tier. In loops, the bias and the activation after the layer (when
 * the planner fused it) are computed in the same loop as the product, and backward the activation's
 * derivative and the gradients likewise. Through Blas, the layer calls {@code DenseOps} and the
 * activation stays a layer of its own; a layer that switches tiers by batch size keeps its fused
 * activation on both paths, the Blas one then adding bias and activation in one generated pass. Every
 * shape is a literal; every access names its buffer and the row it reads.
 */
final class DenseWriter {

    private DenseWriter() {
    }

    /**
     * The forward pass of {@code dense}, and of {@code activation} (null when not fused): writes the
     * layer's output {@code z} and, when fused, the activation's output {@code f(z)}.
     */
    static CodeBlock forward(LayerPlan dense, LayerPlan activation) {
        if (!dense.batchSwitch()) {
            return forward(dense, activation, dense.tier());
        }
        return CodeBlock.builder()
                .beginControlFlow("if (batch <= $L)", dense.unrolledMaxBatch())
                .add(forward(dense, activation, Tier.UNROLLED))
                .nextControlFlow("else")
                .add(forward(dense, activation, Tier.BLAS))
                .endControlFlow()
                .build();
    }

    private static CodeBlock forward(LayerPlan dense, LayerPlan activation, Tier tier) {
        int in = dense.inputSize();
        int out = dense.outputSize();
        String params = dense.tensors() + "Params";
        CodeBlock.Builder code = CodeBlock.builder();
        if (tier == Tier.UNROLLED) {
            return code.addStatement("$N(batch)", UnrolledWriter.forwardName(dense)).build();
        }
        if (tier == Tier.BLAS && activation == null) {
            return code.add("// (batch, $L) x ($L, $L)^T$L -> (batch, $L)\n", in, out, in,
                            dense.bias() == null ? "" : " + (" + out + ")", out)
                    .addStatement("$T.forward(blas, $N, 0, $N, 0, $L, $N, 0, batch, $L, $L)", RuntimeTypes.DENSE_OPS,
                            dense.input().name(), params, biasOffset(dense), dense.output().name(), in, out)
                    .build();
        }
        if (tier == Tier.BLAS) {
            code.add("// (batch, $L) x ($L, $L)^T -> (batch, $L)$L\n", in, out, in, out, epilogue(dense, activation));
            code.addStatement("blas.sgemm(false, true, batch, $L, $L, 1f, $N, 0, $L, $N, 0, $L, 0f, $N, 0, $L)",
                    out, in, dense.input().name(), in, params, in, dense.output().name(), out);
            if (dense.bias() == null && activation == null) {
                return code.build();
            }
            code.beginControlFlow("for (int s = 0; s < batch; s++)")
                    .beginControlFlow("for (int o = 0; o < $L; o++)", out)
                    .addStatement("long at = s * $LL + o", out)
                    .addStatement("float z = $N.getAtIndex(FLOAT, at)$L", dense.output().name(), plusBias(dense));
        } else {
            code.add("// (batch, $L) x ($L, $L)^T$L -> (batch, $L) in loops$L\n", in, out, in,
                    dense.bias() == null ? "" : " + (" + out + ")", out,
                    activation == null ? "" : ", then " + display(activation));
            code.beginControlFlow("for (int s = 0; s < batch; s++)")
                    .addStatement("long row = s * $LL", in)
                    .beginControlFlow("for (int o = 0; o < $L; o++)", out)
                    .addStatement("float z = 0f")
                    .beginControlFlow("for (int k = 0; k < $L; k++)", in)
                    .addStatement("z += $N.getAtIndex(FLOAT, row + k) * $N.getAtIndex(FLOAT, o * $LL + k)",
                            dense.input().name(), params, in)
                    .endControlFlow();
            if (dense.bias() != null) {
                code.addStatement("z += $N.getAtIndex(FLOAT, $L + o)", params, dense.biasWithinLayer());
            }
            code.addStatement("long at = s * $LL + o", out);
        }
        code.addStatement("$N.setAtIndex(FLOAT, at, z)", dense.output().name());
        if (activation != null) {
            code.addStatement("$N.setAtIndex(FLOAT, at, $L)", activation.output().name(),
                    apply((ActivationSpec) activation.spec(), "z"));
        }
        return code.endControlFlow().endControlFlow().build();
    }

    /**
     * The backward pass of {@code dense} and, when {@code activation} is not null, of the activation
     * fused after it, whose output gradient is then the upstream gradient; otherwise the layer's own
     * output gradient is. Adds the parameters' gradients and writes the input gradient ({@code dx} for
     * the first layer, only when enabled).
     */
    static CodeBlock backward(LayerPlan dense, LayerPlan activation) {
        if (!dense.batchSwitch()) {
            return backward(dense, activation, dense.tier());
        }
        return CodeBlock.builder()
                .beginControlFlow("if (batch <= $L)", dense.unrolledMaxBatch())
                .add(backward(dense, activation, Tier.UNROLLED))
                .nextControlFlow("else")
                .add(backward(dense, activation, Tier.BLAS))
                .endControlFlow()
                .build();
    }

    private static CodeBlock backward(LayerPlan dense, LayerPlan activation, Tier tier) {
        int in = dense.inputSize();
        int out = dense.outputSize();
        String params = dense.tensors() + "Params";
        String grads = dense.tensors() + "Grads";
        String x = dense.input().name();
        String dx = dense.inputGradient().name();
        String dy = activation == null ? dense.outputGradient().name() : activation.outputGradient().name();
        CodeBlock.Builder code = CodeBlock.builder();
        if (tier == Tier.UNROLLED) {
            return code.addStatement("$N(batch)", UnrolledWriter.backwardName(dense)).build();
        }
        if (tier == Tier.BLAS && activation == null) {
            return code.addStatement("$T.backward(blas, $N, 0, $N, 0, $N, 0, $N, 0, $L, $L, 0, batch, $L, $L)",
                    RuntimeTypes.DENSE_OPS, x, params, dense.outputGradient().name(), grads, biasOffset(dense),
                    dense.first() ? "inputGradientEnabled ? " + dx + " : null" : dx, in, out).build();
        }
        if (tier == Tier.BLAS) {
            String dz = dense.outputGradient().name();
            if (activation != null || dense.bias() != null) {
                code.add("// $L in one pass, then the products\n", activation == null ? "the bias gradient"
                        : display(activation) + "'s derivative" + (dense.bias() == null ? "" : " and the bias gradient"));
                code.beginControlFlow("for (int s = 0; s < batch; s++)")
                        .beginControlFlow("for (int o = 0; o < $L; o++)", out)
                        .addStatement("long at = s * $LL + o", out);
                if (activation != null) {
                    code.add(derivative(dense, activation, dy))
                            .addStatement("$N.setAtIndex(FLOAT, at, dz)", dz);
                } else {
                    code.addStatement("float dz = $N.getAtIndex(FLOAT, at)", dz);
                }
                if (dense.bias() != null) {
                    code.addStatement("$N.setAtIndex(FLOAT, $L + o, $N.getAtIndex(FLOAT, $L + o) + dz)", grads,
                            dense.biasWithinLayer(), grads, dense.biasWithinLayer());
                }
                code.endControlFlow().endControlFlow();
            }
            code.add("// dW += dz^T x: ($L, batch) x (batch, $L)\n", out, in);
            code.addStatement("blas.sgemm(true, false, $L, $L, batch, 1f, $N, 0, $L, $N, 0, $L, 1f, $N, 0, $L)",
                    out, in, dz, out, x, in, grads, in);
            CodeBlock product = CodeBlock.of("blas.sgemm(false, false, batch, $L, $L, 1f, $N, 0, $L, $N, 0, $L, 0f, $N, 0, $L)",
                    in, out, dz, out, params, in, dx, in);
            code.add("// dx = dz W: (batch, $L) x ($L, $L)\n", out, out, in);
            if (dense.first()) {
                code.beginControlFlow("if (inputGradientEnabled)").addStatement(product).endControlFlow();
            } else {
                code.addStatement(product);
            }
            return code.build();
        }
        code.add("// dz$L, then dW += dz x, db += dz$L, in loops\n",
                activation == null ? "" : " = " + display(activation) + "'(z) dy",
                dense.first() ? " and, when enabled, dx = dz W" : ", dx = dz W");
        if (dense.first()) {
            code.addStatement("boolean wantDx = inputGradientEnabled");
        }
        code.beginControlFlow("for (int s = 0; s < batch; s++)")
                .addStatement("long row = s * $LL", in);
        if (dense.first()) {
            code.beginControlFlow("if (wantDx)");
        }
        code.beginControlFlow("for (int k = 0; k < $L; k++)", in)
                .addStatement("$N.setAtIndex(FLOAT, row + k, 0f)", dx)
                .endControlFlow();
        if (dense.first()) {
            code.endControlFlow();
        }
        code.beginControlFlow("for (int o = 0; o < $L; o++)", out)
                .addStatement("long at = s * $LL + o", out);
        if (activation != null) {
            code.add(derivative(dense, activation, dy));
        } else {
            code.addStatement("float dz = $N.getAtIndex(FLOAT, at)", dy);
        }
        if (dense.bias() != null) {
            code.addStatement("$N.setAtIndex(FLOAT, $L + o, $N.getAtIndex(FLOAT, $L + o) + dz)", grads,
                    dense.biasWithinLayer(), grads, dense.biasWithinLayer());
        }
        code.beginControlFlow("for (int k = 0; k < $L; k++)", in)
                .addStatement("long w = o * $LL + k", in)
                .addStatement("$N.setAtIndex(FLOAT, w, $N.getAtIndex(FLOAT, w) + dz * $N.getAtIndex(FLOAT, row + k))",
                        grads, grads, x);
        CodeBlock toDx = CodeBlock.of("$N.setAtIndex(FLOAT, row + k, $N.getAtIndex(FLOAT, row + k) + dz * $N.getAtIndex(FLOAT, w))",
                dx, dx, params);
        if (dense.first()) {
            code.beginControlFlow("if (wantDx)").addStatement(toDx).endControlFlow();
        } else {
            code.addStatement(toDx);
        }
        code.endControlFlow();
        return code.endControlFlow().endControlFlow().build();
    }

    /** Where the bias starts within the layer's slice (right after the weight), or {@code NO_BIAS}. */
    private static CodeBlock biasOffset(LayerPlan dense) {
        return dense.bias() == null ? CodeBlock.of("$T.NO_BIAS", RuntimeTypes.DENSE_OPS)
                : CodeBlock.of("$L", dense.biasWithinLayer());
    }

    /** The comment's tail for the BLAS tier: what the pass after the product does. */
    private static String epilogue(LayerPlan dense, LayerPlan activation) {
        if (dense.bias() == null && activation == null) {
            return "";
        }
        String what = dense.bias() == null ? display(activation)
                : activation == null ? "the bias" : "the bias and " + display(activation);
        return ", then " + what + " in one pass";
    }

    private static CodeBlock plusBias(LayerPlan dense) {
        String params = dense.tensors() + "Params";
        return dense.bias() == null ? CodeBlock.of("")
                : CodeBlock.of(" + $N.getAtIndex(FLOAT, $L + o)", params, dense.biasWithinLayer());
    }

    private static String display(LayerPlan activation) {
        return ((ActivationSpec) activation.spec()).function().display();
    }

    /** {@code f(z)} of the local {@code z}, written as the runtime's kernels compute it. */
    static CodeBlock apply(ActivationSpec activation, String z) {
        String alpha = (float) activation.alpha() + "f";
        return switch (activation.function()) {
            case IDENTITY -> CodeBlock.of("$L", z);
            case SIGMOID -> CodeBlock.of("$T.sigmoid($L)", RuntimeTypes.ACTIVATIONS, z);
            case TANH -> CodeBlock.of("(float) Math.tanh($L)", z);
            case RELU -> CodeBlock.of("Math.max(0f, $L)", z);
            case LEAKY_RELU -> CodeBlock.of("$L > 0 ? $L : $L * $L", z, z, alpha, z);
            case ELU -> CodeBlock.of("$L > 0 ? $L : $L * (float) Math.expm1($L)", z, z, alpha, z);
            case SOFTMAX -> throw new IllegalArgumentException("softmax is row-wise and is never fused");
        };
    }

    /** {@code float dz = f'(z) * dy}, from {@code z} (the layer's output) or {@code a} (the activation's), as the kernels compute it. */
    private static CodeBlock derivative(LayerPlan dense, LayerPlan activation, String dy) {
        ActivationSpec spec = (ActivationSpec) activation.spec();
        String alpha = (float) spec.alpha() + "f";
        String z = dense.output().name();
        String a = activation.output().name();
        CodeBlock.Builder code = CodeBlock.builder().addStatement("float g = $N.getAtIndex(FLOAT, at)", dy);
        CodeBlock.Builder written = switch (spec.function()) {
            case IDENTITY -> code.addStatement("float dz = g");
            case SIGMOID -> code.addStatement("float a = $N.getAtIndex(FLOAT, at)", a)
                    .addStatement("float dz = a * (1 - a) * g");
            case TANH -> code.addStatement("float a = $N.getAtIndex(FLOAT, at)", a)
                    .addStatement("float dz = (1 - a * a) * g");
            case RELU -> code.addStatement("float dz = $N.getAtIndex(FLOAT, at) > 0 ? g : 0f", z);
            case LEAKY_RELU -> code.addStatement("float dz = $N.getAtIndex(FLOAT, at) > 0 ? g : $L * g", z, alpha);
            case ELU -> code.addStatement("float dz = $N.getAtIndex(FLOAT, at) > 0 ? g : ($N.getAtIndex(FLOAT, at) + $L) * g",
                    z, a, alpha);
            case SOFTMAX -> throw new IllegalArgumentException("softmax is row-wise and is never fused");
        };
        return written.build();
    }
}
