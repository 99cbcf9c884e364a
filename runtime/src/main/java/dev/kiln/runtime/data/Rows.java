package dev.kiln.runtime.data;

/** Turns rows of values into one flat row-major array, checking that they are rectangular and finite. */
final class Rows {

    private Rows() {
    }

    /**
     * The rows, concatenated.
     *
     * @param column what a value is called in messages: {@code feature} or {@code target}
     * @throws IllegalArgumentException naming the first null, empty, short or long row, or the first value
     *     that is NaN or infinite, by its 0-based sample and column
     */
    static float[] flatten(float[][] rows, String column) {
        int width = width(rows, 0, column);
        if (width == 0) {
            throw new IllegalArgumentException("sample 0 has no " + column + "s");
        }
        float[] flat = new float[Math.multiplyExact(rows.length, width)];
        for (int s = 0; s < rows.length; s++) {
            int found = width(rows, s, column);
            if (found != width) {
                throw new IllegalArgumentException("sample " + s + " has " + found + " " + column + "s, expected "
                        + width + " like sample 0 (samples are numbered from 0)");
            }
            for (int j = 0; j < width; j++) {
                float value = rows[s][j];
                if (!Float.isFinite(value)) {
                    throw new IllegalArgumentException("sample " + s + ", " + column + " " + j + " is " + value
                            + " (both numbered from 0); every value must be finite");
                }
                flat[s * width + j] = value;
            }
        }
        return flat;
    }

    private static int width(float[][] rows, int sample, String column) {
        if (rows[sample] == null) {
            throw new IllegalArgumentException("sample " + sample + " is null: expected a row of " + column + "s");
        }
        return rows[sample].length;
    }
}
