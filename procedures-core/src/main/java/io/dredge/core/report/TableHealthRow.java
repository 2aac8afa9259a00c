package io.dredge.core.report;

import com.google.common.collect.ImmutableList;
import io.dredge.core.iceberg.IcebergFigures;
import io.dredge.core.model.TableReference;
import io.dredge.core.model.TableType;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * One table's health: its status, the reasons for it (each with the measured figure and the threshold), the
 * statements that fix them in the order to run them, and the figures behind them.
 *
 * @param files the data and delete files the table reads now, as {@code small_file_report} counts them; empty when
 * the table cannot be read
 * @param partitions the table's partitions (Hive: the metastore's; Iceberg: those with live files); empty when the
 * table is not partitioned
 * @param iceberg what only an Iceberg table's metadata has
 * @param runningOperation the operation journaled {@code RUNNING} on the table, if any
 * @param orphans what {@code remove_orphan_files} would take, where it can tell
 * @param fixes what {@code fix} says as SQL, for {@code maintain_schema} to run
 */
public record TableHealthRow(
        TableReference table,
        TableType tableType,
        HealthStatus status,
        List<String> reasons,
        List<String> fix,
        Optional<FileGroupStatistics> files,
        OptionalLong partitions,
        Optional<IcebergFigures> iceberg,
        Optional<String> runningOperation,
        Optional<Instant> lastCompaction,
        Optional<Instant> lastBackup,
        Optional<Instant> lastExpiry,
        Optional<OrphanFigures> orphans,
        List<HealthFix> fixes)
{
    public TableHealthRow
    {
        requireNonNull(table, "table is null");
        requireNonNull(tableType, "tableType is null");
        requireNonNull(status, "status is null");
        reasons = ImmutableList.copyOf(requireNonNull(reasons, "reasons is null"));
        fix = ImmutableList.copyOf(requireNonNull(fix, "fix is null"));
        requireNonNull(files, "files is null");
        requireNonNull(partitions, "partitions is null");
        requireNonNull(iceberg, "iceberg is null");
        requireNonNull(runningOperation, "runningOperation is null");
        requireNonNull(lastCompaction, "lastCompaction is null");
        requireNonNull(lastBackup, "lastBackup is null");
        requireNonNull(lastExpiry, "lastExpiry is null");
        requireNonNull(orphans, "orphans is null");
        fixes = ImmutableList.copyOf(requireNonNull(fixes, "fixes is null"));
    }

    /**
     * The figures, in the columns both engines show after {@code fix} ({@code files, small_files, total_bytes,
     * avg_file_bytes, partitions, delete_files, deleted_row_share, snapshots, oldest_snapshot_at, manifests, avg_manifest_bytes,
     * running_operation_id, last_compaction_at, last_backup_at, last_expiry_at, orphan_files, orphan_bytes}); NULL as
     * {@code null}, times as
     * {@link Instant}s.
     */
    public Object[] figures()
    {
        return new Object[] {
                files.map(FileGroupStatistics::fileCount).orElse(null),
                files.map(FileGroupStatistics::smallFileCount).orElse(null),
                files.map(FileGroupStatistics::totalBytes).orElse(null),
                files.map(FileGroupStatistics::avgFileBytes).orElse(null),
                partitions.isPresent() ? partitions.getAsLong() : null,
                iceberg.map(IcebergFigures::deleteFiles).orElse(null),
                iceberg.flatMap(IcebergFigures::deletedRowShare).orElse(null),
                iceberg.map(IcebergFigures::snapshots).orElse(null),
                iceberg.flatMap(IcebergFigures::oldestSnapshot).orElse(null),
                iceberg.map(IcebergFigures::manifests).orElse(null),
                iceberg.map(IcebergFigures::avgManifestBytes).orElse(null),
                runningOperation.orElse(null),
                lastCompaction.orElse(null),
                lastBackup.orElse(null),
                lastExpiry.orElse(null),
                orphans.map(OrphanFigures::files).orElse(null),
                orphans.map(OrphanFigures::bytes).orElse(null)};
    }
}
