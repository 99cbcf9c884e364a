package dev.kiln.samples.tour;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The tour's text helpers: wrapping prose and aligning tables. */
class TourTextTest {

    @Test
    void wrapBreaksBetweenWordsBeforeTheWidth() {
        assertEquals("one two\nthree\n", Tour.wrap("one two three", 9));
        assertEquals("one two\n", Tour.wrap("one two", 7));
        assertEquals("one\ntwo\n", Tour.wrap("one two", 6));
        // a word longer than the width stands alone on its line, unbroken
        assertEquals("a\nlongword\nb\n", Tour.wrap("a longword b", 4));
    }

    @Test
    void aTableAlignsTheFirstColumnLeftAndTheOthersRight() {
        Table table = new Table("name", "value");
        table.row("a", Table.number(0.5));
        table.row("longer", Table.number(12.25));
        assertEquals("""
                name      value
                a        0.5000
                longer  12.2500
                """, table.toString());
    }

    @Test
    void aRowOfTheWrongWidthIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Table("a", "b").row("only one"));
        assertEquals("1 cell for a table of 2 columns; give one per column", e.getMessage());
    }
}
