package dev.kiln.processor.parse;

import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.PrimitiveTypeTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import java.util.Optional;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * Evaluates the arguments of a builder chain from the source tree, before javac has attributed it:
 * literals, {@code static final} constants, enum constants, and the arithmetic, comparisons, casts and
 * conditionals of Java's constant expressions over them. Names are resolved the way Java resolves them
 * in the declaring class: its own and enclosing classes' members, then imports, the package, and
 * {@code java.lang}.
 */
final class Constants {

    /** An enum constant named in the source, as the qualified name of its enum and its own name. */
    record EnumConstant(String type, String name) {
        @Override
        public String toString() {
            return type.substring(type.lastIndexOf('.') + 1) + "." + name;
        }
    }

    /** An expression that is not a compile-time constant, and why. */
    static final class NotConstant extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Tree tree;

        NotConstant(Tree tree, String why) {
            super(why, null, false, false);
            this.tree = tree;
        }

        /** The part of the expression at fault. */
        Tree tree() {
            return tree;
        }
    }

    private final Elements elements;
    private final CompilationUnitTree unit;
    private final TypeElement scope;

    /**
     * @param elements the compiler's element utilities
     * @param unit     the source file being read
     * @param scope    the class whose initializer is read: names resolve from it outwards
     */
    Constants(Elements elements, CompilationUnitTree unit, TypeElement scope) {
        this.elements = elements;
        this.unit = unit;
        this.scope = scope;
    }

    /**
     * The value of a constant expression: a boxed primitive, a {@link String}, or an {@link EnumConstant}.
     *
     * @throws NotConstant naming the part that is not constant
     */
    Object evaluate(ExpressionTree tree) throws NotConstant {
        return switch (tree) {
            case LiteralTree literal -> {
                if (literal.getValue() == null) {
                    throw new NotConstant(tree, "null");
                }
                yield literal.getValue();
            }
            case ParenthesizedTree parens -> evaluate(parens.getExpression());
            case UnaryTree unary -> unary(unary, evaluate(unary.getExpression()));
            case BinaryTree binary -> binary(binary, evaluate(binary.getLeftOperand()),
                    evaluate(binary.getRightOperand()));
            case ConditionalExpressionTree conditional -> evaluate(conditional.getCondition()) instanceof Boolean b
                    ? evaluate(b ? conditional.getTrueExpression() : conditional.getFalseExpression())
                    : fail(conditional, "a condition that is not a boolean");
            case TypeCastTree cast -> cast(cast, evaluate(cast.getExpression()));
            case IdentifierTree identifier -> name(identifier, identifier.getName().toString());
            case MemberSelectTree select -> member(select);
            default -> fail(tree, describe(tree));
        };
    }

    private static String describe(Tree tree) {
        return switch (tree.getKind()) {
            case METHOD_INVOCATION -> "a method call";
            case NEW_CLASS -> "an object creation";
            case NEW_ARRAY -> "an array; write the values as separate arguments";
            case ARRAY_ACCESS -> "an array element";
            case LAMBDA_EXPRESSION, MEMBER_REFERENCE -> "a lambda";
            case ASSIGNMENT -> "an assignment";
            default -> "a " + tree.getKind().toString().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        };
    }

    private static <T> T fail(Tree tree, String why) throws NotConstant {
        throw new NotConstant(tree, why);
    }

    // ---------------------------------------------------------------- names

    /** A simple name: a constant of the declaring class or an enclosing one, or a static import. */
    private Object name(IdentifierTree tree, String name) throws NotConstant {
        for (Element e = scope; e instanceof TypeElement type; e = e.getEnclosingElement()) {
            Optional<VariableElement> field = field(type, name);
            if (field.isPresent()) {
                return valueOf(tree, field.get());
            }
        }
        // a single static import shadows an on-demand one, as in Java
        for (boolean onDemand : new boolean[] {false, true}) {
            for (ImportTree imp : unit.getImports()) {
                if (!imp.isStatic() || !(imp.getQualifiedIdentifier() instanceof MemberSelectTree q)) {
                    continue;
                }
                String member = q.getIdentifier().toString();
                if (onDemand ? member.equals("*") : member.equals(name)) {
                    TypeElement type = elements.getTypeElement(q.getExpression().toString());
                    Optional<VariableElement> field = type == null ? Optional.empty() : field(type, name);
                    if (field.isPresent()) {
                        return valueOf(tree, field.get());
                    }
                }
            }
        }
        throw new NotConstant(tree, name + " is not a constant this class can see");
    }

    /** {@code Type.NAME} or {@code pkg.Type.NAME}. */
    private Object member(MemberSelectTree tree) throws NotConstant {
        String name = tree.getIdentifier().toString();
        TypeElement type = type(tree.getExpression());
        if (type == null) {
            throw new NotConstant(tree, "the type " + tree.getExpression() + " could not be found");
        }
        Optional<VariableElement> field = field(type, name);
        if (field.isEmpty()) {
            throw new NotConstant(tree, type.getSimpleName() + " has no field " + name);
        }
        return valueOf(tree, field.get());
    }

    /** The type a name in the source denotes, resolved as Java does from the declaring class, or null. */
    TypeElement type(ExpressionTree tree) {
        String written = tree.toString();
        if (tree instanceof IdentifierTree) {
            for (Element e = scope; e instanceof TypeElement type; e = e.getEnclosingElement()) {
                if (type.getSimpleName().contentEquals(written)) {
                    return type;
                }
                for (TypeElement member : ElementFilter.typesIn(elements.getAllMembers(type))) {
                    if (member.getSimpleName().contentEquals(written)) {
                        return member;
                    }
                }
            }
            for (ImportTree imp : unit.getImports()) {
                if (!imp.isStatic() && imp.getQualifiedIdentifier() instanceof MemberSelectTree q
                        && q.getIdentifier().contentEquals(written)) {
                    return elements.getTypeElement(q.toString());
                }
            }
            String pkg = unit.getPackageName() == null ? "" : unit.getPackageName() + ".";
            TypeElement inPackage = elements.getTypeElement(pkg + written);
            if (inPackage != null) {
                return inPackage;
            }
            for (ImportTree imp : unit.getImports()) {
                if (!imp.isStatic() && imp.getQualifiedIdentifier() instanceof MemberSelectTree q
                        && q.getIdentifier().contentEquals("*")) {
                    TypeElement onDemand = elements.getTypeElement(q.getExpression() + "." + written);
                    if (onDemand != null) {
                        return onDemand;
                    }
                }
            }
            return elements.getTypeElement("java.lang." + written);
        }
        if (tree instanceof MemberSelectTree select) {
            TypeElement qualified = elements.getTypeElement(written);
            if (qualified != null) {
                return qualified;
            }
            TypeElement outer = type(select.getExpression());
            if (outer != null) {
                for (TypeElement member : ElementFilter.typesIn(outer.getEnclosedElements())) {
                    if (member.getSimpleName().contentEquals(select.getIdentifier())) {
                        return member;
                    }
                }
            }
        }
        return null;
    }

    private Optional<VariableElement> field(TypeElement type, String name) {
        return ElementFilter.fieldsIn(elements.getAllMembers(type)).stream()
                .filter(f -> f.getSimpleName().contentEquals(name))
                .map(f -> (VariableElement) f)
                .findFirst();
    }

    private static Object valueOf(Tree tree, VariableElement field) throws NotConstant {
        if (field.getKind() == ElementKind.ENUM_CONSTANT) {
            TypeElement type = (TypeElement) field.getEnclosingElement();
            return new EnumConstant(type.getQualifiedName().toString(), field.getSimpleName().toString());
        }
        Object value = field.getConstantValue();
        if (value != null) {
            return value;
        }
        String name = field.getSimpleName().toString();
        if (!field.getModifiers().contains(Modifier.FINAL)) {
            throw new NotConstant(tree, name + " is not final");
        }
        throw new NotConstant(tree, name + " is not initialized with a constant expression");
    }

    // ---------------------------------------------------------------- arithmetic

    private static Object unary(UnaryTree tree, Object operand) throws NotConstant {
        return switch (tree.getKind()) {
            case UNARY_PLUS -> number(tree, operand);
            case UNARY_MINUS -> switch (promote(tree, operand, 0)) {
                case Integer i -> -i;
                case Long l -> -l;
                case Float f -> -f;
                case Double d -> -d;
                default -> throw new NotConstant(tree, "negation of " + operand);
            };
            case BITWISE_COMPLEMENT -> switch (promote(tree, operand, 0)) {
                case Integer i -> ~i;
                case Long l -> ~l;
                default -> throw new NotConstant(tree, "~ of " + operand);
            };
            case LOGICAL_COMPLEMENT -> operand instanceof Boolean b ? !b : fail(tree, "! of " + operand);
            default -> fail(tree, describe(tree));
        };
    }

    private static Object binary(BinaryTree tree, Object left, Object right) throws NotConstant {
        Tree.Kind kind = tree.getKind();
        if (kind == Tree.Kind.PLUS && (left instanceof String || right instanceof String)) {
            if (left instanceof EnumConstant || right instanceof EnumConstant) {
                throw new NotConstant(tree, "a string joined with an enum constant, which Java computes at run time");
            }
            return String.valueOf(left) + right;
        }
        if (left instanceof Boolean a && right instanceof Boolean b) {
            return switch (kind) {
                case CONDITIONAL_AND -> a && b;
                case CONDITIONAL_OR -> a || b;
                case EQUAL_TO -> a == b;
                case NOT_EQUAL_TO -> a != b;
                default -> fail(tree, describe(tree) + " of booleans");
            };
        }
        Object l = promote(tree, left, right);
        Object r = promote(tree, right, left);
        return switch (l) {
            case Integer a -> integer(tree, kind, a, (Integer) r);
            case Long a -> longInteger(tree, kind, a, (Long) r);
            case Float a -> floating(tree, kind, a, (Float) r);
            case Double a -> doubleFloating(tree, kind, a, (Double) r);
            default -> fail(tree, describe(tree));
        };
    }

    private static Object integer(Tree tree, Tree.Kind kind, int a, int b) throws NotConstant {
        return switch (kind) {
            case PLUS -> a + b;
            case MINUS -> a - b;
            case MULTIPLY -> a * b;
            case DIVIDE -> b == 0 ? fail(tree, "a division by zero") : a / b;
            case REMAINDER -> b == 0 ? fail(tree, "a division by zero") : a % b;
            default -> compare(tree, kind, Integer.compare(a, b));
        };
    }

    private static Object longInteger(Tree tree, Tree.Kind kind, long a, long b) throws NotConstant {
        return switch (kind) {
            case PLUS -> a + b;
            case MINUS -> a - b;
            case MULTIPLY -> a * b;
            case DIVIDE -> b == 0 ? fail(tree, "a division by zero") : a / b;
            case REMAINDER -> b == 0 ? fail(tree, "a division by zero") : a % b;
            default -> compare(tree, kind, Long.compare(a, b));
        };
    }

    private static Object floating(Tree tree, Tree.Kind kind, float a, float b) throws NotConstant {
        return switch (kind) {
            case PLUS -> a + b;
            case MINUS -> a - b;
            case MULTIPLY -> a * b;
            case DIVIDE -> a / b;
            case REMAINDER -> a % b;
            default -> compareFloating(tree, kind, a, b);
        };
    }

    private static Object doubleFloating(Tree tree, Tree.Kind kind, double a, double b) throws NotConstant {
        return switch (kind) {
            case PLUS -> a + b;
            case MINUS -> a - b;
            case MULTIPLY -> a * b;
            case DIVIDE -> a / b;
            case REMAINDER -> a % b;
            default -> compareFloating(tree, kind, a, b);
        };
    }

    /** A comparison of floating-point values as Java makes it: every comparison with NaN is false but {@code !=}. */
    private static Object compareFloating(Tree tree, Tree.Kind kind, double a, double b) throws NotConstant {
        return switch (kind) {
            case LESS_THAN -> a < b;
            case LESS_THAN_EQUAL -> a <= b;
            case GREATER_THAN -> a > b;
            case GREATER_THAN_EQUAL -> a >= b;
            case EQUAL_TO -> a == b;
            case NOT_EQUAL_TO -> a != b;
            default -> fail(tree, describe(tree));
        };
    }

    private static Object compare(Tree tree, Tree.Kind kind, int order) throws NotConstant {
        return switch (kind) {
            case LESS_THAN -> order < 0;
            case LESS_THAN_EQUAL -> order <= 0;
            case GREATER_THAN -> order > 0;
            case GREATER_THAN_EQUAL -> order >= 0;
            case EQUAL_TO -> order == 0;
            case NOT_EQUAL_TO -> order != 0;
            default -> fail(tree, describe(tree));
        };
    }

    /** A number, widened as Java's binary numeric promotion widens it next to {@code other}. */
    private static Object promote(Tree tree, Object value, Object other) throws NotConstant {
        Object n = number(tree, value);
        Object o = other instanceof Character c ? (int) c : other;
        if (n instanceof Double || o instanceof Double) {
            return ((Number) n).doubleValue();
        }
        if (n instanceof Float || o instanceof Float) {
            return ((Number) n).floatValue();
        }
        if (n instanceof Long || o instanceof Long) {
            return ((Number) n).longValue();
        }
        return ((Number) n).intValue();
    }

    private static Object number(Tree tree, Object value) throws NotConstant {
        if (value instanceof Character c) {
            return (int) c;
        }
        if (value instanceof Number) {
            return value;
        }
        throw new NotConstant(tree, "arithmetic on " + (value instanceof String ? "a string" : String.valueOf(value)));
    }

    private static Object cast(TypeCastTree tree, Object value) throws NotConstant {
        if (!(tree.getType() instanceof PrimitiveTypeTree primitive)) {
            return value instanceof String && tree.getType().toString().matches("(java\\.lang\\.)?String")
                    ? value : fail(tree, "a cast to " + tree.getType());
        }
        Number n = (Number) number(tree, value);
        TypeKind kind = primitive.getPrimitiveTypeKind();
        return switch (kind) {
            case INT -> n.intValue();
            case LONG -> n.longValue();
            case FLOAT -> n.floatValue();
            case DOUBLE -> n.doubleValue();
            case SHORT -> (int) n.shortValue();
            case BYTE -> (int) n.byteValue();
            case CHAR -> (int) (char) n.intValue();
            default -> fail(tree, "a cast to " + kind.toString().toLowerCase(java.util.Locale.ROOT));
        };
    }
}
