package dev.kiln.samples.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.Memory;
import dev.kiln.runtime.data.TextCorpus;
import dev.kiln.runtime.io.Weights;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The character model trains on streams of a corpus, carrying its state from step to step, and writes:
 * on a synthetic corpus of the 114 symbols the network reads, where each symbol is always followed by
 * the next one, the loss falls from about ln 114 = 4.7 to under a tenth of that in 300 steps (a run: 0.31), and at
 * temperature 0 the sampler continues the sequence; saved weights load into a fresh model unchanged.
 */
class CharLanguageModelTest {

    /** 114 distinct bytes, each always followed by the next (cyclically): perfectly predictable. */
    private static TextCorpus cycle() {
        byte[] text = new byte[114 * 200];
        for (int i = 0; i < text.length; i++) {
            text[i] = (byte) (32 + i % 114);
        }
        return TextCorpus.ofBytes(text);
    }

    @Test
    void learnsAPredictableCorpusAndContinuesIt(@TempDir Path dir) throws IOException {
        TextCorpus corpus = cycle();
        CharLanguageModel lm = new CharLanguageModel(corpus, 3);
        float first = lm.trainStep(0);
        float last = first;
        for (int step = 1; step < 300; step++) {
            last = lm.trainStep(step);
        }
        assertTrue(first > 4.5 && first < 5.0, "the first loss is about ln 114: " + first);
        assertTrue(last < first / 10, "loss " + first + " -> " + last);
        String prompt = corpus.decode(10, 11, 12);
        String written = CharLanguageModel.write(lm.model(), corpus, prompt, 20, 0, 1);
        assertEquals(corpus.decode(13, 14, 15), written.substring(0, 3), written);
        assertEquals(20, written.length());

        Path file = dir.resolve("char.safetensors");
        Weights.save(lm.model(), file);
        KilnCharLstm loaded = new KilnCharLstm();
        Weights.load(loaded, file);
        assertArrayEquals(lm.model().parameters().toArray(Memory.FLOAT), loaded.parameters().toArray(Memory.FLOAT));
    }

    @Test
    void aCorpusWithAnotherVocabularyIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CharLanguageModel(TextCorpus.ofBytes("abcabc".repeat(1000).getBytes()), 1));
        assertTrue(e.getMessage().contains("reads 114 distinct bytes (the fortunes corpus'), but this corpus has 3"),
                e.getMessage());
    }
}
