package io.dredge.core.changes;

import com.google.common.collect.ImmutableList;
import io.dredge.core.DredgeException;
import io.dredge.core.model.Locations;
import io.dredge.core.model.PartitionDescriptor;
import io.dredge.core.model.StoredFile;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableFile;
import io.dredge.core.port.FileStore;
import io.dredge.core.port.MetastoreReader;
import io.dredge.core.report.HiveTableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

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
    private static final int LISTING_THREADS = 8;

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
     * Lists the table's partitions and their data files now, as the engines read them (files directly in each
     * partition's location, hidden ones left out), several partitions at once.
     */
    public static HiveCheckpoint take(MetastoreReader metastore, FileStore fileStore, TableDescriptor table, Instant now)
    {
        String id = HiveCheckpoint.newId(now);
        String identity = HiveChanges.identity(table);
        if (!table.partitioned()) {
            String location = table.location().orElseThrow(() -> new IllegalStateException("table %s has no location".formatted(table.table())));
            return new HiveCheckpoint(id, table.table(), identity, now, List.of(new HiveCheckpoint.Partition("", location, dataFiles(fileStore, location))));
        }
        List<PartitionDescriptor> partitions = metastore.getPartitionsInBatches(table.table(), metastore.getPartitionNames(table));
        ExecutorService executor = Executors.newFixedThreadPool(LISTING_THREADS);
        try {
            List<CompletableFuture<HiveCheckpoint.Partition>> listed = partitions.stream()
                    .map(partition -> CompletableFuture.supplyAsync(() -> new HiveCheckpoint.Partition(partition.name(), partition.location(), dataFiles(fileStore, partition.location())), executor))
                    .collect(ImmutableList.toImmutableList());
            return new HiveCheckpoint(id, table.table(), identity, now, listed.stream().map(CompletableFuture::join).collect(ImmutableList.toImmutableList()));
        }
        finally {
            executor.shutdownNow();
        }
    }

    public static List<StoredFile> dataFiles(FileStore fileStore, String location)
    {
        try {
            return fileStore.listStoredFiles(location).stream()
                    .filter(file -> HiveTableFiles.isDataFile(location, file.path()))
                    .collect(ImmutableList.toImmutableList());
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to list " + location, e);
        }
    }

    public void save(HiveCheckpoint checkpoint)
    {
        try {
            fileStore.writeFile(path(checkpoint.id()), checkpoint.encode());
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to keep checkpoint " + checkpoint.id(), e);
        }
        removeExpired(checkpoint.takenAt());
    }

    public HiveCheckpoint load(String id)
    {
        byte[] content;
        try {
            content = fileStore.readFile(path(id)).orElseThrow(() -> new DredgeException(INVALID_ARGUMENT,
                    "the checkpoint %s that the resume token names is no longer kept (Dredge keeps them %s days): start from a time instead".formatted(id, RETENTION.toDays())));
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to read checkpoint " + id, e);
        }
        return HiveCheckpoint.decode(content);
    }

    private void removeExpired(Instant now)
    {
        List<TableFile> kept;
        try {
            kept = fileStore.listFilesRecursively(directory).stream()
                    .filter(file -> file.name().endsWith(SUFFIX) && HiveCheckpoint.isId(id(file)))
                    .sorted((first, second) -> id(second).compareTo(id(first)))
                    .collect(ImmutableList.toImmutableList());
        }
        catch (IOException e) {
            log.warn("cannot list the checkpoints in {} to remove the expired ones: {}", directory, e.toString());
            return;
        }
        String oldestKept = HiveCheckpoint.newId(now.minus(RETENTION));
        for (TableFile file : kept.subList(Math.min(KEPT_AT_LEAST, kept.size()), kept.size())) {
            if (id(file).compareTo(oldestKept) < 0) {
                try {
                    fileStore.deleteFile(file.path());
                }
                catch (IOException e) {
                    log.warn("cannot remove expired checkpoint {}: {}", file.path(), e.toString());
                }
            }
        }
    }

    private static String id(TableFile file)
    {
        return file.name().substring(0, file.name().length() - SUFFIX.length());
    }

    private String path(String id)
    {
        return Locations.child(directory, id + SUFFIX);
    }
}
