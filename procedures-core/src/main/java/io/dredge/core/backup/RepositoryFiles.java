package io.dredge.core.backup;

import com.google.common.base.Suppliers;
import com.google.common.collect.ImmutableList;
import io.dredge.core.files.CopiedFile;
import io.dredge.core.files.FileCopier;
import io.dredge.core.files.FileCopy;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.model.Locations;
import io.dredge.core.model.TableFile;
import io.dredge.core.model.TableReference;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.operation.ProtocolStep;
import io.dredge.core.port.FileStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * The files of one backup in its repository: each either shared with an earlier complete backup of the table that the
 * repository holds (read once, when the backup starts), or copied. A shared file must be the same file, of the same
 * size and checksum, and its stored copy must still be whole.
 */
final class RepositoryFiles
{
    private static final Logger log = LoggerFactory.getLogger(RepositoryFiles.class);

    private final MaintenanceContext context;
    private final FileCopier copier;
    private final BackupRepository repository;
    private final TableReference table;
    private final String backupName;
    private final List<BackupManifest> heldBackups;
    // the held backups' files, by path relative to the table
    private final Map<String, List<BackupFile>> heldByPath;
    // every stored path the held backups use
    private final Set<String> heldStored;

    // what the backup holds so far: the shared files, and after copy() the copied ones
    private final List<BackupFile> files = new ArrayList<>();
    private final List<FileCopy> copies = new ArrayList<>();
    private final Map<String, String> pathByTarget = new HashMap<>();
    // the sizes of the files the repository keeps under the table's directory, by stored path, listed when first needed
    private final Supplier<Map<String, Long>> storedSizes = Suppliers.memoize(this::listStoredSizes);

    private RepositoryFiles(MaintenanceContext context, FileCopier copier, BackupRepository repository, TableReference table, String backupName,
            List<BackupManifest> heldBackups, Map<String, List<BackupFile>> heldByPath, Set<String> heldStored)
    {
        this.context = requireNonNull(context, "context is null");
        this.copier = requireNonNull(copier, "copier is null");
        this.repository = requireNonNull(repository, "repository is null");
        this.table = requireNonNull(table, "table is null");
        this.backupName = requireNonNull(backupName, "backupName is null");
        this.heldBackups = ImmutableList.copyOf(requireNonNull(heldBackups, "heldBackups is null"));
        this.heldByPath = requireNonNull(heldByPath, "heldByPath is null");
        this.heldStored = requireNonNull(heldStored, "heldStored is null");
    }

    /**
     * Reads the complete backups of {@code table} whose files the repository holds, for backup {@code backupName}.
     */
    static RepositoryFiles read(MaintenanceContext context, FileCopier copier, BackupRepository repository, TableReference table, String backupName)
    {
        List<BackupManifest> backups = repository.listForSharing().stream()
                .filter(manifest -> manifest.state() == BackupState.COMPLETE && manifest.sourceTable().equals(table) && Locations.samePath(manifest.repository(), repository.root()))
                .toList();
        Map<String, List<BackupFile>> byPath = new HashMap<>();
        Set<String> stored = new HashSet<>();
        for (BackupManifest manifest : backups) {
            for (BackupFile file : manifest.files()) {
                byPath.computeIfAbsent(file.path(), ignored -> new ArrayList<>()).add(file);
                stored.add(file.stored());
            }
        }
        return new RepositoryFiles(context, copier, repository, table, backupName, backups, byPath, stored);
    }

    /**
     * The complete backups of the table that the repository holds.
     */
    List<BackupManifest> heldBackups()
    {
        return heldBackups;
    }

    /**
     * For each source file (path relative to the table, file), in order: the file the repository already holds for
     * its path with the same size and the same checksum. Only the sources that have such a held copy are read, all
     * at once through the copier (in Trino, on the workers): reading them is most of an unchanged table's backup.
     */
    List<Optional<BackupFile>> sameFiles(List<Map.Entry<String, TableFile>> sources)
    {
        List<List<BackupFile>> candidates = sources.stream()
                .map(source -> intactOfSize(held(source.getKey()), source.getValue().sizeBytes()))
                .toList();
        List<String> toRead = new ArrayList<>();
        for (int index = 0; index < sources.size(); index++) {
            if (!candidates.get(index).isEmpty()) {
                toRead.add(sources.get(index).getValue().path());
            }
        }
        Map<String, String> checksums = new HashMap<>();
        for (CopiedFile file : copier.checksum(toRead)) {
            checksums.put(file.target(), file.crc32cHex());
        }
        List<Optional<BackupFile>> shared = new ArrayList<>();
        for (int index = 0; index < sources.size(); index++) {
            String crc = checksums.get(sources.get(index).getValue().path());
            shared.add(candidates.get(index).stream().filter(candidate -> candidate.crc32c().equals(crc)).findFirst());
        }
        return shared;
    }

    /**
     * A file the repository holds for this path with the same size, for a source that is never rewritten in place
     * (Iceberg's): the same path and size make the same file.
     */
    Optional<BackupFile> sameSizedFile(String path, long sizeBytes)
    {
        return intactOfSize(held(path), sizeBytes).stream().findFirst();
    }

    /**
     * Adds a file of the table to the backup: shared with {@code same} when the repository holds it, otherwise planned
     * to be copied from {@code source}.
     */
    void add(String path, String source, long sizeBytes, Optional<BackupFile> same)
    {
        if (same.isPresent()) {
            files.add(new BackupFile(path, same.get().stored(), sizeBytes, same.get().crc32c(), false));
            return;
        }
        String target = repository.location(storedPath(path));
        removeUnreferenced(target);
        copies.add(new FileCopy(source, target, sizeBytes));
        pathByTarget.put(target, path);
    }

    boolean copiesNothing()
    {
        return copies.isEmpty();
    }

    /**
     * The files added so far; before {@link #copy}, the shared ones.
     */
    List<BackupFile> files()
    {
        return ImmutableList.copyOf(files);
    }

    /**
     * Copies the planned files into the repository, adding each to {@code copied} (what a failed backup removes).
     *
     * @return every file of the backup
     */
    List<BackupFile> copy(OperationRecord record, List<BackupFile> copied)
    {
        context.journal().save(record.withStep("copying %s files".formatted(copies.size())));
        List<CopiedFile> written = copier.copy(copies, new JournaledProgress(context.journal(), record));
        for (CopiedFile file : written) {
            BackupFile backupFile = new BackupFile(pathByTarget.get(file.target()), relativeToRoot(file.target()), file.sizeBytes(), file.crc32cHex(), true);
            copied.add(backupFile);
            files.add(backupFile);
        }
        context.journal().save(record.withStep("copied %s files, checking them".formatted(copies.size())));
        context.faults().reached(ProtocolStep.WRITTEN, 1);
        return files();
    }

    /**
     * Removes the files a failed backup copied, as far as it can: what stays is no one's, and a later backup replaces it.
     */
    static void deleteStored(FileStore fileStore, BackupRepository repository, List<BackupFile> files)
    {
        for (BackupFile file : files) {
            try {
                fileStore.deleteFile(repository.location(file.stored()));
            }
            catch (IOException | RuntimeException e) {
                log.warn("could not remove {} of a failed backup: {}", file.stored(), e.toString());
            }
        }
    }

    private List<BackupFile> held(String path)
    {
        return heldByPath.getOrDefault(path, List.of());
    }

    /**
     * The candidates of the given size whose stored copy still has it: a stored file that is gone or truncated is not
     * shared, and the backup copies the file again.
     */
    private List<BackupFile> intactOfSize(List<BackupFile> candidates, long sizeBytes)
    {
        return candidates.stream()
                .filter(candidate -> candidate.sizeBytes() == sizeBytes)
                .filter(candidate -> storedLength(candidate).equals(Optional.of(candidate.sizeBytes())))
                .toList();
    }

    private Optional<Long> storedLength(BackupFile file)
    {
        // one listing of the table's directory answers most, where a request per file is slow on object stores
        Long listed = storedSizes.get().get(file.stored());
        if (listed != null) {
            return Optional.of(listed);
        }
        try {
            return Optional.of(context.fileStore().length(repository.location(file.stored())));
        }
        catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Where the repository keeps a file of the table: at its path below the table's directory, unless an earlier
     * backup keeps other content there (a file rewritten in place), then beside it under this backup's name.
     */
    private String storedPath(String path)
    {
        String stored = BackupRepository.tableDirectory(table) + "/" + path;
        return heldStored.contains(stored) ? stored + "@" + backupName : stored;
    }

    /**
     * A file left by a backup that died before it finished is no one's: a new copy replaces it. Only a file the
     * table's one listing shows is deleted, not a request per copy (each one a request on an object store).
     */
    private void removeUnreferenced(String target)
    {
        if (!storedSizes.get().containsKey(relativeToRoot(target))) {
            return;
        }
        try {
            context.fileStore().deleteFile(target);
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to remove " + target, e);
        }
    }

    private Map<String, Long> listStoredSizes()
    {
        Map<String, Long> sizes = new HashMap<>();
        try {
            for (TableFile file : context.fileStore().listFilesRecursively(repository.location(BackupRepository.tableDirectory(table)))) {
                sizes.put(relativeToRoot(file.path()), file.sizeBytes());
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to list the backups of %s in %s".formatted(table, repository.root()), e);
        }
        return sizes;
    }

    private String relativeToRoot(String location)
    {
        return Locations.pathPart(location).substring(Locations.comparablePath(repository.root()).length() + 1);
    }
}
