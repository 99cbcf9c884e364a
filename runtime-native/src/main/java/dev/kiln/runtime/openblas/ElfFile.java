package dev.kiln.runtime.openblas;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A check of a shared library file before the dynamic loader maps it: glibc's loader maps each loadable
 * segment as its program header describes it, and a truncated file then crashes the process (SIGBUS) in
 * {@code dlopen} instead of failing. Only 64-bit little-endian ELF files are checked in depth; anything
 * else is left to the loader, which rejects it cleanly.
 */
final class ElfFile {

    private static final int PT_LOAD = 1;

    private ElfFile() {
    }

    /**
     * Throws when {@code file} is a 64-bit little-endian ELF file shorter than its headers say, or, when
     * {@code linux}, not an ELF file at all (the loader would refuse it, but the JVM first warns that it
     * may have disabled the stack guard).
     *
     * @throws IllegalArgumentException naming the file and the part that is missing
     * @throws IOException              if the file cannot be read
     */
    static void requireComplete(Path file, boolean linux) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer header = read(channel, 0, 64);
            boolean elf = header.remaining() >= 16 && header.getInt(0) == 0x464c457f; // "\177ELF", little-endian
            if (!elf && linux) {
                throw new IllegalArgumentException(file + " is not an ELF shared library");
            }
            if (!elf || header.remaining() < 64 || header.get(4) != 2 || header.get(5) != 1) {
                return; // not ELFCLASS64 and ELFDATA2LSB: left to the loader
            }
            long phoff = header.getLong(32);
            int phentsize = Short.toUnsignedInt(header.getShort(54));
            int phnum = Short.toUnsignedInt(header.getShort(56));
            // compared as "offset > size - length" so that a crafted offset cannot overflow past the check
            if (phentsize < 56 || phoff < 0 || phoff > size - (long) phentsize * phnum) {
                throw new IllegalArgumentException(file + " is truncated or damaged: its program headers end past "
                        + "its size of " + size + " bytes");
            }
            ByteBuffer headers = read(channel, phoff, phentsize * phnum);
            for (int i = 0; i < phnum; i++) {
                int at = i * phentsize;
                if (headers.getInt(at) != PT_LOAD) {
                    continue;
                }
                long offset = headers.getLong(at + 8);
                long fileSize = headers.getLong(at + 32);
                if (offset < 0 || fileSize < 0 || offset > size - fileSize) {
                    throw new IllegalArgumentException(file + " is truncated or damaged: a loadable segment of "
                            + fileSize + " bytes from byte " + offset + " ends past a file of " + size + " bytes");
                }
            }
        }
    }

    private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining() && channel.read(buffer, position + buffer.position()) >= 0) {
            // keep reading until full or at the end of the file
        }
        return buffer.flip();
    }
}
