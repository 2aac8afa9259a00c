package io.dredge.core.backup;

import io.dredge.core.files.FileCopies;
import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * One file a backup holds.
 *
 * @param path where the file belongs, relative to the table's location ({@code day=2024-01-01/part-0.parquet},
 * {@code metadata/00003-....metadata.json}): a restore writes it there below the new location
 * @param stored where the repository keeps it, relative to the repository's root; several backups share one stored file
 * @param crc32c the CRC32C of the file's bytes, eight lower-case hex digits
 * @param copied whether this backup copied the file (false: an earlier backup in the repository already held it)
 */
public record BackupFile(String path, String stored, long sizeBytes, String crc32c, boolean copied)
{
    public BackupFile
    {
        requireNonNull(path, "path is null");
        requireNonNull(stored, "stored is null");
        checkArgument(sizeBytes >= 0, "sizeBytes is negative");
        requireNonNull(crc32c, "crc32c is null");
        FileCopies.parseCrc32c(crc32c);
        checkArgument(isRelative(path), "path is not relative: %s", path);
        checkArgument(isRelative(stored), "stored is not relative: %s", stored);
    }

    /**
     * A path below a directory: not absolute, no scheme, no {@code ..} or empty segment.
     */
    public static boolean isRelative(String path)
    {
        if (path.isEmpty() || path.startsWith("/") || path.contains(":")) {
            return false;
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }
}
