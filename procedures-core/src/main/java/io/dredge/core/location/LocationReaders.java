package io.dredge.core.location;

import com.google.common.base.Stopwatch;
import com.google.common.collect.ImmutableList;
import io.dredge.core.model.Locations;
import io.dredge.core.model.PartitionDescriptor;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.port.MetastoreReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static com.google.common.base.Throwables.throwIfUnchecked;
import static com.google.common.collect.ImmutableList.toImmutableList;
import static java.util.Objects.requireNonNull;
import static java.util.concurrent.TimeUnit.MILLISECONDS;

/**
 * Who reads which place of the lake: every table's location and every partition's, as the metastore says now. A
 * location is not a table: external tables share directories, a partition can point at another table's directory,
 * a table can live inside another's. An operation that deletes, moves or writes files where another table could
 * read them asks this first.
 *
 * <p>One scan reads every table of every schema and every partition of every partitioned table: the metastore can
 * only be asked by table, never by location. An operation scans once per call, only when it has something to
 * change, and asks as often as it needs.
 */
public final class LocationReaders
{
    private static final Logger log = LoggerFactory.getLogger(LocationReaders.class);
    static final int SCAN_CONCURRENCY = 8;

    /**
     * A table (its own location) or one of its partitions, and the location it reads.
     */
    public record Reader(TableReference table, Optional<String> partitionName, String location)
    {
        public Reader
        {
            requireNonNull(table, "table is null");
            requireNonNull(partitionName, "partitionName is null");
            requireNonNull(location, "location is null");
        }

        public String displayName()
        {
            return partitionName.map(name -> "%s partition %s".formatted(table, name)).orElse(table.toString());
        }
    }

    private final List<Reader> readers;

    public LocationReaders(List<Reader> readers)
    {
        this.readers = ImmutableList.copyOf(requireNonNull(readers, "readers is null"));
    }

    /**
     * Every table and partition location of the metastore. Views have none; a table dropped while the scan runs
     * is left out. Tables are read {@link #SCAN_CONCURRENCY} at a time on {@code executor}: a metastore answers
     * each call in milliseconds, and a lake has thousands of tables.
     */
    public static LocationReaders scan(MetastoreReader metastore, Executor executor)
    {
        Stopwatch stopwatch = Stopwatch.createStarted();
        List<TableReference> tables = metastore.listSchemas().stream()
                .flatMap(schema -> metastore.listTables(schema).stream().map(name -> new TableReference(schema, name)))
                .collect(toImmutableList());
        // the metastore's client may load classes through the caller's (plugin) class loader
        ClassLoader classLoader = Thread.currentThread().getContextClassLoader();
        List<CompletableFuture<List<Reader>>> slices = new ArrayList<>();
        int sliceCount = Math.max(1, Math.min(SCAN_CONCURRENCY, tables.size()));
        for (int slice = 0; slice < sliceCount; slice++) {
            int first = slice;
            slices.add(CompletableFuture.supplyAsync(() -> {
                Thread thread = Thread.currentThread();
                ClassLoader previous = thread.getContextClassLoader();
                thread.setContextClassLoader(classLoader);
                try {
                    ImmutableList.Builder<Reader> readers = ImmutableList.builder();
                    for (int index = first; index < tables.size(); index += sliceCount) {
                        readers.addAll(readersOf(metastore, tables.get(index)));
                    }
                    return readers.build();
                }
                finally {
                    thread.setContextClassLoader(previous);
                }
            }, executor));
        }
        ImmutableList.Builder<Reader> readers = ImmutableList.builder();
        for (CompletableFuture<List<Reader>> slice : slices) {
            try {
                readers.addAll(slice.join());
            }
            catch (CompletionException e) {
                throwIfUnchecked(e.getCause());
                throw new IllegalStateException(e.getCause());
            }
        }
        LocationReaders scanned = new LocationReaders(readers.build());
        log.info("read the locations of {} tables and {} partitions in {} ms", tables.size(), scanned.readers.size() - tables.size(), stopwatch.elapsed(MILLISECONDS));
        return scanned;
    }

    private static List<Reader> readersOf(MetastoreReader metastore, TableReference reference)
    {
        Optional<TableDescriptor> table = metastore.getTable(reference);
        if (table.isEmpty() || table.get().view()) {
            return List.of();
        }
        TableDescriptor descriptor = table.get();
        ImmutableList.Builder<Reader> readers = ImmutableList.builder();
        descriptor.location().ifPresent(location -> readers.add(new Reader(descriptor.table(), Optional.empty(), location)));
        if (descriptor.partitioned()) {
            for (PartitionDescriptor partition : metastore.getPartitionsInBatches(descriptor.table(), metastore.getPartitionNames(descriptor))) {
                readers.add(new Reader(descriptor.table(), Optional.of(partition.name()), partition.location()));
            }
        }
        return readers.build();
    }

    /**
     * The tables and partitions that read {@code location} itself or a directory inside it: what deleting,
     * moving or renaming that directory, or writing into it, would change.
     */
    public List<Reader> atOrBelow(String location)
    {
        return matching(reader -> Locations.samePath(location, reader.location()) || Locations.isBelow(location, reader.location()));
    }

    /**
     * The tables and partitions whose location is {@code location} or holds it: those that would lose what is
     * written there when they are dropped, and whose orphan files it would look like.
     */
    public List<Reader> atOrAbove(String location)
    {
        return matching(reader -> Locations.samePath(location, reader.location()) || Locations.isBelow(reader.location(), location));
    }

    /**
     * The tables and partitions whose location is {@code location}, lies inside it, or holds it: where data written
     * to {@code location} would be another table's, or go with it when that table is dropped.
     */
    public List<Reader> overlapping(String location)
    {
        return matching(reader -> Locations.samePath(location, reader.location())
                || Locations.isBelow(location, reader.location())
                || Locations.isBelow(reader.location(), location));
    }

    private List<Reader> matching(Predicate<Reader> predicate)
    {
        return readers.stream()
                .filter(predicate)
                .sorted(Comparator.comparing(Reader::displayName))
                .collect(toImmutableList());
    }

    /**
     * The first few readers by name, and how many more: for messages.
     */
    public static String describe(List<Reader> readers)
    {
        int shown = Math.min(3, readers.size());
        String names = readers.subList(0, shown).stream().map(Reader::displayName).collect(Collectors.joining(", "));
        return readers.size() == shown ? names : "%s and %s more".formatted(names, readers.size() - shown);
    }
}
