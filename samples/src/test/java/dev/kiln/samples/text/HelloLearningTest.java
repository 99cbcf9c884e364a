package dev.kiln.samples.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.interpret.Interpreter;
import dev.kiln.runtime.Model;
import dev.kiln.runtime.optim.Adam;
import org.junit.jupiter.api.Test;

/**
 * A vanilla RNN learns to continue "hello": reading "hell" it predicts "ello" at every step, with a fixed
 * seed, within 300 Adam steps (it needs its state: after "l" comes "l" once and "o" once). The
 * interpreted network learns the same.
 */
class HelloLearningTest {

    @Test
    void theGeneratedRnnLearnsToContinueHello() {
        assertEquals("ello", train(new KilnHello(5)));
    }

    @Test
    void theInterpretedRnnLearnsItToo() {
        assertEquals("ello", train(Interpreter.of(KilnHello.SPEC, 5)));
    }

    /** Trains on "hell" -> "ello" and returns what the network predicts after. */
    private static String train(Model model) {
        String vocabulary = Hello.VOCABULARY;
        float[] input = ids("hell");
        float[] target = new float[Hello.STEPS * 4];
        String next = "ello";
        for (int t = 0; t < Hello.STEPS; t++) {
            target[t * 4 + vocabulary.indexOf(next.charAt(t))] = 1;
        }
        Adam adam = new Adam(0.05f);
        model.setTraining(true);
        float first = Float.NaN;
        float loss = Float.NaN;
        for (int step = 0; step < 300; step++) {
            model.zeroGradients();
            model.forward(input, 0, 1);
            loss = model.loss(target, 0);
            first = step == 0 ? loss : first;
            model.backward();
            adam.step(model.parameters(), model.gradients());
        }
        assertTrue(loss < 0.05 * first, "loss " + first + " -> " + loss);
        model.setTraining(false);
        float[] logits = model.forward(input, 0, 1);
        StringBuilder predicted = new StringBuilder();
        for (int t = 0; t < Hello.STEPS; t++) {
            int best = 0;
            for (int v = 1; v < 4; v++) {
                best = logits[t * 4 + v] > logits[t * 4 + best] ? v : best;
            }
            predicted.append(vocabulary.charAt(best));
        }
        return predicted.toString();
    }

    private static float[] ids(String text) {
        float[] ids = new float[text.length()];
        for (int t = 0; t < text.length(); t++) {
            ids[t] = Hello.VOCABULARY.indexOf(text.charAt(t));
        }
        return ids;
    }
}
