package io.dredge.core.files;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * A file as a copy wrote it: its location, the bytes written, and the CRC32C of those bytes, computed while copying.
 */
public record CopiedFile(String target, long sizeBytes, long crc32c)
{
    public CopiedFile
    {
        requireNonNull(target, "target is null");
        checkArgument(sizeBytes >= 0, "sizeBytes is negative");
        checkArgument(crc32c >= 0 && crc32c <= 0xFFFF_FFFFL, "crc32c is not a 32-bit value");
    }

    /**
     * The checksum as the manifest spells it: eight lower-case hex digits.
     */
    public String crc32cHex()
    {
        return FileCopies.crc32cHex(crc32c);
    }
}
