package dev.kiln.runtime.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;

/**
 * Replaces a file all at once: readers see the old file or the new one, never a part of either, and a
 * failure at any point leaves the old file as it was.
 *
 * <p>The new content goes to a temporary file in the target's directory ({@code .<name>.<random>.tmp},
 * created new, with the default permissions), which is forced to the device and then renamed over the
 * target with {@link StandardCopyOption#ATOMIC_MOVE}; where the file system cannot rename atomically, it
 * is moved with {@link StandardCopyOption#REPLACE_EXISTING} instead. Finally the directory is forced too,
 * where the platform allows it, so that the rename survives a power failure. If anything fails before
 * the rename (the content, the disk, the move itself), the temporary file is removed and the error
 * rethrown; the target is untouched.
 */
final class AtomicFile {

    /** Writes a file's content. */
    @FunctionalInterface
    interface Content {

        /** Writes everything to {@code channel}. */
        void writeTo(WritableByteChannel channel) throws IOException;
    }

    /** Longer names are shortened in the temporary file's name, which must stay within file-name limits. */
    private static final int NAME_IN_TEMPORARY = 100;
    private static final int ATTEMPTS = 16;

    private AtomicFile() {
    }

    /**
     * Writes {@code content} to {@code target}, replacing it atomically.
     *
     * @param channels wraps the temporary file's channel before the content is written (the identity
     *                 except in tests, which make it fail part-way)
     * @throws NoSuchFileException if the target's directory does not exist
     * @throws IOException         if writing or moving fails; the target is then unchanged
     */
    static void write(Path target, Content content, UnaryOperator<WritableByteChannel> channels)
            throws IOException {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        if (directory == null || !Files.isDirectory(directory)) {
            throw new NoSuchFileException(String.valueOf(directory), null, "the directory to write "
                    + absolute.getFileName() + " in does not exist");
        }
        FileChannel channel = null;
        Path temporary = null;
        for (int attempt = 0; channel == null; attempt++) {
            temporary = directory.resolve(temporaryName(absolute.getFileName().toString()));
            try {
                channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                if (attempt + 1 == ATTEMPTS) {
                    throw e;
                }
            }
        }
        try {
            try (FileChannel open = channel) {
                content.writeTo(channels.apply(open));
                open.force(true);
            }
            move(temporary, absolute);
        } catch (Throwable failure) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException cleanup) {
                failure.addSuppressed(cleanup);
            }
            throw failure;
        }
        forceDirectory(directory);
    }

    private static void move(Path temporary, Path target) throws IOException {
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Forces the directory's entries to the device; not every platform can open a directory, so best effort. */
    private static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // the file itself is complete and in place; only the rename's durability is left to the system
        }
    }

    private static String temporaryName(String name) {
        int keep = Math.min(name.length(), NAME_IN_TEMPORARY);
        if (keep < name.length() && Character.isHighSurrogate(name.charAt(keep - 1))) {
            keep--; // never split a pair
        }
        String shortened = name.substring(0, keep);
        return "." + shortened + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp";
    }
}
