package dev.kiln.runtime.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each optimizer's kind and hyper-parameters as strings (the defaults being PyTorch's), and its
 * rejection of bad hyper-parameters, naming each.
 */
class HyperparametersTest {

    @Test
    void theDefaultsArePyTorchs() {
        assertDescribes("Sgd(learningRate=0.001, momentum=0.0, weightDecay=0.0, nesterov=false)", new Sgd());
        assertDescribes("Adam(learningRate=0.001, beta1=0.9, beta2=0.999, epsilon=1.0E-8)", new Adam());
        assertDescribes("AdamW(learningRate=0.001, beta1=0.9, beta2=0.999, epsilon=1.0E-8, weightDecay=0.01)",
                new AdamW());
        assertDescribes("Adagrad(learningRate=0.01, epsilon=1.0E-10, initialAccumulator=0.0)", new Adagrad());
        assertDescribes("Adadelta(learningRate=1.0, rho=0.9, epsilon=1.0E-6)", new Adadelta());
        assertDescribes("RmsProp(learningRate=0.01, alpha=0.99, epsilon=1.0E-8, momentum=0.0, centered=false)",
                new RmsProp());
    }

    @Test
    void givenHyperParametersAreReported() {
        assertDescribes("Sgd(learningRate=0.5, momentum=0.9, weightDecay=1.0E-4, nesterov=true)",
                Sgd.nesterov(0.5f, 0.9f, 1e-4f));
        assertDescribes("Sgd(learningRate=0.5, momentum=0.8, weightDecay=0.25, nesterov=false)",
                new Sgd(0.5f, 0.8f, 0.25f));
        assertDescribes("AdamW(learningRate=0.1, beta1=0.8, beta2=0.9, epsilon=0.001, weightDecay=0.5)",
                new AdamW(0.1f, 0.8f, 0.9f, 1e-3f, 0.5f));
        assertDescribes("Adagrad(learningRate=0.1, epsilon=0.001, initialAccumulator=0.5)",
                new Adagrad(0.1f, 1e-3f, 0.5f));
        assertDescribes("Adadelta(learningRate=0.5, rho=0.6, epsilon=0.01)", new Adadelta(0.5f, 0.6f, 1e-2f));
        assertDescribes("RmsProp(learningRate=0.02, alpha=0.8, epsilon=0.001, momentum=0.5, centered=true)",
                RmsProp.centered(0.02f, 0.8f, 1e-3f, 0.5f));
    }

    @Test
    void theCurrentLearningRateIsReported() {
        Adagrad adagrad = new Adagrad();
        adagrad.setLearningRate(0.25f);

        assertEquals("0.25", adagrad.hyperparameters().get("learningRate"));
        assertEquals(List.of("learningRate", "epsilon", "initialAccumulator"),
                List.copyOf(adagrad.hyperparameters().keySet()));
        assertEquals("Adagrad", adagrad.kind());
    }

    @Test
    void valuesParseBackExactly() {
        float odd = Math.nextUp(0.1f);
        Map<String, String> hyperparameters = new Adam(odd, 0.875f, 0.9990001f, 3e-9f).hyperparameters();

        assertEquals(odd, Float.parseFloat(hyperparameters.get("learningRate")));
        assertEquals(0.9990001f, Float.parseFloat(hyperparameters.get("beta2")));
        assertThrows(UnsupportedOperationException.class, () -> hyperparameters.put("beta1", "0"));
    }

    @Test
    void sgdRejectsBadHyperParametersByName() {
        assertMessage("learningRate = -1.0 must be positive and finite", () -> new Sgd(-1f));
        assertMessage("momentum = 1.0 must be in [0, 1)", () -> new Sgd(0.1f, 1f));
        assertMessage("weightDecay = -0.1 must be zero or positive, and finite", () -> new Sgd(0.1f, 0.9f, -0.1f));
        assertMessage("weightDecay = Infinity must be zero or positive, and finite",
                () -> Sgd.nesterov(0.1f, 0.9f, Float.POSITIVE_INFINITY));
        assertMessage("momentum = 0.0 must be positive for Nesterov momentum; for plain gradient descent use new"
                + " Sgd(learningRate)", () -> Sgd.nesterov(0.1f, 0f));
    }

    @Test
    void adamWRejectsBadHyperParametersByName() {
        assertMessage("learningRate = NaN must be positive and finite", () -> new AdamW(Float.NaN));
        assertMessage("beta1 = -0.1 must be in [0, 1)", () -> new AdamW(0.1f, -0.1f, 0.999f, 1e-8f, 0.01f));
        assertMessage("beta2 = 1.0 must be in [0, 1)", () -> new AdamW(0.1f, 0.9f, 1f, 1e-8f, 0.01f));
        assertMessage("epsilon = -1.0E-8 must be positive and finite", () -> new AdamW(0.1f, 0.9f, 0.999f, -1e-8f, 0f));
        assertMessage("weightDecay = NaN must be zero or positive, and finite", () -> new AdamW(0.1f, Float.NaN));
    }

    @Test
    void adagradRejectsBadHyperParametersByName() {
        assertMessage("learningRate = 0.0 must be positive and finite", () -> new Adagrad(0f));
        assertMessage("epsilon = 0.0 must be positive and finite", () -> new Adagrad(0.1f, 0f, 0f));
        assertMessage("initialAccumulator = -1.0 must be zero or positive, and finite",
                () -> new Adagrad(0.1f, 1e-10f, -1f));
    }

    @Test
    void adadeltaRejectsBadHyperParametersByName() {
        assertMessage("learningRate = Infinity must be positive and finite",
                () -> new Adadelta(Float.POSITIVE_INFINITY));
        assertMessage("rho = 1.0 must be in [0, 1)", () -> new Adadelta(1f, 1f, 1e-6f));
        assertMessage("epsilon = NaN must be positive and finite", () -> new Adadelta(1f, 0.9f, Float.NaN));
    }

    @Test
    void rmsPropRejectsBadHyperParametersByName() {
        assertMessage("learningRate = -0.01 must be positive and finite", () -> new RmsProp(-0.01f));
        assertMessage("alpha = 1.5 must be in [0, 1)", () -> new RmsProp(0.01f, 1.5f, 1e-8f, 0f));
        assertMessage("epsilon = 0.0 must be positive and finite", () -> RmsProp.centered(0.01f, 0.99f, 0f, 0f));
        assertMessage("momentum = -0.5 must be in [0, 1)", () -> RmsProp.centered(0.01f, 0.99f, 1e-8f, -0.5f));
        assertMessage("learningRate = 0.0 must be positive and finite", () -> new RmsProp().setLearningRate(0f));
    }

    private static void assertDescribes(String expected, Optimizer optimizer) {
        assertEquals(expected, optimizer.toString());
        List<String> each = new ArrayList<>();
        optimizer.hyperparameters().forEach((name, value) -> each.add(name + "=" + value));
        assertEquals(expected, optimizer.kind() + "(" + String.join(", ", each) + ")");
    }

    private static void assertMessage(String message, Runnable call) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, call::run).getMessage());
    }
}
