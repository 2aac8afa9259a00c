package io.dredge.core.changes;

import com.google.common.base.Throwables;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import com.google.common.collect.Lists;
import io.dredge.core.DredgeException;
import io.dredge.core.model.Locations;
import io.dredge.core.model.PartitionDescriptor;
import io.dredge.core.model.StoredFile;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.port.FileStore;
import io.dredge.core.port.MetastoreReader;
import io.dredge.core.report.HiveTableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

/**
 * Where Dredge keeps the {@link HiveCheckpoint}s of {@code changed_partitions}: beside the journal, in
 * {@code <schema location>/.dredge/changes/<table>/<id>.json.gz}, never in the table's own directory. A checkpoint is
 * kept for {@link #RETENTION}, and the newest {@link #KEPT_AT_LEAST} of a table always: a token that names one no
 * longer kept is refused with the reason.
 */
public final class HiveCheckpoints
{
    private static final Logger log = LoggerFactory.getLogger(HiveCheckpoints.class);
    public static final Duration RETENTION = Duration.ofDays(30);
    static final int KEPT_AT_LEAST = 3;
    private static final String SUFFIX = ".json.gz";
    private static final String USED_SUFFIX = ".used";
    /**
     * Listings of the partitions that a compaction moved while they were listed, at most.
     */
    private static final int RELISTINGS = 3;
    private static final int LISTING_THREADS = 8;
    // as many metastore calls at once as the report makes by default (dredge.metastore-concurrency)
    private static final int METASTORE_THREADS = 4;

    private final FileStore fileStore;
    private final String directory;

    public HiveCheckpoints(FileStore fileStore, String directory)
    {
        this.fileStore = requireNonNull(fileStore, "fileStore is null");
        this.directory = requireNonNull(directory, "directory is null");
    }

    public static String directory(MetastoreReader metastore, TableDescriptor table)
    {
        String schemaLocation = metastore.getSchemaLocation(table.table().schemaName())
                .orElseThrow(() -> new DredgeException(INVALID_ARGUMENT, "schema %s has no location to keep the checkpoints of changed_partitions in".formatted(table.table().schemaName())));
        return Locations.child(Locations.child(Locations.child(schemaLocation, ".dredge"), "changes"), table.table().tableName());
    }

    public String directory()
    {
        return directory;
    }

    /**
     * Lists the table's partitions and their data files now, as the engines may read them: every visible file in
     * each partition's location, including its subdirectories (Hive reads some, as a {@code UNION ALL} on Tez writes
     * them), but not another partition's files nested there; several partitions at once. A partition that a
     * compaction swaps while it is listed is listed again where it points after.
     * <p>
     * Only the partitions whose names {@code filter} takes are read from the metastore and listed. A partition of
     * another nested in one of them is then not told apart: its files count as the outer one's.
     */
    public static HiveCheckpoint take(MetastoreReader metastore, FileStore fileStore, TableDescriptor table, String id, Instant now, Predicate<String> filter)
    {
        String identity = HiveChanges.identity(table);
        if (!table.partitioned()) {
            String location = table.location().orElseThrow(() -> new IllegalStateException("table %s has no location".formatted(table.table())));
            List<HiveCheckpoint.Partition> partitions = filter.test("") ? List.of(new HiveCheckpoint.Partition("", location, dataFiles(fileStore, location, Set.of()))) : List.of();
            return new HiveCheckpoint(id, table.table(), identity, now, partitions);
        }
        List<String> names = metastore.getPartitionNames(table).stream().filter(filter).collect(ImmutableList.toImmutableList());
        ExecutorService executor = Executors.newFixedThreadPool(LISTING_THREADS);
        ExecutorService metastoreExecutor = Executors.newFixedThreadPool(METASTORE_THREADS);
        try {
            Map<String, String> pending = locations(metastore, table, names, metastoreExecutor);
            Set<String> partitionPaths = pending.values().stream().map(Locations::comparablePath).collect(ImmutableSet.toImmutableSet());
            Map<String, HiveCheckpoint.Partition> listed = new HashMap<>();
            for (int attempt = 0; attempt < RELISTINGS && !pending.isEmpty(); attempt++) {
                Map<String, CompletableFuture<HiveCheckpoint.Partition>> listings = new HashMap<>();
                pending.forEach((name, location) -> listings.put(name, CompletableFuture.supplyAsync(() -> new HiveCheckpoint.Partition(name, location, dataFiles(fileStore, location, partitionPaths)), executor)));
                listings.forEach((name, listing) -> listed.put(name, listing.join()));
                // where the metastore points now: a partition moved meanwhile is listed again, one dropped is left out
                Map<String, String> after = locations(metastore, table, ImmutableList.copyOf(pending.keySet()), metastoreExecutor);
                Map<String, String> moved = new LinkedHashMap<>();
                for (String name : pending.keySet()) {
                    if (!after.containsKey(name)) {
                        listed.remove(name);
                    }
                    else if (!Locations.samePath(after.get(name), listed.get(name).location())) {
                        moved.put(name, after.get(name));
                    }
                }
                pending = moved;
            }
            List<HiveCheckpoint.Partition> partitions = names.stream().filter(listed::containsKey).map(listed::get).collect(ImmutableList.toImmutableList());
            return new HiveCheckpoint(id, table.table(), identity, now, partitions);
        }
        finally {
            executor.shutdownNow();
            metastoreExecutor.shutdownNow();
        }
    }

    /**
     * Where the metastore points the named partitions, read in batches a few at a time as the report reads them: one
     * batch after another, a table of 10,000 partitions spent most of an answer waiting on the metastore.
     */
    private static Map<String, String> locations(MetastoreReader metastore, TableDescriptor table, List<String> names, ExecutorService executor)
    {
        Map<String, String> locations = new LinkedHashMap<>();
        if (names.isEmpty()) {
            return locations;
        }
        MetastoreReader.PartitionReader reader = metastore.partitionReader(table.table());
        List<CompletableFuture<List<PartitionDescriptor>>> batches = Lists.partition(names, MetastoreReader.PARTITION_BATCH_SIZE).stream()
                .map(batch -> CompletableFuture.supplyAsync(() -> reader.getPartitions(batch), executor))
                .collect(ImmutableList.toImmutableList());
        for (CompletableFuture<List<PartitionDescriptor>> batch : batches) {
            try {
                batch.join().forEach(partition -> locations.put(partition.name(), partition.location()));
            }
            catch (CompletionException e) {
                Throwables.throwIfUnchecked(e.getCause());
                throw e;
            }
        }
        return locations;
    }

    /**
     * The visible files below {@code location}, leaving out those below any of {@code partitionPaths} other than
     * {@code location} itself (another partition nested there).
     */
    public static List<StoredFile> dataFiles(FileStore fileStore, String location, Set<String> partitionPaths)
    {
        String own = Locations.comparablePath(location);
        try {
            return fileStore.listStoredFiles(location).stream()
                    .filter(file -> HiveTableFiles.isVisibleFile(location, file.path()))
                    .filter(file -> !belowAnother(Locations.comparablePath(file.path()), own, partitionPaths))
                    // as a checkpoint keeps them: file systems tell times finer than others (a local disk in nanoseconds)
                    .map(file -> new StoredFile(file.path(), file.sizeBytes(), file.lastModified().truncatedTo(ChronoUnit.MILLIS)))
                    .collect(ImmutableList.toImmutableList());
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to list " + location, e);
        }
    }

    private static boolean belowAnother(String path, String own, Set<String> partitionPaths)
    {
        for (String directory = parent(path); directory.length() > own.length(); directory = parent(directory)) {
            if (partitionPaths.contains(directory)) {
                return true;
            }
        }
        return false;
    }

    private static String parent(String path)
    {
        return path.substring(0, Math.max(0, path.lastIndexOf('/')));
    }

    public void save(HiveCheckpoint checkpoint, Optional<String> inUse)
    {
        try {
            fileStore.writeFile(path(checkpoint.id()), checkpoint.encode());
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to keep checkpoint " + checkpoint.id(), e);
        }
        removeExpired(checkpoint.takenAt(), inUse);
    }

    /**
     * Reads the checkpoint {@code id}; when {@code use}, marks it used now, so that it is kept for another
     * {@link #RETENTION}: a token that answers nothing new is passed again, and stays good as long as it is used.
     */
    public HiveCheckpoint load(String id, boolean use)
    {
        HiveCheckpoint checkpoint = find(id).orElseThrow(() -> new DredgeException(INVALID_ARGUMENT,
                "the checkpoint %s that the resume token names is no longer kept (Dredge keeps one %s days after its last use): start from a time instead".formatted(id, RETENTION.toDays())));
        if (use) {
            try {
                fileStore.writeFile(Locations.child(directory, id + USED_SUFFIX), new byte[0]);
            }
            catch (IOException e) {
                throw new UncheckedIOException("failed to mark checkpoint %s used".formatted(id), e);
            }
        }
        return checkpoint;
    }

    /**
     * The checkpoint {@code id}, if it is kept.
     */
    public Optional<HiveCheckpoint> find(String id)
    {
        try {
            return fileStore.readFile(path(id)).map(HiveCheckpoint::decode);
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to read checkpoint " + id, e);
        }
    }

    private void removeExpired(Instant now, Optional<String> inUse)
    {
        List<StoredFile> files;
        try {
            files = fileStore.listStoredFiles(directory);
        }
        catch (IOException e) {
            log.warn("cannot list the checkpoints in {} to remove the expired ones: {}", directory, e.toString());
            return;
        }
        Map<String, Instant> lastUsed = new HashMap<>();
        for (StoredFile file : files) {
            String name = Locations.name(file.path());
            if (name.endsWith(USED_SUFFIX)) {
                lastUsed.put(name.substring(0, name.length() - USED_SUFFIX.length()), file.lastModified());
            }
        }
        List<String> ids = files.stream()
                .map(file -> Locations.name(file.path()))
                .filter(name -> name.endsWith(SUFFIX))
                .map(name -> name.substring(0, name.length() - SUFFIX.length()))
                .filter(HiveCheckpoint::isId)
                .sorted(Comparator.reverseOrder())
                .collect(ImmutableList.toImmutableList());
        String oldestKept = HiveCheckpoint.newId(now.minus(RETENTION));
        Instant cutoff = now.minus(RETENTION);
        for (String id : ids.subList(Math.min(KEPT_AT_LEAST, ids.size()), ids.size())) {
            boolean used = lastUsed.containsKey(id) && lastUsed.get(id).isAfter(cutoff);
            if (id.compareTo(oldestKept) < 0 && !used && !inUse.equals(Optional.of(id))) {
                try {
                    fileStore.deleteFile(path(id));
                    fileStore.deleteFile(Locations.child(directory, id + USED_SUFFIX));
                }
                catch (IOException e) {
                    log.warn("cannot remove expired checkpoint {}: {}", id, e.toString());
                }
            }
        }
    }

    private String path(String id)
    {
        return Locations.child(directory, id + SUFFIX);
    }
}
