package io.dredge.core.backup;

import com.google.common.collect.ImmutableList;
import io.dredge.core.model.HiveTableDefinition;
import io.dredge.core.model.TableReference;
import io.dredge.core.model.TableType;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * One backup as its repository describes it ({@code backups/<name>/manifest.json}): the source, every file with its
 * size and checksum, the table's definition (Hive) or the metadata file to restore from (Iceberg), and the rows the
 * engine counted when the backup was taken. Written {@code RUNNING} before the first copy and {@code COMPLETE} after
 * the last, so that a backup that died is never mistaken for one that can be restored.
 *
 * @param repository the repository (its root location) that holds the files; the {@code stored} paths are relative to it
 * @param sourceLocation the table's location when it was backed up: Iceberg metadata names files below it, which a
 * restore rewrites to the new location
 * @param snapshotId the Iceberg snapshot backed up (the current one when the backup ran)
 * @param hiveTable the Hive table's definition
 * @param partitions the Hive table's partitions; empty for unpartitioned and Iceberg tables
 * @param icebergMetadata the Iceberg table's metadata file, relative to the table's location
 * @param rows the table's rows (all partitions; for Iceberg, in the backed-up snapshot)
 * @param rowChecksum the engine's checksum of the table's rows for an unpartitioned Hive or an Iceberg table (the
 * partitions carry their own); empty, or empty text, where the backup was taken at {@link BackupVerification#FILES}
 * @param verification the level the backup was verified at, and so the level a restore of it can check
 */
public record BackupManifest(
        int formatVersion,
        String name,
        BackupState state,
        String repository,
        String sourceCatalog,
        TableReference sourceTable,
        TableType tableType,
        String sourceLocation,
        Instant createdAt,
        String user,
        Optional<Long> snapshotId,
        Optional<HiveTableDefinition> hiveTable,
        List<BackupPartition> partitions,
        Optional<String> icebergMetadata,
        List<BackupFile> files,
        long rows,
        Optional<String> rowChecksum,
        BackupVerification verification,
        Optional<String> error)
{
    // 2: the verification level (a manifest of version 1 was verified by rows)
    public static final int CURRENT_FORMAT_VERSION = 2;

    /**
     * The format version a manifest at this level is written in: the oldest that holds it, so that a Dredge of an
     * earlier version sharing the repository (another engine's, not yet upgraded) still reads every backup it can
     * restore, and so counts its files as held when it drops a backup.
     */
    public static int formatVersionFor(BackupVerification verification)
    {
        return verification == BackupVerification.ROWS ? 1 : CURRENT_FORMAT_VERSION;
    }

    public BackupManifest
    {
        checkArgument(formatVersion > 0, "formatVersion must be positive");
        requireNonNull(name, "name is null");
        requireNonNull(state, "state is null");
        requireNonNull(repository, "repository is null");
        requireNonNull(sourceCatalog, "sourceCatalog is null");
        requireNonNull(sourceTable, "sourceTable is null");
        requireNonNull(tableType, "tableType is null");
        requireNonNull(sourceLocation, "sourceLocation is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(user, "user is null");
        requireNonNull(snapshotId, "snapshotId is null");
        requireNonNull(hiveTable, "hiveTable is null");
        partitions = ImmutableList.copyOf(requireNonNull(partitions, "partitions is null"));
        requireNonNull(icebergMetadata, "icebergMetadata is null");
        files = ImmutableList.copyOf(requireNonNull(files, "files is null"));
        checkArgument(rows >= 0, "rows is negative");
        requireNonNull(rowChecksum, "rowChecksum is null");
        requireNonNull(verification, "verification is null");
        requireNonNull(error, "error is null");
    }

    public long bytes()
    {
        return files.stream().mapToLong(BackupFile::sizeBytes).sum();
    }

    /**
     * The bytes this backup copied itself; the rest it shares with earlier backups.
     */
    public long bytesCopied()
    {
        return files.stream().filter(BackupFile::copied).mapToLong(BackupFile::sizeBytes).sum();
    }

    /**
     * The backup's values in the order of the backups table's columns ({@code backup_name, source_catalog,
     * source_schema, source_table, table_type, snapshot_id, partitions, created_at, user_name, files, bytes,
     * bytes_copied, rows, location, format_version, state, error_message, verification}), as both engines show them, with the time
     * as an {@link java.time.Instant} for the engine to convert; NULL as {@code null}.
     */
    public Object[] summaryValues()
    {
        return new Object[] {
                name,
                sourceCatalog,
                sourceTable.schemaName(),
                sourceTable.tableName(),
                tableType.name(),
                snapshotId.orElse(null),
                hiveTable.isPresent() ? (long) partitions.size() : null,
                createdAt,
                user,
                (long) files.size(),
                bytes(),
                bytesCopied(),
                rows,
                repository,
                formatVersion,
                state.name(),
                error.orElse(null),
                verification.sqlName()};
    }

    /**
     * This backup, started {@code RUNNING}, now {@code COMPLETE} with what it copied and counted.
     */
    BackupManifest completed(List<BackupPartition> partitions, List<BackupFile> files, long rows, Optional<String> rowChecksum)
    {
        return new BackupManifest(formatVersion, name, BackupState.COMPLETE, repository, sourceCatalog, sourceTable, tableType, sourceLocation, createdAt, user, snapshotId,
                hiveTable, partitions, icebergMetadata, files, rows, rowChecksum, verification, Optional.empty());
    }

    public BackupManifest withState(BackupState state, Optional<String> error)
    {
        return new BackupManifest(formatVersion, name, state, repository, sourceCatalog, sourceTable, tableType, sourceLocation, createdAt, user, snapshotId,
                hiveTable, partitions, icebergMetadata, files, rows, rowChecksum, verification, error);
    }
}
