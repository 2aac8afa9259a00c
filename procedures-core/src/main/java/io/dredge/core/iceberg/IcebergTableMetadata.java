package io.dredge.core.iceberg;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableFile;
import io.dredge.core.port.FileStore;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.HistoryEntry;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.PartitionStatisticsFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StaticTableOperations;
import org.apache.iceberg.StatisticsFile;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.apache.iceberg.util.ByteBuffers;
import org.apache.iceberg.util.DateTimeUtil;
import org.apache.iceberg.util.PropertyUtil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.collect.ImmutableMap.toImmutableMap;
import static java.util.Objects.requireNonNull;

/**
 * One version of an Iceberg table's metadata, read with iceberg-core through the {@link FileStore} port: the table's
 * identity, its snapshots and their lineage, and the files a snapshot holds or changed, by partition. Partitions are
 * named as iceberg-core's {@link PartitionSpec#partitionToPath} names them, which is also the value of the engine's
 * {@code "$partition"} column.
 */
public final class IcebergTableMetadata
{
    private static final String IDENTITY_PREFIX = "iceberg-uuid:";
    private static final String DEFAULT_FILE_FORMAT_PROPERTY = "write.format.default";

    private final FileIO io;
    private final TableMetadata metadata;

    private IcebergTableMetadata(FileIO io, TableMetadata metadata)
    {
        this.io = requireNonNull(io, "io is null");
        this.metadata = requireNonNull(metadata, "metadata is null");
    }

    /**
     * The metadata version the metastore points the table at now.
     */
    public static IcebergTableMetadata read(FileStore fileStore, TableDescriptor table)
    {
        String metadataLocation = table.icebergMetadataLocation()
                .orElseThrow(() -> new IllegalArgumentException("Iceberg table %s has no metadata location".formatted(table.table())));
        FileIO io = new FileStoreFileIo(fileStore);
        return new IcebergTableMetadata(io, TableMetadataParser.read(io, metadataLocation));
    }

    /**
     * One metadata version, by its file: it never changes once written, so a reader of it sees the table as that
     * version had it, whatever commits come after.
     */
    public static IcebergTableMetadata read(FileStore fileStore, String metadataLocation)
    {
        FileIO io = new FileStoreFileIo(fileStore);
        return new IcebergTableMetadata(io, TableMetadataParser.read(io, metadataLocation));
    }

    public String metadataLocation()
    {
        return metadata.metadataFileLocation();
    }

    /**
     * The table's UUID, which stays through renames and differs for a table dropped and created again.
     */
    public String identity()
    {
        return IDENTITY_PREFIX + metadata.uuid();
    }

    public String fileFormat()
    {
        return metadata.properties().getOrDefault(DEFAULT_FILE_FORMAT_PROPERTY, "parquet").toUpperCase(Locale.ROOT);
    }

    /**
     * Whether Iceberg may delete the table's files ({@code gc.enabled}, true unless set): false where files may be
     * shared with other tables.
     */
    public boolean gcEnabled()
    {
        return PropertyUtil.propertyAsBoolean(metadata.properties(), TableProperties.GC_ENABLED, TableProperties.GC_ENABLED_DEFAULT);
    }

    /**
     * When the snapshot was committed, if the table still has it.
     */
    public Optional<Instant> committedAt(long snapshotId)
    {
        return Optional.ofNullable(metadata.snapshot(snapshotId)).map(snapshot -> Instant.ofEpochMilli(snapshot.timestampMillis()));
    }

    /**
     * Every snapshot the table has, oldest first.
     */
    public List<Long> snapshotIds()
    {
        return metadata.snapshots().stream()
                .sorted(Comparator.comparingLong(Snapshot::timestampMillis))
                .map(Snapshot::snapshotId)
                .collect(toImmutableList());
    }

    /**
     * The snapshots that expiring those committed before {@code expireOlderThan}, keeping the {@code retainLast}
     * newest of each branch, removes from this version, oldest first: computed by iceberg-core's own expiry, which
     * the engine's {@code expire_snapshots} runs, so it keeps what Iceberg keeps (the current snapshot, branch and
     * tag heads, and a ref's own retention).
     */
    public List<Long> expiring(Instant expireOlderThan, int retainLast)
    {
        List<Snapshot> expired = new BaseTable(new StaticTableOperations(metadata, io), metadata.location())
                .expireSnapshots()
                .expireOlderThan(expireOlderThan.toEpochMilli())
                .retainLast(retainLast)
                .apply();
        return expired.stream()
                .sorted(Comparator.comparingLong(Snapshot::timestampMillis))
                .map(Snapshot::snapshotId)
                .collect(toImmutableList());
    }

    /**
     * Every file the snapshots reference, by path: their manifest lists, manifests, live data and delete files and
     * statistics files, each with its size and what it is.
     */
    public Map<String, ReferencedFile> referencedFiles(List<Long> snapshotIds)
    {
        Map<String, ReferencedFile> files = new TreeMap<>();
        Map<Integer, PartitionSpec> specs = metadata.specsById();
        Set<String> readManifests = new HashSet<>();
        for (long snapshotId : snapshotIds) {
            Snapshot snapshot = metadata.snapshot(snapshotId);
            if (snapshot == null) {
                continue;
            }
            String list = snapshot.manifestListLocation();
            if (list != null) {
                files.put(list, new ReferencedFile(list, length(list), "manifest list of snapshot " + snapshotId));
            }
            for (ManifestFile manifest : snapshot.allManifests(io)) {
                files.putIfAbsent(manifest.path(), new ReferencedFile(manifest.path(), manifest.length(), "manifest"));
                // snapshots share most manifests: each is read once
                if (!readManifests.add(manifest.path())) {
                    continue;
                }
                try (ManifestReader<? extends ContentFile<?>> reader = manifest.content() == ManifestContent.DATA
                        ? ManifestFiles.read(manifest, io, specs)
                        : ManifestFiles.readDeleteManifest(manifest, io, specs)) {
                    for (ContentFile<?> file : reader) {
                        files.putIfAbsent(file.location(), new ReferencedFile(file.location(), file.fileSizeInBytes(), manifest.content() == ManifestContent.DATA ? "data file" : "delete file"));
                    }
                }
                catch (IOException e) {
                    throw new UncheckedIOException("failed to read manifest " + manifest.path(), e);
                }
            }
        }
        Set<Long> chosen = Set.copyOf(snapshotIds);
        for (StatisticsFile statistics : metadata.statisticsFiles()) {
            if (chosen.contains(statistics.snapshotId())) {
                files.put(statistics.path(), new ReferencedFile(statistics.path(), statistics.fileSizeInBytes(), "statistics file of snapshot " + statistics.snapshotId()));
            }
        }
        for (PartitionStatisticsFile statistics : metadata.partitionStatisticsFiles()) {
            if (chosen.contains(statistics.snapshotId())) {
                files.put(statistics.path(), new ReferencedFile(statistics.path(), statistics.fileSizeInBytes(), "partition statistics file of snapshot " + statistics.snapshotId()));
            }
        }
        return files;
    }

    /**
     * The metadata files the table's metadata log names, the current one included: what time travel by metadata
     * version and a rollback of the catalog pointer read.
     */
    public List<String> metadataFiles()
    {
        ImmutableList.Builder<String> files = ImmutableList.builder();
        metadata.previousFiles().forEach(entry -> files.add(entry.file()));
        if (metadata.metadataFileLocation() != null) {
            files.add(metadata.metadataFileLocation());
        }
        return files.build();
    }

    private long length(String path)
    {
        try {
            return io.newInputFile(path).getLength();
        }
        catch (RuntimeException e) {
            // a manifest list already gone has no size to report
            return 0;
        }
    }

    /**
     * A file some snapshot references.
     */
    public record ReferencedFile(String path, long bytes, String kind)
    {
        public ReferencedFile
        {
            requireNonNull(path, "path is null");
            requireNonNull(kind, "kind is null");
        }
    }

    public boolean partitioned()
    {
        return metadata.spec().isPartitioned();
    }

    public Optional<Long> currentSnapshotId()
    {
        return Optional.ofNullable(metadata.currentSnapshot()).map(Snapshot::snapshotId);
    }

    public Optional<IcebergSnapshot> snapshot(long snapshotId)
    {
        return Optional.ofNullable(metadata.snapshot(snapshotId)).map(IcebergTableMetadata::describe);
    }

    /**
     * The snapshots of the current lineage committed after {@code ancestor}, oldest first; the whole lineage when
     * {@code ancestor} is not in it.
     */
    public List<IcebergSnapshot> lineageAfter(long ancestor)
    {
        return lineageAfter(OptionalLong.of(ancestor));
    }

    /**
     * The current snapshot and its ancestors, oldest first.
     */
    public List<IcebergSnapshot> currentLineage()
    {
        return lineageAfter(OptionalLong.empty());
    }

    private List<IcebergSnapshot> lineageAfter(OptionalLong ancestor)
    {
        List<IcebergSnapshot> newestFirst = new ArrayList<>();
        Snapshot snapshot = metadata.currentSnapshot();
        while (snapshot != null && (ancestor.isEmpty() || snapshot.snapshotId() != ancestor.getAsLong())) {
            newestFirst.add(describe(snapshot));
            snapshot = snapshot.parentId() == null ? null : metadata.snapshot(snapshot.parentId());
        }
        return ImmutableList.copyOf(newestFirst).reverse();
    }

    public boolean inCurrentLineage(long snapshotId)
    {
        for (Snapshot snapshot = metadata.currentSnapshot(); snapshot != null; snapshot = snapshot.parentId() == null ? null : metadata.snapshot(snapshot.parentId())) {
            if (snapshot.snapshotId() == snapshotId) {
                return true;
            }
        }
        return false;
    }

    /**
     * The snapshots that were the table's current one, in the order they became current (rollbacks included).
     */
    public List<Long> snapshotLog()
    {
        return metadata.snapshotLog().stream()
                .map(HistoryEntry::snapshotId)
                .collect(toImmutableList());
    }

    /**
     * The snapshots that became the table's current one after {@code time}, in that order, as the snapshot log
     * records them (expiry drops the entries of the snapshots it removes).
     */
    public List<Long> becameCurrentAfter(Instant time)
    {
        return metadata.snapshotLog().stream()
                .filter(entry -> Instant.ofEpochMilli(entry.timestampMillis()).isAfter(time))
                .map(HistoryEntry::snapshotId)
                .collect(toImmutableList());
    }

    /**
     * The top-level columns of the schema the snapshot was written with.
     */
    public List<String> columns(long snapshotId)
    {
        Integer schemaId = metadata.snapshot(snapshotId).schemaId();
        Schema schema = schemaId == null ? metadata.schema() : metadata.schemasById().get(schemaId);
        return schema.columns().stream()
                .map(NestedField::name)
                .collect(toImmutableList());
    }

    /**
     * The live data and delete files of the current snapshot, by partition (empty for an unpartitioned spec).
     */
    public Map<Optional<String>, List<TableFile>> liveFiles()
    {
        Map<Optional<String>, List<TableFile>> files = new TreeMap<>(IcebergTableMetadata::comparePartitions);
        Snapshot snapshot = metadata.currentSnapshot();
        if (snapshot == null) {
            return files;
        }
        Map<Integer, PartitionSpec> specs = metadata.specsById();
        for (ManifestFile manifest : snapshot.allManifests(io)) {
            try (ManifestReader<? extends ContentFile<?>> reader = manifest.content() == ManifestContent.DATA
                    ? ManifestFiles.read(manifest, io, specs)
                    : ManifestFiles.readDeleteManifest(manifest, io, specs)) {
                for (ContentFile<?> file : reader) {
                    add(files, file);
                }
            }
            catch (IOException e) {
                throw new UncheckedIOException("failed to read manifest " + manifest.path(), e);
            }
        }
        return files;
    }

    /**
     * The figures of the table's health that its metadata holds: every snapshot, and the current one's manifests
     * and delete files, read from the metadata file and the manifest list (a manifest is read only when its list
     * entry has no file counts, as a format-version 1 writer may leave it).
     */
    public IcebergFigures figures()
    {
        long manifests = 0;
        long manifestBytes = 0;
        long deleteFiles = 0;
        long dataRows = 0;
        long deleteRows = 0;
        boolean rowsCounted = true;
        Snapshot current = metadata.currentSnapshot();
        if (current != null) {
            for (ManifestFile manifest : current.allManifests(io)) {
                manifests++;
                manifestBytes += manifest.length();
                if (manifest.content() == ManifestContent.DELETES) {
                    deleteFiles += liveFileCount(manifest);
                }
                if (manifest.addedRowsCount() == null || manifest.existingRowsCount() == null) {
                    rowsCounted = false;
                }
                else if (manifest.content() == ManifestContent.DELETES) {
                    deleteRows += manifest.addedRowsCount() + manifest.existingRowsCount();
                }
                else {
                    dataRows += manifest.addedRowsCount() + manifest.existingRowsCount();
                }
            }
        }
        Map<Long, Instant> snapshotTimes = metadata.snapshots().stream()
                .collect(toImmutableMap(Snapshot::snapshotId, snapshot -> Instant.ofEpochMilli(snapshot.timestampMillis())));
        Map<String, String> properties = metadata.properties();
        Optional<Duration> maxSnapshotAge = Optional.ofNullable(properties.get(TableProperties.MAX_SNAPSHOT_AGE_MS))
                .map(Long::parseLong)
                .map(Duration::ofMillis);
        OptionalInt minSnapshotsToKeep = properties.containsKey(TableProperties.MIN_SNAPSHOTS_TO_KEEP)
                ? OptionalInt.of(Math.max(1, Integer.parseInt(properties.get(TableProperties.MIN_SNAPSHOTS_TO_KEEP))))
                : OptionalInt.empty();
        return new IcebergFigures(snapshotTimes, maxSnapshotAge, minSnapshotsToKeep, manifests, manifestBytes, deleteFiles,
                rowsCounted ? OptionalLong.of(dataRows) : OptionalLong.empty(),
                rowsCounted ? OptionalLong.of(deleteRows) : OptionalLong.empty());
    }

    /**
     * The rows of the snapshot as its manifest list records them: its data files' records, when no delete file
     * applies (only then are they the rows a reader sees). Empty with a delete file, or where a manifest's list
     * entry has no counts.
     */
    public OptionalLong rowsWithoutDeletes(long snapshotId)
    {
        Snapshot snapshot = metadata.snapshot(snapshotId);
        if (snapshot == null) {
            throw new IllegalArgumentException("no snapshot %s in %s".formatted(snapshotId, metadata.metadataFileLocation()));
        }
        long rows = 0;
        for (ManifestFile manifest : snapshot.allManifests(io)) {
            if (manifest.addedRowsCount() == null || manifest.existingRowsCount() == null) {
                return OptionalLong.empty();
            }
            if (manifest.content() == ManifestContent.DELETES) {
                if (liveFileCount(manifest) > 0) {
                    return OptionalLong.empty();
                }
            }
            else {
                rows += manifest.addedRowsCount() + manifest.existingRowsCount();
            }
        }
        return OptionalLong.of(rows);
    }

    private long liveFileCount(ManifestFile manifest)
    {
        if (manifest.addedFilesCount() != null && manifest.existingFilesCount() != null) {
            return manifest.addedFilesCount() + manifest.existingFilesCount();
        }
        try (ManifestReader<DeleteFile> reader = ManifestFiles.readDeleteManifest(manifest, io, metadata.specsById())) {
            long count = 0;
            for (DeleteFile ignored : reader) {
                count++;
            }
            return count;
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to read manifest " + manifest.path(), e);
        }
    }

    /**
     * The data and delete files the snapshot added, by partition.
     */
    public Map<Optional<String>, List<TableFile>> addedFiles(long snapshotId)
    {
        Snapshot snapshot = metadata.snapshot(snapshotId);
        return byPartition(snapshot.addedDataFiles(io), snapshot.addedDeleteFiles(io));
    }

    /**
     * The data and delete files the snapshot removed, by partition.
     */
    public Map<Optional<String>, List<TableFile>> removedFiles(long snapshotId)
    {
        Snapshot snapshot = metadata.snapshot(snapshotId);
        return byPartition(snapshot.removedDataFiles(io), snapshot.removedDeleteFiles(io));
    }

    /**
     * The data files a snapshot rewrote: those it removed and those it added, each with the file format and the row
     * count its manifest entry records. Empty when the rows of those files are not the table's rows: the snapshot's
     * parent holds delete files (rows of data files may be deleted), or the snapshot itself added or removed some.
     */
    public Optional<List<RewrittenFile>> rewrittenDataFiles(long snapshotId)
    {
        Snapshot snapshot = metadata.snapshot(snapshotId);
        Snapshot parent = snapshot.parentId() == null ? null : metadata.snapshot(snapshot.parentId());
        boolean parentDeletes = parent != null && parent.deleteManifests(io).stream().anyMatch(manifest -> liveFileCount(manifest) > 0);
        if (parentDeletes || snapshot.addedDeleteFiles(io).iterator().hasNext() || snapshot.removedDeleteFiles(io).iterator().hasNext()) {
            return Optional.empty();
        }
        ImmutableList.Builder<RewrittenFile> files = ImmutableList.builder();
        snapshot.removedDataFiles(io).forEach(file -> files.add(rewritten(file, false)));
        snapshot.addedDataFiles(io).forEach(file -> files.add(rewritten(file, true)));
        return Optional.of(files.build());
    }

    private RewrittenFile rewritten(ContentFile<?> file, boolean added)
    {
        return new RewrittenFile(partitionName(metadata.specsById().get(file.specId()), file), new TableFile(file.location(), file.fileSizeInBytes()),
                file.format().name(), file.recordCount(), added);
    }

    /**
     * @param format the file's format as iceberg-core names it: {@code PARQUET}, {@code ORC}, {@code AVRO}
     * @param recordCount the rows its manifest entry records
     * @param added whether the snapshot added it (else it removed it)
     */
    public record RewrittenFile(Optional<String> partition, TableFile file, String format, long recordCount, boolean added)
    {
        public RewrittenFile
        {
            requireNonNull(partition, "partition is null");
            requireNonNull(file, "file is null");
            requireNonNull(format, "format is null");
        }
    }

    private Map<Optional<String>, List<TableFile>> byPartition(Iterable<? extends ContentFile<?>> dataFiles, Iterable<? extends ContentFile<?>> deleteFiles)
    {
        Map<Optional<String>, List<TableFile>> files = new TreeMap<>(IcebergTableMetadata::comparePartitions);
        dataFiles.forEach(file -> add(files, file));
        deleteFiles.forEach(file -> add(files, file));
        return files;
    }

    private void add(Map<Optional<String>, List<TableFile>> files, ContentFile<?> file)
    {
        files.computeIfAbsent(partitionName(metadata.specsById().get(file.specId()), file), ignored -> new ArrayList<>())
                .add(new TableFile(file.location(), file.fileSizeInBytes()));
    }

    private static Optional<String> partitionName(PartitionSpec spec, ContentFile<?> file)
    {
        if (spec == null || spec.isUnpartitioned()) {
            return Optional.empty();
        }
        return Optional.of(spec.partitionToPath(file.partition()));
    }

    private static int comparePartitions(Optional<String> left, Optional<String> right)
    {
        return left.orElse("").compareTo(right.orElse(""));
    }

    private static IcebergSnapshot describe(Snapshot snapshot)
    {
        return new IcebergSnapshot(snapshot.snapshotId(), Optional.ofNullable(snapshot.parentId()), Optional.ofNullable(snapshot.operation()).orElse(""));
    }

    /**
     * @param operation what the commit did: {@code append}, {@code replace} (files rewritten, rows unchanged), {@code overwrite}, {@code delete}
     */
    public record IcebergSnapshot(long id, Optional<Long> parentId, String operation)
    {
        public IcebergSnapshot
        {
            requireNonNull(parentId, "parentId is null");
            requireNonNull(operation, "operation is null");
        }

        public boolean isReplace()
        {
            return operation.equals(DataOperations.REPLACE);
        }
    }

    /**
     * The partition fields of the table's current spec, in order: each with the name of its Iceberg type
     * ({@code int}, {@code long}, {@code string}, {@code date}, ...).
     */
    public List<PartitionColumn> partitionColumns()
    {
        PartitionSpec spec = metadata.spec();
        List<NestedField> fields = spec.partitionType().fields();
        return fields.stream()
                .map(field -> new PartitionColumn(field.name(), field.type().typeId().name().toLowerCase(Locale.ROOT)))
                .collect(toImmutableList());
    }

    public record PartitionColumn(String name, String type)
    {
        public PartitionColumn
        {
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
        }
    }

    /**
     * Every data and delete file the snapshot added or removed, read from the manifests it wrote (not the whole
     * table's), with its partition and the record count of its manifest entry.
     */
    public List<FileChange> fileChanges(long snapshotId)
    {
        Snapshot snapshot = metadata.snapshot(snapshotId);
        ImmutableList.Builder<FileChange> changes = ImmutableList.builder();
        snapshot.addedDataFiles(io).forEach(file -> changes.add(fileChange(file, true)));
        snapshot.removedDataFiles(io).forEach(file -> changes.add(fileChange(file, false)));
        snapshot.addedDeleteFiles(io).forEach(file -> changes.add(fileChange(file, true)));
        snapshot.removedDeleteFiles(io).forEach(file -> changes.add(fileChange(file, false)));
        return changes.build();
    }

    private FileChange fileChange(ContentFile<?> file, boolean added)
    {
        PartitionSpec spec = metadata.specsById().get(file.specId());
        Map<String, Object> values = new TreeMap<>();
        if (spec != null) {
            Class<?>[] classes = spec.javaClasses();
            for (int index = 0; index < spec.fields().size(); index++) {
                Object value = file.partition().get(index, classes[index]);
                if (value != null) {
                    values.put(spec.fields().get(index).name(), partitionValue(spec.partitionType().fields().get(index).type(), value));
                }
            }
        }
        FileChange.Content content = switch (file.content()) {
            case DATA -> FileChange.Content.DATA;
            case POSITION_DELETES -> FileChange.Content.POSITION_DELETES;
            case EQUALITY_DELETES -> FileChange.Content.EQUALITY_DELETES;
            default -> throw new IllegalStateException("unknown content %s of %s".formatted(file.content(), file.location()));
        };
        return new FileChange(partitionName(spec, file).orElse(""), values, content, added, file.recordCount());
    }

    /**
     * A partition value as a reader shows it: timestamps as ISO text (Iceberg keeps microseconds), binary values in
     * hex, text as a String; numbers, booleans and dates (days) as they are.
     */
    private static Object partitionValue(Type type, Object value)
    {
        if (type instanceof Types.TimestampType timestamp) {
            long micros = (Long) value;
            return timestamp.shouldAdjustToUTC() ? DateTimeUtil.timestamptzFromMicros(micros).toString() : DateTimeUtil.timestampFromMicros(micros).toString();
        }
        if (value instanceof ByteBuffer bytes) {
            return HexFormat.of().formatHex(ByteBuffers.toByteArray(bytes));
        }
        if (value instanceof CharSequence text) {
            return text.toString();
        }
        return value;
    }

    /**
     * A file a snapshot added or removed.
     *
     * @param partitionName as Iceberg names the partition's path ({@code part=p0}); empty for an unpartitioned table
     * @param partitionValues the partition fields' values by name, null ones left out
     * @param recordCount the rows (of a delete file: the deletes) its manifest entry records
     */
    public record FileChange(String partitionName, Map<String, Object> partitionValues, Content content, boolean added, long recordCount)
    {
        public enum Content
        {
            DATA,
            POSITION_DELETES,
            EQUALITY_DELETES,
        }

        public FileChange
        {
            requireNonNull(partitionName, "partitionName is null");
            partitionValues = ImmutableMap.copyOf(new TreeMap<>(requireNonNull(partitionValues, "partitionValues is null")));
            requireNonNull(content, "content is null");
        }
    }
}
