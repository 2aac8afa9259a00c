package io.dredge.core.iceberg;

import com.google.common.collect.ImmutableSet;
import io.dredge.core.DredgeException;
import io.dredge.core.model.Locations;
import io.dredge.core.port.FileStore;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.RewriteTablePathUtil;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.io.FileIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static io.dredge.core.DredgeException.Kind.NOT_SUPPORTED;
import static java.util.Objects.requireNonNull;

/**
 * Writes, below a restore's target location, the Iceberg files of a backed-up table that name other files: the
 * metadata JSON, every manifest list, every manifest and every position-delete file (and deletion vector), each at its
 * relative path and with every path it holds moved from the source location to the target location, using
 * iceberg-core's {@link RewriteTablePathUtil}. Reads only the backup. The other files (data, equality deletes,
 * statistics) hold no paths and are copied as they are, by the caller.
 * <p>
 * Files are written from the leaves up (position deletes, manifests, manifest lists, metadata), each recording the
 * sizes of the rewritten files it names, so that no file names a file before it exists in its final form. On failure
 * every file written is deleted again.
 */
public final class IcebergRestoreRewriter
{
    private static final Logger log = LoggerFactory.getLogger(IcebergRestoreRewriter.class);

    private final FileStore fileStore;
    private final FileIO store;
    private final RestoreFileIo backup;
    private final String source;
    private final String target;
    private final List<String> written = new ArrayList<>();
    private final Map<String, Long> rewrittenSizes = new HashMap<>();

    private IcebergRestoreRewriter(FileStore fileStore, Function<String, String> backupLocation, String sourceLocation, String targetLocation)
    {
        this.fileStore = requireNonNull(fileStore, "fileStore is null");
        this.store = new FileStoreFileIo(fileStore);
        this.source = Locations.withoutTrailingSlash(requireNonNull(sourceLocation, "sourceLocation is null"));
        this.target = Locations.withoutTrailingSlash(requireNonNull(targetLocation, "targetLocation is null"));
        this.backup = new RestoreFileIo(store, source, requireNonNull(backupLocation, "backupLocation is null"));
    }

    /**
     * @param backupLocation where the backup holds the file of each path relative to the table location
     * @param sourceLocation the table location when it was backed up, as its metadata spelled it
     * @param targetLocation the restored table's location; nothing may exist at the paths written below it
     * @param metadataPath the backed-up metadata JSON's path relative to the table location
     */
    public static IcebergRestoredFiles rewrite(FileStore fileStore, Function<String, String> backupLocation, String sourceLocation, String targetLocation, String metadataPath)
    {
        requireNonNull(metadataPath, "metadataPath is null");
        IcebergRestoreRewriter rewriter = new IcebergRestoreRewriter(fileStore, backupLocation, sourceLocation, targetLocation);
        try {
            return rewriter.rewrite(metadataPath);
        }
        catch (RuntimeException | Error e) {
            rewriter.deleteWritten(e);
            throw e;
        }
    }

    private IcebergRestoredFiles rewrite(String metadataPath)
    {
        TableMetadata metadata = TableMetadataParser.read(backup, source + "/" + metadataPath);
        // computed first: a metadata that cannot move is refused before anything is written
        TableMetadata restored = moved(metadata);
        Map<String, ManifestFile> manifests = new LinkedHashMap<>();
        for (Snapshot snapshot : metadata.snapshots()) {
            // reads the manifest list, failing for one the backup lacks (RewriteTablePathUtil would read it as empty)
            snapshot.allManifests(backup).forEach(manifest -> manifests.putIfAbsent(manifest.path(), manifest));
        }
        List<DeleteFile> positionDeletes = positionDeletes(metadata, manifests.values());

        PositionDeletes readerWriter = new PositionDeletes();
        for (DeleteFile file : positionDeletes) {
            String path = targetPath(file.location());
            try {
                RewriteTablePathUtil.rewritePositionDeleteFile(file, store.newOutputFile(path), backup, metadata.specsById().get(file.specId()), source, target, readerWriter);
            }
            catch (IOException e) {
                throw new UncheckedIOException("failed to rewrite position-delete file " + file.location(), e);
            }
            catch (LinkageError e) {
                // Parquet and ORC read and write through Hadoop's Configuration and codecs, which only the installation provides
                throw new DredgeException(NOT_SUPPORTED, "cannot rewrite position-delete file %s for the restored table: class %s is missing or incompatible (Parquet and ORC need Hadoop at run time); reinstall Dredge from its complete package, which includes Hadoop"
                        .formatted(file.location(), e.getMessage().replace('/', '.')), e);
            }
            written.add(path);
            rewrittenSizes.put(path, length(path));
        }
        Map<String, Long> manifestLengths = new HashMap<>();
        for (ManifestFile manifest : manifests.values()) {
            String path = targetPath(manifest.path());
            manifestLengths.put(path, (long) write(path, rewriteManifest(metadata, manifest, path)));
        }
        for (Snapshot snapshot : metadata.snapshots()) {
            String path = targetPath(snapshot.manifestListLocation());
            RewriteTablePathUtil.rewriteManifestList(snapshot, backup, metadata, Set.of(), source, target, target, path);
            write(path, ManifestSizes.inManifestList(backup.writtenContent(path), manifestLengths));
        }
        String metadataLocation = target + "/" + metadataPath;
        TableMetadataParser.write(restored, store.newOutputFile(metadataLocation));
        written.add(metadataLocation);
        log.info("rewrote Iceberg metadata for %s: %s snapshots, %s manifests, %s position-delete files".formatted(target, metadata.snapshots().size(), manifests.size(), positionDeletes.size()));
        return new IcebergRestoredFiles(metadataLocation, written.stream()
                .map(path -> path.substring(target.length() + 1))
                .collect(ImmutableSet.toImmutableSet()));
    }

    /**
     * The metadata with every path below the target location. {@code replacePaths} moves the table location with a
     * regular-expression replacement but every other path by prefix; checking the result keeps a location with
     * regular-expression characters from moving only partly.
     */
    private TableMetadata moved(TableMetadata metadata)
    {
        if (!Locations.withoutTrailingSlash(metadata.location()).equals(source)) {
            throw new DredgeException(NOT_SUPPORTED, "backed-up metadata records location %s, not the backup's source location %s".formatted(metadata.location(), source));
        }
        TableMetadata moved;
        try {
            moved = RewriteTablePathUtil.replacePaths(metadata, source, target);
        }
        catch (RuntimeException e) {
            throw new DredgeException(NOT_SUPPORTED, "cannot move Iceberg metadata from %s to %s: %s".formatted(source, target, e.getMessage()), e);
        }
        if (!moved.location().equals(target)) {
            throw new DredgeException(NOT_SUPPORTED, "cannot move Iceberg metadata from %s to %s: iceberg-core moves the table location by regular expression, and these locations contain its special characters; restore to a location without them"
                    .formatted(source, target));
        }
        return moved;
    }

    private byte[] rewriteManifest(TableMetadata metadata, ManifestFile manifest, String path)
    {
        try {
            if (manifest.content() == ManifestContent.DATA) {
                RewriteTablePathUtil.rewriteDataManifest(manifest, Set.of(), backup.newOutputFile(path), backup, metadata.formatVersion(), metadata.specsById(), source, target);
                return backup.writtenContent(path);
            }
            RewriteTablePathUtil.rewriteDeleteManifest(manifest, Set.of(), backup.newOutputFile(path), backup, metadata.formatVersion(), metadata.specsById(), source, target, target);
            return ManifestSizes.inManifest(backup.writtenContent(path), rewrittenSizes);
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to rewrite manifest " + manifest.path(), e);
        }
    }

    /**
     * The live position-delete files of the manifests, each once; a format that cannot be rewritten is refused before
     * anything is written.
     */
    private List<DeleteFile> positionDeletes(TableMetadata metadata, Iterable<ManifestFile> manifests)
    {
        Map<String, DeleteFile> files = new LinkedHashMap<>();
        for (ManifestFile manifest : manifests) {
            if (manifest.content() != ManifestContent.DELETES) {
                continue;
            }
            try (ManifestReader<DeleteFile> reader = ManifestFiles.readDeleteManifest(manifest, backup, metadata.specsById())) {
                for (DeleteFile file : reader) {
                    if (file.content() == FileContent.POSITION_DELETES) {
                        if (!IcebergBackupPlanner.REWRITABLE_DELETE_FORMATS.contains(file.format())) {
                            throw new DredgeException(NOT_SUPPORTED, "position-delete file %s is %s, which Dredge cannot rewrite for a new location".formatted(file.location(), file.format()));
                        }
                        files.putIfAbsent(file.location(), file.copy());
                    }
                }
            }
            catch (IOException e) {
                throw new UncheckedIOException("failed to read manifest " + manifest.path(), e);
            }
        }
        return List.copyOf(files.values());
    }

    private String targetPath(String sourcePath)
    {
        return RewriteTablePathUtil.newPath(sourcePath, source, target);
    }

    private int write(String path, byte[] content)
    {
        try (OutputStream output = fileStore.create(path)) {
            written.add(path);
            output.write(content);
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to write " + path, e);
        }
        return content.length;
    }

    private long length(String path)
    {
        try {
            return fileStore.length(path);
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to get the length of " + path, e);
        }
    }

    private void deleteWritten(Throwable failure)
    {
        for (String path : written) {
            try {
                fileStore.deleteFile(path);
            }
            catch (IOException | RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }
}
