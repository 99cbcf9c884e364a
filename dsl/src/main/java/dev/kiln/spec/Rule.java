package dev.kiln.spec;

import java.util.Locale;

/**
 * The catalogue of every message Kiln gives about a network declaration, at compile time (from the
 * annotation processor) and at run time (from {@link NetworkSpec#validate()}). Each message states the
 * rule, the offending value and a fix, and starts with a stable id such as {@code [Kiln/Units]}.
 */
public enum Rule {
    NO_INPUT("NoInput", "network %s declares no input shape; give the number of input features, e.g. @Network(input = 4) or Kiln.input(4)"),
    INPUT_DIMENSION("InputDimension", "network %s has input shape %s, but every dimension must be positive; e.g. @Network(input = 4) or Kiln.input(4)"),
    INPUT_RANK("InputRank", "network %s has input shape %s of rank %d, but a network takes features (rank 1, e.g. input = %d), a sequence's steps and features (rank 2, e.g. input = {64, 114}) or an image's channels, height and width (rank 3, e.g. input = {1, 28, 28})"),
    MAX_BATCH("MaxBatch", "network %s has maxBatch = %d, but it must be positive; e.g. maxBatch = 128 or .maxBatch(128)"),
    EMPTY_NETWORK("EmptyNetwork", "network %s has no layers; declare at least one, e.g. a field `@Dense(10) Layer out;` or .dense(10)"),
    UNITS("Units", "%s: Dense units must be positive, got %d; give the number of output features, e.g. @Dense(16) or .dense(16)"),
    INIT_SCALE("InitScale", "%s: the %s init scale must be finite and positive, got %s; e.g. scale = 0.01"),
    ACTIVATION_PARAMETER("ActivationParameter", "%s: %s alpha must be %s, got %s; e.g. alpha = %s"),
    SOFTMAX_NOT_LAST("SoftmaxNotLast", "%s: softmax must be the last layer, but it is layer %d of %d; move it to the end, or use another activation here"),
    UNROLLED_TOO_LARGE("UnrolledTooLarge", "%s: Tier.UNROLLED writes code for each weight and output, but this layer (%d x %d) has %s, and it allows at most %d weights and %d outputs; use Tier.AUTO or Tier.LOOPS"),
    TOO_LARGE("TooLarge", "%s: %s needs %,d values, more than a Java array holds (%,d); %s"),
    LOSS_MISMATCH("LossMismatch", "loss %s does not fit the last layer %s of network %s: %s"),
    PRELU_FIELD("PReluField", "%s: PReLU learns a slope per feature, named %s.weight, but the Dense layer declared with it already has a weight of that name; declare the PReLU on a field of its own, e.g. `@Dense(16) Layer hidden; @PRelu Layer hiddenSlopes;`"),
    MAXOUT_PIECES("MaxoutPieces", "%s: maxout needs at least 2 pieces per output, got %d; e.g. @Maxout(2) or .maxout(2)"),
    MAXOUT_WIDTH("MaxoutWidth", "%s: maxout takes the largest of each group of %d consecutive features, but its input has %d features, not a multiple of %d; %s"),
    DROPOUT_RATE("DropoutRate", "%s: the dropout rate is the probability of dropping each value, so it must be in [0, 1), got %s; e.g. @Dropout(0.5) or .dropout(0.5)"),
    DROPOUT_LAST("DropoutLast", "%s: dropout is the last layer of network %s, so in training it would drop the outputs the loss reads; put it before the output layer, e.g. on a hidden one: `@Dense(64) @Relu @Dropout(0.5) Layer hidden;`"),
    NEEDS_IMAGE("NeedsImage", "%s: %s works on images [channels, height, width], but its input is %s; declare the network's input as an image, e.g. @Network(input = {1, 28, 28}) or Kiln.input(1, 28, 28), and keep convolutions and pooling before any Flatten or Dense layer"),
    NEEDS_FLAT("NeedsFlat", "%s: %s takes a flat input, but its input is %s; flatten it first, e.g. a field `@Flatten Layer flat;` before it, or .flatten()"),
    NEEDS_SEQUENCE("NeedsSequence", "%s: %s works on sequences [steps, features], but its input is %s; declare the network's input as a sequence, e.g. @Network(input = {64, 114}), or read ids with a first layer `@OneHot(114) Layer chars;` and input = 64"),
    IDS_FIRST("IdsFirst", "%s: %s reads the network's input as ids, so it must be the first layer, but it is layer %d of %d; move it to the start"),
    IDS_INPUT("IdsInput", "%s: %s reads one id per step, so the network's input must be the number of steps, e.g. input = 64, but it is %s"),
    SEQUENCE_PARAMETER("SequenceParameter", "%s: the %s %s must be %s, got %s; e.g. %s"),
    WINDOW_PARAMETER("WindowParameter", "%s: the %s %s must be %s, got %d; e.g. %s"),
    WINDOW_VALUES("WindowValues", "%s: %s takes one value, or two for {down, across}, but got %d: %s; e.g. %s = 3 or %s = {3, 5}"),
    WINDOW_SHAPE("WindowShape", "%s: %s over %d %s: (%d - %d + 2 x %d) / %d + 1 = %s, %s; %s"),
    BATCH_NORM_PARAMETER("BatchNormParameter", "%s: batch norm %s must be %s, got %s; e.g. %s"),
    PARAMETER_FIELD("ParameterField", "%s: %s learns parameters named %s.weight and %s.bias, but the %s layer declared with it already has a weight of that name; declare it on a field of its own, e.g. `%s`"),
    MARGIN("Margin", "network %s has contrastive margin %s, but it must be finite and positive; e.g. margin = 1.0 or .loss(Loss.CONTRASTIVE, 1.0)"),
    HEADS_WITH_LOSS("HeadsWithLoss", "network %s declares heads and also loss %s, but with heads the loss is the heads' weighted sum (MULTI_TASK); remove the loss, or the heads"),
    NO_HEADS("NoHeads", "network %s has loss MULTI_TASK but no heads; declare them, e.g. heads = {@Head(units = 3, loss = Loss.SOFTMAX_CROSS_ENTROPY), @Head(units = 1, loss = Loss.MSE)} or .head(3, Loss.SOFTMAX_CROSS_ENTROPY).head(1, Loss.MSE)"),
    HEAD_UNITS("HeadUnits", "network %s, head %d: units must be positive, got %d; give the number of outputs the head takes, e.g. units = 3 or .head(3, ...)"),
    HEAD_WEIGHT("HeadWeight", "network %s, head %d: weight must be finite and positive, got %s; e.g. weight = 1.0 or .head(3, Loss.MSE, 1.0)"),
    HEAD_LOSS("HeadLoss", "network %s, head %d: %s"),
    HEADS_WIDTH("HeadsWidth", "network %s: its heads take %d outputs (%s), but the last layer %s gives %d; make the heads' units add up to %d"),
    HEAD_LAST_LAYER("HeadLastLayer", "network %s, head %d (%s): %s"),

    // Rules about how a builder chain is written, checked by the builder as each call is made.
    BUILDER_ORDER("BuilderOrder", "%s must directly follow %s; e.g. Kiln.input(4).dense(16).noBias().relu()"),
    INPUT_REPEATED("InputRepeated", "%s: the input shape was already given as %s; give it once"),
    LAYER_NAME("LayerName", "%s: layer name \"%s\" %s; use a Java identifier such as \"hidden\""),

    // Rules about the declaring source, reported only by the annotation processor.
    NOT_A_CLASS("NotAClass", "@Network must annotate a class, but %s is a %s; declare a class whose fields are the layers"),
    UNREACHABLE("Unreachable", "network class %s is %s, so the generated class %s cannot reach it; %s"),
    LAYER_TYPE("LayerType", "field %s carries layer annotations but has type %s; declare it as dev.kiln.dsl.Layer"),
    NO_LAYER_ANNOTATION("NoLayerAnnotation", "field %s has type Layer but no layer annotation; annotate it, e.g. @Dense(16), or remove it"),
    CONFLICTING_ANNOTATIONS("ConflictingAnnotations", "field %s has both %s and %s, but a field declares at most one %s; split them across two fields, in the order they apply"),
    STATIC_LAYER("StaticLayer", "field %s is static, but layers are per network instance; remove `static`"),
    COMPILE_FIELD("CompileField", "@Compile field %s %s; declare it as `static final NetworkSpec %s = Kiln.input(...)...build();`"),
    NOT_A_CHAIN("NotAChain", "@Compile field %s: %s; the initializer must be one builder chain, from Kiln.input(...) or Kiln.network(...) to .build()"),
    NOT_CONSTANT("NotConstant", "@Compile field %s: argument %s of %s is not a compile-time constant (%s); write a literal, a static final constant or an enum constant, e.g. %s"),
    GENERATED_NAME_TAKEN("GeneratedNameTaken", "%s would generate class %s, which %s also generates; rename one of them"),
    WRITE_FAILED("Write", "could not write the generated class %s: %s; check the build's output directory"),
    UNEXPECTED("Unexpected", "Kiln failed on network %s: %s; this is a bug in Kiln, please report it with the declaration");

    private final String id;
    private final String template;

    Rule(String id, String template) {
        this.id = id;
        this.template = template;
    }

    /** The stable id, e.g. {@code Kiln/Units}. */
    public String id() {
        return "Kiln/" + id;
    }

    /** The full message for the given values, prefixed with {@code [id]}. */
    public String format(Object... args) {
        return "[" + id() + "] " + String.format(Locale.ROOT, template, args);
    }
}
