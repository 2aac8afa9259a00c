package io.dredge.core.backup;

import io.dredge.core.model.HivePartitionDefinition;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * A Hive partition as backed up: its definition, the directory its files belong in (relative to the table's
 * location), and its rows as the engine counted and hashed them when the backup read it.
 *
 * @param rowChecksum the engine's order-independent checksum of the partition's rows (hex), the one compaction verifies with
 */
public record BackupPartition(HivePartitionDefinition definition, String path, long rows, String rowChecksum)
{
    public BackupPartition
    {
        requireNonNull(definition, "definition is null");
        requireNonNull(path, "path is null");
        checkArgument(BackupFile.isRelative(path), "path is not relative: %s", path);
        checkArgument(rows >= 0, "rows is negative");
        requireNonNull(rowChecksum, "rowChecksum is null");
    }
}
