package dev.kiln.processor.model;

import dev.kiln.spec.Activation;
import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.DropoutSpec;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import dev.kiln.spec.PReluSpec;
import dev.kiln.spec.Tier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The model stage: lays out a valid {@link NetworkSpec} as a generated class. Parameters are packed in
 * declaration order, weight before bias (a PReLU's slopes are its weight, and it has no bias); every layer
 * writes its own output buffer, so the backward pass can read every layer's input and output; a dropout
 * layer keeps its mask in a buffer after its output and output gradient.
 */
public final class Planner {

    private Planner() {
    }

    /**
     * Plans the class for {@code spec}.
     *
     * @param spec        a valid network
     * @param layerFields for each layer, the name of the field that declared it (names its parameters)
     * @param packageName the generated class's package
     * @param className   the generated class's simple name
     * @param declaredBy  the declaration, as documentation links to it ({@code Iris}, {@code Models#IRIS})
     */
    public static NetworkPlan plan(NetworkSpec spec, List<String> layerFields, String packageName,
                                   String className, String declaredBy) {
        if (layerFields.size() != spec.layers().size()) {
            throw new IllegalArgumentException("one field name per layer: " + layerFields.size()
                    + " names for " + spec.layers().size() + " layers");
        }
        List<Integer> sizes = spec.layerInputSizes();
        int count = spec.layers().size();
        boolean fused = spec.lossFusesLastActivation();
        boolean trains = spec.loss() != Loss.NONE;

        Set<String> constants = new HashSet<>();
        int offset = 0;
        ParameterPlan[] weights = new ParameterPlan[count];
        ParameterPlan[] biases = new ParameterPlan[count];
        for (int i = 0; i < count; i++) {
            if (spec.layers().get(i) instanceof DenseSpec dense) {
                int in = sizes.get(i);
                int out = sizes.get(i + 1);
                weights[i] = parameter(layerFields.get(i), "weight", i + 1, offset, List.of(out, in), constants);
                offset += weights[i].size();
                if (dense.bias()) {
                    biases[i] = parameter(layerFields.get(i), "bias", i + 1, offset, List.of(out), constants);
                    offset += biases[i].size();
                }
            } else if (spec.layers().get(i) instanceof PReluSpec) {
                // one slope per feature, named as torch.nn.PReLU names it
                weights[i] = parameter(layerFields.get(i), "weight", i + 1, offset, List.of(sizes.get(i + 1)), constants);
                offset += weights[i].size();
            }
        }
        int parameterCount = offset;

        Memory memory = new Memory(spec.maxBatch());
        List<Buffer> buffers = new ArrayList<>();
        buffers.add(memory.take("params", parameterCount, "PARAMETER_COUNT", "every parameter, at the offsets above"));
        buffers.add(memory.take("grads", parameterCount, "PARAMETER_COUNT", "the gradient of each parameter"));
        Buffer input = memory.batch("x", spec.inputSize(), "INPUT_SIZE", "the input of the last forward pass, copied in");
        buffers.add(input);
        Buffer target = null;
        if (trains) {
            target = memory.batch("t", spec.outputSize(), "OUTPUT_SIZE", "the targets of the last loss, copied in");
            buffers.add(target);
        }
        Buffer[] outputs = new Buffer[count];
        Buffer[] gradients = new Buffer[count];
        Buffer[] masks = new Buffer[count];
        for (int i = 0; i < count; i++) {
            int number = i + 1;
            int out = sizes.get(i + 1);
            outputs[i] = memory.batch("out" + number, out, String.valueOf(out), "layer " + number + " output");
            buffers.add(outputs[i]);
            boolean absorbed = fused && i == count - 1;
            if (trains && !absorbed) {
                gradients[i] = memory.batch("dOut" + number, out, String.valueOf(out),
                        "gradient of the loss w.r.t. layer " + number + " output");
                buffers.add(gradients[i]);
            }
            if (spec.layers().get(i) instanceof DropoutSpec) {
                masks[i] = memory.batch("mask" + number, out, String.valueOf(out), "layer " + number
                        + " dropout mask: 0 for a dropped value, 1 / (1 - p) for a kept one");
                buffers.add(masks[i]);
            }
        }
        Buffer inputGradient = null;
        if (trains) {
            inputGradient = memory.batch("dx", spec.inputSize(), "INPUT_SIZE",
                    "gradient of the loss w.r.t. the input");
            buffers.add(inputGradient);
        }

        List<LayerPlan> layers = new ArrayList<>(count);
        Set<String> sliceNames = new HashSet<>();
        for (Buffer b : buffers) {
            sliceNames.add(b.name());
        }
        for (int i = 0; i < count; i++) {
            String tensors = null;
            if (weights[i] != null) {
                tensors = lowerCamel(layerFields.get(i));
                if (!sliceNames.add(tensors + "Params") || !sliceNames.add(tensors + "Grads")) {
                    tensors = tensors + (i + 1);
                    sliceNames.add(tensors + "Params");
                    sliceNames.add(tensors + "Grads");
                }
            }
            LayerSpec layer = spec.layers().get(i);
            Tier tier = layer instanceof DenseSpec dense ? tier(dense, sizes.get(i), sizes.get(i + 1)) : null;
            // an activation is fused into the code of an UNROLLED or LOOPS Dense layer before it; after a
            // product through Blas the runtime's own passes were measured faster (docs/decisions.md)
            boolean fusedIntoDense = layer instanceof ActivationSpec activation
                    && activation.function() != Activation.SOFTMAX && i > 0
                    && spec.layers().get(i - 1) instanceof DenseSpec previous
                    && fuses(tier(previous, sizes.get(i - 1), sizes.get(i)));
            layers.add(new LayerPlan(i + 1, layer, sizes.get(i), sizes.get(i + 1),
                    i == 0 ? input : outputs[i - 1], outputs[i], gradients[i],
                    i == 0 ? inputGradient : gradients[i - 1], weights[i], biases[i], tensors, tier, fusedIntoDense,
                    tier == Tier.UNROLLED && ((DenseSpec) layer).tier() == Tier.AUTO
                            && spec.maxBatch() > unrolledMaxBatch((long) sizes.get(i) * sizes.get(i + 1)),
                    masks[i]));
        }

        LossPlan loss = null;
        if (trains) {
            int last = count - 1;
            loss = fused
                    ? new LossPlan(spec.loss(), layers.get(last).input(), target, layers.get(last).inputGradient(),
                            sizes.get(last), true)
                    : new LossPlan(spec.loss(), outputs[last], target, gradients[last], sizes.get(count), false);
        }
        return new NetworkPlan(packageName, className, declaredBy, spec, layers, parameters(weights, biases),
                parameterCount, buffers, memory.size(), loss);
    }

    /**
     * The most multiply-adds per pass ({@code batch x weights}) up to which the planner computes a
     * {@link Tier#AUTO} layer unrolled, when the tier allows the layer's size at all
     * ({@code Tier.UNROLLED_MAX_WEIGHTS}, {@code Tier.UNROLLED_MAX_OUTPUTS}); larger batches go through the
     * {@code Blas} backend. Measured with TierBenchmark (a training step of one n x n layer with ReLU, n = 4,
     * 8, 9, batches 1 to 32): unrolled code won clearly below about 600 multiply-adds and met Blas between
     * 500 and 2,600 (64 weights: 667 against 671 ns at batch 8; 81 weights: 1,168 against 1,257 at batch
     * 16; 16 weights: 837 against 1,543 at batch 32); see docs/decisions.md, "Planner tiers".
     */
    public static final int UNROLLED_MAX_MULTIPLY_ADDS = 1024;

    /** The largest batch a {@link Tier#AUTO} layer of {@code weights} weights computes unrolled. */
    public static int unrolledMaxBatch(long weights) {
        return (int) Math.max(1, UNROLLED_MAX_MULTIPLY_ADDS / Math.max(1, weights));
    }

    /** The tier a Dense layer is computed with: its own, or for {@link Tier#AUTO} by its size. */
    static Tier tier(DenseSpec dense, int in, int out) {
        if (dense.tier() != Tier.AUTO) {
            return dense.tier();
        }
        return (long) in * out <= Tier.UNROLLED_MAX_WEIGHTS && out <= Tier.UNROLLED_MAX_OUTPUTS
                ? Tier.UNROLLED : Tier.BLAS;
    }

    /** Whether a layer of {@code tier} computes the activation after it in its own code. */
    static boolean fuses(Tier tier) {
        return tier == Tier.LOOPS || tier == Tier.UNROLLED;
    }

    /** Lays out the one allocation: each run of floats after the previous one. */
    private static final class Memory {
        private final int maxBatch;
        private long size;

        Memory(int maxBatch) {
            this.maxBatch = maxBatch;
        }

        Buffer take(String name, long length, String written, String comment) {
            Buffer buffer = new Buffer(name, size, length, written, comment);
            size += length;
            return buffer;
        }

        Buffer batch(String name, int width, String writtenWidth, String comment) {
            return take(name, (long) maxBatch * width, "MAX_BATCH * " + writtenWidth, comment);
        }

        long size() {
            return size;
        }
    }

    private static List<ParameterPlan> parameters(ParameterPlan[] weights, ParameterPlan[] biases) {
        List<ParameterPlan> all = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] != null) {
                all.add(weights[i]);
            }
            if (biases[i] != null) {
                all.add(biases[i]);
            }
        }
        return all;
    }

    private static ParameterPlan parameter(String field, String kind, int layerNumber, int offset,
                                           List<Integer> shape, Set<String> taken) {
        String constant = upperSnake(field) + "_" + kind.toUpperCase(Locale.ROOT);
        if (!taken.add(constant)) {
            constant = constant + "_" + layerNumber;
            taken.add(constant);
        }
        return new ParameterPlan(field + "." + kind, constant, offset, shape);
    }

    /** {@code hidden_layer} or {@code HiddenLayer} to {@code hiddenLayer}: a field name's start in lower case, underscores dropped. */
    static String lowerCamel(String name) {
        StringBuilder s = new StringBuilder();
        boolean upper = false;
        for (char c : name.toCharArray()) {
            if (c == '_' || c == '$') {
                upper = s.length() > 0;
                continue;
            }
            s.append(s.length() == 0 ? Character.toLowerCase(c) : upper ? Character.toUpperCase(c) : c);
            upper = false;
        }
        return s.length() == 0 ? "layer" : s.toString();
    }

    /** {@code hiddenLayer} to {@code HIDDEN_LAYER}. */
    static String upperSnake(String camel) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c) && i > 0 && !Character.isUpperCase(camel.charAt(i - 1)) && camel.charAt(i - 1) != '_') {
                s.append('_');
            }
            s.append(Character.toUpperCase(c));
        }
        return s.toString();
    }
}
