package io.dredge.core.hygiene;

import io.dredge.core.DredgeException;
import io.dredge.core.compaction.Cleanup;
import io.dredge.core.compaction.Recovery;
import io.dredge.core.files.LocalFileCopier;
import io.dredge.core.journal.OperationFile;
import io.dredge.core.journal.OperationJournal;
import io.dredge.core.journal.OperationKind;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.OperationState;
import io.dredge.core.model.PartitionDescriptor;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.operation.FaultInjector;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.operation.ProtocolStep;
import io.dredge.core.operation.TableLocks;
import io.dredge.core.testing.InMemoryMetastore;
import io.dredge.core.testing.NioFileStore;
import io.dredge.core.testing.TextTableEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static io.dredge.core.DredgeException.Kind.TABLE_BUSY;
import static io.dredge.core.DredgeException.Kind.UNSAFE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code remove_orphan_files} on a Hive table over the fast tier's ports: what counts as an orphan (never a directory
 * a restore is writing, nor Dredge's own), a crash after each step undone by {@code recover}, restore, a run of a dry
 * run's listing, the quarantine's retention, and the refusals of a shared location and of another file system. {@code TestOrphanFiles} runs
 * one case of each on real engines.
 */
class TestOrphanRemovalProtocol
{
    private static final TableReference TABLE = new TableReference("s", "t");
    private static final OrphanOptions REMOVE = new OrphanOptions(Duration.ofDays(1), false, false);

    @TempDir
    Path directory;

    private final NioFileStore fileStore = new NioFileStore();
    private final TableLocks locks = new TableLocks();
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private InMemoryMetastore metastore;
    private Set<Path> dataFiles;
    private Set<Path> orphans;
    private Path young;

    @BeforeEach
    void setUp()
            throws IOException
    {
        metastore = new InMemoryMetastore();
        metastore.createSchema("s", directory.resolve("s").toUri().toString());
        Path table = directory.resolve("s/t");
        dataFiles = Set.of(write(table.resolve("day=a/000000_0")), write(table.resolve("day=b/000000_0")), write(table.resolve("day=b/HIVE_UNION_SUBDIR_1/000000_0")));
        metastore.createTable(
                new TableDescriptor(TABLE, false, Optional.of(table.toUri().toString()), "TEXTFILE", List.of("id"), List.of("day"), List.of("string"), Map.of()),
                List.of(partition(table, "a"), partition(table, "b")));
        orphans = Set.of(
                write(table.resolve("day=dropped/000000_0")),
                write(table.resolve("day=a/.hive-staging_hive_x/-ext-10000/000000_0")),
                write(table.resolve("_temporary/0/part-00000")));
        // a directory a restore is writing, and Dredge's own: neither is ever a candidate
        write(table.resolve("day=restoring/.dredge-restore"));
        write(table.resolve("day=restoring/000000_0"));
        write(table.resolve(".dredge/staging/000000_0"));
        FileTime old = FileTime.from(Instant.now().minus(Duration.ofDays(2)));
        try (Stream<Path> files = Files.walk(table)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(file, old);
            }
        }
        young = write(table.resolve("day=young/000000_0"));
    }

    @AfterEach
    void tearDown()
    {
        executor.shutdownNow();
    }

    @Test
    void testDryRunListsWhatTheRunMovesAndRestorePutsBack()
    {
        OperationRecord dryRun = new OrphanRemoval(context(FaultInjector.NONE)).remove(TABLE, new OrphanOptions(Duration.ofDays(1), true, false));
        assertThat(dryRun.state()).isEqualTo(OperationState.PLANNED);
        assertThat(listed(dryRun)).isEqualTo(orphans);
        assertThat(orphans).allSatisfy(file -> assertThat(file).exists());

        OperationRecord removal = new OrphanRemoval(context(FaultInjector.NONE)).remove(TABLE, REMOVE);
        assertThat(removal.state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(listed(removal)).isEqualTo(orphans);
        assertThat(orphans).allSatisfy(file -> assertThat(file).doesNotExist());
        assertThat(dataFiles).allSatisfy(file -> assertThat(file).exists());
        assertThat(young).exists();
        assertThat(directory.resolve("s/.dredge/quarantine").resolve(removal.id())).isDirectory();

        OperationRecord restore = new OrphanRemoval(context(FaultInjector.NONE)).restore(removal.id());
        assertThat(restore.step()).isEqualTo("put back 3 of 3 files");
        assertThat(orphans).allSatisfy(file -> assertThat(file).exists());
        assertThat(journal().find("s", removal.id()).orElseThrow().state()).isEqualTo(OperationState.ROLLED_BACK);
    }

    @Test
    void testCleanupKeepsTheQuarantineForItsOwnRetention()
    {
        OperationRecord removal = new OrphanRemoval(context(FaultInjector.NONE)).remove(TABLE, REMOVE);
        Path quarantine = directory.resolve("s/.dredge/quarantine").resolve(removal.id());

        // compactions of any age are cleaned; the quarantine is younger than its retention
        assertThat(new Cleanup(context(FaultInjector.NONE)).cleanup("s", Optional.empty(), Duration.ZERO, Duration.ofDays(1))).isEmpty();
        assertThat(quarantine).isDirectory();
        assertThat(journal().find("s", removal.id()).orElseThrow().state()).isEqualTo(OperationState.SUCCEEDED);

        assertThat(new Cleanup(context(FaultInjector.NONE)).cleanup("s", Optional.of("t"), Duration.ofDays(7), Duration.ZERO))
                .extracting(OperationRecord::id)
                .containsExactly(removal.id());
        assertThat(quarantine).doesNotExist();
        assertThat(journal().find("s", removal.id()).orElseThrow().state()).isEqualTo(OperationState.CLEANED_UP);
        assertThatThrownBy(() -> new OrphanRemoval(context(FaultInjector.NONE)).restore(removal.id()))
                .hasMessage("operation %s is CLEANED_UP: only a finished removal has files to put back", removal.id());
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolStep.class, names = {"PLANNED", "WRITTEN"})
    void testCrashAfterEachStepIsUndoneByRecover(ProtocolStep step)
    {
        assertThatThrownBy(() -> new OrphanRemoval(context(FaultInjector.failAt(step, 1))).remove(TABLE, REMOVE))
                .isInstanceOf(FaultInjector.InjectedFault.class);
        OperationRecord crashed = onlyRemoval();
        assertThat(crashed.state()).isEqualTo(OperationState.RUNNING);
        assertThat(orphans).allSatisfy(file -> assertThat(file).matches(path -> Files.exists(path) == (step == ProtocolStep.PLANNED)));
        assertThatThrownBy(() -> new OrphanRemoval(context(FaultInjector.NONE)).remove(TABLE, REMOVE))
                .isInstanceOfSatisfying(DredgeException.class, e -> assertThat(e.kind()).isEqualTo(TABLE_BUSY));

        new Recovery(context(FaultInjector.NONE)).recover(TABLE);
        OperationRecord recovered = onlyRemoval();
        assertThat(recovered.state()).isEqualTo(OperationState.RECOVERED);
        assertThat(recovered.step()).isEqualTo("interrupted; put back %s files".formatted(step == ProtocolStep.PLANNED ? 0 : orphans.size()));
        assertThat(orphans).allSatisfy(file -> assertThat(file).exists());
        assertThat(dataFiles).allSatisfy(file -> assertThat(file).exists());
    }

    @Test
    void testAnotherTableOnTheLocationIsRefused()
    {
        Path table = directory.resolve("s/t");
        TableReference other = new TableReference("s", "other");
        metastore.createTable(new TableDescriptor(other, false, Optional.of(table.resolve("day=dropped").toUri().toString()), "TEXTFILE", List.of("id"), List.of(), List.of(), Map.of()), List.of());
        assertThatThrownBy(() -> new OrphanRemoval(context(FaultInjector.NONE)).remove(TABLE, REMOVE))
                .isInstanceOfSatisfying(DredgeException.class, e -> assertThat(e.kind()).isEqualTo(UNSAFE))
                .hasMessageContaining("is shared with s.other, whose files would look like orphans; nothing was removed");
        assertThat(orphans).allSatisfy(file -> assertThat(file).exists());
    }

    @Test
    void testARunOfADryRunRemovesWhatItListedThatIsAnOrphanStill()
            throws IOException
    {
        OperationRecord dryRun = new OrphanRemoval(context(FaultInjector.NONE)).remove(TABLE, new OrphanOptions(Duration.ofDays(1), true, false));
        Path table = directory.resolve("s/t");
        Path later = write(table.resolve("day=later/000000_0"));
        Files.setLastModifiedTime(later, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        // a partition reads a listed file's place again
        metastore.addPartition(TABLE, partition(table, "dropped"));
        Path readAgain = table.resolve("day=dropped/000000_0");

        OperationRecord removal = new OrphanRemoval(context(FaultInjector.NONE)).removeListed(TABLE, dryRun.id(), false);
        assertThat(removal.targetOperationId()).contains(dryRun.id());
        Set<Path> removed = orphans.stream().filter(file -> !file.equals(readAgain)).collect(toImmutableSet());
        assertThat(listed(removal)).isEqualTo(removed);
        assertThat(removed).allSatisfy(file -> assertThat(file).doesNotExist());
        assertThat(readAgain).exists();
        assertThat(later).exists();
        assertThat(dataFiles).allSatisfy(file -> assertThat(file).exists());

        metastore.createTable(new TableDescriptor(new TableReference("s", "u"), false, Optional.of(directory.resolve("s/u").toUri().toString()), "TEXTFILE", List.of("id"), List.of(), List.of(), Map.of()), List.of());
        assertThatThrownBy(() -> new OrphanRemoval(context(FaultInjector.NONE)).removeListed(new TableReference("s", "u"), dryRun.id(), false))
                .hasMessage("dry run %s listed the orphans of s.t, not of s.u", dryRun.id());
        assertThatThrownBy(() -> new OrphanRemoval(context(FaultInjector.NONE)).removeListed(TABLE, removal.id(), false))
                .hasMessage("operation %s is a SUCCEEDED REMOVE_ORPHAN_FILES, not a dry run of remove_orphan_files", removal.id());
        assertThatThrownBy(() -> OrphanOptions.requireListingOnly(dryRun.id(), Optional.of("3d"), false))
                .hasMessage("older_than comes from dry run %s: give one or the other", dryRun.id());
        assertThatThrownBy(() -> OrphanOptions.requireListingOnly(dryRun.id(), Optional.empty(), true))
                .hasMessage("dry_run_id carries out dry run %s: dry_run must be false", dryRun.id());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void testAPartitionRegisteredWhileTheRemovalRunsKeepsItsFiles(boolean purge)
    {
        // a writer registers the dropped partition's directory again once the plan is made
        Path table = directory.resolve("s/t");
        Path readAgain = table.resolve("day=dropped/000000_0");
        FaultInjector registering = (step, count) -> {
            if (step == ProtocolStep.PLANNED) {
                metastore.addPartition(TABLE, partition(table, "dropped"));
            }
        };
        assertThatThrownBy(() -> new OrphanRemoval(context(registering)).remove(TABLE, new OrphanOptions(Duration.ofDays(1), false, purge)))
                .isInstanceOfSatisfying(DredgeException.class, e -> assertThat(e.kind()).isEqualTo(UNSAFE))
                .hasMessageContaining("1 of the orphan files are read by the table now (a partition registered or a snapshot committed while the removal ran), among them " + readAgain.toUri());
        assertThat(readAgain).exists();
        assertThat(orphans).allSatisfy(file -> assertThat(file).exists());
        assertThat(onlyRemoval().state()).isEqualTo(OperationState.FAILED);
    }

    @Test
    void testATableReplacedOnceTheOrphansAreMovedGetsNoneOfThem()
    {
        // dropped and made again under the name once the orphans are in the quarantine, with a partition where one lay
        Path readAgain = directory.resolve("s/t/day=dropped/000000_0");
        FaultInjector replacing = (step, count) -> {
            if (step == ProtocolStep.WRITTEN) {
                replaceTable();
            }
        };
        OrphanRemoval removal = new OrphanRemoval(context(replacing));
        assertThatThrownBy(() -> removal.remove(TABLE, REMOVE))
                .isInstanceOfSatisfying(DredgeException.class, e -> assertThat(e.kind()).isEqualTo(UNSAFE))
                .hasMessageStartingWith("s.t is no longer the table that operation %s ran on".formatted(onlyRemoval().id()))
                .hasMessageContaining("the 3 moved files stay in the quarantine");
        OperationRecord failed = onlyRemoval();
        assertThat(failed.state()).isEqualTo(OperationState.FAILED);
        // put back, it would be a row of the new table
        assertThat(readAgain).doesNotExist();
        assertThat(orphans).allSatisfy(file -> assertThat(file).doesNotExist());
        assertThat(listed(failed)).isEqualTo(orphans);

        // what stays in the quarantine is held for its retention like a finished removal's, then deleted with it
        Path quarantine = directory.resolve("s/.dredge/quarantine").resolve(failed.id());
        assertThat(new Cleanup(context(FaultInjector.NONE)).cleanup("s", Optional.empty(), Duration.ZERO, Duration.ofDays(1))).isEmpty();
        assertThat(quarantine).isDirectory();
        assertThat(new Cleanup(context(FaultInjector.NONE)).cleanup("s", Optional.empty(), Duration.ZERO, Duration.ZERO))
                .extracting(OperationRecord::id)
                .containsExactly(failed.id());
        assertThat(quarantine).doesNotExist();
        assertThat(journal().find("s", failed.id()).orElseThrow().state()).isEqualTo(OperationState.CLEANED_UP);
    }

    @Test
    void testATableReplacedAfterTheRemovalPlannedIsLeftAlone()
    {
        FaultInjector replacing = (step, count) -> {
            if (step == ProtocolStep.PLANNED) {
                replaceTable();
            }
        };
        assertThatThrownBy(() -> new OrphanRemoval(context(replacing)).remove(TABLE, REMOVE))
                .isInstanceOfSatisfying(DredgeException.class, e -> assertThat(e.kind()).isEqualTo(UNSAFE))
                .hasMessageEndingWith("the name now means another table; nothing was removed");
        assertThat(onlyRemoval().step()).isEqualTo("failed; put back 0 files");
        assertThat(orphans).allSatisfy(file -> assertThat(file).exists());
        // nothing in the quarantine: nothing for cleanup, and the removal stays FAILED
        assertThat(new Cleanup(context(FaultInjector.NONE)).cleanup("s", Optional.empty(), Duration.ZERO, Duration.ZERO)).isEmpty();
        assertThat(onlyRemoval().state()).isEqualTo(OperationState.FAILED);
    }

    @Test
    void testRecoverOfACrashedRemovalWhoseTableWasReplacedPutsNothingBack()
    {
        assertThatThrownBy(() -> new OrphanRemoval(context(FaultInjector.failAt(ProtocolStep.WRITTEN, 1))).remove(TABLE, REMOVE))
                .isInstanceOf(FaultInjector.InjectedFault.class);
        replaceTable();

        new Recovery(context(FaultInjector.NONE)).recover(TABLE);
        OperationRecord recovered = onlyRemoval();
        assertThat(recovered.state()).isEqualTo(OperationState.RECOVERED);
        assertThat(recovered.step()).startsWith("interrupted; s.t is no longer the table that operation %s ran on".formatted(recovered.id()))
                .contains("the 3 moved files stay in the quarantine");
        assertThat(orphans).allSatisfy(file -> assertThat(file).doesNotExist());
    }

    /**
     * Drops the table, keeping its files, and makes another under its name and location, with a partition where the
     * dropped partition's orphan lay.
     */
    private void replaceTable()
    {
        Path table = directory.resolve("s/t");
        TableDescriptor old = metastore.getTable(TABLE).orElseThrow();
        metastore.dropTableKeepingData(TABLE);
        metastore.createTable(new TableDescriptor(TABLE, false, old.location(), "TEXTFILE", List.of("id"), List.of("day"), List.of("string"), Map.of()),
                List.of(partition(table, "a"), partition(table, "dropped")));
    }

    @Test
    void testAPartitionOnAnotherFileSystemIsRefused()
    {
        metastore.addPartition(TABLE, new PartitionDescriptor("day=c", "hdfs://elsewhere/s/t/day=c", "TEXTFILE", Optional.empty()));
        assertThatThrownBy(() -> new OrphanRemoval(context(FaultInjector.NONE)).remove(TABLE, new OrphanOptions(Duration.ofDays(1), true, false)))
                .isInstanceOfSatisfying(DredgeException.class, e -> assertThat(e.kind()).isEqualTo(UNSAFE))
                .hasMessageContaining("s.t reads hdfs://elsewhere/s/t/day=c, on another file system than its location")
                .hasMessageEndingWith("Dredge compares files by path within one file system only; nothing was removed");
        assertThat(orphans).allSatisfy(file -> assertThat(file).exists());
    }

    private MaintenanceContext context(FaultInjector faults)
    {
        return new MaintenanceContext(metastore, fileStore, new TextTableEngine(metastore, "hive"), journal(), locks, Optional.of("hive"), Optional.empty(), "alice",
                (catalog, size) -> Map.of(), Clock.systemUTC(), faults, executor,
                staging -> new LocalFileCopier(fileStore, executor));
    }

    private OperationJournal journal()
    {
        return new OperationJournal(fileStore, metastore, Optional.empty());
    }

    private OperationRecord onlyRemoval()
    {
        List<OperationRecord> removals = journal().list(TABLE).stream().filter(record -> record.kind() == OperationKind.REMOVE_ORPHAN_FILES).toList();
        assertThat(removals).hasSize(1);
        return removals.get(0);
    }

    private Set<Path> listed(OperationRecord record)
    {
        return journal().files(record).stream()
                .map(OperationFile::path)
                .map(NioFileStore::path)
                .collect(toImmutableSet());
    }

    private static PartitionDescriptor partition(Path table, String day)
    {
        return new PartitionDescriptor("day=" + day, table.resolve("day=" + day).toUri().toString(), "TEXTFILE", Optional.empty());
    }

    private static Path write(Path file)
            throws IOException
    {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, "1\n");
    }
}
