package dev.kiln.processor.model;

import dev.kiln.spec.Activation;
import dev.kiln.spec.ActivationSpec;
import dev.kiln.spec.BatchNormSpec;
import dev.kiln.spec.Conv2dSpec;
import dev.kiln.spec.FlattenSpec;
import dev.kiln.spec.Pool2dSpec;
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.DropoutSpec;
import dev.kiln.spec.EmbeddingSpec;
import dev.kiln.spec.OneHotSpec;
import dev.kiln.spec.RecurrentSpec;
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
        List<List<Integer>> shapes = spec.layerShapes();
        int count = spec.layers().size();
        boolean fused = spec.lossFusesLastActivation();
        boolean trains = spec.loss() != Loss.NONE;

        Set<String> constants = new HashSet<>();
        int offset = 0;
        ParameterPlan[] weights = new ParameterPlan[count];
        ParameterPlan[] biases = new ParameterPlan[count];
        ParameterPlan[] weightsHh = new ParameterPlan[count];
        ParameterPlan[] biasesHh = new ParameterPlan[count];
        for (int i = 0; i < count; i++) {
            if (spec.layers().get(i) instanceof DenseSpec dense) {
                // on a sequence the layer applies to each step's features
                int in = shapes.get(i).getLast();
                int out = dense.units();
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
            } else if (spec.layers().get(i) instanceof Conv2dSpec conv) {
                List<Integer> in = shapes.get(i);
                weights[i] = parameter(layerFields.get(i), "weight", i + 1, offset,
                        List.of(conv.filters(), in.get(0), conv.kernelHeight(), conv.kernelWidth()), constants);
                offset += weights[i].size();
                if (conv.bias()) {
                    biases[i] = parameter(layerFields.get(i), "bias", i + 1, offset, List.of(conv.filters()), constants);
                    offset += biases[i].size();
                }
            } else if (spec.layers().get(i) instanceof RecurrentSpec r) {
                // PyTorch's four tensors, in its order: weight_ih, weight_hh, bias_ih, bias_hh
                int gates = r.cell().gates() * r.units();
                int features = shapes.get(i).getLast();
                String field = layerFields.get(i);
                weights[i] = parameter(field, "weight_ih", i + 1, offset, List.of(gates, features), constants);
                offset += weights[i].size();
                weightsHh[i] = parameter(field, "weight_hh", i + 1, offset, List.of(gates, r.units()), constants);
                offset += weightsHh[i].size();
                biases[i] = parameter(field, "bias_ih", i + 1, offset, List.of(gates), constants);
                offset += gates;
                biasesHh[i] = parameter(field, "bias_hh", i + 1, offset, List.of(gates), constants);
                offset += gates;
            } else if (spec.layers().get(i) instanceof EmbeddingSpec e) {
                weights[i] = parameter(layerFields.get(i), "weight", i + 1, offset,
                        List.of(e.vocabulary(), e.dimension()), constants);
                offset += weights[i].size();
            } else if (spec.layers().get(i) instanceof BatchNormSpec) {
                // the scale and shift, named as torch.nn.BatchNorm2d names them
                int channels = BatchNormSpec.channels(shapes.get(i));
                weights[i] = parameter(layerFields.get(i), "weight", i + 1, offset, List.of(channels), constants);
                offset += channels;
                biases[i] = parameter(layerFields.get(i), "bias", i + 1, offset, List.of(channels), constants);
                offset += channels;
            }
        }
        int parameterCount = offset;

        // batch norm's running statistics: saved with the parameters, updated by the forward pass
        int stateOffset = 0;
        ParameterPlan[] runningMeans = new ParameterPlan[count];
        ParameterPlan[] runningVars = new ParameterPlan[count];
        List<ParameterPlan> state = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (spec.layers().get(i) instanceof BatchNormSpec) {
                List<Integer> channels = List.of(BatchNormSpec.channels(shapes.get(i)));
                runningMeans[i] = parameter(layerFields.get(i), "running_mean", i + 1, stateOffset, channels, constants);
                stateOffset += channels.getFirst();
                runningVars[i] = parameter(layerFields.get(i), "running_var", i + 1, stateOffset, channels, constants);
                stateOffset += channels.getFirst();
                state.add(runningMeans[i]);
                state.add(runningVars[i]);
            }
        }

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
        if (stateOffset > 0) {
            buffers.add(memory.take("state", stateOffset, "STATE_COUNT",
                    "the running statistics of batch norm, at the offsets above"));
        }
        Buffer[] outputs = new Buffer[count];
        Buffer[] gradients = new Buffer[count];
        Buffer[] masks = new Buffer[count];
        Buffer[] saved = new Buffer[count];
        RecurrentPlan[] recurrents = new RecurrentPlan[count];
        for (int i = 0; i < count; i++) {
            int number = i + 1;
            int out = sizes.get(i + 1);
            if (spec.layers().get(i) instanceof FlattenSpec) {
                // the values stay in place: the layer's output is its input, and so are their gradients
                outputs[i] = i == 0 ? input : outputs[i - 1];
                gradients[i] = i == 0 ? null : gradients[i - 1];
                continue;
            }
            if (readsIds(spec, i + 1)) {
                // the recurrent layer after it reads the ids and looks columns of its weights up
                outputs[i] = input;
                continue;
            }
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
            if (spec.layers().get(i) instanceof RecurrentSpec r) {
                boolean lstm = r.cell() == RecurrentSpec.Cell.LSTM;
                long hidden = (long) spec.maxBatch() * r.units();
                Buffer carried = memory.take("state" + number, lstm ? 2 * hidden : hidden,
                        "MAX_BATCH * " + r.units() + (lstm ? " * 2" : ""), "layer " + number
                                + " carried state: h for each stream" + (lstm ? ", then c" : ""));
                buffers.add(carried);
                Buffer sequence = null;
                Buffer sequenceGradient = null;
                if (!r.returnSequences()) {
                    int width = shapes.get(i).getFirst() * r.units();
                    sequence = memory.batch("seq" + number, width, String.valueOf(width), "layer " + number
                            + " hidden state at every step; its output is the last");
                    buffers.add(sequence);
                    if (trains) {
                        sequenceGradient = memory.batch("dSeq" + number, width, String.valueOf(width),
                                "gradient of the loss w.r.t. layer " + number + " hidden state at every step");
                        buffers.add(sequenceGradient);
                    }
                }
                recurrents[i] = new RecurrentPlan(weightsHh[i], biasesHh[i], carried, lstm ? hidden : 0, sequence,
                        sequenceGradient, readsIds(spec, i), shapes.get(i).getFirst(),
                        readsIds(spec, i) ? ((OneHotSpec) spec.layers().get(i - 1)).vocabulary() : shapes.get(i).getLast());
            }
            if (spec.layers().get(i) instanceof BatchNormSpec) {
                int channels = BatchNormSpec.channels(shapes.get(i));
                saved[i] = memory.take("saved" + number, 2L * channels, String.valueOf(2 * channels), "layer "
                        + number + " batch statistics of the last training-mode pass: the mean, then 1 / sqrt(var + eps)");
                buffers.add(saved[i]);
            }
        }
        Buffer inputGradient = null;
        if (trains) {
            inputGradient = memory.batch("dx", spec.inputSize(), "INPUT_SIZE",
                    "gradient of the loss w.r.t. the input");
            buffers.add(inputGradient);
            for (int i = 0; i < count && spec.layers().get(i) instanceof FlattenSpec; i++) {
                gradients[i] = inputGradient;
            }
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
            // a Dense layer on every step of a sequence is one product over batch x steps rows
            Tier tier = layer instanceof DenseSpec dense ? shapes.get(i).size() == 2 ? Tier.BLAS
                    : tier(dense, sizes.get(i), sizes.get(i + 1)) : null;
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
                    masks[i], shapes.get(i), shapes.get(i + 1), geometry(layer, tensorsOrField(tensors, layerFields.get(i))),
                    layer instanceof Conv2dSpec || layer instanceof RecurrentSpec ? tensors + "Work" : null, saved[i],
                    runningMeans[i], runningVars[i], perStep(layer, shapes.get(i)), recurrents[i]));
        }

        LossPlan loss = null;
        if (trains) {
            int last = count - 1;
            List<Integer> out = shapes.get(count);
            int steps = out.size() == 2 ? out.getFirst() : 1;
            int width = sizes.get(count) / steps;
            loss = fused
                    ? new LossPlan(spec.loss(), layers.get(last).input(), target, layers.get(last).inputGradient(),
                            width, true, steps)
                    : new LossPlan(spec.loss(), outputs[last], target, gradients[last], width, false, steps);
        }
        return new NetworkPlan(packageName, className, declaredBy, spec, layers, parameters(weights, weightsHh, biases, biasesHh),
                parameterCount, buffers, memory.size(), loss, state, stateOffset);
    }

    /** The name of a convolution's or pooling layer's geometry constant, {@code CONV1_GEOMETRY}; else null. */
    private static String geometry(LayerSpec layer, String name) {
        return layer instanceof Conv2dSpec || layer instanceof Pool2dSpec ? upperSnake(name) + "_GEOMETRY" : null;
    }

    private static String tensorsOrField(String tensors, String field) {
        return tensors != null ? tensors : lowerCamel(field);
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

    /** Every tensor in layout order; within a layer, in the order of the arguments (PyTorch's for recurrent ones). */
    private static List<ParameterPlan> parameters(ParameterPlan[]... kinds) {
        List<ParameterPlan> all = new ArrayList<>();
        for (int i = 0; i < kinds[0].length; i++) {
            for (ParameterPlan[] kind : kinds) {
                if (kind[i] != null) {
                    all.add(kind[i]);
                }
            }
        }
        return all;
    }

    /** Whether layer {@code index} is recurrent and reads the ids of a one-hot layer right before it. */
    static boolean readsIds(NetworkSpec spec, int index) {
        return index > 0 && index < spec.layers().size() && spec.layers().get(index) instanceof RecurrentSpec
                && spec.layers().get(index - 1) instanceof OneHotSpec;
    }

    /** The steps a Dense layer or a softmax applies to on its own: a sequence's length, else 1. */
    private static int perStep(LayerSpec layer, List<Integer> in) {
        boolean rowWise = layer instanceof DenseSpec
                || layer instanceof ActivationSpec a && a.function() == Activation.SOFTMAX;
        return rowWise && in.size() == 2 ? in.getFirst() : 1;
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
