package io.dredge.core.journal;

import com.google.common.collect.ImmutableList;
import io.dredge.core.model.Locations;
import io.dredge.core.model.TableFile;
import io.dredge.core.model.TableReference;
import io.dredge.core.port.FileStore;
import io.dredge.core.port.MetastoreReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static java.util.Objects.requireNonNull;

/**
 * The operations journal: one JSON file per operation, rewritten at every protocol step, on the lake's own file
 * system so that it survives coordinator restarts and both engines read the same records.
 *
 * <p>It lives under {@code journalRoot} when one is configured, else in a hidden {@code .dredge/operations}
 * directory of each schema's location. Beside the record of each operation that is {@code RUNNING} lies an empty
 * {@code <id>.running} marker, so that finding the unfinished operations of a table, which every operation does
 * before it starts, reads those records only, however long the journal's history.
 */
public final class OperationJournal
{
    private static final Logger log = LoggerFactory.getLogger(OperationJournal.class);
    private static final String SCHEMA_JOURNAL_DIRECTORY = ".dredge/operations";
    private static final String SUFFIX = ".json";
    private static final String RUNNING_SUFFIX = ".running";
    // not SUFFIX: the listing of records skips it
    private static final String FILES_SUFFIX = ".files";
    // present once every RUNNING record of the directory has its marker (journals written before markers had none)
    private static final String MARKERS_COMPLETE = "running-markers";

    private final FileStore fileStore;
    private final MetastoreReader metastore;
    private final Optional<String> journalRoot;
    // a schema's location does not change within one call, and a journal lives for one call: ask the metastore once
    private final Map<String, String> schemaDirectories = new ConcurrentHashMap<>();
    private final Set<String> markedRunning = ConcurrentHashMap.newKeySet();

    public OperationJournal(FileStore fileStore, MetastoreReader metastore, Optional<String> journalRoot)
    {
        this.fileStore = requireNonNull(fileStore, "fileStore is null");
        this.metastore = requireNonNull(metastore, "metastore is null");
        this.journalRoot = requireNonNull(journalRoot, "journalRoot is null").map(Locations::withoutTrailingSlash).map(this::ofThisCatalog);
    }

    public void save(OperationRecord record)
    {
        String directory = directory(record.table().schemaName());
        String path = Locations.child(directory, record.id() + SUFFIX);
        String marker = Locations.child(directory, record.id() + RUNNING_SUFFIX);
        try {
            // the marker is made before the record says RUNNING and removed after it says anything else: a crash in
            // between leaves a marker whose record tells what happened
            if (record.state() == OperationState.RUNNING && markedRunning.add(record.id())) {
                fileStore.writeFile(marker, new byte[0]);
            }
            fileStore.writeFile(path, OperationRecordCodec.toJson(record));
            if (record.state() != OperationState.RUNNING) {
                fileStore.deleteFile(marker);
                markedRunning.remove(record.id());
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to write journal record " + path, e);
        }
    }

    /**
     * The files an operation listed, removed or would remove, beside its record; replaces an earlier list.
     */
    public void saveFiles(OperationRecord record, List<OperationFile> files)
    {
        String path = Locations.child(directory(record.table().schemaName()), record.id() + FILES_SUFFIX);
        try {
            fileStore.writeFile(path, OperationRecordCodec.filesToJson(files));
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to write the file list of operation %s to %s".formatted(record.id(), path), e);
        }
    }

    /**
     * The files {@link #saveFiles} recorded for the operation; none for an operation that lists no files.
     */
    public List<OperationFile> files(OperationRecord record)
    {
        String path = Locations.child(directory(record.table().schemaName()), record.id() + FILES_SUFFIX);
        try {
            return fileStore.readFile(path).map(OperationRecordCodec::filesFromJson).orElse(List.of());
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to read the file list of operation %s from %s".formatted(record.id(), path), e);
        }
    }

    /**
     * The operations on the table that are {@code RUNNING} (in progress, or interrupted by a crash), oldest first.
     */
    public List<OperationRecord> listRunning(TableReference table)
    {
        String directory = directory(table.schemaName());
        List<TableFile> files = listFiles(directory);
        if (files.stream().noneMatch(file -> file.path().endsWith("/" + MARKERS_COMPLETE))) {
            files = addMissingMarkers(directory);
        }
        return files.stream()
                .map(TableFile::path)
                .filter(path -> path.endsWith(RUNNING_SUFFIX))
                .sorted()
                .map(marker -> readRecord(marker.substring(0, marker.length() - RUNNING_SUFFIX.length()) + SUFFIX))
                .flatMap(Optional::stream)
                .filter(record -> record.state() == OperationState.RUNNING && record.table().equals(table))
                .collect(toImmutableList());
    }

    /**
     * Every operation on tables of the schema, oldest first.
     */
    public List<OperationRecord> list(String schemaName)
    {
        return read(directory(schemaName)).stream()
                .filter(record -> record.table().schemaName().equals(schemaName))
                .collect(toImmutableList());
    }

    public List<OperationRecord> list(TableReference table)
    {
        return list(table.schemaName()).stream()
                .filter(record -> record.table().equals(table))
                .collect(toImmutableList());
    }

    /**
     * Every operation in the lake, oldest first.
     */
    public List<OperationRecord> listAll()
    {
        if (journalRoot.isPresent()) {
            return read(journalRoot.get());
        }
        // a schema without a location has no journal (its operations are refused, naming dredge.journal-location)
        return metastore.listSchemas().stream()
                .filter(schema -> schemaDirectories.containsKey(schema) || metastore.getSchemaLocation(schema).isPresent())
                .flatMap(schema -> list(schema).stream())
                .sorted(Comparator.comparing(OperationRecord::id))
                .collect(toImmutableList());
    }

    public Optional<OperationRecord> find(String schemaName, String operationId)
    {
        return readRecord(Locations.child(directory(schemaName), operationId + SUFFIX))
                .filter(record -> record.table().schemaName().equals(schemaName));
    }

    private String directory(String schemaName)
    {
        if (journalRoot.isPresent()) {
            return journalRoot.get();
        }
        return schemaDirectories.computeIfAbsent(schemaName, schema -> {
            String schemaLocation = metastore.getSchemaLocation(schema)
                    .orElseThrow(() -> new IllegalStateException(
                            "schema %s has no location to keep Dredge's journal in: set dredge.journal-location".formatted(schema)));
            return ofThisCatalog(Locations.child(schemaLocation, SCHEMA_JOURNAL_DIRECTORY));
        });
    }

    private List<OperationRecord> read(String directory)
    {
        ImmutableList.Builder<OperationRecord> records = ImmutableList.builder();
        listFiles(directory).stream()
                .map(TableFile::path)
                .filter(path -> path.endsWith(SUFFIX))
                .sorted()
                .forEach(path -> readRecord(path).ifPresent(records::add));
        return records.build();
    }

    /**
     * Once per journal directory: a marker for every RUNNING record written before markers existed (an operation
     * that an upgrade's restart interrupted, say), so that no unfinished operation is overlooked.
     */
    private List<TableFile> addMissingMarkers(String directory)
    {
        try {
            for (OperationRecord record : read(directory)) {
                if (record.state() == OperationState.RUNNING) {
                    fileStore.writeFile(Locations.child(directory, record.id() + RUNNING_SUFFIX), new byte[0]);
                }
            }
            fileStore.writeFile(Locations.child(directory, MARKERS_COMPLETE), new byte[0]);
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to mark running operations in journal " + directory, e);
        }
        return listFiles(directory);
    }

    private String ofThisCatalog(String directory)
    {
        return metastore.journalSubdirectory().map(subdirectory -> Locations.child(directory, subdirectory)).orElse(directory);
    }

    /**
     * The files directly in the directory: other catalogs' journals lie below it.
     */
    private List<TableFile> listFiles(String directory)
    {
        // compared by path: a listing may spell the file system's scheme otherwise than the directory
        String directoryPath = Locations.comparablePath(directory);
        try {
            return fileStore.listFilesRecursively(directory).stream()
                    .filter(file -> {
                        String path = Locations.pathPart(file.path());
                        return path.startsWith(directoryPath + "/") && path.indexOf('/', directoryPath.length() + 1) < 0;
                    })
                    .collect(toImmutableList());
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to list journal " + directory, e);
        }
    }

    private Optional<OperationRecord> readRecord(String path)
    {
        try {
            return fileStore.readFile(path).map(OperationRecordCodec::fromJson);
        }
        catch (IOException | IllegalArgumentException e) {
            // a damaged record must not hide every other operation
            log.warn("ignoring unreadable journal record {}: {}", path, e.toString());
            return Optional.empty();
        }
    }
}
