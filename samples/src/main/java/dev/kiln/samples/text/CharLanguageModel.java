package dev.kiln.samples.text;

import dev.kiln.runtime.Model;
import dev.kiln.runtime.Rng;
import dev.kiln.runtime.Sampling;
import dev.kiln.runtime.data.TextCorpus;
import dev.kiln.runtime.data.TextStreams;
import dev.kiln.runtime.optim.Adam;
import java.lang.foreign.MemorySegment;

/**
 * Training and writing with {@link CharLstm}: the steps of truncated back-propagation through time over the
 * corpus' 32 streams (workload W3's), and text drawn one character at a time from a prompt.
 */
public final class CharLanguageModel {

    /** W3's learning rate. */
    public static final float LEARNING_RATE = 2e-3f;

    private final TextStreams streams;
    private final KilnCharLstm model;
    private final Adam adam = new Adam(LEARNING_RATE);
    private final float[] inputs;
    private final float[] targets;

    /**
     * A fresh model, initialized with {@code seed}, over {@code corpus}'s 32 streams of 64-character steps.
     *
     * @throws IllegalArgumentException if the corpus' vocabulary is not the 114 bytes the network was declared for
     */
    public CharLanguageModel(TextCorpus corpus, long seed) {
        if (corpus.vocabularySize() != CharLstm.VOCABULARY) {
            throw new IllegalArgumentException("the network reads " + CharLstm.VOCABULARY + " distinct bytes (the "
                    + "fortunes corpus'), but this corpus has " + corpus.vocabularySize() + "; change "
                    + "CharLstm.VOCABULARY to " + corpus.vocabularySize() + " and rebuild");
        }
        this.streams = corpus.streams(CharLstm.STREAMS, CharLstm.STEPS);
        this.model = new KilnCharLstm(seed);
        this.inputs = new float[streams.idSize()];
        this.targets = new float[streams.oneHotSize()];
        model.setTraining(true);
    }

    /** The steps one pass over the streams takes. */
    public int stepsPerPass() {
        return streams.steps();
    }

    /** The model being trained. */
    public KilnCharLstm model() {
        return model;
    }

    /**
     * One step of training on step {@code step} of the streams (wrapping around after the last, when the
     * state starts again from zeros): forward, loss, backward, Adam. Returns the step's mean loss per
     * character. Allocates nothing.
     */
    public float trainStep(int step) {
        int at = step % streams.steps();
        if (at == 0) {
            model.resetState();
        }
        streams.inputIds(at, inputs, 0);
        streams.targetOneHot(at, targets, 0);
        model.zeroGradients();
        model.forward(inputs, 0, CharLstm.STREAMS);
        float loss = model.loss(targets, 0);
        model.backward();
        adam.step(model.parameters(), model.gradients());
        return loss;
    }

    /**
     * Writes {@code length} characters after {@code prompt}: a {@link CharLstmSampler} with {@code trained}'s
     * parameters reads the prompt one character at a time, then draws each next character from the softmax
     * of its logits divided by {@code temperature} (0: always the likeliest) and feeds it back.
     *
     * @throws IllegalArgumentException if the prompt holds a character the corpus does not
     */
    public static String write(Model trained, TextCorpus corpus, String prompt, int length, double temperature,
                               long seed) {
        int[] ids = corpus.encode(prompt.isEmpty() ? "\n" : prompt);
        KilnCharLstmSampler sampler = new KilnCharLstmSampler();
        MemorySegment.copy(trained.parameters(), 0, sampler.parameters(), 0, trained.parameters().byteSize());
        sampler.resetState();
        float[] in = new float[1];
        float[] logits = null;
        for (int id : ids) {
            in[0] = id;
            logits = sampler.forward(in, 0, 1);
        }
        Rng rng = new Rng(seed);
        int[] written = new int[length];
        for (int k = 0; k < length; k++) {
            int next = Sampling.sample(logits, 0, CharLstm.VOCABULARY, temperature, rng);
            written[k] = next;
            in[0] = next;
            logits = sampler.forward(in, 0, 1);
        }
        return corpus.decode(written);
    }
}
