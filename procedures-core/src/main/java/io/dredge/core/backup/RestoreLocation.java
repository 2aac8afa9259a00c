package io.dredge.core.backup;

import io.dredge.core.DredgeException;
import io.dredge.core.files.CopiedFile;
import io.dredge.core.files.FileCopier;
import io.dredge.core.files.FileCopy;
import io.dredge.core.model.Locations;
import io.dredge.core.model.TableFile;
import io.dredge.core.operation.MaintenanceContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;
import static io.dredge.core.DredgeException.Kind.UNSAFE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * The location one restore writes the table's files to: marked while the restore writes there, so that running it
 * again after it died can tell its own leftovers from a user's files, and deleted whatever fails.
 */
final class RestoreLocation
{
    private static final Logger log = LoggerFactory.getLogger(RestoreLocation.class);

    // hidden from Hive and Iceberg readers alike
    private static final String RESTORE_MARKER = ".dredge-restore";

    private final MaintenanceContext context;
    private final FileCopier copier;
    private final String backupName;
    private final String location;

    RestoreLocation(MaintenanceContext context, FileCopier copier, String backupName, String location)
    {
        this.context = requireNonNull(context, "context is null");
        this.copier = requireNonNull(copier, "copier is null");
        this.backupName = requireNonNull(backupName, "backupName is null");
        this.location = requireNonNull(location, "location is null");
    }

    String location()
    {
        return location;
    }

    /**
     * Refuses a location that holds anything but what a restore that died there left (a process killed while it
     * copied leaves its files and its marker, and no table), which it clears; then marks the location as being
     * restored into, so that running the restore again can tell its own leftovers from a user's files.
     */
    void prepare()
    {
        String marker = Locations.child(location, RESTORE_MARKER);
        try {
            List<TableFile> present = context.fileStore().listFilesRecursively(location);
            if (!present.isEmpty()) {
                Optional<byte[]> unfinished = context.fileStore().readFile(marker);
                if (unfinished.isEmpty()) {
                    throw new DredgeException(INVALID_ARGUMENT, "restore location %s is not empty (%s files, for example %s): restore into an empty location".formatted(location, present.size(), present.get(0).path()));
                }
                log.info("restore location {} holds {} files that an unfinished {} left; removing them", location, present.size(), new String(unfinished.get(), UTF_8).trim());
                context.fileStore().deleteDirectory(location);
            }
            context.fileStore().writeFile(marker, ("restore of backup " + backupName + "\n").getBytes(UTF_8));
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to prepare restore location " + location, e);
        }
    }

    /**
     * Copies the backup's files from {@code repository}, each to its path below the location, and names each whose
     * copy does not have the manifest's size and checksum (the copier reads each copy back too).
     */
    List<String> copy(BackupRepository repository, List<BackupFile> files)
    {
        List<FileCopy> copies = new ArrayList<>();
        Map<String, BackupFile> byTarget = new HashMap<>();
        for (BackupFile file : files) {
            String fileTarget = Locations.child(location, file.path());
            copies.add(new FileCopy(repository.location(file.stored()), fileTarget, file.sizeBytes()));
            byTarget.put(fileTarget, file);
        }
        List<CopiedFile> copied;
        try {
            copied = copier.copy(copies, progress -> log.debug("restore: {}", progress.describe()));
        }
        catch (UncheckedIOException e) {
            throw new DredgeException(UNSAFE, "backup %s is damaged, nothing was restored: %s".formatted(backupName, e.getMessage()), e);
        }
        List<String> damaged = new ArrayList<>();
        for (CopiedFile file : copied) {
            damage(byTarget.get(file.target()), file).ifPresent(damaged::add);
        }
        return damaged;
    }

    /**
     * How a copy of {@code expected} differs from what the manifest says of it, if it does.
     */
    static Optional<String> damage(BackupFile expected, CopiedFile now)
    {
        if (now.sizeBytes() != expected.sizeBytes() || !now.crc32cHex().equals(expected.crc32c())) {
            return Optional.of("%s (%s bytes, crc32c %s; manifest: %s bytes, crc32c %s)".formatted(expected.stored(), now.sizeBytes(), now.crc32cHex(), expected.sizeBytes(), expected.crc32c()));
        }
        return Optional.empty();
    }

    /**
     * Fails the restore, before anything is registered, when any file is damaged.
     */
    void requireIntact(List<String> damaged)
    {
        if (!damaged.isEmpty()) {
            throw new DredgeException(UNSAFE, "backup %s is damaged, nothing was restored: %s".formatted(backupName, String.join(", ", damaged)));
        }
    }

    /**
     * The restore is done: the location is the table's.
     */
    void deleteMarker()
    {
        try {
            context.fileStore().deleteFile(Locations.child(location, RESTORE_MARKER));
        }
        catch (IOException e) {
            // a hidden file that no reader lists; only a later restore into the same location looks for it
            log.warn("restored into {}, but could not delete its marker {}: {}", location, RESTORE_MARKER, e.toString());
        }
    }

    /**
     * Leaves nothing of a failed restore: the table unregistered (keeping the files, which go next), its location deleted.
     */
    void discard(RuntimeException failure, Optional<Runnable> unregister)
    {
        try {
            unregister.ifPresent(Runnable::run);
        }
        catch (RuntimeException suppressed) {
            failure.addSuppressed(suppressed);
        }
        try {
            context.fileStore().deleteDirectory(location);
        }
        catch (IOException | RuntimeException suppressed) {
            failure.addSuppressed(suppressed);
        }
    }
}
