package dev.kiln.processor.model;

/**
 * What a recurrent layer adds to its {@link LayerPlan}: its other two tensors, its carried state and,
 * when it gives only the last step, the whole sequence it computes.
 *
 * @param weightHh         {@code weight_hh}, after {@code weight_ih} (the layer's {@code weight})
 * @param biasHh           {@code bias_hh}, after {@code bias_ih} (the layer's {@code bias})
 * @param state            the carried state: h for {@code maxBatch} streams, then for an LSTM c
 * @param cellOffset       where c starts in {@link #state}, in floats ({@code maxBatch * units}); 0 without c
 * @param sequence         every step's hidden state, when the layer's output is only the last step's; else null
 *                         (the output is the sequence)
 * @param sequenceGradient the gradient of {@link #sequence}, or null
 * @param ids              whether the layer reads the network's input ids directly: the one-hot layer before
 *                         it is computed as a lookup of {@code weight_ih}'s columns
 * @param steps            the sequence's length
 * @param features         each step's input features (the vocabulary when it reads ids)
 */
public record RecurrentPlan(ParameterPlan weightHh, ParameterPlan biasHh, Buffer state, long cellOffset,
                            Buffer sequence, Buffer sequenceGradient, boolean ids, int steps, int features) {
}
