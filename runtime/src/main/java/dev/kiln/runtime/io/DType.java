package dev.kiln.runtime.io;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The element types a safetensors file may declare, under the names its header uses, with their sizes in
 * bits. Kiln reads and writes {@link #F32} only; the others are recognized so that a header can be
 * checked and described exactly, and a tensor of another type rejected by name.
 */
public enum DType {
    /** A boolean, one byte. */
    BOOL(8),
    /** A 4-bit float (E2M1, micro-scaling), two to a byte. */
    F4(4),
    /** A 6-bit float, E2M3 (micro-scaling). */
    F6_E2M3(6),
    /** A 6-bit float, E3M2 (micro-scaling). */
    F6_E3M2(6),
    /** An unsigned byte. */
    U8(8),
    /** A signed byte. */
    I8(8),
    /** An 8-bit float, E5M2. */
    F8_E5M2(8),
    /** An 8-bit float, E4M3. */
    F8_E4M3(8),
    /** An 8-bit exponent (E8M0), the scale of micro-scaling formats. */
    F8_E8M0(8),
    /** An 8-bit float, E4M3 without infinities and with one zero. */
    F8_E4M3FNUZ(8),
    /** An 8-bit float, E5M2 without infinities and with one zero. */
    F8_E5M2FNUZ(8),
    /** A signed 16-bit integer. */
    I16(16),
    /** An unsigned 16-bit integer. */
    U16(16),
    /** An IEEE 754 half-precision float. */
    F16(16),
    /** A bfloat16: the upper half of an {@link #F32}. */
    BF16(16),
    /** A signed 32-bit integer. */
    I32(32),
    /** An unsigned 32-bit integer. */
    U32(32),
    /** An IEEE 754 single-precision float: Java's {@code float}, the one type Kiln's tensors hold. */
    F32(32),
    /** A complex number of two {@link #F32}s. */
    C64(64),
    /** An IEEE 754 double-precision float. */
    F64(64),
    /** A signed 64-bit integer. */
    I64(64),
    /** An unsigned 64-bit integer. */
    U64(64);

    private final int bits;

    DType(int bits) {
        this.bits = bits;
    }

    /** The size of one element in bits (4 and 6 for the sub-byte floats, which are packed). */
    public int bits() {
        return bits;
    }

    /** The dtype a header names {@code name} (case-sensitive, as the format is), or null if there is none. */
    static DType named(String name) {
        for (DType type : values()) {
            if (type.name().equals(name)) {
                return type;
            }
        }
        return null;
    }

    /** Every name, comma-separated, for messages. */
    static String allNames() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
