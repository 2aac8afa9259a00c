package io.dredge.it;

import com.google.common.collect.Sets;
import io.trino.Session;
import io.trino.spi.security.Identity;
import io.trino.testing.MaterializedRow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static java.lang.String.format;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code expire_snapshots} and {@code system.operation_files} through SQL on a real Trino cluster over a real thrift
 * metastore, whose Iceberg catalog's minimum retention is 1s: what a dry run lists is what the run removes; the
 * snapshot a compaction can roll back to, and a tagged one, stay; each refusal changes nothing.
 */
public class TestIcebergExpireSnapshots
        extends AbstractTestWithThriftMetastore
{
    private static final String SCHEMA = "expiry";

    @BeforeAll
    public void createIcebergSchema()
    {
        assertUpdate(format("CREATE SCHEMA iceberg.%s WITH (location = '%s')", SCHEMA, schemaLocation(SCHEMA)));
    }

    @Test
    public void testDryRunListsWhatTheRunRemoves()
            throws InterruptedException
    {
        createTable("listed", 4);
        List<Object> rows = rows("listed");
        List<Long> snapshots = snapshots("listed");
        assertThat(snapshots).hasSize(5);
        Thread.sleep(1100);

        assertUpdate(expire("listed", "older_than => '1s', retain_last => 2, dry_run => true"));
        MaterializedRow dryRun = lastExpiry("listed");
        assertThat(dryRun.getField(1)).isEqualTo("PLANNED");
        assertThat((String) dryRun.getField(2)).startsWith("dry run: would expire 3 of 5 snapshots");
        assertThat(snapshots("listed")).isEqualTo(snapshots);
        Set<String> listed = listedFiles((String) dryRun.getField(0));
        // each expiring snapshot's manifest list, and the manifests only they reference
        assertThat(listed).containsAll(manifestLists("listed", snapshots.subList(0, 3)));
        assertThat(listed).doesNotContainAnyElementsOf(manifestLists("listed", snapshots.subList(3, 5)));
        assertThat(listed).allSatisfy(file -> assertThat(Path.of(URI.create(file))).exists());
        assertThat(computeActual(format("SELECT DISTINCT kind FROM dredge.system.operation_files WHERE operation_id = '%s'", dryRun.getField(0))).getOnlyColumnAsSet())
                .containsExactly("EXPIRE_SNAPSHOTS");

        // the run of exactly that plan
        assertUpdate(expire("listed", "dry_run_id => '%s'".formatted(dryRun.getField(0))));
        MaterializedRow run = lastExpiry("listed");
        assertThat(run.getField(1)).isEqualTo("SUCCEEDED");
        assertThat((String) run.getField(2)).startsWith("expired 3 snapshots, removed %s files".formatted(listed.size()));
        assertThat(snapshots("listed")).isEqualTo(snapshots.subList(3, 5));
        assertThat(listedFiles((String) run.getField(0))).isEqualTo(listed);
        // as docs/trino.md shows it: both operations' lists, each file with its size and why it goes
        List<MaterializedRow> documented = computeActual("SELECT path, bytes, reason FROM dredge.system.operation_files WHERE schema_name = 'expiry' AND table_name = 'listed'").getMaterializedRows();
        assertThat(documented).hasSize(2 * listed.size());
        assertThat(documented).allSatisfy(row -> {
            assertThat((long) row.getField(1)).isPositive();
            assertThat((String) row.getField(2)).endsWith(", referenced only by expired snapshots");
        });
        assertThat(listed).allSatisfy(file -> assertThat(Path.of(URI.create(file))).doesNotExist());
        assertThat(rows("listed")).isEqualTo(rows);
        assertThat(dataFiles("listed")).allSatisfy(file -> assertThat(Path.of(URI.create(file))).exists());

        // nothing older than a day: nothing to do
        assertUpdate(expire("listed", "older_than => '1d'"));
        assertThat(lastExpiry("listed").getField(2)).isEqualTo("nothing to expire");
        assertThat(snapshots("listed")).hasSize(2);

        // a dry run's plan is carried out only as it was: a commit since makes one more snapshot old enough to go
        assertUpdate(expire("listed", "older_than => '1s', retain_last => 1, dry_run => true"));
        String stale = (String) lastExpiry("listed").getField(0);
        assertUpdate("INSERT INTO iceberg.expiry.listed VALUES (100, 'p0')", 1);
        assertQueryFails(expire("listed", "dry_run_id => '%s'".formatted(stale)),
                ".*expiry.listed changed since dry run %s: it would now expire snapshots \\[\\d+, \\d+\\] and \\d+ files the dry run did not list, where the dry run listed snapshots \\[\\d+\\]; nothing was expired: run a new dry run.*".formatted(stale));
        assertQueryFails(expire("listed", "older_than => '1s', dry_run_id => '%s'".formatted(stale)), ".*dry_run_id carries out a dry run with its own older_than and retain_last.*");
        assertQueryFails(expire("listed", "dry_run_id => '%s'".formatted(run.getField(0))), ".*operation %s is a SUCCEEDED EXPIRE_SNAPSHOTS, not a dry run of expire_snapshots.*".formatted(run.getField(0)));
        assertThat(snapshots("listed")).hasSize(3);
    }

    @Test
    public void testKeepsWhatACompactionCanRollBackTo()
            throws InterruptedException
    {
        createTable("compacted", 3);
        List<Object> rows = rows("compacted");
        assertUpdate("CALL dredge.system.compact_table(schema_name => 'expiry', table_name => 'compacted')");
        List<Long> snapshots = snapshots("compacted");
        long beforeCompaction = snapshots.get(snapshots.size() - 2);
        Thread.sleep(1100);

        // the compaction's parent stays, however old, and what came just before it (the cut-off keeps 10s from it)
        assertUpdate(expire("compacted", "older_than => '1s'"));
        MaterializedRow run = lastExpiry("compacted");
        assertThat((String) run.getField(2))
                .startsWith("nothing to expire; kept snapshots ")
                .contains("%s (rollback point of compaction".formatted(beforeCompaction));
        assertThat(snapshots("compacted")).isEqualTo(snapshots);
        assertUpdate("CALL dredge.system.rollback_compaction(schema_name => 'expiry', table_name => 'compacted')");
        assertThat(rows("compacted")).isEqualTo(rows);

        // once cleanup closed the window, the old snapshots go
        assertUpdate("CALL dredge.system.compact_table(schema_name => 'expiry', table_name => 'compacted')");
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'expiry', table_name => 'compacted', older_than => '0s')");
        Thread.sleep(1100);
        assertUpdate(expire("compacted", "older_than => '1s'"));
        assertThat(snapshots("compacted")).hasSize(1);
        assertThat(rows("compacted")).isEqualTo(rows);
        assertThat(dataFiles("compacted")).allSatisfy(file -> assertThat(Path.of(URI.create(file))).exists());
    }

    @Test
    public void testCrashAfterTheEngineExpiredIsFinishedByRecover()
            throws InterruptedException
    {
        createTable("crashed", 3);
        List<Object> rows = rows("crashed");
        List<Long> snapshots = snapshots("crashed");
        Thread.sleep(1100);
        Session crashing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_fail_after", "WRITTEN").build();
        assertQueryFails(crashing, expire("crashed", "older_than => '1s'"), ".*injected fault after WRITTEN.*");
        assertThat(lastExpiry("crashed").getField(1)).isEqualTo("RUNNING");
        assertQueryFails(expire("crashed", "older_than => '1s'"), ".*(unfinished|recover).*");

        assertUpdate("CALL dredge.system.recover(schema_name => 'expiry', table_name => 'crashed')");
        MaterializedRow settled = lastExpiry("crashed");
        assertThat(settled.getField(1)).isEqualTo("SUCCEEDED");
        assertThat((String) settled.getField(2)).startsWith("expired %s snapshots".formatted(snapshots.size() - 1)).endsWith("(finished by recover)");
        assertThat(snapshots("crashed")).hasSize(1);
        assertThat(rows("crashed")).isEqualTo(rows);
    }

    @Test
    public void testDataFilesOfExpiredSnapshotsAreDeletedOnTheWorkers()
            throws InterruptedException
    {
        Set<String> dropped = createTableWithDroppedPartition("on_workers");
        List<Object> rows = rows("on_workers");
        Thread.sleep(1100);

        assertUpdate(expire("on_workers", "older_than => '1s'"));
        MaterializedRow run = lastExpiry("on_workers");
        String operationId = (String) run.getField(0);
        assertThat(run.getField(1)).isEqualTo("SUCCEEDED");
        assertThat(listedFiles(operationId)).containsAll(dropped);
        assertThat(dropped).allSatisfy(file -> assertThat(Path.of(URI.create(file))).doesNotExist());
        assertThat(parked(operationId)).isEmpty();
        assertThat(snapshots("on_workers")).hasSize(1);
        assertThat(rows("on_workers")).isEqualTo(rows);
        assertThat(dataFiles("on_workers")).allSatisfy(file -> assertThat(Path.of(URI.create(file))).exists());
        // the moves and the deletes ran as copy_files plans, which this cluster's coordinator schedules on the worker
        assertThat(computeActual(format("SELECT count(*) FROM system.runtime.queries WHERE query LIKE '%%copy_files%%%s-plans%%' AND state = 'FINISHED'", operationId)).getOnlyValue())
                .isEqualTo(2L);
    }

    @Test
    public void testCrashWithFilesParkedIsUndoneByRecover()
            throws InterruptedException
    {
        ParkedExpiry crashed = crashWithFilesParked("parked");
        Set<String> dropped = crashed.dropped();
        List<Long> snapshots = crashed.snapshots();
        String operationId = crashed.operationId();
        // the files only the expiring snapshots read wait in the quarantine; the engine expired nothing
        assertThat(dropped).allSatisfy(file -> assertThat(Path.of(URI.create(file))).doesNotExist());
        assertThat(parked(operationId)).hasSize(dropped.size());
        assertThat(snapshots("parked")).isEqualTo(snapshots);

        assertUpdate("CALL dredge.system.recover(schema_name => 'expiry', table_name => 'parked')");
        assertThat(lastExpiry("parked").getFields().subList(1, 3)).containsExactly("RECOVERED",
                "interrupted before the engine expired any snapshot; nothing was changed; put back %s parked files that snapshots of the table still reference".formatted(dropped.size()));
        assertThat(dropped).allSatisfy(file -> assertThat(Path.of(URI.create(file))).exists());
        assertThat(parked(operationId)).isEmpty();
        assertThat(rows("parked", crashed.beforeDelete())).isEqualTo(crashed.oldRows());

        // a crash after the engine's commit: recover deletes what waits in the quarantine
        Session crashing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_fail_after", "WRITTEN").build();
        assertQueryFails(crashing, expire("parked", "older_than => '1s'"), ".*injected fault after WRITTEN.*");
        String committed = (String) lastExpiry("parked").getField(0);
        assertThat(parked(committed)).hasSize(dropped.size());
        assertUpdate("CALL dredge.system.recover(schema_name => 'expiry', table_name => 'parked')");
        MaterializedRow settled = lastExpiry("parked");
        assertThat(settled.getField(1)).isEqualTo("SUCCEEDED");
        assertThat((String) settled.getField(2)).startsWith("expired %s snapshots".formatted(snapshots.size() - 1)).endsWith("(finished by recover)");
        assertThat(parked(committed)).isEmpty();
        assertThat(dropped).allSatisfy(file -> assertThat(Path.of(URI.create(file))).doesNotExist());
        assertThat(dataFiles("parked")).allSatisfy(file -> assertThat(Path.of(URI.create(file))).exists());
    }

    @Test
    public void testPutBackThatCannotFinishLeavesTheExpiryForRecover()
            throws Exception
    {
        ParkedExpiry crashed = crashWithFilesParked("blocked");
        Set<String> dropped = crashed.dropped();
        String operationId = crashed.operationId();

        // a file now takes the place of one that was parked: it cannot go back, and is not deleted either
        Path blocker = Path.of(URI.create(dropped.iterator().next()));
        Files.writeString(blocker, "not the parked file");
        assertQueryFails("CALL dredge.system.recover(schema_name => 'expiry', table_name => 'blocked')", ".*(exists|still in its quarantine).*");
        assertThat(computeActual(format("SELECT state FROM dredge.system.operations WHERE operation_id = '%s'", operationId)).getOnlyValue()).isEqualTo("RUNNING");
        assertThat(parked(operationId)).isNotEmpty();
        assertQueryFails(expire("blocked", "older_than => '1s'"), ".*(unfinished|recover).*");

        Files.delete(blocker);
        assertUpdate("CALL dredge.system.recover(schema_name => 'expiry', table_name => 'blocked')");
        assertThat(computeActual(format("SELECT state FROM dredge.system.operations WHERE operation_id = '%s'", operationId)).getOnlyValue()).isEqualTo("RECOVERED");
        assertThat(parked(operationId)).isEmpty();
        assertThat(dropped).allSatisfy(file -> assertThat(Path.of(URI.create(file))).exists());
        assertThat(rows("blocked", crashed.beforeDelete())).isEqualTo(crashed.oldRows());
        assertThat(snapshots("blocked")).isEqualTo(crashed.snapshots());
    }

    @Test
    public void testTablesSwappedWhileTheExpiryRunsAreNotExpired()
            throws Exception
    {
        Set<String> dropped = createTableWithDroppedPartition("swapped");
        createTable("other", 2);
        List<Long> swapped = snapshots("swapped");
        List<Object> swappedRows = rows("swapped", swapped.getFirst());
        List<Long> other = snapshots("other");
        List<Object> otherRows = rows("other");
        Thread.sleep(1100);

        // planned and the files parked, then the table is renamed and another one, as old, renamed to its name
        Optional<Throwable> failure = callPausedWhile("PARKED:8", expire("swapped", "older_than => '1s'"), () -> {
            waitForRunningOperation("swapped", "EXPIRE_SNAPSHOTS", "");
            assertUpdate("ALTER TABLE iceberg.expiry.swapped RENAME TO iceberg.expiry.swapped_away");
            assertUpdate("ALTER TABLE iceberg.expiry.other RENAME TO iceberg.expiry.swapped");
        });
        MaterializedRow expiry = lastExpiry("swapped");
        assertThat(failure).get().asString().contains("expiry.swapped is no longer the table that operation %s ran on".formatted(expiry.getField(0)));
        assertThat(expiry.getField(1)).isEqualTo("FAILED");
        assertThat((String) computeActual(format("SELECT error_message FROM dredge.system.operations WHERE operation_id = '%s'", expiry.getField(0))).getOnlyValue())
                .endsWith("; nothing was expired");
        assertThat(snapshots("swapped")).isEqualTo(other);
        assertThat(rows("swapped")).isEqualTo(otherRows);
        assertThat(snapshots("swapped_away")).isEqualTo(swapped);
        // what was parked is back for the table that was renamed away, whose old snapshots read it
        assertThat(dropped).allSatisfy(file -> assertThat(Path.of(URI.create(file))).exists());
        assertThat(parked((String) expiry.getField(0))).isEmpty();
        assertThat(rows("swapped_away", swapped.getFirst())).isEqualTo(swappedRows);
    }

    @Test
    public void testRollbackToAnExpiringSnapshotWhileItsFilesAreParkedKeepsThem()
            throws Exception
    {
        Set<String> dropped = createTableWithDroppedPartition("rolled_back");
        List<Long> snapshots = snapshots("rolled_back");
        long beforeDelete = snapshots.get(snapshots.size() - 2);
        List<Object> oldRows = rows("rolled_back", beforeDelete);
        Thread.sleep(1100);

        // the files only the old snapshots read are parked; another user makes one of those snapshots current again
        Optional<Throwable> failure = callPausedWhile("PARKED:8", expire("rolled_back", "older_than => '1s'"), () -> {
            waitForRunningOperation("rolled_back", "EXPIRE_SNAPSHOTS", "");
            assertUpdate("ALTER TABLE iceberg.expiry.rolled_back EXECUTE rollback_to_snapshot(%s)".formatted(beforeDelete));
        });
        assertThat(failure).isEmpty();
        MaterializedRow run = lastExpiry("rolled_back");
        assertThat(run.getField(1)).isEqualTo("SUCCEEDED");
        assertThat((String) run.getField(2)).contains("; put back %s parked files that snapshots of the table still reference".formatted(dropped.size()));
        assertThat(snapshots("rolled_back")).contains(beforeDelete);
        assertThat(dropped).allSatisfy(file -> assertThat(Path.of(URI.create(file))).exists());
        assertThat(parked((String) run.getField(0))).isEmpty();
        assertThat(rows("rolled_back")).isEqualTo(oldRows);
        assertThat(dataFiles("rolled_back")).allSatisfy(file -> assertThat(Path.of(URI.create(file))).exists());
    }

    @Test
    public void testTableReplacedWhileTheExpiryRunsIsNotExpired()
            throws Exception
    {
        createTable("replaced", 3);
        Thread.sleep(1100);
        Optional<Throwable> failure = callPausedWhile("PLANNED:8", expire("replaced", "older_than => '1s'"), () -> {
            waitForRunningOperation("replaced", "EXPIRE_SNAPSHOTS", "");
            assertUpdate("DROP TABLE iceberg.expiry.replaced");
            createTable("replaced", 2);
        });
        assertThat(failure).get().asString().contains("expiry.replaced is no longer the table that operation");
        assertThat(lastExpiry("replaced").getField(1)).isEqualTo("FAILED");
        assertThat(snapshots("replaced")).hasSize(3);
        assertThat(rows("replaced").getFirst()).isEqualTo(20L);
    }

    @Test
    public void testCommitWhileTheExpiryRunsKeepsEveryRowAndFile()
            throws Exception
    {
        createTable("raced", 3);
        List<Long> snapshots = snapshots("raced");
        assertThat(snapshots).hasSize(4);
        Thread.sleep(1100);

        // planned (the two oldest go, retain_last keeps two), then an INSERT commits a fifth snapshot
        Optional<Throwable> failure = callPausedWhile("PLANNED:6", expire("raced", "older_than => '1s', retain_last => 2"), () -> {
            waitForRunningOperation("raced", "EXPIRE_SNAPSHOTS", "");
            assertUpdate("INSERT INTO iceberg.expiry.raced VALUES (100, 'p0')", 1);
        });
        assertThat(failure).isEmpty();
        MaterializedRow run = lastExpiry("raced");
        Set<String> listed = listedFiles((String) run.getField(0));
        // exactly the plan: the snapshot the commit pushed out of the last two stays, and no file beyond the list went
        assertThat((String) run.getField(2)).isEqualTo("expired 2 snapshots, removed %s files, %s bytes".formatted(listed.size(), computeActual(
                format("SELECT sum(bytes) FROM dredge.system.operation_files WHERE operation_id = '%s'", run.getField(0))).getOnlyValue()));
        List<Long> remaining = snapshots("raced");
        assertThat(remaining).hasSize(3).startsWith(snapshots.get(2), snapshots.get(3));
        assertThat(rows("raced").getFirst()).isEqualTo(31L);
        for (long snapshot : remaining) {
            assertThat(computeActual("SELECT count(*) FROM iceberg.expiry.raced FOR VERSION AS OF %s".formatted(snapshot)).getOnlyValue()).isNotNull();
        }
        assertThat(manifestLists("raced", remaining)).allSatisfy(file -> assertThat(Path.of(URI.create(file))).exists());
        assertThat(computeActual("SELECT path FROM iceberg.expiry.\"raced$all_manifests\"").getOnlyColumnAsSet()).allSatisfy(file -> assertThat(Path.of(URI.create((String) file))).exists());
        assertThat(dataFiles("raced")).allSatisfy(file -> assertThat(Path.of(URI.create(file))).exists());
        assertThat(listed).allSatisfy(file -> assertThat(Path.of(URI.create(file))).doesNotExist());
    }

    @Test
    public void testRecoverClosesAnExpiryWhoseTableWasDropped()
            throws InterruptedException
    {
        createTable("dropped", 2);
        Thread.sleep(1100);
        Session crashing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_fail_after", "PLANNED").build();
        assertQueryFails(crashing, expire("dropped", "older_than => '1s'"), ".*injected fault after PLANNED.*");
        String expiry = (String) lastExpiry("dropped").getField(0);
        assertUpdate("DROP TABLE iceberg.expiry.dropped");

        assertQueryFails("CALL dredge.system.recover(schema_name => 'expiry', table_name => 'dropped')", ".*table expiry.dropped does not exist, and operations \\[%s\\] on it are unfinished.*".formatted(expiry));
        assertUpdate("CALL dredge.system.recover(schema_name => 'expiry', operation_id => '%s')".formatted(expiry));
        assertThat(lastExpiry("dropped").getFields().subList(1, 3))
                .containsExactly("FAILED", "table expiry.dropped was dropped or renamed while operation %s ran; recover closed the expiry without checking that table".formatted(expiry));
    }

    @Test
    public void testRefusalsChangeNothing()
            throws InterruptedException
    {
        createTable("guarded", 2);
        List<Long> snapshots = snapshots("guarded");
        Thread.sleep(1100);

        assertQueryFails(expire("guarded", "older_than => '0s'"), ".*older_than 0s is shorter than the minimum retention of catalog iceberg \\(iceberg.expire-snapshots.min-retention, 1s\\).*");
        assertQueryFails(expire("guarded", "retain_last => 0"), ".*retain_last must be at least 1.*");
        assertQueryFails(expire("guarded", "older_than => 'soon'"), ".*older_than must be a number and a unit.*");
        assertQueryFails(expire("guarded", "dry_run => NULL"), ".*dry_run must be true or false.*");
        assertQueryFails(expire("missing", "older_than => '1s'"), ".*table expiry.missing does not exist.*");
        assertUpdate("CREATE TABLE hive.expiry.plain (id bigint)");
        assertQueryFails(expire("plain", "older_than => '1s'"), ".*expiry.plain is a Hive table: only Iceberg tables have snapshots to expire.*");
        Session reader = Session.builder(getSession()).setIdentity(Identity.ofUser("reader")).build();
        assertQueryFails(reader, expire("guarded", "older_than => '1s'"), ".*user reader may not write expiry.guarded.*");
        assertThat(snapshots("guarded")).isEqualTo(snapshots);

        // a second table reading the same files: expiring either's snapshots would delete the other's data
        String location = (String) computeActual("SELECT regexp_replace(file_path, '/data/.*', '') FROM iceberg.expiry.\"guarded$files\" LIMIT 1").getOnlyValue();
        assertUpdate(format("CALL iceberg.system.register_table(schema_name => 'expiry', table_name => 'twin', table_location => '%s')", location));
        assertQueryFails(expire("guarded", "older_than => '1s'"), ".*location of expiry.guarded .* is shared with expiry.twin.*nothing was expired.*");
        assertQueryFails(expire("guarded", "older_than => '1s', dry_run => true"), ".*is shared with expiry.twin.*");
        assertThat(snapshots("guarded")).isEqualTo(snapshots);
        assertThat(rows("twin")).isEqualTo(rows("guarded"));
        // not DROP TABLE: that would delete the files both read
        assertUpdate("CALL iceberg.system.unregister_table(schema_name => 'expiry', table_name => 'twin')");

        // gc.enabled=false says the files may be shared
        assertUpdate("CREATE TABLE iceberg.expiry.no_gc WITH (extra_properties = MAP(ARRAY['gc.enabled'], ARRAY['false'])) AS SELECT 1 AS id", 1);
        assertUpdate("INSERT INTO iceberg.expiry.no_gc VALUES 2", 1);
        Thread.sleep(1100);
        assertQueryFails(expire("no_gc", "older_than => '1s'"), ".*no_gc has gc.enabled=false.*Dredge expires none of its snapshots.*");
        assertThat(snapshots("no_gc")).hasSize(2);
    }

    @Test
    public void testTaggedSnapshotAndItsFilesStay()
            throws IOException, InterruptedException
    {
        createTable("tagged", 3);
        List<Long> snapshots = snapshots("tagged");
        long tagged = snapshots.getLast();
        List<Object> taggedRows = rows("tagged");
        Set<String> taggedFiles = dataFiles("tagged");
        // Trino 483 writes no tags: the test commits one as Spark or Hive would, with iceberg-core
        tag("tagged", "audit", tagged);
        assertThat(computeActual("SELECT name, type, snapshot_id FROM iceberg.expiry.\"tagged$refs\" WHERE name = 'audit'").getMaterializedRows().getFirst().getFields())
                .containsExactly("audit", "TAG", tagged);
        // the partition p0 is deleted: its files are left to the tagged snapshot and those before
        assertUpdate("DELETE FROM iceberg.expiry.tagged WHERE part = 'p0'", 20);
        assertUpdate("INSERT INTO iceberg.expiry.tagged VALUES (100, 'p1')", 1);
        Thread.sleep(1100);

        assertUpdate(expire("tagged", "older_than => '1s'"));
        // the four before the current one, but for the tagged one: the three before it and the delete
        assertThat((String) lastExpiry("tagged").getField(2)).startsWith("expired 4 snapshots");
        assertThat(snapshots("tagged")).hasSize(2).contains(tagged);
        assertThat(taggedFiles).allSatisfy(file -> assertThat(Path.of(URI.create(file))).exists());
        assertThat(computeActual("SELECT count(*), to_hex(checksum(ROW(id, part))) FROM iceberg.expiry.tagged FOR VERSION AS OF %s".formatted(tagged)).getMaterializedRows().getFirst().getFields())
                .isEqualTo(taggedRows);

        // nor is what only the tag reads an orphan
        Path location = Path.of(URI.create(taggedFiles.iterator().next())).getParent().getParent().getParent();
        FileTime twoDaysAgo = FileTime.from(Instant.now().minus(Duration.ofDays(2)));
        try (Stream<Path> files = Files.walk(location)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(file, twoDaysAgo);
            }
        }
        assertUpdate("CALL dredge.system.remove_orphan_files(schema_name => 'expiry', table_name => 'tagged', older_than => '1d')");
        assertThat((String) computeActual("SELECT step FROM dredge.system.operations WHERE schema_name = 'expiry' AND table_name = 'tagged' AND kind = 'REMOVE_ORPHAN_FILES'").getOnlyValue())
                .startsWith("no orphan files");
        assertThat(taggedFiles).allSatisfy(file -> assertThat(Path.of(URI.create(file))).exists());
    }

    /**
     * Commits a tag on {@code snapshotId}, as Spark or Hive would.
     */
    private void tag(String table, String name, long snapshotId)
    {
        IcebergTestTables.load(hiveMetastore(), SCHEMA, table).manageSnapshots().createTag(name, snapshotId).commit();
    }

    /**
     * A table of three inserts into two partitions, then partition p0 deleted: its files are read only by the older
     * snapshots. Returns them.
     */
    private Set<String> createTableWithDroppedPartition(String table)
    {
        createTable(table, 3);
        Set<String> before = dataFiles(table);
        assertUpdate(format("DELETE FROM iceberg.%s.%s WHERE part = 'p0'", SCHEMA, table), 20);
        Set<String> dropped = Sets.difference(before, dataFiles(table)).immutableCopy();
        assertThat(dropped).hasSize(2);
        return dropped;
    }

    /**
     * @param beforeDelete the snapshot before the partition was deleted, whose rows {@code oldRows} are
     */
    private record ParkedExpiry(Set<String> dropped, List<Long> snapshots, long beforeDelete, List<Object> oldRows, String operationId) {}

    /**
     * An expiry of a table with a dropped partition that crashed with the partition's files parked.
     */
    private ParkedExpiry crashWithFilesParked(String table)
            throws InterruptedException
    {
        Set<String> dropped = createTableWithDroppedPartition(table);
        List<Long> snapshots = snapshots(table);
        long beforeDelete = snapshots.get(snapshots.size() - 2);
        List<Object> oldRows = rows(table, beforeDelete);
        Thread.sleep(1100);
        Session crashing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_fail_after", "PARKED").build();
        assertQueryFails(crashing, expire(table, "older_than => '1s'"), ".*injected fault after PARKED.*");
        return new ParkedExpiry(dropped, snapshots, beforeDelete, oldRows, (String) lastExpiry(table).getField(0));
    }

    /**
     * The files an expiry keeps in its quarantine directory.
     */
    private Set<String> parked(String operationId)
    {
        Path directory = Path.of(URI.create(schemaLocation(SCHEMA))).resolve(".dredge/quarantine").resolve(operationId);
        if (!Files.exists(directory)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            // not the checksum files Hadoop's local file system keeps beside each file
            return files.filter(Files::isRegularFile)
                    .filter(file -> !file.getFileName().toString().startsWith("."))
                    .map(Path::toString)
                    .collect(toImmutableSet());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void createTable(String table, int inserts)
    {
        assertUpdate(format("CREATE TABLE iceberg.%s.%s (id bigint, part varchar) WITH (partitioning = ARRAY['part'])", SCHEMA, table));
        for (int insert = 0; insert < inserts; insert++) {
            assertUpdate(format("INSERT INTO iceberg.%s.%s SELECT id, 'p%s' FROM UNNEST(sequence(%s, %s)) AS t(id)", SCHEMA, table, insert % 2, insert * 10, insert * 10 + 9), 10);
        }
    }

    private static String expire(String table, String arguments)
    {
        return format("CALL dredge.system.expire_snapshots(schema_name => '%s', table_name => '%s', %s)", SCHEMA, table, arguments);
    }

    /**
     * operation_id, state, step
     */
    private MaterializedRow lastExpiry(String table)
    {
        return computeActual(format("SELECT operation_id, state, step FROM dredge.system.operations WHERE schema_name = '%s' AND table_name = '%s' AND kind = 'EXPIRE_SNAPSHOTS' ORDER BY started_at DESC, operation_id DESC LIMIT 1", SCHEMA, table))
                .getMaterializedRows().get(0);
    }

    private Set<String> listedFiles(String operationId)
    {
        return computeActual(format("SELECT path FROM dredge.system.operation_files WHERE operation_id = '%s'", operationId)).getOnlyColumn()
                .map(String.class::cast)
                .collect(toImmutableSet());
    }

    private List<Long> snapshots(String table)
    {
        return computeActual(format("SELECT snapshot_id FROM iceberg.%s.\"%s$snapshots\" ORDER BY committed_at", SCHEMA, table)).getOnlyColumn()
                .map(Long.class::cast)
                .collect(toImmutableList());
    }

    private Set<String> manifestLists(String table, List<Long> snapshots)
    {
        return snapshots.stream()
                .map(snapshot -> (String) computeActual(format("SELECT manifest_list FROM iceberg.%s.\"%s$snapshots\" WHERE snapshot_id = %s", SCHEMA, table, snapshot)).getOnlyValue())
                .collect(toImmutableSet());
    }

    private Set<String> dataFiles(String table)
    {
        return computeActual(format("SELECT file_path FROM iceberg.%s.\"%s$files\"", SCHEMA, table)).getOnlyColumn()
                .map(String.class::cast)
                .collect(toImmutableSet());
    }

    private List<Object> rows(String table, long snapshot)
    {
        return computeActual(format("SELECT count(*), to_hex(checksum(ROW(id, part))) FROM iceberg.%s.%s FOR VERSION AS OF %s", SCHEMA, table, snapshot)).getMaterializedRows().get(0).getFields();
    }

    private List<Object> rows(String table)
    {
        return computeActual(format("SELECT count(*), to_hex(checksum(ROW(id, part))) FROM iceberg.%s.%s", SCHEMA, table)).getMaterializedRows().get(0).getFields();
    }
}
