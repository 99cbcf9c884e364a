package dev.kiln.samples.text;

import dev.kiln.dsl.Dense;
import dev.kiln.dsl.Layer;
import dev.kiln.dsl.Lstm;
import dev.kiln.dsl.Network;
import dev.kiln.dsl.OneHot;
import dev.kiln.spec.Init;

/**
 * {@link CharLstm} for writing: one character of one stream per forward pass, carrying the LSTM's state
 * from each character to the next. Its parameters have {@link CharLstm}'s names, shapes and layout (none
 * depends on the sequence length), so a trained model's parameters copy straight into it.
 */
@Network(input = 1, maxBatch = 1)
class CharLstmSampler {
    @OneHot(CharLstm.VOCABULARY) Layer chars;
    @Lstm(value = CharLstm.UNITS, stateful = true) Layer lstm;
    @Dense(value = CharLstm.VOCABULARY, init = Init.UNIFORM, scale = CharLstm.BOUND) Layer next;
}
