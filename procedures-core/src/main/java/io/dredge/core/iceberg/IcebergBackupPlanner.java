package io.dredge.core.iceberg;

import io.dredge.core.DredgeException;
import io.dredge.core.iceberg.IcebergBackupFile.Role;
import io.dredge.core.model.Locations;
import io.dredge.core.port.FileStore;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.io.FileIO;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.dredge.core.DredgeException.Kind.NOT_SUPPORTED;
import static java.util.Objects.requireNonNull;

/**
 * Plans an Iceberg backup: reads one metadata version through the {@link FileStore} port and lists every file a
 * restore needs, for every snapshot the metadata holds (so every branch and tag), each with its path relative to the
 * table location. Refuses, before anything is written, a table whose files a restore could not place below a new
 * location.
 * <p>
 * The metadata files that the metadata log names (earlier versions of the JSON) are not part of the plan: the current
 * version holds every snapshot, schema, spec, ref and the snapshot log, and nothing reads the earlier versions to query
 * the table. The restored metadata still lists them (below the new location), as history.
 */
public final class IcebergBackupPlanner
{
    /**
     * Table properties that direct where files are written; the restored metadata points them below the new location,
     * which only works for values below the table location.
     */
    private static final List<String> LOCATION_PROPERTIES = List.of(
            TableProperties.WRITE_DATA_LOCATION,
            TableProperties.WRITE_METADATA_LOCATION,
            TableProperties.OBJECT_STORE_PATH,
            TableProperties.WRITE_FOLDER_STORAGE_LOCATION);
    /**
     * Formats of position-delete files that {@link IcebergRestoreRewriter} can rewrite; deletion vectors are Puffin.
     */
    static final Set<FileFormat> REWRITABLE_DELETE_FORMATS = Set.of(FileFormat.PARQUET, FileFormat.AVRO, FileFormat.ORC, FileFormat.PUFFIN);

    private IcebergBackupPlanner() {}

    /**
     * @param metadataLocation the metadata JSON the metastore points the table at
     * @param tableLocation the table location the metastore records, which the metadata must record too
     */
    public static IcebergBackupPlan plan(FileStore fileStore, String metadataLocation, String tableLocation)
    {
        requireNonNull(fileStore, "fileStore is null");
        requireNonNull(metadataLocation, "metadataLocation is null");
        requireNonNull(tableLocation, "tableLocation is null");
        FileIO io = new FileStoreFileIo(fileStore);
        TableMetadata metadata = TableMetadataParser.read(io, metadataLocation);
        if (!Locations.samePath(metadata.location(), tableLocation)) {
            throw new DredgeException(NOT_SUPPORTED, "Iceberg metadata %s records location %s, not the table location %s; Dredge backs up only tables whose metadata matches the metastore"
                    .formatted(metadataLocation, metadata.location(), tableLocation));
        }
        // files are matched against the location as the metadata spells it, the way the restore rewrites them
        Planned planned = new Planned(Locations.withoutTrailingSlash(metadata.location()));
        planned.add(metadataLocation, length(fileStore, metadataLocation), Role.METADATA);
        Map<String, ManifestFile> manifests = new LinkedHashMap<>();
        for (Snapshot snapshot : metadata.snapshots()) {
            planned.add(snapshot.manifestListLocation(), length(fileStore, snapshot.manifestListLocation()), Role.MANIFEST_LIST);
            snapshot.allManifests(io).forEach(manifest -> manifests.putIfAbsent(manifest.path(), manifest));
        }
        for (ManifestFile manifest : manifests.values()) {
            planned.add(manifest.path(), manifest.length(), Role.MANIFEST);
            addContentFiles(planned, manifest, io, metadata.specsById());
        }
        metadata.statisticsFiles().forEach(file -> planned.add(file.path(), file.fileSizeInBytes(), Role.STATISTICS));
        metadata.partitionStatisticsFiles().forEach(file -> planned.add(file.path(), file.fileSizeInBytes(), Role.STATISTICS));
        // after the files, so that a refusal names a file where there is one
        checkLocationProperties(metadata, planned.tableLocation);
        Optional<Long> snapshotId = Optional.ofNullable(metadata.currentSnapshot()).map(Snapshot::snapshotId);
        return new IcebergBackupPlan(snapshotId, planned.tableLocation, planned.relativePath(metadataLocation), List.copyOf(planned.files.values()));
    }

    private static void checkLocationProperties(TableMetadata metadata, String tableLocation)
    {
        for (String property : LOCATION_PROPERTIES) {
            String value = metadata.properties().get(property);
            if (value != null && !Locations.withoutTrailingSlash(value).equals(tableLocation) && !value.startsWith(tableLocation + "/")) {
                throw new DredgeException(NOT_SUPPORTED, "table at %s writes files outside its location (%s = %s); Dredge backs up only Iceberg tables whose files all lie below the table location"
                        .formatted(tableLocation, property, value));
            }
        }
    }

    /**
     * The data and delete files the manifest holds live. Entries of removed files are left out: a removed file is live
     * in an earlier snapshot's manifests when that snapshot is still in the metadata, and read by none otherwise.
     */
    private static void addContentFiles(Planned planned, ManifestFile manifest, FileIO io, Map<Integer, PartitionSpec> specs)
    {
        boolean data = manifest.content() == ManifestContent.DATA;
        try (ManifestReader<? extends ContentFile<?>> reader = data ? ManifestFiles.read(manifest, io, specs) : ManifestFiles.readDeleteManifest(manifest, io, specs)) {
            for (ContentFile<?> file : reader) {
                planned.add(file.location(), file.fileSizeInBytes(), data ? Role.DATA : deleteRole((DeleteFile) file));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to read manifest " + manifest.path(), e);
        }
    }

    private static Role deleteRole(DeleteFile file)
    {
        return switch (file.content()) {
            case EQUALITY_DELETES -> Role.EQUALITY_DELETES;
            case POSITION_DELETES -> {
                if (!REWRITABLE_DELETE_FORMATS.contains(file.format())) {
                    throw new DredgeException(NOT_SUPPORTED, ("position-delete file %s is %s, which Dredge cannot rewrite for a new location (it can Parquet, Avro and ORC); a backup holds every snapshot, so the file must first leave the table's history: "
                            + "write the table as Parquet (ALTER TABLE ... SET PROPERTIES format = 'PARQUET', then ALTER TABLE ... EXECUTE optimize) and expire the snapshots that still reference it")
                            .formatted(file.location(), file.format()));
                }
                yield file.format() == FileFormat.PUFFIN ? Role.DELETION_VECTOR : Role.POSITION_DELETES;
            }
            default -> throw new IllegalStateException("%s file in a delete manifest: %s".formatted(file.content(), file.location()));
        };
    }

    private static long length(FileStore fileStore, String path)
    {
        try {
            return fileStore.length(path);
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to get the length of " + path, e);
        }
    }

    private static final class Planned
    {
        private final String tableLocation;
        private final Map<String, IcebergBackupFile> files = new LinkedHashMap<>();

        private Planned(String tableLocation)
        {
            this.tableLocation = tableLocation;
        }

        void add(String location, long sizeBytes, Role role)
        {
            if (!files.containsKey(location)) {
                files.put(location, new IcebergBackupFile(location, relativePath(location), sizeBytes, role));
            }
        }

        /**
         * The path below the table location, compared as spelled: the restore replaces exactly this prefix in every
         * path the metadata holds, so a file spelled any other way could not be placed below the new location.
         */
        String relativePath(String location)
        {
            if (!location.startsWith(tableLocation + "/")) {
                throw new DredgeException(NOT_SUPPORTED, "file %s lies outside the table location %s (written with write.data.path elsewhere, or added from another location); Dredge backs up only Iceberg tables whose files all lie below the table location"
                        .formatted(location, tableLocation));
            }
            return location.substring(tableLocation.length() + 1);
        }
    }
}
