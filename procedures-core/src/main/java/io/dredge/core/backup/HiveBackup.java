package io.dredge.core.backup;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.Lists;
import io.dredge.core.DredgeException;
import io.dredge.core.files.FileCopier;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.model.HivePartitionDefinition;
import io.dredge.core.model.HiveStorage;
import io.dredge.core.model.HiveStorageFormats;
import io.dredge.core.model.Locations;
import io.dredge.core.model.PartitionDescriptor;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableFile;
import io.dredge.core.operation.Beside;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.port.Metastore;
import io.dredge.core.report.HiveTableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static com.google.common.collect.ImmutableMap.toImmutableMap;
import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static io.dredge.core.DredgeException.Kind.UNSAFE;
import static io.dredge.core.operation.TableLocks.LOCK_PARAMETER;
import static java.util.Objects.requireNonNull;

/**
 * One Hive backup: plans each partition's files against what the repository holds, copies, takes each partition's rows
 * from the stored copies' footers (verify {@code files}) or counts and checksums them through the engine (verify
 * {@code rows}), and checks that no partition changed meanwhile.
 */
final class HiveBackup
{
    private static final Logger log = LoggerFactory.getLogger(HiveBackup.class);

    private final MaintenanceContext context;
    private final FileCopier copier;
    private final TableDescriptor table;
    private final BackupRepository repository;
    private final BackupManifest started;
    private final OperationRecord record;
    private final List<BackupFile> copied;

    /**
     * @param started the manifest written {@code RUNNING}
     * @param record the backup's journal record, which holds the table's lock
     * @param copied receives each file copied, for the caller to remove if the backup fails
     */
    HiveBackup(MaintenanceContext context, FileCopier copier, TableDescriptor table, BackupRepository repository, BackupManifest started, OperationRecord record, List<BackupFile> copied)
    {
        this.context = requireNonNull(context, "context is null");
        this.copier = requireNonNull(copier, "copier is null");
        this.table = requireNonNull(table, "table is null");
        this.repository = requireNonNull(repository, "repository is null");
        this.started = requireNonNull(started, "started is null");
        this.record = requireNonNull(record, "record is null");
        this.copied = requireNonNull(copied, "copied is null");
    }

    /**
     * @return the manifest of the complete backup
     */
    BackupManifest run()
    {
        List<PartitionDescriptor> partitions = table.partitioned()
                ? context.metastore().getPartitionsInBatches(table.table(), context.metastore().getPartitionNames(table))
                : List.of();
        Map<String, HivePartitionDefinition> definitions = new HashMap<>();
        for (HivePartitionDefinition definition : definitionsInBatches(partitions)) {
            definitions.put(definition.name(), definition);
        }
        Map<String, String> directories = directories(partitions);
        Map<String, List<TableFile>> before = listAll(directories);

        RepositoryFiles files = RepositoryFiles.read(context, copier, repository, table.table(), started.name());
        List<Map.Entry<String, TableFile>> sources = sources(before, directories);
        List<Optional<BackupFile>> sameFiles = files.sameFiles(sources);
        // the files of each partition that the repository holds already, and the partitions with a file to copy
        Map<String, Set<BackupFile>> heldFiles = new HashMap<>();
        Set<String> changed = new HashSet<>();
        int index = 0;
        for (Map.Entry<String, List<TableFile>> listing : before.entrySet()) {
            for (TableFile file : listing.getValue()) {
                String path = sources.get(index).getKey();
                Optional<BackupFile> same = sameFiles.get(index);
                files.add(path, file.path(), file.sizeBytes(), same);
                if (same.isPresent()) {
                    heldFiles.computeIfAbsent(listing.getKey(), ignored -> new HashSet<>()).add(new BackupFile(path, same.get().stored(), file.sizeBytes(), same.get().crc32c(), false));
                }
                else {
                    changed.add(listing.getKey());
                }
                index++;
            }
        }
        // the figures of an earlier backup for what it holds the same; the rest counted between the two listings, like
        // the copy: a partition written meanwhile fails the backup below
        Map<String, BackupSql.Figures> figures = new HashMap<>(table.partitioned()
                ? heldPartitionFigures(files.heldBackups(), before.keySet(), heldFiles, changed, definitions)
                : files.copiesNothing() ? unchangedFigures(files.heldBackups(), files.files(), definitions).orElse(Map.of()) : Map.of());
        Set<String> toCount = new HashSet<>(before.keySet());
        toCount.removeAll(figures.keySet());
        log.info("backup {} of {} (verify {}): counting the rows of {} partitions, {} unchanged since an earlier backup", started.name(), table.table(), verification().sqlName(), toCount.size(), figures.size());
        List<BackupFile> backedUp;
        if (verification() == BackupVerification.ROWS) {
            // the engine's scan and the copy wait on different things (the cluster's CPUs, the storage): side by side
            Map<String, BackupSql.Figures> counted = new ConcurrentHashMap<>();
            backedUp = Beside.run(() -> files.copy(record, copied), () -> counted.putAll(engineFigures(toCount, before.size())), context.besideExecutor());
            figures.putAll(counted);
        }
        else {
            backedUp = files.copy(record, copied);
            figures.putAll(footerFigures(toCount, before.size(), definitions, backedUp));
        }
        requireUnchanged(directories, before);
        return complete(partitions, definitions, figures, backedUp);
    }

    private BackupVerification verification()
    {
        return started.verification();
    }

    /**
     * The engine's count and checksum of the rows of these partitions (of all {@code partitionCount}).
     */
    private Map<String, BackupSql.Figures> engineFigures(Set<String> partitionNames, int partitionCount)
    {
        if (partitionNames.isEmpty()) {
            return Map.of();
        }
        BackupSql sql = new BackupSql(context, context.catalog());
        return !table.partitioned() || partitionNames.size() == partitionCount ? sql.figures(table) : sql.figures(table, partitionNames);
    }

    /**
     * The rows of these partitions as the footers of their stored copies record them (Parquet, ORC), read where the
     * copies ran, one request per storage format; a partition with a file whose format records no count (text, say)
     * is counted by the engine.
     */
    private Map<String, BackupSql.Figures> footerFigures(Set<String> partitionNames, int partitionCount, Map<String, HivePartitionDefinition> definitions, List<BackupFile> backedUp)
    {
        // each partition's stored files, and the files to read by storage format (a partition may differ from its table)
        Map<String, List<TableFile>> byPartition = new HashMap<>();
        for (BackupFile file : backedUp) {
            byPartition.computeIfAbsent(partitionOf(file.path()), ignored -> new ArrayList<>()).add(new TableFile(repository.location(file.stored()), file.sizeBytes()));
        }
        Map<String, List<TableFile>> storedFiles = new HashMap<>();
        Map<String, List<TableFile>> byFormat = new HashMap<>();
        for (String name : partitionNames) {
            List<TableFile> stored = byPartition.getOrDefault(name, List.of());
            HiveStorage storage = name.isEmpty()
                    ? started.hiveTable().orElseThrow().storage()
                    : requireNonNull(definitions.get(name), () -> "partition %s vanished during the backup".formatted(name)).storage();
            storedFiles.put(name, stored);
            byFormat.computeIfAbsent(HiveStorageFormats.name(Optional.of(storage.serde()), Optional.of(storage.inputFormat())), ignored -> new ArrayList<>()).addAll(stored);
        }
        Map<String, Long> counts = new HashMap<>();
        byFormat.forEach((format, files) -> {
            if (!files.isEmpty()) {
                counts.putAll(copier.footerRowCounts(format, files));
            }
        });
        Map<String, BackupSql.Figures> figures = new HashMap<>();
        Set<String> uncounted = new HashSet<>();
        storedFiles.forEach((name, stored) -> {
            if (stored.stream().allMatch(file -> counts.containsKey(file.path()))) {
                long rows = stored.stream().mapToLong(file -> counts.get(file.path())).sum();
                if (rows > 0) {
                    // like the engine's aggregate, which has no group for a partition without rows
                    figures.put(name, new BackupSql.Figures(rows, ""));
                }
            }
            else {
                uncounted.add(name);
            }
        });
        figures.putAll(engineFigures(uncounted, partitionCount));
        return figures;
    }

    /**
     * The partition a backed-up file belongs to: the first segment of its path per partition column (Hive escapes a
     * {@code /} in a partition value), none for an unpartitioned table.
     */
    private String partitionOf(String path)
    {
        int end = -1;
        for (int column = 0; column < started.hiveTable().orElseThrow().partitionColumns().size(); column++) {
            end = path.indexOf('/', end + 1);
            if (end < 0) {
                return "";
            }
        }
        return end < 0 ? "" : path.substring(0, end);
    }

    /**
     * Whether figures an earlier backup recorded serve this one: any at {@code 'files'}; at {@code 'rows'} only those
     * the engine counted (with a checksum), or of no rows.
     */
    private boolean reusable(long rows, String rowChecksum)
    {
        return verification() == BackupVerification.FILES || !rowChecksum.isEmpty() || rows == 0;
    }

    /**
     * Where each partition's files belong: directory (relative to the table) -> its location now.
     */
    private Map<String, String> directories(List<PartitionDescriptor> partitions)
    {
        Map<String, String> directories = new LinkedHashMap<>();
        if (table.partitioned()) {
            for (PartitionDescriptor partition : partitions) {
                directories.put(partition.name(), partition.location());
            }
        }
        else {
            directories.put("", table.location().orElseThrow());
        }
        return directories;
    }

    /**
     * The listed files, each with its path relative to the table.
     */
    private static List<Map.Entry<String, TableFile>> sources(Map<String, List<TableFile>> listings, Map<String, String> directories)
    {
        List<Map.Entry<String, TableFile>> sources = new ArrayList<>();
        for (Map.Entry<String, List<TableFile>> directory : listings.entrySet()) {
            for (TableFile file : directory.getValue()) {
                sources.add(Map.entry(relativePath(directory.getKey(), directories.get(directory.getKey()), file.path()), file));
            }
        }
        return sources;
    }

    /**
     * Fails the backup unless the table, and every directory's files, are those it started with.
     */
    private void requireUnchanged(Map<String, String> directories, Map<String, List<TableFile>> before)
    {
        // a table dropped or renamed meanwhile took its files away, or moved them; one created again under the name is another table
        boolean sameTable = context.metastore().getTable(table.table()).filter(now -> now.parameter(LOCK_PARAMETER).equals(Optional.of(record.id()))).isPresent();
        if (!sameTable) {
            throw new DredgeException(UNSAFE, "backup %s failed: table %s was dropped or renamed while it was copied; nothing was kept".formatted(started.name(), table.table()));
        }
        Map<String, List<TableFile>> after = listAll(directories);
        List<String> changed = before.keySet().stream()
                .filter(name -> !sameListing(before.get(name), after.get(name)))
                .map(name -> name.isEmpty() ? table.table().toString() : name)
                .toList();
        if (!changed.isEmpty()) {
            throw new DredgeException(UNSAFE, "backup %s failed: written while it was copied, so the copy would mix two states: %s; nothing was kept, run the backup again".formatted(started.name(), String.join(", ", changed)));
        }
    }

    private BackupManifest complete(List<PartitionDescriptor> partitions, Map<String, HivePartitionDefinition> definitions, Map<String, BackupSql.Figures> figures, List<BackupFile> files)
    {
        ImmutableList.Builder<BackupPartition> backupPartitions = ImmutableList.builder();
        long rows = 0;
        for (PartitionDescriptor partition : partitions) {
            BackupSql.Figures partitionFigures = figures.getOrDefault(partition.name(), new BackupSql.Figures(0, ""));
            rows += partitionFigures.rows();
            HivePartitionDefinition definition = requireNonNull(definitions.get(partition.name()), () -> "partition %s vanished during the backup".formatted(partition.name()));
            backupPartitions.add(new BackupPartition(definition, partition.name(), partitionFigures.rows(), partitionFigures.checksum()));
        }
        Optional<String> tableChecksum = Optional.empty();
        if (!table.partitioned()) {
            BackupSql.Figures tableFigures = figures.getOrDefault("", new BackupSql.Figures(0, ""));
            rows = tableFigures.rows();
            tableChecksum = Optional.of(tableFigures.checksum());
        }
        return started.completed(backupPartitions.build(), files, rows, tableChecksum);
    }

    /**
     * The figures of the latest complete backup of the table in this repository that holds exactly these files
     * (path, stored file, size, CRC32C) under the same table and partition definitions: the engine would read the
     * same rows from them, and they are the rows the repository holds. Empty when there is none.
     */
    private Optional<Map<String, BackupSql.Figures>> unchangedFigures(List<BackupManifest> heldBackups, List<BackupFile> files, Map<String, HivePartitionDefinition> definitions)
    {
        Set<BackupFile> shared = new HashSet<>(files);
        return heldBackups.stream()
                .filter(manifest -> manifest.hiveTable().equals(started.hiveTable()))
                .filter(manifest -> reusable(manifest.rows(), manifest.rowChecksum().orElse("")))
                .filter(manifest -> manifest.files().stream().map(file -> new BackupFile(file.path(), file.stored(), file.sizeBytes(), file.crc32c(), false)).collect(toImmutableSet()).equals(shared))
                .filter(manifest -> manifest.partitions().stream().collect(toImmutableMap(partition -> partition.definition().name(), BackupPartition::definition)).equals(definitions))
                .max(Comparator.comparing(BackupManifest::createdAt))
                .map(manifest -> table.partitioned()
                        ? manifest.partitions().stream().collect(toImmutableMap(partition -> partition.definition().name(), partition -> new BackupSql.Figures(partition.rows(), partition.rowChecksum())))
                        : ImmutableMap.of("", new BackupSql.Figures(manifest.rows(), manifest.rowChecksum().orElse(""))));
    }

    /**
     * The figures of the partitions an earlier backup holds the same: a partition whose files (path, stored file,
     * size, CRC32C) and definition are those of the same partition in a complete backup of the table under the same
     * table definition has that backup's figures (the engine would read the same rows from the same files). A backup
     * verified by rows takes only figures the engine counted.
     */
    private Map<String, BackupSql.Figures> heldPartitionFigures(List<BackupManifest> heldBackups, Set<String> partitions, Map<String, Set<BackupFile>> heldFiles, Set<String> changed, Map<String, HivePartitionDefinition> definitions)
    {
        List<BackupManifest> candidates = heldBackups.stream()
                .filter(manifest -> manifest.hiveTable().equals(started.hiveTable()))
                .sorted(Comparator.comparing(BackupManifest::createdAt).reversed())
                .toList();
        Map<String, BackupSql.Figures> figures = new HashMap<>();
        for (String name : partitions) {
            if (changed.contains(name)) {
                continue;
            }
            Set<BackupFile> files = heldFiles.getOrDefault(name, Set.of());
            for (BackupManifest manifest : candidates) {
                Optional<BackupPartition> backedUp = manifest.partitions().stream().filter(candidate -> candidate.definition().name().equals(name)).findFirst();
                if (backedUp.isPresent() && backedUp.get().definition().equals(definitions.get(name)) && filesOf(manifest, name).equals(files)
                        && reusable(backedUp.get().rows(), backedUp.get().rowChecksum())) {
                    figures.put(name, new BackupSql.Figures(backedUp.get().rows(), backedUp.get().rowChecksum()));
                    break;
                }
            }
        }
        return figures;
    }

    private static Set<BackupFile> filesOf(BackupManifest manifest, String partitionName)
    {
        String prefix = partitionName + "/";
        return manifest.files().stream()
                .filter(file -> file.path().startsWith(prefix))
                .map(file -> new BackupFile(file.path(), file.stored(), file.sizeBytes(), file.crc32c(), false))
                .collect(toImmutableSet());
    }

    private List<HivePartitionDefinition> definitionsInBatches(List<PartitionDescriptor> partitions)
    {
        ImmutableList.Builder<HivePartitionDefinition> definitions = ImmutableList.builder();
        List<String> names = partitions.stream().map(PartitionDescriptor::name).toList();
        for (List<String> batch : Lists.partition(names, Metastore.PARTITION_BATCH_SIZE)) {
            definitions.addAll(context.metastore().getPartitionDefinitions(table.table(), batch));
        }
        return definitions.build();
    }

    /**
     * The visible files below each directory, without those below another partition's location nested inside it.
     */
    private Map<String, List<TableFile>> listAll(Map<String, String> directories)
    {
        Map<String, List<TableFile>> listings = new LinkedHashMap<>();
        directories.forEach((name, location) -> {
            HiveTableFiles.DirectoryListing listing = HiveTableFiles.list(context.fileStore(), location);
            List<TableFile> files = new ArrayList<>(listing.dataFiles());
            for (TableFile nested : listing.nestedFiles()) {
                boolean otherPartition = directories.entrySet().stream()
                        .anyMatch(other -> !other.getKey().equals(name) && Locations.isBelow(location, other.getValue()) && Locations.isBelow(other.getValue(), nested.path()));
                if (!otherPartition) {
                    files.add(nested);
                }
            }
            listings.put(name, files);
        });
        return listings;
    }

    private static boolean sameListing(List<TableFile> before, List<TableFile> after)
    {
        return after != null && new HashSet<>(before).equals(new HashSet<>(after));
    }

    /**
     * The file's path relative to the table: below its partition's directory name (Hive's own layout, whatever
     * location the partition had), keeping subdirectories.
     */
    private static String relativePath(String directoryName, String location, String file)
    {
        String inside = Locations.pathPart(file).substring(Locations.comparablePath(location).length() + 1);
        return directoryName.isEmpty() ? inside : directoryName + "/" + inside;
    }
}
