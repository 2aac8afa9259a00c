package io.dredge.core.files;

import io.dredge.core.port.FileStore;
import io.dredge.core.port.SeekableInput;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/**
 * Copying and checksumming single files through the {@link FileStore} port: what every {@link FileCopier} does for
 * each of its files, wherever it runs.
 */
public final class FileCopies
{
    private static final int BUFFER_SIZE = 1 << 20;

    private FileCopies() {}

    /**
     * Copies one file, computing the CRC32C of the bytes written, then reads the copy back: a write the storage lost
     * or damaged is not in the bytes the copy wrote, only in what it stored. Fails when the target exists, when the
     * source no longer has the size the copy was planned with (a writer replaced it), or when the copy reads back
     * otherwise than it was written.
     */
    public static CopiedFile copy(FileStore fileStore, FileCopy copy)
            throws IOException
    {
        CRC32C crc = new CRC32C();
        long written = 0;
        byte[] buffer = new byte[bufferSize(copy.sizeBytes())];
        try (SeekableInput input = fileStore.newInput(copy.source());
                OutputStream output = fileStore.create(copy.target())) {
            int read;
            while ((read = input.read(buffer, 0, buffer.length)) >= 0) {
                output.write(buffer, 0, read);
                crc.update(buffer, 0, read);
                written += read;
            }
        }
        if (written != copy.sizeBytes()) {
            throw new IOException("%s changed while it was copied: %s bytes planned, %s read".formatted(copy.source(), copy.sizeBytes(), written));
        }
        CopiedFile copied = new CopiedFile(copy.target(), written, crc.getValue());
        CopiedFile stored = checksum(fileStore, copy.target(), written);
        if (stored.sizeBytes() != copied.sizeBytes() || stored.crc32c() != copied.crc32c()) {
            throw new IOException("the copy %s reads back as %s bytes, crc32c %s, not the %s bytes, crc32c %s read from %s".formatted(
                    copy.target(), stored.sizeBytes(), stored.crc32cHex(), copied.sizeBytes(), copied.crc32cHex(), copy.source()));
        }
        return copied;
    }

    /**
     * The CRC32C and size of a file as it is now.
     */
    public static CopiedFile checksum(FileStore fileStore, String path)
            throws IOException
    {
        return checksum(fileStore, path, BUFFER_SIZE);
    }

    private static CopiedFile checksum(FileStore fileStore, String path, long expectedSize)
            throws IOException
    {
        CRC32C crc = new CRC32C();
        long length = 0;
        byte[] buffer = new byte[bufferSize(expectedSize)];
        try (SeekableInput input = fileStore.newInput(path)) {
            int read;
            while ((read = input.read(buffer, 0, buffer.length)) >= 0) {
                crc.update(buffer, 0, read);
                length += read;
            }
        }
        return new CopiedFile(path, length, crc.getValue());
    }

    /**
     * No larger than the file: a table of small files would otherwise allocate a megabyte for each.
     */
    private static int bufferSize(long fileSize)
    {
        return (int) Math.max(8192, Math.min(BUFFER_SIZE, fileSize + 1));
    }

    public static String crc32cHex(long crc32c)
    {
        return "%08x".formatted(crc32c);
    }

    public static long parseCrc32c(String hex)
    {
        if (hex.length() != 8) {
            throw new IllegalArgumentException("not a CRC32C: " + hex);
        }
        return Long.parseLong(hex, 16);
    }
}
