package dev.kiln.runtime.optim;

import static dev.kiln.runtime.Memory.FLOAT;

import dev.kiln.runtime.Memory;
import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * The state and update shared by {@link Adam} and {@link AdamW}: the moment estimates {@code exp_avg} and
 * {@code exp_avg_sq}, the step counter {@code step}, and the bias-corrected update, the parameters first
 * scaled by a decay factor (exactly 1 for Adam).
 */
final class AdamMoments {

    static final String EXP_AVG = "exp_avg";
    static final String EXP_AVG_SQ = "exp_avg_sq";

    private MemorySegment firstMoment;
    private MemorySegment secondMoment;
    private float steps;

    /**
     * One step: {@code t += 1} (a float, stopping at 2^24 as PyTorch's does), the moments, then
     * {@code p = p * decay - learningRate / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon)}.
     */
    void step(MemorySegment parameters, MemorySegment gradients, float learningRate, float beta1, float beta2,
              float epsilon, float decay) {
        long count = Arguments.stepSegments(parameters, gradients,
                firstMoment == null ? -1 : Memory.floats(firstMoment));
        if (firstMoment == null) {
            firstMoment = Memory.allocate(count);
            secondMoment = Memory.allocate(count);
        }
        steps = steps + 1;
        float stepSize = (float) (learningRate / (1 - Math.pow(beta1, steps)));
        float correction2 = (float) Math.sqrt(1 - Math.pow(beta2, steps));
        long done = Arguments.vectorizable(parameters, gradients)
                ? VectorUpdates.adam(parameters, gradients, firstMoment, secondMoment, beta1, beta2, epsilon, stepSize,
                        correction2, decay, count)
                : 0;
        for (long j = done; j < count; j++) {
            float g = gradients.getAtIndex(FLOAT, j);
            float m = beta1 * firstMoment.getAtIndex(FLOAT, j) + (1 - beta1) * g;
            float v = beta2 * secondMoment.getAtIndex(FLOAT, j) + (1 - beta2) * g * g;
            firstMoment.setAtIndex(FLOAT, j, m);
            secondMoment.setAtIndex(FLOAT, j, v);
            float denominator = (float) Math.sqrt(v) / correction2 + epsilon;
            parameters.setAtIndex(FLOAT, j, parameters.getAtIndex(FLOAT, j) * decay - stepSize * m / denominator);
        }
    }

    /** {@code step}, {@code exp_avg}, {@code exp_avg_sq}, after the first step; else nothing. */
    Map<String, float[]> state() {
        return firstMoment == null ? Map.of()
                : StateTensors.export().step(steps).add(EXP_AVG, firstMoment).add(EXP_AVG_SQ, secondMoment).done();
    }

    void restore(String kind, Map<String, float[]> state, long parameterCount) {
        boolean stepped = StateTensors.expect(kind, parameterCount).step().perParameter(EXP_AVG)
                .perParameter(EXP_AVG_SQ).check(state);
        if (stepped) {
            steps = state.get(StateTensors.STEP)[0];
            firstMoment = StateTensors.load(state.get(EXP_AVG), firstMoment);
            secondMoment = StateTensors.load(state.get(EXP_AVG_SQ), secondMoment);
        } else {
            steps = 0;
            firstMoment = null;
            secondMoment = null;
        }
    }
}
