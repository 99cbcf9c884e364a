package dev.kiln.runtime.optim;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Every optimizer, with its defaults and with every option (momentum, Nesterov, weight decay, centered),
 * each paired with its double-precision {@link Reference} and the names of its state, in order.
 */
final class OptimizerCases {

    private OptimizerCases() {
    }

    /** One configuration: a new optimizer, a new reference of the same rule, the state's names. */
    record Case(String name, Supplier<Optimizer> optimizer, Supplier<Reference> reference, List<String> state) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Case> ALL = List.of(
            new Case("Sgd", () -> new Sgd(0.1f), () -> Reference.sgd(0.1f, 0, 0, false), List.of()),
            new Case("Sgd with weight decay", () -> new Sgd(0.1f, 0f, 0.05f),
                    () -> Reference.sgd(0.1f, 0, 0.05f, false), List.of()),
            new Case("Sgd with momentum", () -> new Sgd(0.05f, 0.9f),
                    () -> Reference.sgd(0.05f, 0.9f, 0, false), List.of("momentum_buffer")),
            new Case("Sgd with momentum and weight decay", () -> new Sgd(0.05f, 0.8f, 0.1f),
                    () -> Reference.sgd(0.05f, 0.8f, 0.1f, false), List.of("momentum_buffer")),
            new Case("Sgd with Nesterov momentum", () -> Sgd.nesterov(0.05f, 0.9f),
                    () -> Reference.sgd(0.05f, 0.9f, 0, true), List.of("momentum_buffer")),
            new Case("Sgd with Nesterov momentum and weight decay", () -> Sgd.nesterov(0.05f, 0.7f, 0.2f),
                    () -> Reference.sgd(0.05f, 0.7f, 0.2f, true), List.of("momentum_buffer")),
            new Case("Adam", () -> new Adam(0.02f),
                    () -> Reference.adam(0.02f, 0.9f, 0.999f, 1e-8f, 0), List.of("step", "exp_avg", "exp_avg_sq")),
            new Case("Adam with given betas", () -> new Adam(0.05f, 0.5f, 0.75f, 1e-3f),
                    () -> Reference.adam(0.05f, 0.5f, 0.75f, 1e-3f, 0), List.of("step", "exp_avg", "exp_avg_sq")),
            new Case("AdamW", () -> new AdamW(0.02f),
                    () -> Reference.adam(0.02f, 0.9f, 0.999f, 1e-8f, 0.01f), List.of("step", "exp_avg", "exp_avg_sq")),
            new Case("AdamW with given hyper-parameters", () -> new AdamW(0.05f, 0.8f, 0.9f, 1e-4f, 0.5f),
                    () -> Reference.adam(0.05f, 0.8f, 0.9f, 1e-4f, 0.5f), List.of("step", "exp_avg", "exp_avg_sq")),
            new Case("Adagrad", () -> new Adagrad(0.1f), () -> Reference.adagrad(0.1f, 1e-10f, 0), List.of("sum")),
            new Case("Adagrad with given hyper-parameters", () -> new Adagrad(0.2f, 1e-2f, 0.5f),
                    () -> Reference.adagrad(0.2f, 1e-2f, 0.5f), List.of("sum")),
            new Case("Adadelta", Adadelta::new, () -> Reference.adadelta(1f, 0.9f, 1e-6f),
                    List.of("square_avg", "acc_delta")),
            new Case("Adadelta with given hyper-parameters", () -> new Adadelta(0.5f, 0.6f, 1e-2f),
                    () -> Reference.adadelta(0.5f, 0.6f, 1e-2f), List.of("square_avg", "acc_delta")),
            new Case("RmsProp", () -> new RmsProp(0.01f), () -> Reference.rmsProp(0.01f, 0.99f, 1e-8f, 0, false),
                    List.of("square_avg")),
            new Case("RmsProp with momentum", () -> new RmsProp(0.02f, 0.9f, 1e-4f, 0.8f),
                    () -> Reference.rmsProp(0.02f, 0.9f, 1e-4f, 0.8f, false), List.of("square_avg", "momentum_buffer")),
            new Case("RmsProp centered", () -> RmsProp.centered(0.02f, 0.8f, 1e-3f, 0f),
                    () -> Reference.rmsProp(0.02f, 0.8f, 1e-3f, 0, true), List.of("square_avg", "grad_avg")),
            new Case("RmsProp centered with momentum", () -> RmsProp.centered(0.01f, 0.7f, 1e-3f, 0.5f),
                    () -> Reference.rmsProp(0.01f, 0.7f, 1e-3f, 0.5f, true),
                    List.of("square_avg", "momentum_buffer", "grad_avg")));

    static Stream<Case> all() {
        return ALL.stream();
    }
}
