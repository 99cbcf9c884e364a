package dev.kiln.runtime.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An optimizer's hyper-parameters as strings, in order ({@link Optimizer#hyperparameters()}). */
final class Hyperparameters {

    private final Map<String, String> values = new LinkedHashMap<>();

    private Hyperparameters() {
    }

    /** Starts with the learning rate, which every optimizer has. */
    static Hyperparameters learningRate(float learningRate) {
        return new Hyperparameters().add("learningRate", learningRate);
    }

    Hyperparameters add(String name, float value) {
        values.put(name, Float.toString(value));
        return this;
    }

    Hyperparameters add(String name, boolean value) {
        values.put(name, Boolean.toString(value));
        return this;
    }

    Map<String, String> done() {
        return Collections.unmodifiableMap(values);
    }

    /** {@code Kind(name=value, ...)}, for {@code toString}. */
    static String describe(Optimizer optimizer) {
        List<String> each = new ArrayList<>();
        optimizer.hyperparameters().forEach((name, value) -> each.add(name + "=" + value));
        return optimizer.kind() + "(" + String.join(", ", each) + ")";
    }
}
