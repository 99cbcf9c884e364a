package dev.kiln.processor.parse;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.kiln.dsl.BuilderException;
import dev.kiln.dsl.Kiln;
import dev.kiln.dsl.NetworkBuilder;
import dev.kiln.processor.validate.Diagnostic;
import dev.kiln.processor.validate.Location;
import dev.kiln.spec.Activation;
import dev.kiln.spec.Init;
import dev.kiln.spec.LayerSpec;
import dev.kiln.spec.Loss;
import dev.kiln.spec.NetworkSpec;
import dev.kiln.spec.Rule;
import dev.kiln.spec.Tier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.Elements;

/**
 * The parse stage for {@code @Compile} fields: reads the field's initializer from the source tree
 * (javac's Trees API), evaluates each call's constant arguments, and replays the calls on a real
 * {@link NetworkBuilder}, so that the chain means exactly what it means at run time. Anything the
 * processor cannot follow (a chain that does not start at {@code Kiln}, a call that is not the
 * builder's, an argument that is not a compile-time constant) is an error at that expression.
 *
 * <p>Accepted: {@code Kiln.input(...)}, {@code Kiln.network(...)} (also fully qualified, or
 * statically imported), then any of the builder's calls, ending in {@code .build()}.
 */
public final class ChainParser {

    private static final String KILN = Kiln.class.getCanonicalName();
    private static final String SPEC = NetworkSpec.class.getCanonicalName();

    private final Elements elements;
    private final Trees trees;

    /**
     * @param elements the compiler's element utilities
     * @param trees    javac's trees, or null when the compiler is not javac
     */
    public ChainParser(Elements elements, Trees trees) {
        this.elements = elements;
        this.trees = trees;
    }

    /** One call of the chain as written: its method name, its arguments, and where it is. */
    private record Call(String method, List<? extends ExpressionTree> arguments, TreePath path) {
    }

    /** A problem found while reading, at an expression. */
    private static final class Stop extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Diagnostic diagnostic;

        Stop(Diagnostic diagnostic) {
            super(diagnostic.message(), null, false, false);
            this.diagnostic = diagnostic;
        }
    }

    /**
     * Reads one field. A declaration comes back with findings when the field or its chain is wrong; empty
     * when javac will report the problem itself (the source did not parse as an initializer).
     */
    public Declaration parse(VariableElement field) {
        TypeElement owner = (TypeElement) field.getEnclosingElement();
        String ownerName = NetworkParser.sourceName(owner);
        String fieldName = field.getSimpleName().toString();
        String where = ownerName + "." + fieldName;
        String packageName = elements.getPackageOf(owner).getQualifiedName().toString();
        String generatedName = "Kiln" + upperCamel(fieldName);
        String declaredBy = ownerName + "#" + fieldName;
        try {
            checkField(field, where, fieldName);
            ExpressionTree initializer = initializer(field, where);
            TreePath fieldPath = trees.getPath(field);
            List<Call> calls = unwind(field, new TreePath(fieldPath, initializer), where);
            Constants constants = new Constants(elements, fieldPath.getCompilationUnit(), owner);
            NetworkBuilder builder = replay(field, calls, constants, where);
            NetworkSpec spec;
            try {
                spec = builder.unchecked();
            } catch (BuilderException e) {
                throw stop(e.rule(), e.getMessage(), at(field, calls.get(e.callIndex()), e.argument()));
            }
            NetworkBuilder finished = builder;
            return new Declaration(packageName, declaredBy, generatedName, spec, blockNames(spec), field,
                    problem -> locate(field, calls, finished.callOf(problem)), List.of());
        } catch (Stop stop) {
            return new Declaration(packageName, declaredBy, generatedName, null, List.of(), field,
                    problem -> Location.of(field), List.of(stop.diagnostic));
        }
    }

    private void checkField(VariableElement field, String where, String fieldName) throws Stop {
        List<String> wrong = new ArrayList<>();
        if (!field.getModifiers().contains(Modifier.STATIC)) {
            wrong.add("is not static");
        }
        if (!field.getModifiers().contains(Modifier.FINAL)) {
            wrong.add("is not final");
        }
        if (!field.asType().toString().equals(SPEC)) {
            wrong.add("has type " + field.asType() + ", not NetworkSpec");
        }
        if (!wrong.isEmpty()) {
            throw stop(Rule.COMPILE_FIELD, Rule.COMPILE_FIELD.format(where, String.join(" and ", wrong), fieldName),
                    Location.of(field));
        }
        if (trees == null) {
            throw stop(Rule.COMPILE_FIELD, Rule.COMPILE_FIELD.format(where,
                    "cannot be read: reading builder chains needs javac, and this compiler is not javac",
                    fieldName), Location.of(field));
        }
    }

    private ExpressionTree initializer(VariableElement field, String where) throws Stop {
        Tree tree = trees.getTree(field);
        if (!(tree instanceof VariableTree variable) || variable.getInitializer() == null) {
            throw stop(Rule.COMPILE_FIELD, Rule.COMPILE_FIELD.format(where, "has no initializer",
                    field.getSimpleName()), Location.of(field));
        }
        return variable.getInitializer();
    }

    /** The calls of the chain, first to last, without the final {@code build()}. */
    private List<Call> unwind(Element field, TreePath initializer, String where) throws Stop {
        ExpressionTree expression = (ExpressionTree) initializer.getLeaf();
        if (!(expression instanceof MethodInvocationTree end)
                || !(end.getMethodSelect() instanceof MemberSelectTree endSelect)
                || !endSelect.getIdentifier().contentEquals("build")) {
            throw notAChain(field, initializer, where, "it does not end with .build()");
        }
        if (!end.getArguments().isEmpty()) {
            throw notAChain(field, initializer, where, "build() takes no arguments");
        }
        Deque<Call> calls = new ArrayDeque<>();
        TreePath path = new TreePath(initializer, endSelect.getExpression());
        while (true) {
            Tree leaf = path.getLeaf();
            if (!(leaf instanceof MethodInvocationTree invocation)) {
                throw notAChain(field, path, where, "it starts at " + leaf);
            }
            ExpressionTree select = invocation.getMethodSelect();
            if (select instanceof MemberSelectTree member && member.getExpression() instanceof MethodInvocationTree) {
                calls.addFirst(new Call(member.getIdentifier().toString(), invocation.getArguments(), path));
                path = new TreePath(path, member.getExpression());
                continue;
            }
            String method = select instanceof MemberSelectTree member ? member.getIdentifier().toString()
                    : select instanceof IdentifierTree id ? id.getName().toString() : "";
            boolean start = (method.equals("input") || method.equals("network"))
                    && (select instanceof MemberSelectTree member ? namesKiln(member.getExpression(), path)
                            : staticallyImported(path.getCompilationUnit(), method));
            if (!start) {
                if (select instanceof MemberSelectTree member) {
                    throw notAChain(field, new TreePath(path, member.getExpression()), where,
                            "it starts at " + member.getExpression());
                }
                throw notAChain(field, path, where, "it starts at " + invocation);
            }
            calls.addFirst(new Call(method, invocation.getArguments(), path));
            return List.copyOf(calls);
        }
    }

    /** Whether an expression names the {@link Kiln} class from this source file. */
    private boolean namesKiln(ExpressionTree expression, TreePath from) {
        if (expression instanceof MemberSelectTree) {
            return expression.toString().equals(KILN);
        }
        if (!(expression instanceof IdentifierTree id) || !id.getName().contentEquals("Kiln")) {
            return false;
        }
        CompilationUnitTree unit = from.getCompilationUnit();
        TypeElement owner = (TypeElement) trees.getElement(enclosingClass(from));
        TypeElement resolved = new Constants(elements, unit, owner).type(expression);
        return resolved != null && resolved.getQualifiedName().contentEquals(KILN);
    }

    private static TreePath enclosingClass(TreePath path) {
        TreePath p = path;
        while (p != null && !(p.getLeaf() instanceof com.sun.source.tree.ClassTree)) {
            p = p.getParentPath();
        }
        return p;
    }

    private static boolean staticallyImported(CompilationUnitTree unit, String method) {
        for (ImportTree imp : unit.getImports()) {
            if (imp.isStatic() && imp.getQualifiedIdentifier() instanceof MemberSelectTree q
                    && q.getExpression().toString().equals(KILN)
                    && (q.getIdentifier().contentEquals(method) || q.getIdentifier().contentEquals("*"))) {
                return true;
            }
        }
        return false;
    }

    /** Evaluates each call's arguments and makes the call on a real builder. */
    private NetworkBuilder replay(Element field, List<Call> calls, Constants constants, String where) throws Stop {
        NetworkBuilder builder = null;
        for (Call call : calls) {
            List<Object> args = new ArrayList<>();
            for (int i = 0; i < call.arguments().size(); i++) {
                ExpressionTree argument = call.arguments().get(i);
                try {
                    args.add(constants.evaluate(argument));
                } catch (Constants.NotConstant e) {
                    throw stop(Rule.NOT_CONSTANT, Rule.NOT_CONSTANT.format(where, i + 1, call.method() + "(...)",
                            e.getMessage(), example(call.method())), Location.of(field,
                            new TreePath(call.path(), argument)));
                }
            }
            try {
                builder = apply(builder, call, args, field, where);
            } catch (BuilderException e) {
                throw stop(e.rule(), e.getMessage(), at(field, call, e.argument()));
            }
        }
        return builder;
    }

    /** Makes one call; the grammar of the chain is exactly {@link NetworkBuilder}'s methods. */
    private NetworkBuilder apply(NetworkBuilder b, Call call, List<Object> args, Element field, String where)
            throws Stop {
        ArgumentReader a = new ArgumentReader(call, args, field, where);
        return switch (call.method()) {
            case "input" -> b == null ? Kiln.input(a.ints()) : b.input(a.ints());
            case "network" -> b == null ? Kiln.network(a.string(0, 1))
                    : a.unknown("network(...) only starts a chain");
            case "loss" -> args.size() == 1 ? b.loss(a.enumeration(0, 1, Loss.class))
                    : b.loss(a.enumeration(0, 2, Loss.class), a.real(1, 2));
            case "head" -> args.size() == 2 ? b.head(a.integer(0, 2), a.enumeration(1, 2, Loss.class))
                    : b.head(a.integer(0, 3), a.enumeration(1, 3, Loss.class), a.real(2, 3));
            case "maxBatch" -> b.maxBatch(a.integer(0, 1));
            case "dense" -> b.dense(a.integer(0, 1));
            case "noBias" -> a.none(b.noBias());
            case "init" -> args.size() == 1 ? b.init(a.enumeration(0, 1, Init.class))
                    : b.init(a.enumeration(0, 2, Init.class), a.real(1, 2));
            case "tier" -> b.tier(a.enumeration(0, 1, Tier.class));
            case "identity" -> a.none(b.identity());
            case "sigmoid" -> a.none(b.sigmoid());
            case "tanh" -> a.none(b.tanh());
            case "relu" -> a.none(b.relu());
            case "softmax" -> a.none(b.softmax());
            case "prelu" -> a.none(b.prelu());
            case "maxout" -> b.maxout(a.integer(0, 1));
            case "dropout" -> b.dropout(a.real(0, 1));
            case "leakyRelu" -> args.isEmpty() ? b.leakyRelu() : b.leakyRelu(a.real(0, 1));
            case "elu" -> args.isEmpty() ? b.elu() : b.elu(a.real(0, 1));
            case "activation" -> args.size() == 1 ? b.activation(a.enumeration(0, 1, Activation.class))
                    : b.activation(a.enumeration(0, 2, Activation.class), a.real(1, 2));
            case "named" -> b.named(a.string(0, 1));
            case "conv2d" -> args.size() == 2 ? b.conv2d(a.integer(0, 2), a.integer(1, 2))
                    : b.conv2d(a.integer(0, 3), a.integer(1, 3), a.integer(2, 3));
            case "maxPool2d" -> args.size() == 1 ? b.maxPool2d(a.integer(0, 1))
                    : b.maxPool2d(a.integer(0, 2), a.integer(1, 2));
            case "avgPool2d" -> args.size() == 1 ? b.avgPool2d(a.integer(0, 1))
                    : b.avgPool2d(a.integer(0, 2), a.integer(1, 2));
            case "stride" -> args.size() == 1 ? b.stride(a.integer(0, 1)) : b.stride(a.integer(0, 2), a.integer(1, 2));
            case "padding" -> args.size() == 1 ? b.padding(a.integer(0, 1))
                    : b.padding(a.integer(0, 2), a.integer(1, 2));
            case "samePadding" -> a.none(b.samePadding());
            case "flatten" -> a.none(b.flatten());
            case "batchNorm" -> args.isEmpty() ? b.batchNorm() : b.batchNorm(a.real(0, 2), a.real(1, 2));
            case "oneHot" -> b.oneHot(a.integer(0, 1));
            case "embedding" -> b.embedding(a.integer(0, 2), a.integer(1, 2));
            case "rnn" -> b.rnn(a.integer(0, 1));
            case "lstm" -> b.lstm(a.integer(0, 1));
            case "gru" -> b.gru(a.integer(0, 1));
            case "lastStepOnly" -> a.none(b.lastStepOnly());
            case "stateful" -> a.none(b.stateful());
            case "forgetBias" -> b.forgetBias(a.real(0, 1));
            default -> a.unknown(call.method() + "(...) is not a NetworkBuilder call");
        };
    }

    /** Reads a call's evaluated arguments as the types its builder method takes. */
    private final class ArgumentReader {
        private final Call call;
        private final List<Object> args;
        private final Element field;
        private final String where;

        ArgumentReader(Call call, List<Object> args, Element field, String where) {
            this.call = call;
            this.args = args;
            this.field = field;
            this.where = where;
        }

        int[] ints() throws Stop {
            int[] values = new int[args.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = integerAt(i);
            }
            return values;
        }

        int integer(int index, int arity) throws Stop {
            arity(arity);
            return integerAt(index);
        }

        private int integerAt(int index) throws Stop {
            Object value = args.get(index);
            if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
                return ((Number) value).intValue();
            }
            if (value instanceof Character c) {
                return c;
            }
            throw wrongType(index, "an int");
        }

        double real(int index, int arity) throws Stop {
            arity(arity);
            Object value = args.get(index);
            if (value instanceof Number n) {
                return n.doubleValue();
            }
            if (value instanceof Character c) {
                return c;
            }
            throw wrongType(index, "a double");
        }

        String string(int index, int arity) throws Stop {
            arity(arity);
            if (args.get(index) instanceof String s) {
                return s;
            }
            throw wrongType(index, "a String");
        }

        <E extends Enum<E>> E enumeration(int index, int arity, Class<E> type) throws Stop {
            arity(arity);
            if (args.get(index) instanceof Constants.EnumConstant constant
                    && constant.type().equals(type.getCanonicalName())) {
                return Enum.valueOf(type, constant.name());
            }
            throw wrongType(index, "a " + type.getSimpleName() + " constant, e.g. " + type.getSimpleName() + "."
                    + type.getEnumConstants()[1].name());
        }

        NetworkBuilder none(NetworkBuilder result) throws Stop {
            arity(0);
            return result;
        }

        NetworkBuilder unknown(String why) throws Stop {
            throw notAChain(field, call.path(), where, why);
        }

        private void arity(int expected) throws Stop {
            if (args.size() != expected) {
                throw notAChain(field, call.path(), where, call.method() + " takes " + expected + " argument"
                        + (expected == 1 ? "" : "s") + ", not " + args.size());
            }
        }

        private Stop wrongType(int index, String expected) {
            Object value = args.get(index);
            String shown = value instanceof String s ? '"' + s + '"' : String.valueOf(value);
            return notAChain(field, new TreePath(call.path(), call.arguments().get(index)), where,
                    "argument " + (index + 1) + " of " + call.method() + "(...) must be " + expected + ", not "
                            + shown);
        }
    }

    private static String example(String method) {
        return switch (method) {
            case "named", "network" -> "\"hidden\"";
            case "loss" -> "Loss.SOFTMAX_CROSS_ENTROPY or 1.0";
            case "head" -> "3, Loss.MSE or 0.5";
            case "tier" -> "Tier.LOOPS";
            case "init" -> "Init.HE_NORMAL or 0.05";
            case "activation" -> "Activation.RELU or 0.1";
            case "leakyRelu", "elu" -> "0.1";
            case "dropout" -> "0.5";
            case "batchNorm" -> "0.1, 1e-5";
            default -> "16, or a constant `static final int HIDDEN = 16;`";
        };
    }

    /** Where a problem of the spec points: the call behind it, or the argument at fault. */
    private static Location locate(Element field, List<Call> calls, NetworkBuilder.Call call) {
        if (call.index() < 0 || call.index() >= calls.size()) {
            return Location.of(field);
        }
        return at(field, calls.get(call.index()), call.argument());
    }

    private static Location at(Element field, Call call, int argument) {
        if (argument >= 0 && argument < call.arguments().size()) {
            return Location.of(field, new TreePath(call.path(), call.arguments().get(argument)));
        }
        return Location.of(field, methodName(call.path()));
    }

    /** The path of the {@code .method} part of a call, so that a message points at the method's name. */
    private static TreePath methodName(TreePath invocation) {
        return new TreePath(invocation, ((MethodInvocationTree) invocation.getLeaf()).getMethodSelect());
    }

    private static Stop notAChain(Element field, TreePath at, String where, String why) {
        return stop(Rule.NOT_A_CHAIN, Rule.NOT_A_CHAIN.format(where, why), Location.of(field, at));
    }

    private static Stop stop(Rule rule, String message, Location at) {
        return new Stop(new Diagnostic(rule, message, at));
    }

    /** For each layer, its block's name: what follows the network's name in its source. */
    private static List<String> blockNames(NetworkSpec spec) {
        List<String> names = new ArrayList<>();
        for (LayerSpec layer : spec.layers()) {
            names.add(layer.source().substring(layer.source().lastIndexOf('.') + 1));
        }
        return names;
    }

    /** {@code IRIS} and {@code iris} to {@code Iris}, {@code FASHION_MLP} and {@code fashionMlp} to {@code FashionMlp}. */
    static String upperCamel(String name) {
        boolean constantCase = name.equals(name.toUpperCase(Locale.ROOT));
        if (!constantCase) {
            return name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
        }
        return List.of(name.split("_+")).stream()
                .filter(part -> !part.isEmpty())
                .map(part -> part.substring(0, 1) + part.substring(1).toLowerCase(Locale.ROOT))
                .collect(Collectors.joining());
    }
}
