package io.dredge.core.iceberg;

import com.google.common.collect.ImmutableList;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Every file a restore needs to rebuild an Iceberg table with its whole history as of one metadata version: the
 * metadata JSON, the manifest list of each snapshot, each manifest, and each data, delete and statistics file any
 * snapshot (of any branch or tag) reads, each once.
 *
 * @param snapshotId the current snapshot, empty for a table without snapshots
 * @param tableLocation the table location as the metadata spells it, without a trailing slash: every file's location
 * is this, a slash, and its relative path
 * @param metadataPath the metadata JSON's path relative to the table location
 */
public record IcebergBackupPlan(Optional<Long> snapshotId, String tableLocation, String metadataPath, List<IcebergBackupFile> files)
{
    public IcebergBackupPlan
    {
        requireNonNull(snapshotId, "snapshotId is null");
        requireNonNull(tableLocation, "tableLocation is null");
        requireNonNull(metadataPath, "metadataPath is null");
        files = ImmutableList.copyOf(requireNonNull(files, "files is null"));
    }

    public long totalBytes()
    {
        return files.stream().mapToLong(IcebergBackupFile::sizeBytes).sum();
    }
}
