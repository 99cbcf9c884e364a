package dev.kiln.dsl;

import dev.kiln.spec.Rule;
import java.util.Objects;

/**
 * A builder call written where it does not belong ({@code noBias()} with no dense layer before it, the
 * input shape given twice) or with a bad name. Thrown by the call itself, so the stack trace points at
 * it; the annotation processor reports the same message at the same call.
 */
public final class BuilderException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** The {@link #argument()} of a problem with the call as a whole. */
    public static final int WHOLE_CALL = -1;

    private final transient Rule rule;
    private final int callIndex;
    private final String call;
    private final int argument;

    BuilderException(Rule rule, int callIndex, int argument, String call, Object... args) {
        super(rule.format(prepend(call, args)));
        this.rule = Objects.requireNonNull(rule, "rule");
        this.callIndex = callIndex;
        this.call = call;
        this.argument = argument;
    }

    private static Object[] prepend(String call, Object[] args) {
        Object[] all = new Object[args.length + 1];
        all[0] = call;
        System.arraycopy(args, 0, all, 1, args.length);
        return all;
    }

    /** The rule the call broke. */
    public Rule rule() {
        return rule;
    }

    /** The position of the call in its chain, 0 for the first ({@code Kiln.input(...)}). */
    public int callIndex() {
        return callIndex;
    }

    /** The call as written, e.g. {@code named("2nd")}. */
    public String call() {
        return call;
    }

    /** The index of the argument at fault, or {@link #WHOLE_CALL}. */
    public int argument() {
        return argument;
    }
}
