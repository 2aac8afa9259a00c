package io.dredge.it;

import io.trino.Session;
import io.trino.spi.security.Identity;
import io.trino.testing.MaterializedResult;
import io.trino.testing.MaterializedRow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static com.google.common.collect.ImmutableMap.toImmutableMap;
import static com.google.common.collect.MoreCollectors.onlyElement;
import static java.lang.String.format;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code TABLE(dredge.system.changed_partitions(...))} through SQL on a real Trino cluster (the changes are read on
 * its worker) over a real thrift metastore: what each kind of write reports, that compactions do not count, tokens
 * that report each change once, and the refusals.
 */
public class TestChangedPartitions
        extends AbstractTestWithThriftMetastore
{
    private static final String SCHEMA = "changes";
    private static final String COLUMNS = "partition_name, part, change_kinds, rows_added, rows_removed, files_added, files_removed, resume_token";

    @BeforeAll
    public void createIcebergSchema()
    {
        assertUpdate(format("CREATE SCHEMA iceberg.%s WITH (location = '%s')", SCHEMA, schemaLocation(SCHEMA)));
    }

    @Test
    public void testEachWriteIsReportedAndCompactionsAreNot()
    {
        createTable("events");
        long start = currentSnapshot("events");
        assertUpdate("INSERT INTO iceberg.changes.events SELECT id, 'p0' FROM UNNEST(sequence(100, 104)) AS t(id)", 5);
        // a position delete (merge-on-read) in p1
        assertUpdate("DELETE FROM iceberg.changes.events WHERE part = 'p1' AND id < 13", 3);
        // an update: deletes and adds rows of p2 in one commit
        assertUpdate("UPDATE iceberg.changes.events SET id = id + 1000 WHERE part = 'p2' AND id = 20", 1);
        // both rewrite files and change no row
        assertUpdate("CALL dredge.system.compact_table(schema_name => 'changes', table_name => 'events')");
        assertUpdate("ALTER TABLE iceberg.changes.events EXECUTE optimize");

        Map<String, MaterializedRow> changes = byPartition(changes("events", "since_snapshot => %s".formatted(start)));
        assertThat(changes).containsOnlyKeys("part=p0", "part=p1", "part=p2");
        assertThat(changes.get("part=p0").getFields().subList(1, 7)).containsExactly("p0", List.of("APPEND"), 5L, 0L, 1L, 0L);
        assertThat(changes.get("part=p1").getFields().subList(1, 7)).containsExactly("p1", List.of("DELETE"), 0L, 3L, 1L, 0L);
        assertThat(changes.get("part=p2").getFields().subList(1, 4)).containsExactly("p2", List.of("OVERWRITE"), 1L);
        // every row carries the token of the snapshot the answer reached
        assertThat(changes.values().stream().map(row -> row.getField(7)).distinct()).hasSize(1);

        // nothing but a compaction after the token: nothing changed
        String token = (String) changes.get("part=p0").getField(7);
        assertUpdate("CALL dredge.system.compact_table(schema_name => 'changes', table_name => 'events')");
        assertThat(changes("events", "since_token => '%s'".formatted(token)).getRowCount()).isZero();

        // the figures against the table's own metadata
        MaterializedRow times = computeActual("SELECT first_changed_at, last_changed_at FROM TABLE(dredge.system.changed_partitions(schema_name => 'changes', table_name => 'events', since_snapshot => %s)) WHERE part = 'p0'"
                .formatted(start)).getMaterializedRows().getFirst();
        Object appendedAt = computeActual("SELECT committed_at FROM iceberg.changes.\"events$snapshots\" WHERE operation = 'append' ORDER BY committed_at DESC LIMIT 1").getOnlyValue();
        assertThat(times.getFields()).allSatisfy(time -> assertThat(((ZonedDateTime) time).toInstant()).isEqualTo(((ZonedDateTime) appendedAt).toInstant()));
    }

    @Test
    public void testTransformedAndEvolvedPartitions()
    {
        assertUpdate("CREATE TABLE iceberg.changes.evolving (id bigint, ts timestamp(6), region varchar) WITH (partitioning = ARRAY['day(ts)'])");
        assertUpdate("INSERT INTO iceberg.changes.evolving VALUES (1, TIMESTAMP '2024-01-01 10:00:00', 'us'), (2, TIMESTAMP '2024-01-02 10:00:00', 'us')", 2);
        long start = currentSnapshot("evolving");
        assertUpdate("ALTER TABLE iceberg.changes.evolving SET PROPERTIES partitioning = ARRAY['day(ts)', 'region']");
        assertUpdate("INSERT INTO iceberg.changes.evolving VALUES (3, TIMESTAMP '2024-01-01 11:00:00', 'eu')", 1);
        // a row of a file written under the first spec
        assertUpdate("DELETE FROM iceberg.changes.evolving WHERE id = 2", 1);

        // the current spec's fields as typed columns: a day as a date; no region in the first spec's partition
        List<List<Object>> rows = computeActual("SELECT partition_name, ts_day, region, change_kinds, rows_added, rows_removed FROM TABLE(dredge.system.changed_partitions(schema_name => 'changes', table_name => 'evolving', since_snapshot => %s)) ORDER BY partition_name"
                .formatted(start)).getMaterializedRows().stream().map(MaterializedRow::getFields).toList();
        assertThat(rows).containsExactly(
                Arrays.asList("ts_day=2024-01-01/region=eu", LocalDate.of(2024, 1, 1), "eu", List.of("APPEND"), 1L, 0L),
                Arrays.asList("ts_day=2024-01-02", LocalDate.of(2024, 1, 2), null, List.of("DELETE"), 0L, 1L));

        // an identity timestamp partition reads as text, not as Iceberg's microseconds
        assertUpdate("CREATE TABLE iceberg.changes.stamped (id bigint, ts timestamp(6)) WITH (partitioning = ARRAY['ts'])");
        assertUpdate("INSERT INTO iceberg.changes.stamped VALUES (1, TIMESTAMP '2024-01-01 10:00:00.123456')", 1);
        assertThat(computeActual("SELECT ts FROM TABLE(dredge.system.changed_partitions(schema_name => 'changes', table_name => 'stamped', since => TIMESTAMP '2000-01-01 00:00:00 UTC'))").getOnlyValue())
                .isEqualTo("2024-01-01T10:00:00.123456");
    }

    @Test
    public void testEqualityDeletesCountWithoutARowCount()
            throws IOException
    {
        assertUpdate("CREATE TABLE iceberg.changes.keyed (id bigint, name varchar)");
        assertUpdate("INSERT INTO iceberg.changes.keyed SELECT x, 'n' FROM UNNEST(sequence(1, 10)) t(x)", 10);
        long start = currentSnapshot("keyed");
        // as Flink writes them: the rows they remove are not known from the metadata
        IcebergTestTables.deleteWhereEquals(IcebergTestTables.load(hiveMetastore(), SCHEMA, "keyed"), "id", List.of(1L, 2L));
        assertThat(computeActual("SELECT count(*) FROM iceberg.changes.keyed").getOnlyValue()).isEqualTo(8L);

        List<Object> row = computeActual("SELECT partition_name, change_kinds, rows_added, rows_removed, files_added, files_removed FROM TABLE(dredge.system.changed_partitions(schema_name => 'changes', table_name => 'keyed', since_snapshot => %s))"
                .formatted(start)).getMaterializedRows().getFirst().getFields();
        assertThat(row).containsExactly("", List.of("DELETE"), 0L, null, 1L, 0L);
    }

    @Test
    public void testTokensReportEachChangeOnce()
    {
        createTable("tokens");
        // from the table's first commit: every partition, every row
        MaterializedResult first = changes("tokens", "since => TIMESTAMP '2000-01-01 00:00:00 UTC'");
        assertThat(byPartition(first)).containsOnlyKeys("part=p0", "part=p1", "part=p2");
        assertThat(first.getMaterializedRows()).allSatisfy(row -> assertThat(row.getField(3)).isEqualTo(10L));
        String token = (String) first.getMaterializedRows().getFirst().getField(7);

        assertUpdate("INSERT INTO iceberg.changes.tokens VALUES (50, 'p1')", 1);
        MaterializedResult second = changes("tokens", "since_token => '%s'".formatted(token));
        assertThat(byPartition(second)).containsOnlyKeys("part=p1");
        assertThat(second.getMaterializedRows().getFirst().getField(3)).isEqualTo(1L);
        String secondToken = (String) second.getMaterializedRows().getFirst().getField(7);

        assertUpdate("INSERT INTO iceberg.changes.tokens VALUES (60, 'p3')", 1);
        assertUpdate("INSERT INTO iceberg.changes.tokens VALUES (61, 'p3')", 1);
        MaterializedResult third = changes("tokens", "since_token => '%s'".formatted(secondToken));
        assertThat(byPartition(third)).containsOnlyKeys("part=p3");
        assertThat(third.getMaterializedRows().getFirst().getField(3)).isEqualTo(2L);
        // a token is reusable: the same point gives the same answer
        assertThat(byPartition(changes("tokens", "since_token => '%s'".formatted(secondToken)))).containsOnlyKeys("part=p3");
    }

    @Test
    public void testExpiredStartIsRefusedNamingTheOldestAnswerablePoint()
            throws InterruptedException
    {
        createTable("expired");
        long oldest = snapshots("expired").getFirst();
        Thread.sleep(1100);
        assertUpdate("CALL dredge.system.expire_snapshots(schema_name => 'changes', table_name => 'expired', older_than => '1s')");
        long remaining = currentSnapshot("expired");

        assertQueryFails(query("expired", "since_snapshot => %s".formatted(oldest)),
                ".*snapshot %s is not among the snapshots of changes.expired \\(expired, or never one of them\\); the oldest point still answerable is snapshot %s, committed at .*".formatted(oldest, remaining));
        assertQueryFails(query("expired", "since => TIMESTAMP '2000-01-01 00:00:00 UTC'"),
                ".*the snapshots of changes.expired before the start asked for were expired; the oldest point still answerable is snapshot %s.*".formatted(remaining));
        assertThat(changes("expired", "since_snapshot => %s".formatted(remaining)).getRowCount()).isZero();
    }

    @Test
    public void testRefusals()
    {
        createTable("guarded");
        createTable("other");
        String otherToken = (String) changes("other", "since => TIMESTAMP '2000-01-01 00:00:00 UTC'").getMaterializedRows().getFirst().getField(7);
        long start = currentSnapshot("guarded");

        assertQueryFails(query("guarded", "since_snapshot => %s, since_token => 'x'".formatted(start)), ".*give exactly one of since_snapshot, since and since_token.*");
        assertQueryFails("SELECT * FROM TABLE(dredge.system.changed_partitions(schema_name => 'changes', table_name => 'guarded'))", ".*give exactly one of since_snapshot, since and since_token.*");
        assertQueryFails(query("guarded", "since_token => 'not a token'"), ".*'not a token' is not a resume token of changed_partitions.*");
        assertQueryFails(query("guarded", "since_token => '%s'".formatted(otherToken)), ".*the resume token is of another table than changes.guarded.*");
        assertQueryFails(query("guarded", "since_snapshot => 42"), ".*snapshot 42 is not among the snapshots of changes.guarded.*");
        assertQueryFails(query("missing", "since_snapshot => 42"), ".*table changes.missing does not exist.*");
        // a name is a name, never SQL
        assertQueryFails(query("x\"; drop table iceberg.changes.guarded; --", "since_snapshot => 42"), ".*table changes.x\"; drop table iceberg.changes.guarded; -- does not exist.*");
        assertUpdate("CREATE VIEW iceberg.changes.guarded_view AS SELECT * FROM iceberg.changes.guarded");
        assertQueryFails(query("guarded_view", "since_snapshot => 42"), ".*changes.guarded_view is a view, not a table.*");
        assertQueryFails("SELECT * FROM TABLE(dredge.system.changed_partitions(schema_name => 'changes', table_name => '', since_snapshot => 42))", ".*table_name must be given.*");
        assertUpdate("CREATE TABLE hive.changes.plain (id bigint)");
        assertQueryFails(query("plain", "since_snapshot => 42"), ".*changes.plain is a Hive table, which has no snapshots: start from a time \\(since\\) or a resume token \\(since_token\\).*");
        // an Iceberg table's token on a Hive table, and a Hive table's on an Iceberg table
        assertQueryFails(query("plain", "since_token => '%s'".formatted(otherToken)), ".*the resume token is of another table than changes.plain.*");
        assertUpdate("INSERT INTO hive.changes.plain VALUES 1", 1);
        String hiveToken = (String) computeActual("SELECT resume_token FROM TABLE(dredge.system.changed_partitions(schema_name => 'changes', table_name => 'plain', since => TIMESTAMP '2000-01-01 00:00:00 UTC'))").getOnlyValue();
        assertQueryFails(query("guarded", "since_token => '%s'".formatted(hiveToken)), ".*the resume token is of another table than changes.guarded.*");

        // rolled back past the start: the table's later history is not that snapshot's
        assertUpdate("INSERT INTO iceberg.changes.guarded VALUES (70, 'p0')", 1);
        long abandoned = currentSnapshot("guarded");
        assertUpdate("ALTER TABLE iceberg.changes.guarded EXECUTE rollback_to_snapshot(%s)".formatted(start));
        assertUpdate("INSERT INTO iceberg.changes.guarded VALUES (71, 'p1')", 1);
        assertQueryFails(query("guarded", "since_snapshot => %s".formatted(abandoned)), ".*snapshot %s of changes.guarded is not an ancestor of its current snapshot .*rolled back past it.*".formatted(abandoned));
        // from a point before the rollback: the discarded snapshot's rows came and went, which no partition shows
        String abandonedMessage = ".*snapshot %s was the current snapshot of changes.guarded after the start and is not an ancestor of the current one.*".formatted(abandoned);
        assertQueryFails(query("guarded", "since_snapshot => %s".formatted(start)), abandonedMessage);
        assertQueryFails(query("guarded", "since => TIMESTAMP '2000-01-01 00:00:00 UTC'"), abandonedMessage);
        long current = currentSnapshot("guarded");
        assertThat(byPartition(changes("guarded", "since_snapshot => %s".formatted(current)))).isEmpty();

        // rights follow the table: a user who may not read it learns nothing of its changes
        createTable("secret");
        Session outsider = Session.builder(getSession()).setIdentity(Identity.ofUser("outsider")).build();
        assertQueryFails(outsider, query("secret", "since => TIMESTAMP '2000-01-01 00:00:00 UTC'"), ".*user outsider may not read changes.secret.*");
        assertUpdate("CREATE TABLE hive.changes.hive_secret (id bigint, part varchar) WITH (partitioned_by = ARRAY['part'])");
        assertQueryFails(outsider, "SELECT * FROM TABLE(dredge.system.changed_partitions(schema_name => 'changes', table_name => 'hive_secret', since => TIMESTAMP '2000-01-01 00:00:00 UTC'))",
                ".*user outsider may not read changes.hive_secret.*");
        assertThat(Path.of(URI.create(schemaLocation(SCHEMA))).resolve(".dredge").resolve("changes").resolve("hive_secret")).doesNotExist();
        // a token names a Hive table by its name and location: renamed away and back, it is the same table; another is not
        assertUpdate("ALTER TABLE hive.changes.plain RENAME TO hive.changes.plain_renamed");
        assertUpdate("ALTER TABLE hive.changes.plain_renamed RENAME TO hive.changes.plain");
        assertThat(computeActual("SELECT partition_name FROM TABLE(dredge.system.changed_partitions(schema_name => 'changes', table_name => 'plain', since_token => '%s'))".formatted(hiveToken)).getRowCount()).isZero();
        assertUpdate("CREATE TABLE hive.changes.plain_moved AS SELECT * FROM hive.changes.plain", 1);
        assertQueryFails("SELECT partition_name FROM TABLE(dredge.system.changed_partitions(schema_name => 'changes', table_name => 'plain_moved', since_token => '%s'))".formatted(hiveToken),
                ".*the resume token is of another table than changes.plain_moved.*");
    }

    @Test
    public void testHiveTableEachWriteOnceAndDredgeCompactionNever()
            throws IOException
    {
        assertUpdate("CREATE TABLE hive.changes.hevents (id bigint, day date) WITH (partitioned_by = ARRAY['day'])");
        for (int insert = 0; insert < 3; insert++) {
            assertUpdate(format("INSERT INTO hive.changes.hevents SELECT id, date_add('day', id %% 3, DATE '2026-12-01') FROM UNNEST(sequence(%s, %s)) AS t(id)", insert * 10, insert * 10 + 9), 10);
        }
        // a first answer from a time: the files written after it, rows unknown without reading them
        MaterializedResult first = computeActual(hiveQuery("hevents", "since => TIMESTAMP '2000-01-01 00:00:00 UTC'"));
        assertThat(first.getMaterializedRows()).extracting(row -> row.getFields().subList(0, 7)).containsExactly(
                Arrays.asList("day=2026-12-01", LocalDate.of(2026, 12, 1), List.of("APPEND"), null, null, 3L, 0L),
                Arrays.asList("day=2026-12-02", LocalDate.of(2026, 12, 2), List.of("APPEND"), null, null, 3L, 0L),
                Arrays.asList("day=2026-12-03", LocalDate.of(2026, 12, 3), List.of("APPEND"), null, null, 3L, 0L));
        String token = hiveToken(first);

        // Dredge's compaction moves every partition and changes no row
        assertUpdate("CALL dredge.system.compact_table(schema_name => 'changes', table_name => 'hevents')");
        assertThat(computeActual("SELECT count(*) FROM dredge.system.operations WHERE schema_name = 'changes' AND table_name = 'hevents' AND kind = 'COMPACT' AND state = 'SUCCEEDED'").getOnlyValue()).isEqualTo(1L);
        assertThat(computeActual(hiveQuery("hevents", "since_token => '%s'".formatted(token))).getRowCount()).isZero();

        // then every kind of write: late rows in an old partition, a new partition, a partition deleted, one overwritten
        assertUpdate("INSERT INTO hive.changes.hevents VALUES (100, DATE '2026-12-01')", 1);
        assertUpdate("INSERT INTO hive.changes.hevents VALUES (101, DATE '2026-12-04')", 1);
        assertUpdate("DELETE FROM hive.changes.hevents WHERE day = DATE '2026-12-02'");
        Session overwrite = Session.builder(getSession()).setCatalogSessionProperty("hive", "insert_existing_partitions_behavior", "OVERWRITE").build();
        assertUpdate(overwrite, "INSERT INTO hive.changes.hevents VALUES (102, DATE '2026-12-03')", 1);
        MaterializedResult second = computeActual(hiveQuery("hevents", "since_token => '%s'".formatted(token)));
        assertThat(second.getMaterializedRows()).extracting(row -> row.getFields().subList(0, 3)).containsExactly(
                List.of("day=2026-12-01", LocalDate.of(2026, 12, 1), List.of("APPEND")),
                List.of("day=2026-12-02", LocalDate.of(2026, 12, 2), List.of("DELETE")),
                List.of("day=2026-12-03", LocalDate.of(2026, 12, 3), List.of("OVERWRITE")),
                List.of("day=2026-12-04", LocalDate.of(2026, 12, 4), List.of("APPEND")));
        assertThat(second.getMaterializedRows().getFirst().getFields().subList(5, 7)).containsExactly(1L, 0L);

        // the next answer has only what came after: each change once
        String secondToken = hiveToken(second);
        assertThat(computeActual(hiveQuery("hevents", "since_token => '%s'".formatted(secondToken))).getRowCount()).isZero();
        assertUpdate("INSERT INTO hive.changes.hevents VALUES (103, DATE '2026-12-04')", 1);
        MaterializedResult third = computeActual(hiveQuery("hevents", "since_token => '%s'".formatted(secondToken)));
        assertThat(third.getMaterializedRows()).extracting(row -> row.getField(0)).containsExactly("day=2026-12-04");
        // a token is reusable: the same point gives the same answer
        assertThat(computeActual(hiveQuery("hevents", "since_token => '%s'".formatted(secondToken))).getMaterializedRows()).extracting(row -> row.getField(0)).containsExactly("day=2026-12-04");
        // a file in a subdirectory of a partition, as Hive on Tez writes a UNION ALL, which Hive reads
        Path partition = Path.of(URI.create(schemaLocation(SCHEMA))).resolve("hevents").resolve("day=2026-12-04");
        Path written;
        try (Stream<Path> files = Files.list(partition)) {
            written = files.filter(Files::isRegularFile).filter(file -> !file.getFileName().toString().startsWith(".")).findFirst().orElseThrow();
        }
        Files.copy(written, Files.createDirectories(partition.resolve("HIVE_UNION_SUBDIR_1")).resolve("000000_0"));
        MaterializedResult nested = computeActual(hiveQuery("hevents", "since_token => '%s'".formatted(hiveToken(third))));
        assertThat(nested.getMaterializedRows()).extracting(row -> row.getFields().subList(0, 7))
                .containsExactly(Arrays.asList("day=2026-12-04", LocalDate.of(2026, 12, 4), List.of("APPEND"), null, null, 1L, 0L));
        // the checkpoints are kept beside the journal, not in the table
        assertThat(Path.of(URI.create(schemaLocation(SCHEMA))).resolve(".dredge").resolve("changes").resolve("hevents")).isDirectoryContaining("glob:**.json.gz");
    }

    @Test
    public void testHiveRollbackAndRecoverAreNoChangeAndRowsWrittenMeanwhileAre()
    {
        assertUpdate("CREATE TABLE hive.changes.hrolled (id bigint, part varchar) WITH (partitioned_by = ARRAY['part'])");
        for (int insert = 0; insert < 3; insert++) {
            assertUpdate(format("INSERT INTO hive.changes.hrolled VALUES (%s, 'a'), (%s, 'b')", insert, insert + 10), 2);
        }
        String token = hiveToken(computeActual(hiveQuery("hrolled", "since => TIMESTAMP '2000-01-01 00:00:00 UTC'")));
        assertUpdate("CALL dredge.system.compact_table(schema_name => 'changes', table_name => 'hrolled')");
        // an answer that saw the compacted copy, then the rollback: no change either way
        assertThat(computeActual(hiveQuery("hrolled", "since_token => '%s'".formatted(token))).getRowCount()).isZero();
        assertUpdate("CALL dredge.system.rollback_compaction(schema_name => 'changes', table_name => 'hrolled')");
        assertThat(computeActual(hiveQuery("hrolled", "since_token => '%s'".formatted(token))).getRowCount()).isZero();

        // a compaction that died after swapping one partition, a row written into that partition's copy, and recover,
        // which points the partition back at its original and moves the row along
        Session crashing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_fail_after", "PARTITION_SWAPPED:1").build();
        assertQueryFails(crashing, "CALL dredge.system.compact_table(schema_name => 'changes', table_name => 'hrolled')", ".*injected fault after.*");
        assertUpdate("INSERT INTO hive.changes.hrolled VALUES (20, 'a'), (21, 'b')", 2);
        assertUpdate("CALL dredge.system.recover(schema_name => 'changes', table_name => 'hrolled')");
        assertThat(computeActual("SELECT count(*) FROM hive.changes.hrolled").getOnlyValue()).isEqualTo(8L);
        MaterializedResult changes = computeActual(hiveQuery("hrolled", "since_token => '%s'".formatted(token)));
        assertThat(changes.getMaterializedRows()).extracting(row -> row.getFields().subList(0, 7)).containsExactly(
                Arrays.asList("part=a", "a", List.of("APPEND"), null, null, 1L, 0L),
                Arrays.asList("part=b", "b", List.of("APPEND"), null, null, 1L, 0L));
        assertThat(computeActual(hiveQuery("hrolled", "since_token => '%s'".formatted(hiveToken(changes)))).getRowCount()).isZero();
    }

    @Test
    public void testHiveWriteRacingTheAnswersIsAnAppendReportedWithoutGap()
            throws Exception
    {
        assertUpdate("CREATE TABLE hive.changes.hraced (id bigint, part varchar) WITH (partitioned_by = ARRAY['part'])");
        assertUpdate("INSERT INTO hive.changes.hraced VALUES (0, 'a')", 1);
        String token = hiveToken(computeActual(hiveQuery("hraced", "since => TIMESTAMP '2000-01-01 00:00:00 UTC'")));
        ExecutorService executor = Executors.newSingleThreadExecutor();
        List<List<Object>> seen = new ArrayList<>();
        try {
            // appended into the existing partition while answers are taken, each from the previous one's token
            Future<?> write = executor.submit(() -> getQueryRunner().execute("INSERT INTO hive.changes.hraced SELECT x * 1000 + y, 'a' FROM UNNEST(sequence(1, 3000)) t(x) CROSS JOIN UNNEST(sequence(1, 1000)) u(y)"));
            while (!write.isDone()) {
                MaterializedResult answer = computeActual(hiveQuery("hraced", "since_token => '%s'".formatted(token)));
                if (answer.getRowCount() > 0) {
                    answer.getMaterializedRows().forEach(row -> seen.add(row.getFields().subList(0, 3)));
                    token = hiveToken(answer);
                }
            }
            write.get();
        }
        finally {
            executor.shutdownNow();
        }
        MaterializedResult last = computeActual(hiveQuery("hraced", "since_token => '%s'".formatted(token)));
        last.getMaterializedRows().forEach(row -> seen.add(row.getFields().subList(0, 3)));
        // reported, and only as an append (a file seen half written is not a removal); then nothing more
        assertThat(seen).isNotEmpty().containsOnly(List.of("part=a", "a", List.of("APPEND")));
        if (last.getRowCount() > 0) {
            token = hiveToken(last);
        }
        assertThat(computeActual(hiveQuery("hraced", "since_token => '%s'".formatted(token))).getRowCount()).isZero();
    }

    @Test
    public void testHiveFilterOnPartitionColumnsMovesTheTokenOnForThosePartitionsOnly()
            throws IOException
    {
        assertUpdate("CREATE TABLE hive.changes.hfiltered (id bigint, day date) WITH (partitioned_by = ARRAY['day'])");
        assertUpdate("INSERT INTO hive.changes.hfiltered SELECT id, date_add('day', id, DATE '2026-12-01') FROM UNNEST(sequence(0, 2)) AS t(id)", 3);
        String token = hiveToken(computeActual(hiveQuery("hfiltered", "since => TIMESTAMP '2000-01-01 00:00:00 UTC'")));
        assertUpdate("INSERT INTO hive.changes.hfiltered VALUES (10, DATE '2026-12-01'), (11, DATE '2026-12-03')", 2);

        // the filter is pushed down: only the partition it takes is listed, and the token moves on for it only
        MaterializedResult filtered = computeActual(filteredHiveQuery("hfiltered", "since_token => '%s'".formatted(token), "day = DATE '2026-12-01'"));
        assertThat(filtered.getMaterializedRows()).extracting(row -> row.getFields().subList(0, 7))
                .containsExactly(Arrays.asList("day=2026-12-01", LocalDate.of(2026, 12, 1), List.of("APPEND"), null, null, 1L, 0L));
        // so the partition left out is reported from the token's point by the next answer, and the one taken is not again
        MaterializedResult rest = computeActual(hiveQuery("hfiltered", "since_token => '%s'".formatted(hiveToken(filtered))));
        assertThat(rest.getMaterializedRows()).extracting(row -> row.getFields().subList(0, 7))
                .containsExactly(Arrays.asList("day=2026-12-03", LocalDate.of(2026, 12, 3), List.of("APPEND"), null, null, 1L, 0L));
        token = hiveToken(rest);
        assertThat(computeActual(hiveQuery("hfiltered", "since_token => '%s'".formatted(token))).getRowCount()).isZero();

        // a range, a new partition in it, and a partition dropped outside it
        assertUpdate("INSERT INTO hive.changes.hfiltered VALUES (20, DATE '2026-12-01'), (21, DATE '2026-12-02'), (22, DATE '2026-12-04')", 3);
        assertUpdate("DELETE FROM hive.changes.hfiltered WHERE day = DATE '2026-12-03'");
        MaterializedResult range = computeActual(filteredHiveQuery("hfiltered", "since_token => '%s'".formatted(token), "day >= DATE '2026-12-02' AND day <> DATE '2026-12-03'"));
        assertThat(range.getMaterializedRows()).extracting(row -> row.getFields().subList(0, 3)).containsExactly(
                List.of("day=2026-12-02", LocalDate.of(2026, 12, 2), List.of("APPEND")),
                List.of("day=2026-12-04", LocalDate.of(2026, 12, 4), List.of("APPEND")));
        MaterializedResult others = computeActual(hiveQuery("hfiltered", "since_token => '%s'".formatted(hiveToken(range))));
        assertThat(others.getMaterializedRows()).extracting(row -> row.getFields().subList(0, 3)).containsExactly(
                List.of("day=2026-12-01", LocalDate.of(2026, 12, 1), List.of("APPEND")),
                List.of("day=2026-12-03", LocalDate.of(2026, 12, 3), List.of("DELETE")));

        token = hiveToken(others);
        // a filter on another column too, or an expression the engine checks after the scan, is not taken: the answer
        // takes every partition (its token covers them all), so no partition moves on unseen; nor is a first answer's
        for (String notTaken : List.of("day = DATE '2026-12-01' AND files_added > 0", "CAST(day AS varchar) LIKE '2026-12-0%1'")) {
            assertThat((String) computeActual("EXPLAIN " + filteredHiveQuery("hfiltered", "since_token => '%s'".formatted(token), notTaken)).getOnlyValue())
                    .contains("changed_partitions(changes.hfiltered)");
        }
        assertThat((String) computeActual("EXPLAIN " + filteredHiveQuery("hfiltered", "since => TIMESTAMP '2000-01-01 00:00:00 UTC'", "day = DATE '2026-12-01'")).getOnlyValue())
                .contains("changed_partitions(changes.hfiltered)");
        assertUpdate("INSERT INTO hive.changes.hfiltered VALUES (30, DATE '2026-12-01'), (31, DATE '2026-12-02')", 2);
        MaterializedResult mixed = computeActual(filteredHiveQuery("hfiltered", "since_token => '%s'".formatted(token), "day = DATE '2026-12-01' AND files_added > 0"));
        assertThat(mixed.getMaterializedRows()).extracting(row -> row.getField(0)).containsExactly("day=2026-12-01");
        assertThat(computeActual(hiveQuery("hfiltered", "since_token => '%s'".formatted(hiveToken(mixed)))).getRowCount()).isZero();

        // a filter nothing passes keeps every partition's point
        assertThat(computeActual(filteredHiveQuery("hfiltered", "since_token => '%s'".formatted(token), "day IS NULL")).getRowCount()).isZero();
        // explaining the query plans it and reads nothing: no checkpoint is taken
        Path checkpoints = Path.of(URI.create(schemaLocation(SCHEMA))).resolve(".dredge").resolve("changes").resolve("hfiltered");
        Set<Path> kept = Set.copyOf(LocalDataFiles.list(checkpoints));
        assertThat((String) computeActual("EXPLAIN " + filteredHiveQuery("hfiltered", "since_token => '%s'".formatted(token), "day = DATE '2026-12-01'")).getOnlyValue())
                .contains("changed_partitions(changes.hfiltered, partitions where day ");
        assertThat(LocalDataFiles.list(checkpoints)).containsExactlyInAnyOrderElementsOf(kept);
    }

    private static String hiveQuery(String table, String start)
    {
        return filteredHiveQuery(table, start, "true");
    }

    private static String filteredHiveQuery(String table, String start, String filter)
    {
        String partition = table.equals("hevents") || table.equals("hfiltered") ? "day" : "part";
        return format("SELECT partition_name, %s, change_kinds, rows_added, rows_removed, files_added, files_removed, resume_token FROM TABLE(dredge.system.changed_partitions(schema_name => '%s', table_name => '%s', %s)) WHERE %s ORDER BY partition_name",
                partition, SCHEMA, table, start, filter);
    }

    private static String hiveToken(MaterializedResult result)
    {
        return (String) result.getMaterializedRows().stream().map(row -> row.getField(7)).distinct().collect(onlyElement());
    }

    private void createTable(String table)
    {
        assertUpdate(format("CREATE TABLE iceberg.%s.%s (id bigint, part varchar) WITH (partitioning = ARRAY['part'])", SCHEMA, table));
        for (int insert = 0; insert < 3; insert++) {
            assertUpdate(format("INSERT INTO iceberg.%s.%s SELECT id, 'p%s' FROM UNNEST(sequence(%s, %s)) AS t(id)", SCHEMA, table, insert, insert * 10, insert * 10 + 9), 10);
        }
    }

    private MaterializedResult changes(String table, String start)
    {
        return computeActual(query(table, start));
    }

    private static String query(String table, String start)
    {
        return format("SELECT %s FROM TABLE(dredge.system.changed_partitions(schema_name => '%s', table_name => '%s', %s)) ORDER BY partition_name", COLUMNS, SCHEMA, table, start);
    }

    private static Map<String, MaterializedRow> byPartition(MaterializedResult result)
    {
        return result.getMaterializedRows().stream().collect(toImmutableMap(row -> (String) row.getField(0), row -> row));
    }

    private long currentSnapshot(String table)
    {
        return (long) computeActual(format("SELECT snapshot_id FROM iceberg.%s.\"%s$snapshots\" ORDER BY committed_at DESC LIMIT 1", SCHEMA, table)).getOnlyValue();
    }

    private List<Long> snapshots(String table)
    {
        return computeActual(format("SELECT snapshot_id FROM iceberg.%s.\"%s$snapshots\" ORDER BY committed_at", SCHEMA, table)).getOnlyColumn()
                .map(Long.class::cast)
                .toList();
    }
}
