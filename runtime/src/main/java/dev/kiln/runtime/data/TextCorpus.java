package dev.kiln.runtime.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A text for character-level language modelling: its bytes, a byte-level vocabulary, the text as
 * vocabulary ids, and {@linkplain #streams parallel streams} for truncated backpropagation through time.
 *
 * <p><b>Vocabulary.</b> The symbols are the distinct byte values of the text, sorted as unsigned bytes
 * (0 to 255): id {@code i} is the {@code i}-th smallest byte value that occurs. A multi-byte UTF-8
 * character stays as its separate bytes, so every text has at most 256 symbols and any byte sequence a
 * model produces can be written back out.
 *
 * <p><b>Text and strings.</b> {@link #decode} and {@link #encode} map bytes to {@code char}s one to one,
 * as ISO-8859-1 does (byte {@code 0xE9} is {@code 'é'}), so that {@code encode(decode(ids))} gives back
 * {@code ids} exactly, whatever the ids. Text that was UTF-8 shows its multi-byte characters as several
 * Latin-1 characters that way; {@code new String(corpus.bytes(ids), StandardCharsets.UTF_8)} decodes it as
 * UTF-8 instead.
 *
 * <pre>{@code
 * TextCorpus corpus = TextCorpus.fortunes();             // 2,576,674 bytes, 114 symbols
 * TextStreams streams = corpus.streams(32, 64);          // 32 streams, windows of 64 characters
 * float[] inputs = new float[streams.oneHotSize()];
 * float[] targets = new float[streams.oneHotSize()];
 * for (int step = 0; step < streams.steps(); step++) {
 *     streams.inputOneHot(step, inputs, 0);
 *     streams.targetOneHot(step, targets, 0);
 *     ...
 * }
 * }</pre>
 *
 * <p>Instances are immutable; the methods that return arrays return new copies.
 */
public final class TextCorpus {

    /** The directory of Debian's and Ubuntu's {@code fortunes} package. */
    public static final Path FORTUNES_DIRECTORY = Path.of("/usr/share/games/fortunes");

    /** The largest array the JVM reliably allocates. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final byte[] text;
    private final List<Path> files;
    private final byte[] symbols;
    /** The id of each unsigned byte value, -1 for a byte that does not occur. */
    private final int[] idOfByte;
    private final int[] ids;

    private TextCorpus(byte[] text, List<Path> files) {
        this.text = text;
        this.files = List.copyOf(files);
        boolean[] seen = new boolean[256];
        for (byte b : text) {
            seen[b & 0xFF] = true;
        }
        this.idOfByte = new int[256];
        int size = 0;
        for (int value = 0; value < 256; value++) {
            idOfByte[value] = seen[value] ? size++ : -1;
        }
        this.symbols = new byte[size];
        for (int value = 0; value < 256; value++) {
            if (seen[value]) {
                symbols[idOfByte[value]] = (byte) value;
            }
        }
        this.ids = new int[text.length];
        for (int p = 0; p < text.length; p++) {
            ids[p] = idOfByte[text[p] & 0xFF];
        }
    }

    /**
     * The corpus of {@code text}, copied.
     *
     * @throws IllegalArgumentException if {@code text} is empty
     */
    public static TextCorpus ofBytes(byte[] text) {
        Objects.requireNonNull(text, "text");
        if (text.length == 0) {
            throw new IllegalArgumentException("the text is empty: a corpus needs at least one byte");
        }
        return new TextCorpus(text.clone(), List.of());
    }

    /**
     * The corpus of the bytes of {@code file}.
     *
     * @throws IOException              if it cannot be read
     * @throws IllegalArgumentException if it is empty
     */
    public static TextCorpus read(Path file) throws IOException {
        byte[] text = Files.readAllBytes(file);
        if (text.length == 0) {
            throw new IllegalArgumentException(file + " is empty: a corpus needs at least one byte");
        }
        return new TextCorpus(text, List.of(file));
    }

    /**
     * The corpus of the files of {@code directory}: the bytes of every regular file in it whose name
     * {@code nameFilter} accepts, concatenated in the byte-wise order of their names as UTF-8 (the order of
     * {@code ls} in the C locale). Symbolic links and subdirectories are skipped, whatever their names.
     *
     * @throws NoSuchFileException      if {@code directory} is not a directory
     * @throws IOException              if no file is accepted, or a file cannot be read
     * @throws IllegalArgumentException if the accepted files are all empty
     */
    public static TextCorpus readDirectory(Path directory, Predicate<String> nameFilter) throws IOException {
        Objects.requireNonNull(nameFilter, "nameFilter");
        if (!Files.isDirectory(directory)) {
            throw new NoSuchFileException(directory.toString(), null, "not a directory");
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                if (nameFilter.test(entry.getFileName().toString())
                        && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    files.add(entry);
                }
            }
        }
        if (files.isEmpty()) {
            throw new IOException(directory + ": no regular file whose name the filter accepts");
        }
        files.sort(Comparator.comparing(file -> file.getFileName().toString().getBytes(StandardCharsets.UTF_8),
                Arrays::compareUnsigned));
        List<byte[]> parts = new ArrayList<>(files.size());
        long total = 0;
        for (Path file : files) {
            byte[] part = Files.readAllBytes(file);
            total += part.length;
            if (total > MAX_ARRAY) {
                throw new IOException(directory + ": the files hold more than the " + MAX_ARRAY
                        + " bytes a Java array holds");
            }
            parts.add(part);
        }
        if (total == 0) {
            throw new IllegalArgumentException(directory + ": the " + files.size() + " accepted files are all"
                    + " empty: a corpus needs at least one byte");
        }
        byte[] text = new byte[(int) total];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, text, at, part.length);
            at += part.length;
        }
        return new TextCorpus(text, files);
    }

    /**
     * The fortune files of Debian's and Ubuntu's {@code fortunes} package, from
     * {@link #FORTUNES_DIRECTORY}: see {@link #fortunes(Path)}.
     *
     * @throws NoSuchFileException if the package is not installed
     * @throws IOException         if a file cannot be read
     */
    public static TextCorpus fortunes() throws IOException {
        return fortunes(FORTUNES_DIRECTORY);
    }

    /**
     * The fortune files in {@code directory}: every regular file whose name ends neither in {@code .dat}
     * (the index files) nor in {@code .u8} (symbolic links to the others), concatenated in byte-wise name
     * order. With version 1:1.99.1-7.3 of the package (Debian 12) that is 43 files, 2,576,674 bytes and 114
     * distinct byte values: the corpus of the benchmark workload W3.
     *
     * @throws NoSuchFileException if {@code directory} is not a directory; its message says how to install
     *                             the package
     * @throws IOException         if it holds no fortune file, or a file cannot be read
     */
    public static TextCorpus fortunes(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new NoSuchFileException(directory.toString(), null, "no such directory; the fortune files are"
                    + " not installed there: on Debian or Ubuntu run apt-get install -y fortunes, or pass the"
                    + " directory that holds them");
        }
        return readDirectory(directory, name -> !name.endsWith(".dat") && !name.endsWith(".u8"));
    }

    /** The number of bytes of the text, N. */
    public int size() {
        return text.length;
    }

    /** The files the text was read from, in the order they were concatenated; empty for {@link #ofBytes}. */
    public List<Path> files() {
        return files;
    }

    /** The whole text, a new copy. */
    public byte[] bytes() {
        return text.clone();
    }

    /** The whole text as vocabulary ids, a new copy: {@code ids()[p] == id(byte at p)}. */
    public int[] ids() {
        return ids.clone();
    }

    /**
     * The id of the byte at {@code position}.
     *
     * @throws IndexOutOfBoundsException if {@code position} is outside {@code [0, size())}
     */
    public int idAt(int position) {
        Objects.checkIndex(position, ids.length);
        return ids[position];
    }

    /** The number of symbols, V: the distinct byte values of the text. */
    public int vocabularySize() {
        return symbols.length;
    }

    /** The symbols in id order, a new copy: the distinct byte values of the text, as unsigned values rising. */
    public byte[] symbols() {
        return symbols.clone();
    }

    /** Whether byte {@code symbol} occurs in the text. */
    public boolean contains(byte symbol) {
        return idOfByte[symbol & 0xFF] >= 0;
    }

    /**
     * The id of byte {@code symbol}.
     *
     * @throws IllegalArgumentException if it does not occur in the text
     */
    public int id(byte symbol) {
        int id = idOfByte[symbol & 0xFF];
        if (id < 0) {
            throw new IllegalArgumentException(String.format("byte 0x%02X%s is not in the vocabulary: it does not"
                    + " occur in the corpus", symbol & 0xFF, describe(symbol & 0xFF)));
        }
        return id;
    }

    /**
     * The byte of id {@code id}.
     *
     * @throws IllegalArgumentException if {@code id} is outside {@code [0, vocabularySize())}
     */
    public byte symbol(int id) {
        checkId(id, -1);
        return symbols[id];
    }

    /**
     * The bytes of {@code ids}.
     *
     * @throws IllegalArgumentException if an id is outside {@code [0, vocabularySize())}
     */
    public byte[] bytes(int... ids) {
        byte[] bytes = new byte[ids.length];
        for (int j = 0; j < ids.length; j++) {
            checkId(ids[j], j);
            bytes[j] = symbols[ids[j]];
        }
        return bytes;
    }

    /**
     * The text of {@code ids}, one {@code char} per byte as ISO-8859-1 maps them (see the class comment).
     *
     * @throws IllegalArgumentException if an id is outside {@code [0, vocabularySize())}
     */
    public String decode(int... ids) {
        return new String(bytes(ids), StandardCharsets.ISO_8859_1);
    }

    /**
     * The ids of the characters of {@code text}, each {@code char} taken as one byte as ISO-8859-1 maps
     * them: the inverse of {@link #decode}.
     *
     * @throws IllegalArgumentException if a character is not a single byte ({@code > U+00FF}) or not in the
     *                                  vocabulary; the message names it and its position
     */
    public int[] encode(String text) {
        int[] encoded = new int[text.length()];
        for (int j = 0; j < encoded.length; j++) {
            char c = text.charAt(j);
            int id = c <= 0xFF ? idOfByte[c] : -1;
            if (id < 0) {
                int codePoint = text.codePointAt(j);
                String character = Character.isISOControl(codePoint) ? String.format("U+%04X", codePoint)
                        : String.format("'%s' (U+%04X)", Character.toString(codePoint), codePoint);
                throw new IllegalArgumentException("character " + character + " at position " + j
                        + (c > 0xFF ? " is not a single byte: the corpus maps each char to one byte as"
                        + " ISO-8859-1 does" : " is not in the vocabulary: it does not occur in the corpus")
                        + "; the vocabulary has " + symbols.length + " symbols");
            }
            encoded[j] = id;
        }
        return encoded;
    }

    /**
     * Splits the text into {@code count} parallel streams read in windows of {@code sequenceLength}
     * characters, for truncated backpropagation through time: see {@link TextStreams}.
     *
     * @throws IllegalArgumentException if {@code count} or {@code sequenceLength} is not positive, or the
     *                                  text is too short for one window in every stream
     */
    public TextStreams streams(int count, int sequenceLength) {
        return new TextStreams(this, ids, count, sequenceLength);
    }

    private void checkId(int id, int index) {
        if (id < 0 || id >= symbols.length) {
            throw new IllegalArgumentException("id " + id + (index >= 0 ? " at index " + index : "")
                    + " is outside the vocabulary [0, " + symbols.length + ")");
        }
    }

    private static String describe(int value) {
        return value >= 0x20 && value < 0x7F ? " ('" + (char) value + "')" : "";
    }
}
