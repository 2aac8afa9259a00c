package io.dredge.core.report;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.dredge.core.journal.RollbackPoints;
import io.dredge.core.iceberg.IcebergFigures;
import io.dredge.core.journal.OperationJournal;
import io.dredge.core.journal.OperationKind;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.OperationState;
import io.dredge.core.model.TableReference;
import io.dredge.core.report.SmallFileReport.ListedTable;
import io.dredge.core.report.SmallFileReport.Listing;
import io.dredge.core.report.SmallFileReport.UnreadableTable;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static java.util.Objects.requireNonNull;

/**
 * Judges one table's health from what its metadata, its listing and the journal say, never from its data, and
 * writes the statements that fix what it finds, for the Dredge catalog {@code catalog}: {@code recover} first for
 * an operation left unfinished, then {@code compact_table} for small files, then for an Iceberg table Trino's
 * {@code optimize} for rows its delete files hide and {@code optimize_manifests} for many small manifests (in the
 * Iceberg catalog {@code icebergCatalog}), then {@code expire_snapshots} for history older than it keeps, then
 * {@code remove_orphan_files} for files nothing reads. Rewrites come before the expiry, which then lets go of what they
 * replaced; {@code optimize_manifests} comes after both rewrites, whose commits add manifests. A table another
 * operation holds gets no fix until that operation ends.
 */
public final class TableHealth
{
    private static final Set<OperationState> DONE = Set.of(OperationState.SUCCEEDED, OperationState.CLEANED_UP);

    private final String catalog;
    private final String icebergCatalog;
    private final HealthPolicy policy;

    public TableHealth(String catalog, String icebergCatalog, HealthPolicy policy)
    {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.icebergCatalog = requireNonNull(icebergCatalog, "icebergCatalog is null");
        this.policy = requireNonNull(policy, "policy is null");
    }

    /**
     * The health of each of {@code tables} that {@code report} can list (views and tables gone are left out), in
     * order, each judged with the journal of its schema.
     */
    public List<TableHealthRow> assess(SmallFileReport report, List<TableReference> tables, OperationJournal journal, OrphanCandidates orphans, Instant now)
    {
        Map<String, List<OperationRecord>> journals = new HashMap<>();
        ImmutableList.Builder<TableHealthRow> rows = ImmutableList.builder();
        for (Listing table : report.list(tables, true)) {
            Optional<OrphanFigures> orphanFigures = table instanceof ListedTable ? orphans.of(table.table()) : Optional.empty();
            rows.add(assess(table, orphanFigures, journals.computeIfAbsent(table.table().schemaName(), journal::list), now));
        }
        return rows.build();
    }

    /**
     * @param orphans what {@code remove_orphan_files} would take, where it can tell
     * @param journal records of the journal (of any table and state, in any order): those of this table count, by
     * its name and, where both are known, its identity (a name reused after a rename means another table)
     */
    public TableHealthRow assess(Listing listing, Optional<OrphanFigures> orphans, Collection<OperationRecord> journal, Instant now)
    {
        Optional<ListedTable> listed = listing instanceof ListedTable table ? Optional.of(table) : Optional.empty();
        Optional<String> identity = listed.flatMap(ListedTable::identity);
        List<OperationRecord> operations = journal.stream()
                .filter(record -> record.table().equals(listing.table()))
                .filter(record -> record.tableIdentity().isEmpty() || identity.isEmpty() || record.tableIdentity().equals(identity))
                .collect(toImmutableList());
        Optional<OperationRecord> running = operations.stream()
                .filter(record -> record.state() == OperationState.RUNNING)
                .max(Comparator.comparing(OperationRecord::startedAt));
        Optional<FileGroupStatistics> statistics = listed.map(table -> SmallFileReport.tableStatistics(table.files(), policy.smallFiles()));

        HealthStatus status = HealthStatus.OK;
        ImmutableList.Builder<String> reasons = ImmutableList.builder();
        ImmutableList.Builder<HealthFix> fix = ImmutableList.builder();
        boolean free = running.isEmpty();
        if (running.isPresent()) {
            OperationRecord operation = running.get();
            Duration age = Duration.between(operation.startedAt(), now);
            if (age.compareTo(policy.staleOperationAge()) >= 0) {
                status = HealthStatus.CRITICAL;
                reasons.add("operation %s (%s) has been RUNNING for %s, at step '%s'; after %s it counts as interrupted".formatted(
                        operation.id(), operation.kind(), describe(age), operation.step(), describe(policy.staleOperationAge())));
                fix.add(HealthFix.of(HealthFix.Procedure.RECOVER, listing.table()));
                free = true;
            }
            else {
                status = HealthStatus.WARN;
                reasons.add("held by operation %s (%s), RUNNING for %s at step '%s'".formatted(operation.id(), operation.kind(), describe(age), operation.step()));
            }
        }
        if (listing instanceof UnreadableTable unreadable) {
            // what cannot be read cannot be judged, nor maintained: someone must look
            status = HealthStatus.CRITICAL;
            reasons.add("cannot be read: " + unreadable.error());
        }
        if (statistics.isPresent() && statistics.get().status() == FileGroupStatus.NEEDS_COMPACTION) {
            status = status == HealthStatus.OK ? HealthStatus.WARN : status;
            reasons.add("%s files averaging %s where %s would do; target %s".formatted(
                    statistics.get().fileCount(), bytes(statistics.get().avgFileBytes()), statistics.get().idealFileCount(), bytes(policy.smallFiles().targetFileSizeBytes())));
            if (free) {
                fix.add(HealthFix.of(HealthFix.Procedure.COMPACT_TABLE, listing.table()));
            }
        }
        Optional<IcebergFigures> iceberg = listed.flatMap(ListedTable::icebergFigures);
        for (Map.Entry<HealthFix.Procedure, String> rewrite : iceberg.map(this::layout).orElse(ImmutableMap.of()).entrySet()) {
            status = status == HealthStatus.OK ? HealthStatus.WARN : status;
            reasons.add(rewrite.getValue());
            if (free) {
                fix.add(HealthFix.of(rewrite.getKey(), listing.table()));
            }
        }
        if (iceberg.isPresent()) {
            Duration age = iceberg.get().maxSnapshotAge().orElse(policy.maxSnapshotAge());
            int keep = iceberg.get().minSnapshotsToKeep().orElse(1);
            // what expire_snapshots keeps for a compaction's rollback is no reason: its cleanup lets it go
            Map<Long, String> kept = RollbackPoints.of(operations, listing.table(), identity);
            Instant cutoff = RollbackPoints.cutoff(now.minus(age), kept.keySet(), snapshot -> Optional.ofNullable(iceberg.get().snapshotTimes().get(snapshot)));
            long old = iceberg.get().snapshotsBefore(cutoff, keep);
            if (old > 0) {
                status = status == HealthStatus.OK ? HealthStatus.WARN : status;
                reasons.add("%s of %s snapshots are older than %s, the history kept (the oldest is %s old)".formatted(
                        old, iceberg.get().snapshots(), describe(age), describe(Duration.between(iceberg.get().oldestSnapshot().orElseThrow(), now))));
                if (free) {
                    fix.add(HealthFix.expireSnapshots(listing.table(), age, keep));
                }
            }
        }
        if (orphans.isPresent() && orphans.get().files() > 0) {
            status = status == HealthStatus.OK ? HealthStatus.WARN : status;
            reasons.add("%s files, %s, below its location are read by nothing and were last written more than %s ago".formatted(
                    orphans.get().files(), bytes(orphans.get().bytes()), describe(orphans.get().olderThan())));
            if (free) {
                fix.add(HealthFix.of(HealthFix.Procedure.REMOVE_ORPHAN_FILES, listing.table()));
            }
        }
        return new TableHealthRow(
                listing.table(),
                listing.tableType(),
                status,
                reasons.build(),
                fix.build().stream().map(statement -> statement.sql(catalog, icebergCatalog)).collect(toImmutableList()),
                statistics,
                listed.filter(table -> table.files().partitioned()).map(table -> OptionalLong.of(table.files().partitions().size())).orElse(OptionalLong.empty()),
                iceberg,
                running.map(OperationRecord::id),
                lastFinished(operations, OperationKind.COMPACT),
                lastFinished(operations, OperationKind.BACKUP),
                lastFinished(operations, OperationKind.EXPIRE_SNAPSHOTS),
                orphans,
                fix.build());
    }

    /**
     * What Trino's table procedures would rewrite in an Iceberg table's layout, with the reason, in the order to run
     * them: the data files deletes apply to, then the manifests (which the rewrite of data files adds to).
     */
    private Map<HealthFix.Procedure, String> layout(IcebergFigures figures)
    {
        ImmutableMap.Builder<HealthFix.Procedure, String> rewrites = ImmutableMap.builder();
        deletedRows(figures).ifPresent(reason -> rewrites.put(HealthFix.Procedure.OPTIMIZE, reason));
        smallManifests(figures).ifPresent(reason -> rewrites.put(HealthFix.Procedure.OPTIMIZE_MANIFESTS, reason));
        return rewrites.buildOrThrow();
    }

    /**
     * Why the delete files hide too many rows: their records per data row above the threshold.
     */
    private Optional<String> deletedRows(IcebergFigures figures)
    {
        return figures.deletedRowShare()
                .filter(share -> share > policy.maxDeletedRowShare())
                .map(share -> "%s delete records in %s delete files against %s data rows (%s); threshold %s".formatted(
                        figures.deleteRows().orElseThrow(), figures.deleteFiles(), figures.dataRows().orElseThrow(), percent(share), percent(policy.maxDeletedRowShare())));
    }

    /**
     * Why the manifests are too many: more than the threshold, and smaller on average than the threshold's size.
     */
    private Optional<String> smallManifests(IcebergFigures figures)
    {
        if (figures.manifests() <= policy.maxManifests() || figures.manifestBytes() >= figures.manifests() * policy.minAvgManifestBytes()) {
            return Optional.empty();
        }
        return Optional.of("%s manifests averaging %s; threshold %s manifests averaging under %s".formatted(
                figures.manifests(), bytes(figures.avgManifestBytes()), policy.maxManifests(), bytes(policy.minAvgManifestBytes())));
    }

    private static Optional<Instant> lastFinished(List<OperationRecord> operations, OperationKind kind)
    {
        return operations.stream()
                .filter(record -> record.kind() == kind && DONE.contains(record.state()))
                .flatMap(record -> record.finishedAt().stream())
                .max(Comparator.naturalOrder());
    }

    /**
     * {@code 40 s}, {@code 12 min}, {@code 5 h 10 min}, {@code 2 d 3 h}: as precise as a person reading it needs.
     */
    static String describe(Duration duration)
    {
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds < 60) {
            return seconds + " s";
        }
        long minutes = seconds / 60;
        if (minutes < 60) {
            return minutes + " min";
        }
        long hours = minutes / 60;
        if (hours < 24) {
            return minutes % 60 == 0 ? hours + " h" : "%s h %s min".formatted(hours, minutes % 60);
        }
        return hours % 24 == 0 ? hours / 24 + " d" : "%s d %s h".formatted(hours / 24, hours % 24);
    }

    /**
     * {@code 12.5 %}, {@code 10 %}: one decimal, none when it is 0.
     */
    static String percent(double share)
    {
        String value = String.format(Locale.ROOT, "%.1f", share * 100);
        return (value.endsWith(".0") ? value.substring(0, value.length() - 2) : value) + " %";
    }

    /**
     * {@code 512 B}, {@code 18 KB}, {@code 1.5 GB}: binary units, one decimal below ten.
     */
    static String bytes(long value)
    {
        if (value < 1024) {
            return value + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB", "PB", "EB"};
        double scaled = value;
        int unit = -1;
        while (scaled >= 1024 && unit < units.length - 1) {
            scaled /= 1024;
            unit++;
        }
        return (scaled < 10 && scaled != Math.floor(scaled) ? String.format(Locale.ROOT, "%.1f", scaled) : String.valueOf((long) scaled)) + " " + units[unit];
    }
}
