package io.dredge.core.backup;

import com.google.common.collect.ImmutableList;
import io.dredge.core.DredgeException;
import io.dredge.core.model.Locations;
import io.dredge.core.model.TableFile;
import io.dredge.core.model.TableReference;
import io.dredge.core.port.FileStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import static com.google.common.base.Preconditions.checkArgument;
import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;
import static io.dredge.core.DredgeException.Kind.NOT_SUPPORTED;
import static java.util.Objects.requireNonNull;

/**
 * A backup repository: a directory on any file system the engine reaches, laid out as docs/backups.md ("The backup
 * repository") documents, readable without Dredge:
 * <pre>
 * backups/&lt;backup name&gt;/manifest.json      one per backup (BackupManifestCodec)
 * tables/&lt;schema&gt;/&lt;table&gt;/&lt;path&gt;            the files, shared by every backup of that table in this repository
 * </pre>
 */
public final class BackupRepository
{
    private static final Logger log = LoggerFactory.getLogger(BackupRepository.class);
    private static final Pattern BACKUP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final String MANIFEST = "manifest.json";
    private static final String BACKUPS = "backups";
    private static final String TABLES = "tables";

    private final FileStore fileStore;
    private final String root;

    public BackupRepository(FileStore fileStore, String root)
    {
        this.fileStore = requireNonNull(fileStore, "fileStore is null");
        this.root = Locations.withoutTrailingSlash(requireNonNull(root, "root is null"));
    }

    public String root()
    {
        return root;
    }

    /**
     * Refuses a name that could not be a directory name everywhere, or could climb out of the repository.
     */
    public static String requireValidName(String name)
    {
        if (!isValidName(name)) {
            throw new DredgeException(INVALID_ARGUMENT, "invalid backup name '%s': use 1 to 128 letters, digits, '_', '-' and '.', starting with a letter or digit".formatted(name));
        }
        return name;
    }

    private static boolean isValidName(String name)
    {
        return BACKUP_NAME.matcher(name).matches() && !name.contains("..");
    }

    public String location(String relativePath)
    {
        return Locations.child(root, relativePath);
    }

    /**
     * The repository a manifest location ({@link #manifestLocation}) belongs to.
     */
    public static BackupRepository ofManifest(FileStore fileStore, String manifestLocation)
    {
        String backupDirectory = manifestLocation.substring(0, manifestLocation.lastIndexOf('/'));
        String backups = backupDirectory.substring(0, backupDirectory.lastIndexOf('/'));
        checkArgument(manifestLocation.endsWith("/" + MANIFEST) && backups.endsWith("/" + BACKUPS), "not a manifest location: %s", manifestLocation);
        return new BackupRepository(fileStore, backups.substring(0, backups.length() - BACKUPS.length() - 1));
    }

    public String manifestLocation(String backupName)
    {
        return location(BACKUPS + "/" + requireValidName(backupName) + "/" + MANIFEST);
    }

    /**
     * Where a table's files are kept, relative to the root: one directory per source table, so that backups of the
     * same table share files and backups of different tables never collide.
     */
    public static String tableDirectory(TableReference table)
    {
        return TABLES + "/" + table.schemaName() + "/" + table.tableName();
    }

    public Optional<BackupManifest> read(String backupName)
    {
        Optional<byte[]> content;
        try {
            content = fileStore.readFile(manifestLocation(backupName));
        }
        catch (IOException e) {
            throw new DredgeException(INVALID_ARGUMENT, "backup %s cannot be read (%s): %s".formatted(backupName, manifestLocation(backupName), e.getMessage()), e);
        }
        return content.map(json -> {
            try {
                return BackupManifestCodec.fromJson(json);
            }
            catch (IllegalArgumentException e) {
                throw new DredgeException(INVALID_ARGUMENT, "backup %s cannot be read (%s): %s".formatted(backupName, manifestLocation(backupName), e.getMessage()), e);
            }
        });
    }

    /**
     * The named backup; empty when there is none, the name could not be one, or its manifest cannot be read.
     */
    public Optional<BackupManifest> find(String backupName)
    {
        if (!isValidName(backupName)) {
            return Optional.empty();
        }
        try {
            return read(backupName);
        }
        catch (RuntimeException e) {
            log.warn("skipping backup {}: {}", backupName, e.getMessage());
            return Optional.empty();
        }
    }

    public void write(BackupManifest manifest)
    {
        try {
            fileStore.writeFile(manifestLocation(manifest.name()), BackupManifestCodec.toJson(manifest));
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to write the manifest of backup " + manifest.name(), e);
        }
    }

    public void deleteManifest(String backupName)
    {
        try {
            fileStore.deleteDirectory(location(BACKUPS + "/" + requireValidName(backupName)));
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to delete the manifest of backup " + backupName, e);
        }
    }

    /**
     * Every backup whose manifest can be read; unreadable manifests are logged and left out, so one damaged backup
     * does not hide the others.
     */
    public List<BackupManifest> list()
    {
        return list(false);
    }

    /**
     * Every backup, for work that deletes or shares stored files: as {@link #list()}, but fails when a manifest is of
     * a newer format than this Dredge reads, whose backup may hold any of the files and must not lose one.
     */
    public List<BackupManifest> listForSharing()
    {
        return list(true);
    }

    private List<BackupManifest> list(boolean refuseNewer)
    {
        List<TableFile> files;
        try {
            files = fileStore.listFilesRecursively(location(BACKUPS));
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to list the backups in " + root, e);
        }
        ImmutableList.Builder<BackupManifest> manifests = ImmutableList.builder();
        List<String> newer = new ArrayList<>();
        String prefix = Locations.comparablePath(location(BACKUPS)) + "/";
        for (TableFile file : files) {
            String relative = Locations.pathPart(file.path());
            if (!relative.startsWith(prefix)) {
                continue;
            }
            String[] parts = relative.substring(prefix.length()).split("/");
            if (parts.length != 2 || !parts[1].equals(MANIFEST)) {
                continue;
            }
            try {
                read(parts[0]).ifPresent(manifests::add);
            }
            catch (RuntimeException e) {
                if (e.getCause() instanceof BackupManifestCodec.NewerFormatException) {
                    newer.add(parts[0]);
                }
                log.warn("skipping backup {}: {}", parts[0], e.getMessage());
            }
        }
        if (refuseNewer && !newer.isEmpty()) {
            throw new DredgeException(NOT_SUPPORTED, "backup repository %s holds backups that a newer Dredge wrote (%s), whose files this one cannot know: it may share or delete none there; use that version"
                    .formatted(root, String.join(", ", newer)));
        }
        return manifests.build();
    }
}
