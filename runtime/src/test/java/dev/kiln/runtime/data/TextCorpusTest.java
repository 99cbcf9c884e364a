package dev.kiln.runtime.data;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.runtime.Rng;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TextCorpus}: the byte-level vocabulary, ids, encoding and decoding on small texts; files and
 * directories written here (name order, symbolic links, subdirectories and filtered names skipped); one
 * test per error, asserting its text; and, when the {@code fortunes} package is installed, the corpus of
 * the benchmark workload W3.
 */
class TextCorpusTest {

    @TempDir
    Path directory;

    @Test
    void theVocabularyIsTheDistinctBytesInUnsignedOrder() {
        // signed order would put 0x80 and 0xFF before 0x00
        TextCorpus corpus = TextCorpus.ofBytes(bytes(0xFF, 'b', 0x00, 0x80, 'a', 'b', 0xFF, 'a'));

        assertEquals(8, corpus.size());
        assertEquals(5, corpus.vocabularySize());
        assertArrayEquals(bytes(0x00, 'a', 'b', 0x80, 0xFF), corpus.symbols());
        assertArrayEquals(new int[] {4, 2, 0, 3, 1, 2, 4, 1}, corpus.ids());
        for (int id = 0; id < 5; id++) {
            assertEquals(id, corpus.id(corpus.symbol(id)));
        }
        assertEquals(3, corpus.id((byte) 0x80));
        assertEquals((byte) 0xFF, corpus.symbol(4));
        assertEquals(2, corpus.idAt(1));
        assertTrue(corpus.contains((byte) 'a'));
        assertFalse(corpus.contains((byte) 'c'));
        assertEquals(List.of(), corpus.files());
    }

    @Test
    void theCorpusIsACopyAndHandsOutCopies() {
        byte[] text = "abc".getBytes(US_ASCII);
        TextCorpus corpus = TextCorpus.ofBytes(text);
        text[0] = 'c';
        corpus.ids()[0] = 2;
        corpus.bytes()[0] = 'c';
        corpus.symbols()[0] = 'c';

        assertEquals("abc", corpus.decode(corpus.ids()));
        assertArrayEquals("abc".getBytes(US_ASCII), corpus.bytes());
    }

    @Test
    void encodeInvertsDecodeForEveryByte() {
        byte[] all = new byte[256];
        for (int value = 0; value < 256; value++) {
            all[value] = (byte) value;
        }
        TextCorpus corpus = TextCorpus.ofBytes(all);
        Rng rng = new Rng(5);
        int[] ids = new int[1000];
        for (int j = 0; j < ids.length; j++) {
            ids[j] = rng.nextInt(256);
        }

        String text = corpus.decode(ids);

        assertEquals(ids.length, text.length());
        assertArrayEquals(ids, corpus.encode(text));
        assertEquals(new String(corpus.bytes(ids), ISO_8859_1), text);
        assertEquals("\u00e9", corpus.decode(0xE9)); // one char per byte, as ISO-8859-1
    }

    @Test
    void utf8TextKeepsItsBytesApartAndDecodesThroughBytes() {
        TextCorpus corpus = TextCorpus.ofBytes("caf\u00e9 \u00e0 la".getBytes(UTF_8));

        assertEquals(11, corpus.size()); // é and à are two bytes each
        assertEquals("caf\u00c3\u00a9 \u00c3\u00a0 la", corpus.decode(corpus.ids()));
        assertEquals("caf\u00e9 \u00e0 la", new String(corpus.bytes(corpus.ids()), UTF_8));
        assertArrayEquals(corpus.ids(), corpus.encode(corpus.decode(corpus.ids())));
    }

    @Test
    void readsAFile() throws IOException {
        Path file = write("text", "hello");

        TextCorpus corpus = TextCorpus.read(file);

        assertEquals("hello", corpus.decode(corpus.ids()));
        assertEquals(List.of(file), corpus.files());
    }

    @Test
    void aDirectoryIsItsRegularFilesInByteWiseNameOrder() throws IOException {
        // byte order, unlike a collator or a case-insensitive order: B < _ < a < a10 < a9 < b < ~
        for (String name : List.of("b", "a9", "~", "a", "B", "a10", "_")) {
            write(name, name + ";");
        }
        write("a.dat", "index;");
        Files.createSymbolicLink(directory.resolve("link"), directory.resolve("a"));
        Files.createDirectory(directory.resolve("c"));
        write("c/inside", "nested;");

        TextCorpus corpus = TextCorpus.readDirectory(directory, name -> !name.endsWith(".dat"));

        assertEquals("B;_;a;a10;a9;b;~;", corpus.decode(corpus.ids()));
        assertEquals(List.of("B", "_", "a", "a10", "a9", "b", "~"),
                corpus.files().stream().map(file -> file.getFileName().toString()).toList());
    }

    @Test
    void fortunesSkipsIndexFilesAndUtf8Links() throws IOException {
        write("zippy", "Yow!\n%\n");
        write("zippy.dat", "\u0000\u0000\u0000\u0002");
        write("art", "ascii art\n%\n");
        write("art.dat", "\u0000\u0000\u0000\u0001");
        Files.createSymbolicLink(directory.resolve("art.u8"), directory.resolve("art"));
        write("notes.u8", "a regular .u8 file is skipped too");

        TextCorpus corpus = TextCorpus.fortunes(directory);

        assertEquals("ascii art\n%\nYow!\n%\n", corpus.decode(corpus.ids()));
        assertEquals(2, corpus.files().size());
    }

    /** The corpus of W3, as the benchmark definitions state it (Debian 12, fortunes 1:1.99.1-7.3). */
    @Test
    void theInstalledFortunesAreTheW3Corpus() throws IOException {
        assumeTrue(Files.isDirectory(TextCorpus.FORTUNES_DIRECTORY),
                "the fortunes package is not installed (apt-get install -y fortunes)");

        TextCorpus corpus = TextCorpus.fortunes();

        assertEquals(2_576_674, corpus.size());
        assertEquals(114, corpus.vocabularySize());
        int[] first = new int[10];
        for (int p = 0; p < 10; p++) {
            first[p] = corpus.idAt(p);
        }
        assertArrayEquals(new int[] {27, 30, 23, 20, 16, 4, 39, 76, 69, 82}, first);
        List<String> names = corpus.files().stream().map(file -> file.getFileName().toString()).toList();
        assertEquals(List.of("art", "ascii-art", "computers", "cookie", "debian", "definitions", "disclaimer",
                "drugs", "education", "ethnic", "food", "fortunes", "goedel", "humorists", "kids", "knghtbrd",
                "law", "linux", "linuxcookie", "literature", "love", "magic", "medicine", "men-women",
                "miscellaneous", "news", "paradoxum", "people", "perl", "pets", "platitudes", "politics",
                "pratchett", "riddles", "science", "songs-poems", "sports", "startrek", "tao", "translate-me",
                "wisdom", "work", "zippy"), names);
        TextStreams streams = corpus.streams(32, 64);
        assertEquals(80_521, streams.length());
    }

    // --- errors, one test each

    @Test
    void anEmptyTextIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TextCorpus.ofBytes(new byte[0]));
        assertEquals("the text is empty: a corpus needs at least one byte", e.getMessage());
    }

    @Test
    void anEmptyFileIsRejected() throws IOException {
        Path file = write("empty", "");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextCorpus.read(file));
        assertEquals(file + " is empty: a corpus needs at least one byte", e.getMessage());
    }

    @Test
    void aMissingDirectoryIsNamed() {
        Path missing = directory.resolve("missing");
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> TextCorpus.readDirectory(missing, name -> true));
        assertEquals(missing + ": not a directory", e.getMessage());
    }

    @Test
    void aDirectoryWithoutAcceptedFilesIsRejected() throws IOException {
        write("a.dat", "x");
        IOException e = assertThrows(IOException.class,
                () -> TextCorpus.readDirectory(directory, name -> !name.endsWith(".dat")));
        assertEquals(directory + ": no regular file whose name the filter accepts", e.getMessage());
    }

    @Test
    void aDirectoryOfEmptyFilesIsRejected() throws IOException {
        write("a", "");
        write("b", "");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TextCorpus.readDirectory(directory, name -> true));
        assertEquals(directory + ": the 2 accepted files are all empty: a corpus needs at least one byte",
                e.getMessage());
    }

    @Test
    void missingFortunesSayHowToInstallThem() {
        Path missing = directory.resolve("games/fortunes");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> TextCorpus.fortunes(missing));
        assertEquals(missing + ": no such directory; the fortune files are not installed there: on Debian or"
                + " Ubuntu run apt-get install -y fortunes, or pass the directory that holds them", e.getMessage());
    }

    @Test
    void encodingACharacterOutsideTheVocabularyNamesItAndItsPosition() {
        TextCorpus corpus = TextCorpus.ofBytes("abc".getBytes(US_ASCII));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> corpus.encode("cabd"));
        assertEquals("character 'd' (U+0064) at position 3 is not in the vocabulary: it does not occur in the"
                + " corpus; the vocabulary has 3 symbols", e.getMessage());
    }

    @Test
    void encodingAControlCharacterNamesItByItsCode() {
        TextCorpus corpus = TextCorpus.ofBytes("abc".getBytes(US_ASCII));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> corpus.encode("a\nb"));
        assertEquals("character U+000A at position 1 is not in the vocabulary: it does not occur in the"
                + " corpus; the vocabulary has 3 symbols", e.getMessage());
    }

    @Test
    void encodingACharacterBeyondOneByteNamesItAndItsPosition() {
        TextCorpus corpus = TextCorpus.ofBytes("abc".getBytes(US_ASCII));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> corpus.encode("ab\u20ac"));
        assertEquals("character '\u20ac' (U+20AC) at position 2 is not a single byte: the corpus maps each char to"
                + " one byte as ISO-8859-1 does; the vocabulary has 3 symbols", e.getMessage());
    }

    @Test
    void decodingAnIdOutsideTheVocabularyNamesItsIndex() {
        TextCorpus corpus = TextCorpus.ofBytes("ab".getBytes(US_ASCII));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> corpus.decode(0, 2));
        assertEquals("id 2 at index 1 is outside the vocabulary [0, 2)", e.getMessage());
    }

    @Test
    void aSymbolOutsideTheVocabularyIsRejected() {
        TextCorpus corpus = TextCorpus.ofBytes("ab".getBytes(US_ASCII));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> corpus.symbol(-1));
        assertEquals("id -1 is outside the vocabulary [0, 2)", e.getMessage());
    }

    @Test
    void theIdOfAnAbsentByteIsRejected() {
        TextCorpus corpus = TextCorpus.ofBytes("ab".getBytes(US_ASCII));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> corpus.id((byte) 'z'));
        assertEquals("byte 0x7A ('z') is not in the vocabulary: it does not occur in the corpus", e.getMessage());
    }

    private Path write(String name, String content) throws IOException {
        return Files.write(directory.resolve(name), content.getBytes(UTF_8));
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int j = 0; j < values.length; j++) {
            bytes[j] = (byte) values[j];
        }
        return bytes;
    }
}
