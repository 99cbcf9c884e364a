package dev.kiln.samples.text;

import dev.kiln.dsl.Dense;
import dev.kiln.dsl.Layer;
import dev.kiln.dsl.Network;
import dev.kiln.dsl.OneHot;
import dev.kiln.dsl.Rnn;
import dev.kiln.spec.Loss;

/**
 * The classic first recurrent network: over the vocabulary {h, e, l, o}, read "hell" one character at a
 * time and predict, at every step, the next one, "ello". The second "l" must be followed by "o" where the
 * first was followed by "l", so the prediction needs the state, not just the current character.
 */
@Network(input = Hello.STEPS, loss = Loss.SOFTMAX_CROSS_ENTROPY, maxBatch = 1)
public class Hello {
    /** The characters read, and predicted, per pass. */
    public static final int STEPS = 4;
    /** h, e, l, o. */
    public static final String VOCABULARY = "helo";

    @OneHot(4) Layer chars;
    @Rnn(8) Layer rnn;
    @Dense(4) Layer next;
}
