package io.dredge.core.report;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.common.collect.ImmutableSortedSet;
import com.google.common.collect.Lists;
import io.dredge.core.iceberg.IcebergFigures;
import io.dredge.core.iceberg.IcebergTableFiles;
import io.dredge.core.iceberg.IcebergTableMetadata;
import io.dredge.core.model.PartitionDescriptor;
import io.dredge.core.model.PartitionFiles;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableFiles;
import io.dredge.core.model.TableReference;
import io.dredge.core.model.TableType;
import io.dredge.core.port.FileStore;
import io.dredge.core.port.MetastoreReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static java.util.Objects.requireNonNull;
import static java.util.concurrent.CompletableFuture.supplyAsync;

/**
 * Builds the small-file report: one row per table and one per partition.
 *
 * <p>Listing is the slow part, so every partition directory (and every Iceberg table's manifests) is read as
 * its own task on {@code listingExecutor}, whose size bounds the concurrency. Batches of partitions are read from
 * the metastore on {@code metastoreExecutor}, bounded separately: a metastore serves many clients and times out
 * long before a file system does. Tasks never wait for one another, so small executors cannot deadlock.
 */
public final class SmallFileReport
{
    private static final Logger log = LoggerFactory.getLogger(SmallFileReport.class);

    private final MetastoreReader metastore;
    private final FileStore fileStore;
    private final Executor listingExecutor;
    private final Executor metastoreExecutor;

    public SmallFileReport(MetastoreReader metastore, FileStore fileStore, Executor listingExecutor, Executor metastoreExecutor)
    {
        this.metastore = requireNonNull(metastore, "metastore is null");
        this.fileStore = requireNonNull(fileStore, "fileStore is null");
        this.listingExecutor = requireNonNull(listingExecutor, "listingExecutor is null");
        this.metastoreExecutor = requireNonNull(metastoreExecutor, "metastoreExecutor is null");
    }

    /**
     * Tables (and views) named by the filters; an absent filter matches everything. Names that do not exist
     * are left out, so a filter on one table costs one metastore lookup, not a listing of the lake.
     */
    public List<TableReference> tables(Optional<Set<String>> schemaFilter, Optional<Set<String>> tableFilter)
    {
        Collection<String> schemas = schemaFilter.<Collection<String>>map(ImmutableSortedSet::copyOf).orElseGet(metastore::listSchemas);
        ImmutableList.Builder<TableReference> tables = ImmutableList.builder();
        for (String schema : schemas) {
            Set<String> existing = ImmutableSet.copyOf(metastore.listTables(schema));
            Collection<String> names = tableFilter.<Collection<String>>map(ImmutableSortedSet::copyOf).orElse(existing);
            names.stream()
                    .filter(existing::contains)
                    .map(name -> new TableReference(schema, name))
                    .forEach(tables::add);
        }
        return tables.build();
    }

    /**
     * Rows for the given tables, in order; views and tables that vanished meanwhile produce no rows.
     */
    public List<SmallFileReportRow> rows(Collection<TableReference> tables, SmallFilePolicy policy)
    {
        requireNonNull(policy, "policy is null");
        ImmutableList.Builder<SmallFileReportRow> rows = ImmutableList.builder();
        for (Listing listing : list(tables, false)) {
            // a table that cannot be read was logged; the report shows the rest of the lake
            if (listing instanceof ListedTable table) {
                rows.addAll(rows(table.files(), policy));
            }
        }
        return rows.build();
    }

    /**
     * The files of the given tables, in order, and with {@code icebergFigures} what an Iceberg table's metadata says
     * of its health; a table that cannot be read is listed as such, with why. Views, Dredge's own tables and tables
     * that vanished meanwhile are left out.
     */
    public List<Listing> list(Collection<TableReference> tables, boolean icebergFigures)
    {
        List<CompletableFuture<Listing>> files = new ArrayList<>();
        for (TableReference table : tables) {
            metastore.getTable(table)
                    // Dredge's staging and backup tables hold copies, not data to maintain
                    .filter(descriptor -> !descriptor.view() && descriptor.dredgeRole().isEmpty())
                    .ifPresent(descriptor -> files.add(loadFiles(descriptor, icebergFigures)));
        }
        return files.stream()
                .map(CompletableFuture::join)
                .collect(toImmutableList());
    }

    public static List<SmallFileReportRow> rows(TableFiles files, SmallFilePolicy policy)
    {
        ImmutableList.Builder<SmallFileReportRow> rows = ImmutableList.builder();
        rows.add(new SmallFileReportRow(files.table(), Optional.empty(), files.tableType(), files.fileFormat(), tableStatistics(files, policy)));
        if (files.partitioned()) {
            for (PartitionFiles partition : files.partitions()) {
                rows.add(new SmallFileReportRow(files.table(), partition.partitionName(), files.tableType(), partition.fileFormat().orElse(files.fileFormat()), FileGroupStatistics.of(partition.files(), policy)));
            }
        }
        return rows.build();
    }

    /**
     * The figures of the report's table row: a partitioned table's ideal file count is its partitions' sum.
     */
    public static FileGroupStatistics tableStatistics(TableFiles files, SmallFilePolicy policy)
    {
        return files.partitioned()
                ? FileGroupStatistics.ofPartitions(files.partitions().stream().map(PartitionFiles::files).collect(toImmutableList()), policy)
                : FileGroupStatistics.of(files.allFiles(), policy);
    }

    private CompletableFuture<Listing> loadFiles(TableDescriptor table, boolean icebergFigures)
    {
        CompletableFuture<ListedTable> files;
        if (table.tableType() == TableType.ICEBERG) {
            files = supplyAsync(() -> {
                IcebergTableMetadata metadata = IcebergTableMetadata.read(fileStore, table);
                return new ListedTable(IcebergTableFiles.read(table, metadata), icebergFigures ? Optional.of(metadata.figures()) : Optional.empty(), Optional.of(metadata.identity()));
            }, listingExecutor);
        }
        else if (table.partitioned()) {
            files = loadPartitions(table).thenApply(ListedTable::hive);
        }
        else {
            String location = table.location().orElseThrow(() -> new IllegalStateException("table %s has no location".formatted(table.table())));
            files = supplyAsync(() -> new PartitionFiles(Optional.empty(), HiveTableFiles.listDataFiles(fileStore, location)), listingExecutor)
                    .thenApply(partition -> ListedTable.hive(hiveTableFiles(table, List.of(partition))));
        }
        return files.handle((result, failure) -> {
            if (failure != null) {
                // one unreadable table must not hide the rest of the lake
                log.warn("cannot read {}: {}", table.table(), rootCause(failure).toString());
                return new UnreadableTable(table.table(), table.tableType(), String.valueOf(rootCause(failure).getMessage()));
            }
            return result;
        });
    }

    /**
     * Partitions are fetched from the metastore in batches, each batch on the executor, and each partition is
     * listed as soon as its batch arrives: metastore reads and listings overlap instead of running in turn.
     */
    private CompletableFuture<TableFiles> loadPartitions(TableDescriptor table)
    {
        List<String> names;
        MetastoreReader.PartitionReader reader;
        try {
            names = metastore.getPartitionNames(table);
            reader = names.isEmpty() ? ignored -> List.of() : metastore.partitionReader(table.table());
        }
        catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        List<CompletableFuture<List<PartitionFiles>>> batches = Lists.partition(names, MetastoreReader.PARTITION_BATCH_SIZE).stream()
                .map(batch -> supplyAsync(() -> reader.getPartitions(batch), metastoreExecutor)
                        .thenCompose(this::listPartitions))
                .collect(toImmutableList());
        return CompletableFuture.allOf(batches.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> hiveTableFiles(table, batches.stream()
                        .flatMap(batch -> batch.join().stream())
                        .collect(toImmutableList())));
    }

    private CompletableFuture<List<PartitionFiles>> listPartitions(List<PartitionDescriptor> partitions)
    {
        List<CompletableFuture<PartitionFiles>> listings = partitions.stream()
                .map(partition -> supplyAsync(
                        () -> new PartitionFiles(Optional.of(partition.name()), HiveTableFiles.listDataFiles(fileStore, partition.location()), Optional.of(partition.storageFormat())),
                        listingExecutor))
                .collect(toImmutableList());
        return CompletableFuture.allOf(listings.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> listings.stream().map(CompletableFuture::join).collect(toImmutableList()));
    }

    private static TableFiles hiveTableFiles(TableDescriptor table, List<PartitionFiles> partitions)
    {
        return new TableFiles(table.table(), TableType.HIVE, table.storageFormat(), table.partitioned(), partitions);
    }

    private static Throwable rootCause(Throwable failure)
    {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * What listing a table found: its files, or why it could not be read.
     */
    public sealed interface Listing
            permits ListedTable, UnreadableTable
    {
        TableReference table();

        TableType tableType();
    }

    /**
     * A table's files as listed now, with what its Iceberg metadata says of its health when asked.
     *
     * @param identity what identifies the table across renames, as {@code TableIdentity} records it (an Iceberg
     * table's UUID; nothing for a Hive table)
     */
    public record ListedTable(TableFiles files, Optional<IcebergFigures> icebergFigures, Optional<String> identity)
            implements Listing
    {
        public ListedTable
        {
            requireNonNull(files, "files is null");
            requireNonNull(icebergFigures, "icebergFigures is null");
            requireNonNull(identity, "identity is null");
        }

        static ListedTable hive(TableFiles files)
        {
            return new ListedTable(files, Optional.empty(), Optional.empty());
        }

        @Override
        public TableReference table()
        {
            return files.table();
        }

        @Override
        public TableType tableType()
        {
            return files.tableType();
        }
    }

    /**
     * A table whose metadata, listing or partitions could not be read, and the error.
     */
    public record UnreadableTable(TableReference table, TableType tableType, String error)
            implements Listing
    {
        public UnreadableTable
        {
            requireNonNull(table, "table is null");
            requireNonNull(tableType, "tableType is null");
            requireNonNull(error, "error is null");
        }
    }
}
