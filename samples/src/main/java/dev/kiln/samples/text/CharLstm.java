package dev.kiln.samples.text;

import dev.kiln.dsl.Dense;
import dev.kiln.dsl.Layer;
import dev.kiln.dsl.Lstm;
import dev.kiln.dsl.Network;
import dev.kiln.dsl.OneHot;
import dev.kiln.spec.Init;
import dev.kiln.spec.Loss;

/**
 * The character-level language model of benchmark workload W3: 64 characters of each of 32 streams in,
 * as byte ids of the fortunes corpus' vocabulary of 114, encoded one-hot; an LSTM of 128 units that
 * carries its state from one batch of the streams to the next (truncated back-propagation through time);
 * and on every step a Dense layer to the 114 logits of the next character, with softmax cross-entropy
 * averaged over the 32 x 64 predictions. Its weights start {@code U(-1/sqrt(128), 1/sqrt(128))} and its
 * biases at zero but for the forget gate's, 1, as W3 prescribes. Kiln compiles it into
 * {@link KilnCharLstm}; {@link CharLstmSampler} is the same network one character at a time.
 */
@Network(input = CharLstm.STEPS, loss = Loss.SOFTMAX_CROSS_ENTROPY, maxBatch = CharLstm.STREAMS)
class CharLstm {
    /** Characters per stream and step of training. */
    static final int STEPS = 64;
    /** Streams trained side by side. */
    static final int STREAMS = 32;
    /** The fortunes corpus' byte vocabulary. */
    static final int VOCABULARY = 114;
    static final int UNITS = 128;
    /** {@code 1 / sqrt(UNITS)}, the half-width of the uniform initialization. */
    static final double BOUND = 0.08838834764831845;

    @OneHot(VOCABULARY) Layer chars;
    @Lstm(value = UNITS, stateful = true) Layer lstm;
    @Dense(value = VOCABULARY, init = Init.UNIFORM, scale = BOUND) Layer next;
}
