package io.dredge.it;

import com.google.common.collect.ImmutableMap;
import io.dredge.core.audit.WriteAudit;
import io.dredge.core.audit.WriteAuditCodec;
import io.dredge.core.audit.WrittenFiles;
import io.dredge.core.report.FileGroupStatus;
import io.dredge.it.demo.HiveClient;
import io.trino.Session;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static io.dredge.it.HiveStatements.execute;
import static io.dredge.it.HiveStatements.rows;
import static java.lang.String.format;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS;

/**
 * Dredge's guard and audit hooks in a real HiveServer2 (installed from the one shaded jar, set in hive-site.xml as an
 * operator would), over the thrift metastore that Trino's Dredge uses: Hive writers wait for operations Trino runs,
 * and every Hive write leaves a record of the partitions it wrote.
 */
@TestInstance(PER_CLASS)
class TestHiveHooks
        extends AbstractTestWithDredgeHive
{
    private static final String USER = "etl";

    @BeforeAll
    public void createHooksSchema()
    {
        createSchema("hooks");
    }

    @Test
    public void testGuardRefusesEveryWriteToATableAnOperationHoldsUntilItIsClosed()
            throws Exception
    {
        assertUpdate("CREATE TABLE hive.hooks.held (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])");
        assertUpdate("INSERT INTO hive.hooks.held VALUES (1, 'a'), (2, 'b')", 2);
        assertUpdate("CREATE TABLE hive.hooks.free (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])");
        // a backup that died after its copies (kill -9): the table stays held until recover closes it
        Session crashing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_fail_after", "WRITTEN:1").build();
        assertQueryFails(crashing, "CALL dredge.system.backup_table(schema_name => 'hooks', table_name => 'held', backup_name => 'held_1')", "injected fault after WRITTEN 1");
        String operationId = (String) computeActual("SELECT operation_id FROM dredge.system.operations WHERE schema_name = 'hooks' AND table_name = 'held' AND state = 'RUNNING'").getOnlyValue();

        try (Connection hive = hiveServer().connect(USER)) {
            for (String write : List.of(
                    "INSERT INTO hooks.held PARTITION (day = 'c') VALUES (3)",
                    "INSERT INTO hooks.held PARTITION (day) VALUES (3, 'a')",
                    "INSERT OVERWRITE TABLE hooks.held PARTITION (day = 'a') SELECT 9",
                    "ALTER TABLE hooks.held PARTITION (day = 'b') SET LOCATION 'file:/tmp/elsewhere'",
                    "TRUNCATE TABLE hooks.held PARTITION (day = 'a')",
                    "ALTER TABLE hooks.held DROP PARTITION (day = 'b')",
                    "DROP TABLE hooks.held")) {
                assertThatThrownBy(() -> execute(hive, write))
                        .as(write)
                        .hasMessageContaining("Dredge: table hooks.held is held by operation %s, so statements that change it are refused until it finishes".formatted(operationId))
                        .hasMessageContaining("CALL dredge.system.recover(schema_name => 'hooks', table_name => 'held')");
            }
            // a careless user cannot switch the guard off for a session
            assertThatThrownBy(() -> execute(hive, "SET hive.exec.pre.hooks="))
                    .hasMessageContaining("hive.exec.pre.hooks")
                    .hasMessageContaining("restricted");
            assertThatThrownBy(() -> execute(hive, "INSERT INTO hooks.held PARTITION (day = 'c') VALUES (3)"))
                    .hasMessageContaining("Dredge: table hooks.held is held by operation " + operationId);
            // reads of the held table, and writes of other tables, run untouched
            assertThat(rows(hive, "SELECT count(*) FROM hooks.held")).containsExactly(List.of(2L));
            execute(hive, "INSERT INTO hooks.free PARTITION (day = 'a') VALUES (1)");
            assertThat(computeActual("SELECT count(*) FROM hive.hooks.free").getOnlyValue()).isEqualTo(1L);

            assertUpdate("CALL dredge.system.recover(schema_name => 'hooks', table_name => 'held')");
            execute(hive, "INSERT INTO hooks.held PARTITION (day = 'c') VALUES (3)");
        }
        assertThat(computeActual("SELECT id, day FROM hive.hooks.held").getMaterializedRows())
                .extracting(row -> row.getField(0) + ":" + row.getField(1))
                .containsExactlyInAnyOrder("1:a", "2:b", "3:c");
    }

    @Test
    public void testGuardRefusesEveryStatementChangingAHeldTableOnEitherSide()
            throws Exception
    {
        createSchema("guarded");
        assertUpdate("CREATE TABLE hive.guarded.big (id bigint, p bigint) WITH (partitioned_by = ARRAY['p'])");
        assertUpdate("INSERT INTO hive.guarded.big VALUES (1, 1), (4, 4)", 2);
        assertUpdate("CREATE TABLE hive.guarded.other (id bigint, p bigint) WITH (partitioned_by = ARRAY['p'])");
        assertUpdate("INSERT INTO hive.guarded.other VALUES (5, 5)", 1);
        String otherFile = Path.of(URI.create((String) computeActual("SELECT \"$path\" FROM hive.guarded.other").getOnlyValue())).toString();
        Set<String> bigFiles = computeActual("SELECT \"$path\" FROM hive.guarded.big").getOnlyColumnAsSet().stream().map(String.class::cast).collect(toImmutableSet());
        Path bigFile = Path.of(URI.create((String) computeActual("SELECT \"$path\" FROM hive.guarded.big WHERE p = 1").getOnlyValue()));
        Path bigDirectory = bigFile.getParent().getParent();
        // an unheld table, whose paths the same statements reach
        assertUpdate("CREATE TABLE hive.guarded.loose (id bigint, p bigint) WITH (partitioned_by = ARRAY['p'])");
        assertUpdate("INSERT INTO hive.guarded.loose VALUES (2, 2), (3, 3)", 2);
        assertUpdate("CREATE TABLE hive.guarded.loose_copy (id bigint, p bigint) WITH (partitioned_by = ARRAY['p'])");
        Path looseFile = Path.of(URI.create((String) computeActual("SELECT \"$path\" FROM hive.guarded.loose WHERE p = 2").getOnlyValue()));
        Path looseDirectory = looseFile.getParent().getParent();
        Session crashing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_fail_after", "WRITTEN:1").build();
        assertQueryFails(crashing, "CALL dredge.system.backup_table(schema_name => 'guarded', table_name => 'big', backup_name => 'big_1')", "injected fault after WRITTEN 1");
        String operationId = (String) computeActual("SELECT operation_id FROM dredge.system.operations WHERE schema_name = 'guarded' AND table_name = 'big' AND state = 'RUNNING'").getOnlyValue();

        try (Connection hive = hiveServer().connect(USER)) {
            // reads only: the held table is its source
            execute(hive, "CREATE TABLE guarded.bigx LIKE guarded.big");
            // an export of an unheld table to a place no table reads
            Path export = directory().resolve("exports").resolve("other");
            execute(hive, "EXPORT TABLE guarded.other TO 'file:%s'".formatted(export));
            // lets ARCHIVE get past Hive's own refusal to the guard
            execute(hive, "SET hive.archive.enabled=true");
            // each statement with the HiveOperation Hive reports for it; the destructive ones last
            Map<String, String> changes = ImmutableMap.<String, String>builder()
                    // Hive lists the changed table among the inputs only: here the partition leaves the held table
                    .put("ALTER TABLE guarded.bigx EXCHANGE PARTITION (p=4) WITH TABLE guarded.big", "ALTERTABLE_EXCHANGEPARTITION")
                    .put("ALTER TABLE guarded.big PARTITION COLUMN (p bigint)", "ALTERTABLE_PARTCOLTYPE")
                    .put("ALTER TABLE guarded.big CONVERT TO ICEBERG", "ALTERTABLE_CONVERT")
                    // Hive lists the changed table among the outputs
                    .put("ALTER TABLE guarded.big EXCHANGE PARTITION (p=5) WITH TABLE guarded.other", "ALTERTABLE_EXCHANGEPARTITION")
                    .put("ALTER TABLE guarded.big ADD COLUMNS (note string)", "ALTERTABLE_ADDCOLS")
                    .put("ALTER TABLE guarded.big REPLACE COLUMNS (id bigint)", "ALTERTABLE_REPLACECOLS")
                    .put("ALTER TABLE guarded.big CHANGE COLUMN id id bigint COMMENT 'the id'", "ALTERTABLE_RENAMECOL")
                    .put("ALTER TABLE guarded.big SET TBLPROPERTIES ('note' = 'x')", "ALTERTABLE_PROPERTIES")
                    .put("ALTER TABLE guarded.big UNSET TBLPROPERTIES IF EXISTS ('note')", "ALTERTABLE_PROPERTIES")
                    .put("ALTER TABLE guarded.big SET SERDEPROPERTIES ('serialization.format' = '1')", "ALTERTABLE_SERDEPROPERTIES")
                    .put("ALTER TABLE guarded.big PARTITION (p=1) SET SERDEPROPERTIES ('serialization.format' = '1')", "ALTERPARTITION_SERDEPROPERTIES")
                    .put("ALTER TABLE guarded.big SET SERDE 'org.apache.hadoop.hive.ql.io.orc.OrcSerde'", "ALTERTABLE_SERIALIZER")
                    .put("ALTER TABLE guarded.big SET FILEFORMAT PARQUET", "ALTERTABLE_FILEFORMAT")
                    .put("ALTER TABLE guarded.big PARTITION (p=1) SET FILEFORMAT PARQUET", "ALTERPARTITION_FILEFORMAT")
                    .put("ALTER TABLE guarded.big CLUSTERED BY (id) INTO 2 BUCKETS", "ALTERTABLE_CLUSTER_SORT")
                    .put("ALTER TABLE guarded.big SKEWED BY (id) ON (1)", "ALTERTABLE_SKEWED")
                    .put("ALTER TABLE guarded.big SET OWNER USER bob", "ALTERTABLE_OWNER")
                    // as outputs taking no lock: TOUCH, ARCHIVE and ANALYZE (which Hive's query analyzer reports as a query)
                    .put("ALTER TABLE guarded.big TOUCH", "ALTERTABLE_TOUCH")
                    .put("ALTER TABLE guarded.big ARCHIVE PARTITION (p=1)", "ALTERTABLE_ARCHIVE")
                    .put("ANALYZE TABLE guarded.big PARTITION (p) COMPUTE STATISTICS", "QUERY")
                    // as outputs taking a lock
                    .put("ALTER TABLE guarded.big ADD PARTITION (p=9)", "ALTERTABLE_ADDPARTS")
                    .put("ALTER TABLE guarded.big PARTITION (p=1) RENAME TO PARTITION (p=7)", "ALTERTABLE_RENAMEPART")
                    .put("ALTER TABLE guarded.big PARTITION (p=1) CONCATENATE", "ALTERPARTITION_MERGEFILES")
                    .put("MSCK REPAIR TABLE guarded.big", "MSCK")
                    .put("LOAD DATA LOCAL INPATH '%s' INTO TABLE guarded.big PARTITION (p=1)".formatted(otherFile), "LOAD")
                    .put("INSERT INTO guarded.big PARTITION (p) SELECT id, p FROM guarded.other", "QUERY")
                    // statements reaching the held table's files by path: LOAD moves them out of it, INSERT OVERWRITE
                    // DIRECTORY replaces them, EXPORT and IMPORT write among them, a LOCATION lets another table write there
                    .put("LOAD DATA INPATH 'file:%s' INTO TABLE guarded.other PARTITION (p=1)".formatted(bigFile), "LOAD")
                    .put("LOAD DATA INPATH 'file:%s' INTO TABLE guarded.other PARTITION (p=4)".formatted(bigDirectory.resolve("p=4")), "LOAD")
                    // its directory holds directories: Hive runs this LOAD as a query reading the directory
                    .put("LOAD DATA INPATH 'file:%s' INTO TABLE guarded.other PARTITION (p=1)".formatted(bigDirectory), "QUERY")
                    .put("INSERT OVERWRITE DIRECTORY 'file:%s' SELECT id FROM guarded.other".formatted(bigDirectory), "QUERY")
                    .put("INSERT OVERWRITE LOCAL DIRECTORY '%s' SELECT id FROM guarded.other".formatted(bigFile.getParent()), "QUERY")
                    .put("INSERT OVERWRITE DIRECTORY 'file:%s' SELECT id FROM guarded.other".formatted(bigDirectory.getParent()), "QUERY")
                    .put("EXPORT TABLE guarded.other TO 'file:%s'".formatted(bigDirectory.resolve("export")), "EXPORT")
                    .put("IMPORT TABLE guarded.imported FROM 'file:%s' LOCATION 'file:%s'".formatted(export, bigDirectory.resolve("imported")), "IMPORT")
                    .put("CREATE EXTERNAL TABLE guarded.alias (id bigint) PARTITIONED BY (p bigint) STORED AS ORC LOCATION 'file:%s'".formatted(bigDirectory), "CREATETABLE")
                    .put("ALTER TABLE guarded.other ADD PARTITION (p=8) LOCATION 'file:%s'".formatted(bigFile.getParent()), "ALTERTABLE_ADDPARTS")
                    .put("TRUNCATE TABLE guarded.big", "TRUNCATETABLE")
                    .put("ALTER TABLE guarded.big SET LOCATION 'file:/tmp/elsewhere'", "ALTERTABLE_LOCATION")
                    .put("ALTER TABLE guarded.big RENAME TO guarded.big_renamed", "ALTERTABLE_RENAME")
                    .put("DROP TABLE guarded.big PURGE", "DROPTABLE")
                    // each table of the schema as an output taking no lock
                    .put("DROP DATABASE guarded CASCADE", "DROPDATABASE")
                    .buildOrThrow();
            SoftAssertions.assertSoftly(softly -> changes.forEach((statement, operation) -> softly.assertThatThrownBy(() -> execute(hive, statement))
                    .as(statement)
                    .hasMessageContaining("Dredge: table guarded.big is held by operation %s, so statements that change it are refused until it finishes (this one is Hive's %s)".formatted(operationId, operation))));
            // Hive refuses these itself before any hook runs: the table is not transactional
            for (String statement : List.of(
                    "UPDATE guarded.big SET id = 2 WHERE id = 1",
                    "DELETE FROM guarded.big WHERE id = 1",
                    "MERGE INTO guarded.big AS t USING guarded.other AS s ON t.id = s.id WHEN MATCHED THEN DELETE")) {
                assertThatThrownBy(() -> execute(hive, statement))
                        .as(statement)
                        .hasMessageContaining("Attempt to do update or delete using transaction manager that does not support these operations");
            }

            // reads of the held table run, and so do statements changing other tables only
            assertThat(rows(hive, "SELECT id, p FROM guarded.big")).containsExactlyInAnyOrder(List.of(1L, 1L), List.of(4L, 4L));
            assertThat(rows(hive, "SHOW PARTITIONS guarded.big")).containsExactly(List.of("p=1"), List.of("p=4"));
            assertThat(rows(hive, "DESCRIBE guarded.big")).isNotEmpty();
            assertThat(rows(hive, "DESCRIBE FORMATTED guarded.big PARTITION (p=4)")).isNotEmpty();
            assertThat(rows(hive, "SHOW CREATE TABLE guarded.big")).isNotEmpty();
            execute(hive, "ALTER TABLE guarded.bigx EXCHANGE PARTITION (p=5) WITH TABLE guarded.other");
            execute(hive, "ALTER TABLE guarded.bigx SET TBLPROPERTIES ('note' = 'x')");
            // the same statements on an unheld table's paths
            execute(hive, "LOAD DATA INPATH 'file:%s' INTO TABLE guarded.loose_copy PARTITION (p=2)".formatted(looseFile));
            execute(hive, "LOAD DATA INPATH 'file:%s' INTO TABLE guarded.loose_copy PARTITION (p=3)".formatted(looseDirectory.resolve("p=3")));
            execute(hive, "INSERT OVERWRITE DIRECTORY 'file:%s' STORED AS ORC SELECT CAST(7 AS bigint)".formatted(looseFile.getParent()));
        }
        // the held table keeps every file
        assertThat(computeActual("SELECT \"$path\" FROM hive.guarded.big").getOnlyColumnAsSet()).isEqualTo(bigFiles);
        assertThat(bigFile).exists();
        assertThat(bigDirectory.resolve("export")).doesNotExist();
        // IMPORT's analyzer makes the target's (empty) partition directory while it compiles, before any hook runs
        try (Stream<Path> imported = Files.walk(bigDirectory.resolve("imported"))) {
            assertThat(imported.filter(Files::isRegularFile)).isEmpty();
        }
        assertThat(computeActual("SELECT table_name FROM hive.information_schema.tables WHERE table_schema = 'guarded'").getOnlyColumnAsSet())
                .doesNotContain("imported", "alias");
        assertThat(computeActual("SELECT p FROM hive.guarded.\"other$partitions\"").getOnlyColumnAsSet()).doesNotContain(8L);
        // the unheld table's files moved, and were replaced
        assertThat(looseFile).doesNotExist();
        assertThat(computeActual("SELECT id, p FROM hive.guarded.loose_copy").getMaterializedRows())
                .extracting(row -> row.getField(0) + ":" + row.getField(1))
                .containsExactlyInAnyOrder("2:2", "3:3");
        assertThat(computeActual("SELECT id FROM hive.guarded.loose WHERE p = 2").getOnlyValue()).isEqualTo(7L);
        assertThat(computeActual("SELECT id, p FROM hive.guarded.big").getMaterializedRows())
                .extracting(row -> row.getField(0) + ":" + row.getField(1))
                .containsExactlyInAnyOrder("1:1", "4:4");
        assertThat(computeActual("SELECT p FROM hive.guarded.\"big$partitions\"").getOnlyColumnAsSet()).containsExactlyInAnyOrder(1L, 4L);
        assertThat(computeActual("SELECT id, p FROM hive.guarded.bigx").getMaterializedRows())
                .extracting(row -> row.getField(0) + ":" + row.getField(1))
                .containsExactly("5:5");

        // once the operation is closed, the partition may leave
        assertUpdate("CALL dredge.system.recover(schema_name => 'guarded', table_name => 'big')");
        try (Connection hive = hiveServer().connect(USER)) {
            execute(hive, "ALTER TABLE guarded.bigx EXCHANGE PARTITION (p=4) WITH TABLE guarded.big");
        }
        assertThat(computeActual("SELECT id FROM hive.guarded.big").getOnlyColumnAsSet()).containsExactly(1L);
        assertThat(computeActual("SELECT id FROM hive.guarded.bigx").getOnlyColumnAsSet()).containsExactlyInAnyOrder(4L, 5L);
    }

    @Test
    public void testHiveInsertWaitsForACompactionTrinoRuns()
            throws Exception
    {
        assertUpdate("CREATE TABLE hive.hooks.compacted (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])");
        for (int batch = 0; batch < 3; batch++) {
            assertUpdate(format("INSERT INTO hive.hooks.compacted VALUES (%s, 'a')", batch), 1);
        }
        Session pausing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_pause_after", "WRITTEN:6").build();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Connection hive = hiveServer().connect(USER)) {
            Future<?> compaction = executor.submit(() -> getQueryRunner().execute(pausing, "CALL dredge.system.compact_table(schema_name => 'hooks', table_name => 'compacted')"));
            String operationId = (String) waitForRunningOperation("compacted", "COMPACT", "wrote").getField(0);
            assertThatThrownBy(() -> execute(hive, "INSERT INTO hooks.compacted PARTITION (day = 'a') VALUES (10)"))
                    .hasMessageContaining("Dredge: table hooks.compacted is held by operation " + operationId);
            compaction.get();
            execute(hive, "INSERT INTO hooks.compacted PARTITION (day = 'a') VALUES (10)");
        }
        finally {
            executor.shutdownNow();
        }
        assertThat(computeActual("SELECT files_before, files_after, state FROM dredge.system.operations WHERE schema_name = 'hooks' AND table_name = 'compacted' AND kind = 'COMPACT'").getMaterializedRows().getFirst().getFields())
                .containsExactly(3L, 1L, "SUCCEEDED");
        assertThat(computeActual("SELECT count(*), sum(id) FROM hive.hooks.compacted").getMaterializedRows().getFirst().getFields()).containsExactly(4L, 13L);
    }

    @Test
    public void testAuditRecordsExactlyThePartitionsEachWriteWrote()
            throws Exception
    {
        try (Connection hive = hiveServer().connect(USER)) {
            execute(hive, "CREATE TABLE hooks.audited (id int) PARTITIONED BY (day string) STORED AS ORC");
            execute(hive, "CREATE TABLE hooks.audited_flat (id int) STORED AS PARQUET");
            // one partition, twice: the second write leaves two small files
            execute(hive, "INSERT INTO hooks.audited PARTITION (day = 'a') VALUES (1)");
            execute(hive, "INSERT INTO hooks.audited PARTITION (day = 'a') VALUES (2)");
            // dynamic partitions: exactly the two written, not day=a
            execute(hive, "INSERT INTO hooks.audited PARTITION (day) VALUES (3, 'b'), (4, 'c'), (5, 'c')");
            execute(hive, "INSERT INTO hooks.audited_flat VALUES (1), (2)");
        }
        List<WriteAudit> audits = audits("audited");
        assertThat(audits).hasSize(3);
        assertThat(audits).allSatisfy(audit -> assertThat(audit.user()).isEqualTo(USER));
        assertThat(audits.stream().map(audit -> audit.written().stream().map(WrittenFiles::partitionName).map(Optional::orElseThrow).sorted().toList()))
                .containsExactlyInAnyOrder(List.of("day=a"), List.of("day=a"), List.of("day=b", "day=c"));
        WrittenFiles second = audits.stream()
                .flatMap(audit -> audit.written().stream())
                .filter(written -> written.partitionName().equals(Optional.of("day=a")) && written.fileCount() == 2)
                .findFirst().orElseThrow();
        assertThat(second.totalBytes()).isEqualTo(bytes(directoryOf("hooks.audited WHERE day = 'a'")));
        assertThat(second.status()).isEqualTo(FileGroupStatus.NEEDS_COMPACTION);
        assertThat(Files.readString(hiveServer().logFile()))
                .contains("Dredge: partition day=a of hooks.audited has 2 files of %s bytes".formatted(second.totalBytes()));

        // Trino shows the same records, a row per partition written
        assertThat(computeActual("SELECT partition_name, file_count, total_bytes, status, user_name FROM dredge.system.write_audit WHERE schema_name = 'hooks' AND table_name = 'audited'").getMaterializedRows())
                .extracting(row -> row.getFields().toString())
                .containsExactlyInAnyOrderElementsOf(audits.stream()
                        .flatMap(audit -> audit.written().stream().map(written -> List.of(written.partitionName().orElseThrow(), written.fileCount(), written.totalBytes(), written.status().name(), audit.user()).toString()))
                        .toList());
        assertThat(computeActual("SELECT count(*) FROM dredge.system.write_audit WHERE schema_name = 'hooks' AND table_name = 'missing'").getOnlyValue()).isEqualTo(0L);

        WriteAudit flat = audits("audited_flat").getFirst();
        assertThat(flat.written()).containsExactly(new WrittenFiles(Optional.empty(), 1, bytes(directoryOf("hooks.audited_flat")), FileGroupStatus.OK));

        // records of days older than the retention (30 days) go as new ones are written
        Path auditDirectory = warehouse().resolve("hooks").resolve(".dredge").resolve("audit").resolve("audited_flat");
        Path expired = Files.createDirectories(auditDirectory.resolve("2020-01-01"));
        Files.writeString(expired.resolve("old.json"), "{}");
        Path foreign = Files.createDirectories(auditDirectory.resolve("notes"));
        try (Connection hive = hiveServer().connect(USER)) {
            execute(hive, "INSERT INTO hooks.audited_flat VALUES (3)");
        }
        assertThat(expired).doesNotExist();
        assertThat(foreign).exists();
        Files.delete(foreign);
        assertThat(audits("audited_flat")).hasSize(2);
    }

    @Test
    public void testEveryHiveSqlExampleRuns()
            throws Exception
    {
        createSchema("demo");
        List<Path> files;
        try (Stream<Path> paths = Files.list(Path.of("..", "sql-examples", "hive"))) {
            files = paths.filter(path -> path.toString().endsWith(".sql")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        try (Connection hive = hiveServer().connect(USER)) {
            for (Path file : files) {
                List<String> statements = HiveClient.statements(Files.readString(file));
                assertThat(statements).as(file.toString()).isNotEmpty();
                for (String statement : statements) {
                    execute(hive, statement);
                }
            }
        }
        // what 01_hooks_and_functions.sql wrote, as Trino reads it, and as the audit recorded it
        assertThat(computeActual("SELECT day, count(*) FROM hive.demo.hive_clicks GROUP BY day").getMaterializedRows())
                .extracting(row -> row.getField(0) + ":" + row.getField(1))
                .containsExactlyInAnyOrder("2024-01-01:3", "2024-01-02:1");
        assertThat(audits("demo", "hive_clicks")).hasSize(2);
        // what 02_maintenance.sql restored from its backup
        assertThat(computeActual("SELECT day, count(*) FROM hive.demo.hive_clicks_restored GROUP BY day").getMaterializedRows())
                .extracting(row -> row.getField(0) + ":" + row.getField(1))
                .containsExactlyInAnyOrder("2024-01-01:3", "2024-01-02:1");
    }

    private List<WriteAudit> audits(String table)
            throws IOException
    {
        return audits("hooks", table);
    }

    private List<WriteAudit> audits(String schema, String table)
            throws IOException
    {
        Path directory = warehouse().resolve(schema).resolve(".dredge").resolve("audit").resolve(table);
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".json"))
                    .map(file -> {
                        try {
                            return WriteAuditCodec.fromJson(Files.readAllBytes(file));
                        }
                        catch (IOException e) {
                            throw new RuntimeException(e);
                        }
                    })
                    .toList();
        }
    }

    /**
     * The directory of the files a query reads: Hive puts the tables it creates under {@code <warehouse>/<schema>.db},
     * not in the schema's location.
     */
    private Path directoryOf(String tableAndFilter)
    {
        String path = (String) computeActual("SELECT DISTINCT regexp_replace(\"$path\", '/[^/]*$', '') FROM hive." + tableAndFilter).getOnlyValue();
        return Path.of(URI.create(path));
    }

    private static long bytes(Path directory)
            throws IOException
    {
        long total = 0;
        for (Path file : LocalDataFiles.list(directory)) {
            total += Files.size(file);
        }
        return total;
    }
}
