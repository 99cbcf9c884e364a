package dev.kiln.samples.fashion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Parameter;
import dev.kiln.spec.DenseSpec;
import dev.kiln.spec.Init;
import dev.kiln.spec.LayerSpec;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link FashionMlp} is the network workload W1 defines: its shapes and He-normal weights in every layer. */
class FashionMlpTest {

    @Test
    void hasTheShapesOfW1() {
        assertEquals(784, KilnFashionMlp.INPUT_SIZE);
        assertEquals(10, KilnFashionMlp.OUTPUT_SIZE);
        assertEquals(128, KilnFashionMlp.MAX_BATCH);
        assertEquals(784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10, KilnFashionMlp.PARAMETER_COUNT);
        List<Integer> units = KilnFashionMlp.SPEC.layers().stream()
                .filter(DenseSpec.class::isInstance).map(layer -> ((DenseSpec) layer).units()).toList();
        assertEquals(List.of(256, 128, 10), units);
    }

    @Test
    void everyDenseLayerStartsHeNormal() {
        for (LayerSpec layer : KilnFashionMlp.SPEC.layers()) {
            if (layer instanceof DenseSpec dense) {
                assertEquals(Init.HE_NORMAL, dense.init(), dense.toString());
            }
        }
        // He normal for the 128 -> 10 layer has standard deviation sqrt(2 / 128) = 0.125 and, over 1280
        // weights, values beyond 0.21, the bound of the Xavier uniform that AUTO would have picked
        KilnFashionMlp network = new KilnFashionMlp(42);
        Parameter out = network.parameterLayout().stream()
                .filter(p -> p.name().equals("out.weight")).findFirst().orElseThrow();
        double sumOfSquares = 0;
        double largest = 0;
        for (int j = 0; j < 1280; j++) {
            float w = network.parameters().getAtIndex(ValueLayout.JAVA_FLOAT, out.offset() + j);
            sumOfSquares += w * w;
            largest = Math.max(largest, Math.abs(w));
        }
        double deviation = Math.sqrt(sumOfSquares / 1280);
        assertEquals(0.125, deviation, 0.01); // about 5 standard errors
        assertTrue(largest > 0.25, "largest |w| " + largest);
    }
}
