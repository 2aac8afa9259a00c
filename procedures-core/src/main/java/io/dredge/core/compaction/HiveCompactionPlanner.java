package io.dredge.core.compaction;

import com.google.common.base.Suppliers;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import io.dredge.core.DredgeException;
import io.dredge.core.journal.PartitionRecord;
import io.dredge.core.location.LocationReaders;
import io.dredge.core.model.Locations;
import io.dredge.core.model.PartitionDescriptor;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableFile;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.report.FileGroupStatus;
import io.dredge.core.report.HiveTableFiles.DirectoryListing;
import io.dredge.core.report.HiveTableFiles;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

/**
 * Step 3 (plan) of {@link HiveCompaction}: the partitions (or the whole table) whose files the policy says need compaction,
 * each with its exact input files, the files the engines read; those the protocol must leave alone are planned as
 * skipped, with the reason.
 */
final class HiveCompactionPlanner
{
    private final MaintenanceContext context;
    private final CompactionSql sql;

    HiveCompactionPlanner(MaintenanceContext context, CompactionSql sql)
    {
        this.context = requireNonNull(context, "context is null");
        this.sql = requireNonNull(sql, "sql is null");
    }

    /**
     * @param considered partitions (or 1 for an unpartitioned table) the plan looked at
     */
    record Plan(long considered, List<PartitionRecord> partitions)
    {
        Plan
        {
            partitions = ImmutableList.copyOf(requireNonNull(partitions, "partitions is null"));
        }
    }

    Plan plan(TableDescriptor table, CompactionOptions options, String stagingRoot)
    {
        List<PartitionRecord> planned = new ArrayList<>();
        if (!table.partitioned()) {
            if (options.partitionFilter().isPresent()) {
                throw new DredgeException(INVALID_ARGUMENT, "table %s is not partitioned: partition_filter does not apply".formatted(table.table()));
            }
            String location = table.location().orElseThrow();
            DirectoryListing listing = HiveTableFiles.list(context.fileStore(), location);
            if (needsCompaction(listing.dataFiles(), options)) {
                PartitionRecord whole = PartitionRecord.planned(Optional.empty(), location, stagingRoot, listing.dataFiles());
                Optional<String> reason = PartitionLayout.subdirectoryReason(listing.nestedFiles())
                        .or(() -> otherReaders(LocationReaders.scan(context.metastore(), context.besideExecutor()), table, location));
                planned.add(reason.map(whole::skipped).orElse(whole));
            }
            return new Plan(1, planned);
        }
        List<String> names = options.partitionFilter()
                .map(filter -> partitionNamesMatching(table, filter))
                .orElseGet(() -> context.metastore().getPartitionNames(table));
        // nested and shared locations are judged against every partition, not only those the filter chose
        List<PartitionDescriptor> all = context.metastore().getPartitionsInBatches(table.table(),
                options.partitionFilter().isPresent() ? context.metastore().getPartitionNames(table) : names);
        PartitionLayout layout = new PartitionLayout(all);
        Set<String> chosen = ImmutableSet.copyOf(names);
        // read only when some partition needs compaction: the scan reads the whole metastore
        Supplier<LocationReaders> readers = Suppliers.memoize(() -> LocationReaders.scan(context.metastore(), context.besideExecutor()));
        for (PartitionDescriptor partition : all) {
            if (!chosen.contains(partition.name())) {
                continue;
            }
            DirectoryListing listing = HiveTableFiles.list(context.fileStore(), partition.location());
            if (needsCompaction(listing.dataFiles(), options)) {
                PartitionRecord record = PartitionRecord.planned(Optional.of(partition.name()), partition.location(), Locations.child(stagingRoot, partition.name()), listing.dataFiles());
                Optional<String> reason = context.engine().dialect().writesPartition(partition.name())
                        ? layout.reasonToLeaveAlone(partition, listing).or(() -> otherReaders(readers.get(), table, partition.location()))
                        : Optional.of("the engine cannot write this partition value (only printable ASCII); compact it from Hive");
                planned.add(reason.map(record::skipped).orElse(record));
            }
        }
        return new Plan(names.size(), planned);
    }

    /**
     * Other tables, or other tables' partitions, that read the location or a directory inside it: their files are
     * not this table's to move or delete, and parking the location would move theirs.
     */
    static Optional<String> otherReaders(LocationReaders readers, TableDescriptor table, String location)
    {
        List<LocationReaders.Reader> others = readers.atOrBelow(location).stream()
                .filter(reader -> !reader.table().equals(table.table()))
                .collect(toImmutableList());
        if (others.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("its directory %s is also read by %s: Dredge leaves files that another table reads alone".formatted(location, LocationReaders.describe(others)));
    }

    private static boolean needsCompaction(List<TableFile> files, CompactionOptions options)
    {
        long bytes = files.stream().mapToLong(TableFile::sizeBytes).sum();
        return options.policy().status(files.size(), bytes) == FileGroupStatus.NEEDS_COMPACTION;
    }

    private List<String> partitionNamesMatching(TableDescriptor table, String filter)
    {
        CompactionSql.requireSelfContainedExpression(sql.dialect(), filter);
        try {
            context.engine().query(sql.validatePartitionFilter(table, filter));
        }
        catch (RuntimeException e) {
            throw new DredgeException(INVALID_ARGUMENT, "partition_filter must be a predicate over the partition columns %s of %s: %s"
                    .formatted(table.partitionColumns(), table.table(), e.getMessage()), e);
        }
        return context.engine().query(sql.partitionNamesMatching(table, filter)).stream()
                .map(row -> sql.partitionName(table, row))
                .flatMap(Optional::stream)
                .sorted()
                .collect(toImmutableList());
    }
}
