package dev.kiln.runtime.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * A {@link TextCorpus} cut into {@code count} parallel streams and read a window at a time, for training a
 * recurrent network by truncated backpropagation through time: each stream is one row of the batch, and
 * its state carries over from one window to the next because the next window continues the same text.
 *
 * <p><b>Positions.</b> With a text of {@code N} bytes, every stream holds {@code L = floor((N - 1) / count)}
 * characters and stream {@code b} starts at position {@code b L}. Step {@code t} (from 0) feeds, for each
 * stream {@code b}, the {@code S = sequenceLength} characters at positions {@code b L + S t + k}
 * ({@code k = 0 .. S - 1}) and asks for the character after each, at {@code b L + S t + k + 1}. There are
 * {@link #steps()} {@code = floor(L / S)} steps: those whose inputs stay inside their stream (the last
 * target of a stream may be the first character of the next one, which follows it in the text). The
 * bytes after {@code count L}, fewer than {@code count}, are never read, except as the last stream's last
 * target.
 *
 * <p><b>Layouts.</b> A step's ids fill {@code [count][S]} values, stream by stream
 * ({@code into[offset + b S + k]}); its one-hot rows {@code [count][S][V]}
 * ({@code into[offset + (b S + k) V + id]} is 1, the rest of the step's values 0), with {@code V} the
 * vocabulary's size. Other layouts can be built from {@link #position} and {@link TextCorpus#idAt}.
 * Filling writes into the caller's arrays and allocates nothing.
 *
 * <pre>{@code
 * TextStreams streams = corpus.streams(32, 64);
 * float[] inputs = new float[streams.oneHotSize()];     // [32][64][V]
 * int[] targets = new int[streams.idSize()];             // [32][64]
 * streams.inputOneHot(step, inputs, 0);
 * streams.targetIds(step, targets, 0);
 * }</pre>
 */
public final class TextStreams {

    private final TextCorpus corpus;
    private final int[] ids;
    private final int count;
    private final int sequenceLength;
    private final int length;
    private final int steps;
    private final int vocabulary;

    TextStreams(TextCorpus corpus, int[] ids, int count, int sequenceLength) {
        if (count < 1) {
            throw new IllegalArgumentException("count = " + count + " streams: must be positive");
        }
        if (sequenceLength < 1) {
            throw new IllegalArgumentException("sequenceLength = " + sequenceLength + ": must be positive");
        }
        this.corpus = corpus;
        this.ids = ids;
        this.count = count;
        this.sequenceLength = sequenceLength;
        this.length = (ids.length - 1) / count;
        this.steps = length / sequenceLength;
        this.vocabulary = corpus.vocabularySize();
        if (steps == 0) {
            throw new IllegalArgumentException("a text of " + ids.length + " bytes is too short for " + count
                    + " streams read in windows of " + sequenceLength + ": each stream would hold " + length
                    + " characters; the text needs at least " + ((long) count * sequenceLength + 1)
                    + " bytes (fewer streams or a shorter window)");
        }
    }

    /** The corpus these streams read. */
    public TextCorpus corpus() {
        return corpus;
    }

    /** The number of streams, the batch size. */
    public int count() {
        return count;
    }

    /** The characters per stream and step, S. */
    public int sequenceLength() {
        return sequenceLength;
    }

    /** The characters of each stream, {@code L = floor((N - 1) / count)}. */
    public int length() {
        return length;
    }

    /** The number of steps, {@code floor(L / S)}: steps {@code 0 .. steps() - 1} are valid. */
    public int steps() {
        return steps;
    }

    /** The vocabulary's size, V: the width of a one-hot row. */
    public int vocabularySize() {
        return vocabulary;
    }

    /** The values of a step's ids, {@code count S}. */
    public int idSize() {
        return count * sequenceLength;
    }

    /**
     * The values of a step's one-hot rows, {@code count S V}.
     *
     * @throws ArithmeticException if that exceeds an int
     */
    public int oneHotSize() {
        return Math.multiplyExact(count * sequenceLength, vocabulary);
    }

    /**
     * The position in the text of the first input character of stream {@code stream} at step {@code step}:
     * {@code stream L + S step}; its target is at the next position.
     *
     * @throws IllegalArgumentException if {@code stream} or {@code step} is out of range
     */
    public int position(int stream, int step) {
        if (stream < 0 || stream >= count) {
            throw new IllegalArgumentException("stream " + stream + " is outside [0, " + count + ")");
        }
        checkStep(step);
        return stream * length + sequenceLength * step;
    }

    /**
     * Writes the ids of step {@code step}'s inputs, as floats, in {@code [count][S]} order from
     * {@code into[offset]}.
     *
     * @throws IllegalArgumentException if {@code step} is out of range, or {@code into} is too short
     */
    public void inputIds(int step, float[] into, int offset) {
        fillIds(step, 0, into, offset, "input ids");
    }

    /**
     * Writes the ids of step {@code step}'s inputs in {@code [count][S]} order from {@code into[offset]}.
     *
     * @throws IllegalArgumentException if {@code step} is out of range, or {@code into} is too short
     */
    public void inputIds(int step, int[] into, int offset) {
        fillIds(step, 0, into, offset, "input ids");
    }

    /**
     * Writes step {@code step}'s inputs as one-hot rows, {@code [count][S][V]}, from {@code into[offset]}.
     *
     * @throws IllegalArgumentException if {@code step} is out of range, or {@code into} is too short
     */
    public void inputOneHot(int step, float[] into, int offset) {
        fillOneHot(step, 0, into, offset, "one-hot inputs");
    }

    /**
     * Writes the ids of step {@code step}'s targets (the character after each input), as floats, in
     * {@code [count][S]} order from {@code into[offset]}.
     *
     * @throws IllegalArgumentException if {@code step} is out of range, or {@code into} is too short
     */
    public void targetIds(int step, float[] into, int offset) {
        fillIds(step, 1, into, offset, "target ids");
    }

    /**
     * Writes the ids of step {@code step}'s targets (the character after each input) in {@code [count][S]}
     * order from {@code into[offset]}: the class labels of the step.
     *
     * @throws IllegalArgumentException if {@code step} is out of range, or {@code into} is too short
     */
    public void targetIds(int step, int[] into, int offset) {
        fillIds(step, 1, into, offset, "target ids");
    }

    /**
     * Writes step {@code step}'s targets (the character after each input) as one-hot rows,
     * {@code [count][S][V]}, from {@code into[offset]}: the targets of a softmax cross-entropy.
     *
     * @throws IllegalArgumentException if {@code step} is out of range, or {@code into} is too short
     */
    public void targetOneHot(int step, float[] into, int offset) {
        fillOneHot(step, 1, into, offset, "one-hot targets");
    }

    private void fillIds(int step, int shift, float[] into, int offset, String what) {
        checkStep(step);
        checkRoom(Objects.requireNonNull(into, "into").length, offset, idSize(), what, false);
        int at = offset;
        for (int b = 0; b < count; b++) {
            int from = b * length + sequenceLength * step + shift;
            for (int k = 0; k < sequenceLength; k++) {
                into[at++] = ids[from + k];
            }
        }
    }

    private void fillIds(int step, int shift, int[] into, int offset, String what) {
        checkStep(step);
        checkRoom(Objects.requireNonNull(into, "into").length, offset, idSize(), what, false);
        for (int b = 0; b < count; b++) {
            System.arraycopy(ids, b * length + sequenceLength * step + shift, into, offset + b * sequenceLength,
                    sequenceLength);
        }
    }

    private void fillOneHot(int step, int shift, float[] into, int offset, String what) {
        checkStep(step);
        int size = oneHotSize();
        checkRoom(Objects.requireNonNull(into, "into").length, offset, size, what, true);
        Arrays.fill(into, offset, offset + size, 0f);
        int row = offset;
        for (int b = 0; b < count; b++) {
            int from = b * length + sequenceLength * step + shift;
            for (int k = 0; k < sequenceLength; k++) {
                into[row + ids[from + k]] = 1f;
                row += vocabulary;
            }
        }
    }

    private void checkStep(int step) {
        if (step < 0 || step >= steps) {
            throw new IllegalArgumentException("step " + step + " is outside [0, " + steps + "): each of the "
                    + count + " streams holds " + length + " characters, " + steps + " windows of "
                    + sequenceLength + "; to read the text again, start over at step 0 (step % steps())");
        }
    }

    private void checkRoom(int arrayLength, int offset, int size, String what, boolean oneHot) {
        if (offset < 0) {
            throw new IllegalArgumentException("the offset " + offset + " of the " + what + " is negative");
        }
        if ((long) offset + size > arrayLength) {
            throw new IllegalArgumentException("the " + what + " of a step (" + count + " streams x "
                    + sequenceLength + " characters" + (oneHot ? " x " + vocabulary + " symbols" : "") + ") need "
                    + size + " values from offset " + offset + ", but the array has " + arrayLength);
        }
    }
}
