package io.dredge.core.iceberg;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * One file an Iceberg backup holds.
 *
 * @param location where the file is now (absolute, as the table's metadata spells it)
 * @param relativePath its path below the table location, which it keeps in the backup and at the restore target
 * @param sizeBytes its size as the table's metadata records it (as the file system reports it for files whose size
 * the metadata does not record: metadata JSON and manifest lists)
 */
public record IcebergBackupFile(String location, String relativePath, long sizeBytes, Role role)
{
    public enum Role
    {
        METADATA(true),
        MANIFEST_LIST(true),
        MANIFEST(true),
        DATA(false),
        POSITION_DELETES(true),
        DELETION_VECTOR(true),
        EQUALITY_DELETES(false),
        STATISTICS(false);

        private final boolean holdsPaths;

        Role(boolean holdsPaths)
        {
            this.holdsPaths = holdsPaths;
        }

        /**
         * Whether files of this role contain absolute paths of other files, so that a restore writes rewritten copies
         * of them ({@link IcebergRestoreRewriter}) instead of copying them as they are.
         */
        public boolean holdsPaths()
        {
            return holdsPaths;
        }
    }

    public IcebergBackupFile
    {
        requireNonNull(location, "location is null");
        requireNonNull(relativePath, "relativePath is null");
        checkArgument(!relativePath.isEmpty() && !relativePath.startsWith("/"), "relativePath must be relative: %s", relativePath);
        checkArgument(sizeBytes >= 0, "sizeBytes is negative");
        requireNonNull(role, "role is null");
    }

    public boolean rewrittenOnRestore()
    {
        return role.holdsPaths();
    }
}
