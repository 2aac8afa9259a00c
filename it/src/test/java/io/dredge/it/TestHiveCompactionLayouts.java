package io.dredge.it;

import io.trino.metastore.HiveMetastore;
import io.trino.metastore.Partition;
import io.trino.metastore.PartitionStatistics;
import io.trino.metastore.PartitionWithStatistics;
import io.trino.metastore.Table;
import io.trino.testing.MaterializedRow;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static java.lang.String.format;
import static java.util.stream.Collectors.joining;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compaction of the lake as it is: directories shared by tables, names reused after a rename, partitions nested
 * in or outside their table, files in subdirectories, partitions stored differently from their table, unicode
 * partition values, schema-wide runs.
 */
public class TestHiveCompactionLayouts
        extends AbstractTestHiveCompaction
{
    @Override
    protected String schema()
    {
        return "compaction_layouts";
    }

    @Test
    public void testTableShapesRoundTrip()
    {
        // unpartitioned ORC
        assertUpdate("CREATE TABLE hive.compaction_layouts.flat_orc (id bigint, name varchar) WITH (format = 'ORC')");
        insertBatches("flat_orc", "", 4);
        // Avro with partition values that need escaping, and NULL
        createTable("awkward_avro", "tag varchar", "ARRAY['tag']", List.of("'with space'", "'a/b'", "'100%'", "'k=v'", "CAST(NULL AS varchar)"), 2, "AVRO");
        // bucketed and sorted, with a column comment
        assertUpdate("CREATE TABLE hive.compaction_layouts.bucketed (id bigint COMMENT 'the key', name varchar, day varchar) " +
                "WITH (format = 'ORC', partitioned_by = ARRAY['day'], bucketed_by = ARRAY['id'], bucket_count = 2, sorted_by = ARRAY['id'])");
        insertBatches("bucketed", ", 'd1'", 3);
        // two partition levels
        createTable("two_level", "day varchar, ref integer", "ARRAY['day', 'ref']", List.of("'a', 1", "'a', 2", "'b', 1"), 2, "PARQUET");
        // wider than one group of the verification's row hash, with nested and temporal types
        String wideColumns = IntStream.range(0, 36).mapToObj(i -> "c%s bigint".formatted(i)).collect(joining(", "));
        assertUpdate(format("CREATE TABLE hive.compaction_layouts.wide (%s, tags array(varchar), attrs map(varchar, double), point row(x double, y double), " +
                "ts timestamp(3), amount decimal(20, 2), day varchar) WITH (format = 'PARQUET', partitioned_by = ARRAY['day'])", wideColumns));
        String wideValues = IntStream.range(0, 36).mapToObj(i -> "id * %s".formatted(i)).collect(joining(", "));
        for (int batch = 0; batch < 3; batch++) {
            assertUpdate(format("INSERT INTO hive.compaction_layouts.wide SELECT %s, ARRAY['t' || CAST(id AS varchar), NULL], MAP(ARRAY['k'], ARRAY[id * 0.5e0]), " +
                    "CAST(ROW(id, -id) AS row(x double, y double)), TIMESTAMP '2024-01-01 00:00:00.000' + id * INTERVAL '1' SECOND, " +
                    "CAST(id AS decimal(20, 2)) / 3, 'w' FROM UNNEST(sequence(%s, %s)) AS t(id)", wideValues, batch * 100, batch * 100 + 99), 100);
        }

        for (String table : List.of("flat_orc", "awkward_avro", "bucketed", "two_level", "wide")) {
            TableState before = state(table);
            Object definition = computeActual("SHOW CREATE TABLE hive.compaction_layouts." + table).getOnlyValue();
            assertUpdate(compact(table));
            TableState compacted = state(table);
            assertThat(compacted.rows()).as("rows of %s after compaction", table).isEqualTo(before.rows());
            assertThat(compacted.files()).as("files of %s after compaction", table).hasSizeLessThan(before.files().size());
            assertThat(computeActual("SHOW CREATE TABLE hive.compaction_layouts." + table).getOnlyValue()).as("definition of %s", table).isEqualTo(definition);
            assertUpdate("CALL dredge.system.rollback_compaction(schema_name => 'compaction_layouts', table_name => '" + table + "')");
            assertThat(state(table)).as("%s after rollback", table).isEqualTo(before);
        }
        // bucket files hold only their bucket's rows after compaction too
        assertUpdate(compact("bucketed"));
        assertThat(computeActual("SELECT count(DISTINCT \"$bucket\"), count(DISTINCT \"$path\") FROM hive.compaction_layouts.bucketed").getMaterializedRows().get(0).getFields())
                .containsExactly(2L, 2L);
    }

    @Test
    public void testCompactSchemaThenCleanupHonoursRetention()
    {
        assertUpdate("CREATE SCHEMA hive.many WITH (location = '" + schemaLocation("many") + "')");
        assertUpdate("CREATE TABLE hive.many.first (id bigint, name varchar, day varchar) WITH (partitioned_by = ARRAY['day'])");
        assertUpdate("CREATE TABLE hive.many.second (id bigint, name varchar)");
        for (int batch = 0; batch < 3; batch++) {
            assertUpdate(format("INSERT INTO hive.many.first SELECT id, 'n', IF(id %% 2 = 0, 'a', 'b') FROM UNNEST(sequence(%s, %s)) AS t(id)", batch * 10, batch * 10 + 9), 10);
            assertUpdate(format("INSERT INTO hive.many.second SELECT id, 'n' FROM UNNEST(sequence(%s, %s)) AS t(id)", batch * 10, batch * 10 + 9), 10);
        }
        assertUpdate("CREATE VIEW hive.many.a_view AS SELECT * FROM hive.many.first");
        Object first = computeActual("SELECT count(*), to_hex(checksum(ROW(id, name, day))) FROM hive.many.first").getMaterializedRows().get(0).getFields();
        Object second = computeActual("SELECT count(*), to_hex(checksum(ROW(id, name))) FROM hive.many.second").getMaterializedRows().get(0).getFields();

        assertUpdate("CALL dredge.system.compact_schema(schema_name => 'many')");
        assertThat(computeActual("SELECT count(*), to_hex(checksum(ROW(id, name, day))) FROM hive.many.first").getMaterializedRows().get(0).getFields()).isEqualTo(first);
        assertThat(computeActual("SELECT count(*), to_hex(checksum(ROW(id, name))) FROM hive.many.second").getMaterializedRows().get(0).getFields()).isEqualTo(second);
        assertThat(computeActual("SELECT count(DISTINCT \"$path\") FROM hive.many.first").getOnlyValue()).isEqualTo(2L);
        assertThat(computeActual("SELECT count(DISTINCT \"$path\") FROM hive.many.second").getOnlyValue()).isEqualTo(1L);
        assertThat(computeActual("SELECT table_name FROM dredge.system.operations WHERE schema_name = 'many' AND kind = 'COMPACT' AND state = 'SUCCEEDED'").getOnlyColumnAsSet())
                .containsExactlyInAnyOrder("first", "second");

        // too recent for a one-day retention: nothing is cleaned, rollback still works
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'many', older_than => '1d')");
        assertThat(computeActual("SELECT count(*) FROM dredge.system.operations WHERE schema_name = 'many' AND kind = 'CLEANUP'").getOnlyValue()).isEqualTo(0L);
        assertUpdate("CALL dredge.system.rollback_compaction(schema_name => 'many', table_name => 'second')");
        assertThat(computeActual("SELECT count(DISTINCT \"$path\") FROM hive.many.second").getOnlyValue()).isEqualTo(3L);

        assertUpdate("CALL dredge.system.cleanup(schema_name => 'many', older_than => '0s')");
        assertThat(computeActual("SELECT table_name, state FROM dredge.system.operations WHERE schema_name = 'many' AND kind = 'COMPACT'").getMaterializedRows())
                .extracting(row -> row.getField(0) + ":" + row.getField(1))
                .containsExactlyInAnyOrder("first:CLEANED_UP", "second:ROLLED_BACK");
        assertThat(computeActual("SHOW TABLES FROM hive.many LIKE '%dredge%'").getRowCount()).isEqualTo(0);
        assertThat(computeActual("SELECT count(*), to_hex(checksum(ROW(id, name, day))) FROM hive.many.first").getMaterializedRows().get(0).getFields()).isEqualTo(first);
        assertThat(computeActual("SELECT count(*), to_hex(checksum(ROW(id, name))) FROM hive.many.second").getMaterializedRows().get(0).getFields()).isEqualTo(second);
    }

    @Test
    public void testUnicodePartitionRoundTrip()
            throws Exception
    {
        // Trino writes only printable ASCII partition values: place the files as Hive would and register the partition
        createTable("unicode_source", "city varchar", "ARRAY['city']", List.of("'x'"), 3);
        createTable("unicode", "city varchar", "ARRAY['city']", List.of("'Zurich'"), 3);
        Path partition = Files.createDirectories(warehouse().resolve("compaction_layouts").resolve("unicode").resolve("city=Zürich 東京"));
        try (var files = Files.list(warehouse().resolve("compaction_layouts").resolve("unicode_source").resolve("city=x"))) {
            for (Path file : files.filter(path -> !path.getFileName().toString().startsWith(".")).toList()) {
                Files.copy(file, partition.resolve(file.getFileName()));
            }
        }
        assertUpdate("CALL hive.system.register_partition('compaction_layouts', 'unicode', ARRAY['city'], ARRAY['Zürich 東京'])");
        TableState before = state("unicode");
        assertThat(before.rows().get(0)).isEqualTo(600L);
        assertThat(before.files()).hasSize(6);

        // Trino cannot write the unicode partition back: it is skipped, with the reason, and the rest is compacted
        assertUpdate(compact("unicode"));
        assertThat(state("unicode").rows()).isEqualTo(before.rows());
        assertThat(state("unicode").files()).hasSize(4);
        assertThat(computeActual("SELECT partitions_compacted, partitions_skipped FROM dredge.system.operations WHERE schema_name = 'compaction_layouts' AND table_name = 'unicode'").getMaterializedRows().get(0).getFields())
                .containsExactly(1L, 1L);
        assertUpdate("CALL dredge.system.rollback_compaction(schema_name => 'compaction_layouts', table_name => 'unicode')");
        assertThat(state("unicode")).isEqualTo(before);
    }

    @Test
    public void testCleanupAfterARenameOrARecreationKeepsEveryRowTheTablesRead()
    {
        // renamed after compaction: the renamed table reads the copies, which cleanup of the old name must not touch
        createTable("renamed_after", "day varchar", "ARRAY['day']", List.of("'a'", "'b'"), 3);
        TableState before = state("renamed_after");
        assertUpdate(compact("renamed_after"));
        assertUpdate("ALTER TABLE hive.compaction_layouts.renamed_after RENAME TO renamed_after_new");
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'compaction_layouts', older_than => '0s')");
        assertThat(state("renamed_after_new").rows()).isEqualTo(before.rows());
        assertQueryFails("CALL dredge.system.rollback_compaction(schema_name => 'compaction_layouts', table_name => 'renamed_after_new')", ".*has no compaction to roll back.*");

        // dropped and created again under the same name after compaction: the new table is not the compacted one
        createTable("recreated", "day varchar", "ARRAY['day']", List.of("'a'", "'b'"), 3);
        assertUpdate(compact("recreated"));
        assertUpdate("DROP TABLE hive.compaction_layouts.recreated");
        createTable("recreated", "day varchar", "ARRAY['day']", List.of("'a'", "'c'"), 2);
        TableState recreated = state("recreated");
        assertQueryFails("CALL dredge.system.rollback_compaction(schema_name => 'compaction_layouts', table_name => 'recreated')", ".*no longer reads compaction .*nothing was changed.*");
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'compaction_layouts', table_name => 'recreated', older_than => '0s')");
        assertThat(state("recreated")).isEqualTo(recreated);
    }

    @Test
    public void testTablesSharingADirectoryKeepTheirRows()
            throws Exception
    {
        // two external tables over one directory: compacting and cleaning one must not take the other's files
        Path shared = Files.createTempDirectory(warehouse(), "shared");
        copyDataFilesOf("shared_source", shared, 4);
        assertUpdate("CREATE TABLE hive.compaction_layouts.shared_a (id bigint, name varchar) WITH (format = 'PARQUET', external_location = 'file:%s')".formatted(shared));
        assertUpdate("CREATE TABLE hive.compaction_layouts.shared_b (id bigint, name varchar) WITH (format = 'PARQUET', external_location = 'file:%s')".formatted(shared));
        TableState a = state("shared_a");
        TableState b = state("shared_b");
        assertUpdate(compact("shared_a"));
        assertThat(computeActual("SELECT partitions_compacted, partitions_skipped, step FROM dredge.system.operations WHERE schema_name = 'compaction_layouts' AND table_name = 'shared_a'").getMaterializedRows().getFirst().getFields())
                .satisfies(fields -> assertThat(fields.subList(0, 2)).isEqualTo(List.of(0L, 1L)))
                .satisfies(fields -> assertThat((String) fields.get(2)).contains("also read by compaction_layouts.shared_b"));
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'compaction_layouts', table_name => 'shared_a', older_than => '0s')");
        assertThat(state("shared_a")).isEqualTo(a);
        assertThat(state("shared_b")).isEqualTo(b);

        // a partition registered at another table's directory: neither table's compaction touches that directory
        assertUpdate("CREATE TABLE hive.compaction_layouts.lender (id bigint, name varchar) WITH (format = 'PARQUET')");
        insertBatches("lender", "", 3);
        createTable("borrower", "day varchar", "ARRAY['day']", List.of("'a'"), 3);
        assertUpdate("CALL hive.system.register_partition('compaction_layouts', 'borrower', ARRAY['day'], ARRAY['b'], 'file:%s')".formatted(tableDirectory("lender")));
        TableState lender = state("lender");
        TableState borrower = state("borrower");
        assertUpdate(compact("borrower"));
        assertThat((String) computeActual("SELECT step FROM dredge.system.operations WHERE schema_name = 'compaction_layouts' AND table_name = 'borrower' AND kind = 'COMPACT'").getOnlyValue())
                .contains("compacted 1 of 2 partitions")
                .contains("skipped day=b (its directory %s is also read by compaction_layouts.lender".formatted("file:" + tableDirectory("lender")));
        assertUpdate(compact("lender"));
        assertThat((String) computeActual("SELECT step FROM dredge.system.operations WHERE schema_name = 'compaction_layouts' AND table_name = 'lender' AND kind = 'COMPACT'").getOnlyValue())
                .contains("also read by compaction_layouts.borrower partition day=b");
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'compaction_layouts', older_than => '0s')");
        assertThat(state("lender")).isEqualTo(lender);
        assertThat(state("borrower").rows()).isEqualTo(borrower.rows());
    }

    @Test
    public void testCleanupRefusesOriginalsThatAnotherTableReadsSinceTheCompaction()
            throws Exception
    {
        // day=x lives outside the table directory, so its originals stay where they are until cleanup
        createTable("lent_out", "day varchar", "ARRAY['day']", List.of("'seed'"), 1);
        Path outside = Files.createTempDirectory(warehouse(), "lent");
        registerPartitionWithFilesOf("lent_out", "x", outside.resolve("x"), 3);
        TableState before = state("lent_out");
        assertUpdate(compact("lent_out"));
        // an external table created over the old directory afterwards reads the original files
        assertUpdate("CREATE TABLE hive.compaction_layouts.late_reader (id bigint, name varchar) WITH (format = 'PARQUET', external_location = 'file:%s')".formatted(outside.resolve("x")));
        TableState reader = state("late_reader");
        assertThat(reader.rows().getFirst()).isEqualTo(300L);

        assertQueryFails("CALL dredge.system.cleanup(schema_name => 'compaction_layouts', table_name => 'lent_out', older_than => '0s')",
                ".*the original files of day=x at .* are also read by compaction_layouts.late_reader; nothing was changed.*");
        assertQueryFails("CALL dredge.system.rollback_compaction(schema_name => 'compaction_layouts', table_name => 'lent_out')",
                ".*cannot roll back compaction .* also read by compaction_layouts.late_reader; nothing was changed.*");
        // cleaning the whole schema passes over it and says why
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'compaction_layouts', older_than => '0s')");
        assertThat(state("late_reader")).isEqualTo(reader);
        assertThat(state("lent_out").rows()).isEqualTo(before.rows());

        // once that table is gone (external: its files stay), cleanup goes ahead
        assertUpdate("DROP TABLE hive.compaction_layouts.late_reader");
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'compaction_layouts', table_name => 'lent_out', older_than => '0s')");
        assertThat(state("lent_out").rows()).isEqualTo(before.rows());
        assertThat(outside.resolve("x")).doesNotExist();
    }

    @Test
    public void testANameReusedAfterARenameStartsEmpty()
    {
        // a schema at the metastore's default location (<warehouse>/reuse.db): there the metastore moves a managed
        // table's directory when it is renamed, as it does in a lake whose schemas Hive created
        assertUpdate("CREATE SCHEMA hive.reuse");
        assertThat(hiveMetastore().getDatabase("reuse").orElseThrow().getLocation().orElseThrow()).endsWith("/reuse.db");
        // a table Dredge never touched: renamed, its name is free again
        assertUpdate("CREATE TABLE hive.reuse.plain (id bigint) WITH (format = 'PARQUET')");
        assertUpdate("INSERT INTO hive.reuse.plain VALUES 1", 1);
        assertUpdate("ALTER TABLE hive.reuse.plain RENAME TO plain_old");
        assertUpdate("CREATE TABLE hive.reuse.plain (id bigint) WITH (format = 'PARQUET')");
        assertThat(computeActual("SELECT count(*) FROM hive.reuse.plain").getOnlyValue()).isEqualTo(0L);

        // unpartitioned: the compacted table does not sit at its default location, so the rename leaves it in place
        assertNameReusedAfterRename("flat", "");
        // partitioned: the rename moves the table's directory, copies included
        assertNameReusedAfterRename("parted", ", partitioned_by = ARRAY['day']");
    }

    private void assertNameReusedAfterRename(String table, String partitioning)
    {
        String name = "hive.reuse." + table;
        String create = "CREATE TABLE %s (id bigint, name varchar, day varchar) WITH (format = 'PARQUET'%s)".formatted(name, partitioning);
        assertUpdate(create);
        for (int batch = 0; batch < 4; batch++) {
            assertUpdate("INSERT INTO %s VALUES (%s, 'a%s', 'a'), (%s, 'b%s', 'b')".formatted(name, batch * 2, batch, batch * 2 + 1, batch), 2);
        }
        List<MaterializedRow> before = computeActual("SELECT * FROM " + name).getMaterializedRows();
        assertUpdate("CALL dredge.system.compact_table(schema_name => 'reuse', table_name => '%s')".formatted(table));
        assertThat(computeActual("SELECT count(DISTINCT \"$path\") FROM " + name).getOnlyValue()).isEqualTo(partitioning.isEmpty() ? 1L : 2L);
        assertUpdate("ALTER TABLE %s RENAME TO %s_old".formatted(name, table));
        // refused before ("Target directory ... already exists"), and in Hive the new table read the originals
        assertUpdate(create);
        assertThat(computeActual("SELECT count(*) FROM " + name).getOnlyValue()).isEqualTo(0L);
        assertThat(computeActual("SELECT * FROM %s_old".formatted(name)).getMaterializedRows()).containsExactlyInAnyOrderElementsOf(before);

        assertUpdate("INSERT INTO %s SELECT * FROM %s_old WHERE id < 2".formatted(name, name), 2);
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'reuse', table_name => '%s', older_than => '0s')".formatted(table));
        assertThat(computeActual("SELECT id FROM %s ORDER BY id".formatted(name)).getOnlyColumn().toList()).containsExactly(0L, 1L);
        assertThat(computeActual("SELECT * FROM %s_old".formatted(name)).getMaterializedRows()).containsExactlyInAnyOrderElementsOf(before);
        // dropping the new managed table deletes its directory: nothing the renamed one reads is in it
        assertUpdate("DROP TABLE " + name);
        assertThat(computeActual("SELECT * FROM %s_old".formatted(name)).getMaterializedRows()).containsExactlyInAnyOrderElementsOf(before);
        assertUpdate(create);
        assertThat(computeActual("SELECT count(*) FROM " + name).getOnlyValue()).isEqualTo(0L);
    }

    @Test
    public void testNestedPartitionKeepsItsFilesWhenTheOuterOneIsCompactedAndCleaned()
            throws Exception
    {
        // inside the table directory: day=b is registered inside day=a's directory and holds one file (nothing to compact)
        createTable("nested", "day varchar", "ARRAY['day']", List.of("'a'"), 3);
        Path outer = tableDirectory("nested").resolve("day=a");
        registerPartitionWithFilesOf("nested", "b", outer.resolve("inner"), 1);
        assertNestedPartitionSurvives("nested", "", 3);

        // outside the table directory, and chosen by a filter: d1 and d1/d2 both elsewhere, only the outer one compacted
        createTable("nested_outside", "day varchar", "ARRAY['day']", List.of("'seed'"), 1);
        Path elsewhere = Files.createTempDirectory(warehouse(), "elsewhere");
        registerPartitionWithFilesOf("nested_outside", "a", elsewhere.resolve("d1"), 3);
        registerPartitionWithFilesOf("nested_outside", "b", elsewhere.resolve("d1").resolve("d2"), 3);
        assertNestedPartitionSurvives("nested_outside", "partition_filter => 'day = ''a''', ", 3);
    }

    private void assertNestedPartitionSurvives(String table, String arguments, int outerFiles)
    {
        String innerRows = "SELECT count(*), to_hex(checksum(ROW(id, name))) FROM hive.compaction_layouts.%s WHERE day = 'b'".formatted(table);
        Object inner = computeActual(innerRows).getMaterializedRows().get(0).getFields();
        TableState before = state(table);
        // the report counts each file once, for the partition that reads it
        assertThat(computeActual("SELECT file_count FROM dredge.system.small_file_report WHERE schema_name = 'compaction_layouts' AND table_name = '%s' AND partition_name = 'day=a'".formatted(table)).getOnlyValue())
                .isEqualTo((long) outerFiles);
        assertThat(computeActual("SELECT file_count FROM dredge.system.small_file_report WHERE schema_name = 'compaction_layouts' AND table_name = '%s' AND partition_name IS NULL".formatted(table)).getOnlyValue())
                .isEqualTo((long) before.files().size());

        assertUpdate("CALL dredge.system.compact_table(schema_name => 'compaction_layouts', table_name => '%s', %sverify => 'count')".formatted(table, arguments));
        assertThat(computeActual("SELECT files_before FROM dredge.system.operations WHERE schema_name = 'compaction_layouts' AND table_name = '%s' AND kind = 'COMPACT'".formatted(table)).getOnlyValue())
                .isEqualTo((long) outerFiles);
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'compaction_layouts', table_name => '%s', older_than => '0s')".formatted(table));
        assertThat(state(table).rows()).as("rows of %s after compaction and cleanup", table).isEqualTo(before.rows());
        assertThat(computeActual(innerRows).getMaterializedRows().get(0).getFields()).isEqualTo(inner);
    }

    @Test
    public void testPartitionWithFilesInSubdirectoriesIsLeftAlone()
            throws Exception
    {
        // as Hive on Tez writes a UNION ALL insert: the partition's files in HIVE_UNION_SUBDIR_n, which Trino does not read
        createTable("union_subdir", "day varchar", "ARRAY['day']", List.of("'a'", "'b'"), 3);
        Path subdirectory = Files.createDirectories(tableDirectory("union_subdir").resolve("day=a").resolve("HIVE_UNION_SUBDIR_1"));
        Path hiddenFromTrino = copyDataFile(tableDirectory("union_subdir").resolve("day=b"), subdirectory);
        TableState before = state("union_subdir");

        assertUpdate(compact("union_subdir"));
        assertThat(computeActual("SELECT partitions_compacted, partitions_skipped, step FROM dredge.system.operations WHERE schema_name = 'compaction_layouts' AND table_name = 'union_subdir'").getMaterializedRows().get(0).getFields())
                .satisfies(fields -> assertThat(fields.subList(0, 2)).isEqualTo(List.of(1L, 1L)))
                .satisfies(fields -> assertThat((String) fields.get(2)).contains("skipped day=a (1 data files in subdirectories"));
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'compaction_layouts', table_name => 'union_subdir', older_than => '0s')");
        assertThat(state("union_subdir").rows()).isEqualTo(before.rows());
        assertThat(computeActual("SELECT count(DISTINCT \"$path\") FROM hive.compaction_layouts.union_subdir WHERE day = 'a'").getOnlyValue()).isEqualTo(3L);
        assertThat(hiddenFromTrino).exists();

        // an unpartitioned table with a subdirectory is left alone as a whole
        assertUpdate("CREATE TABLE hive.compaction_layouts.flat_subdir (id bigint, name varchar)");
        insertBatches("flat_subdir", "", 3);
        Path flatSubdirectory = Files.createDirectories(tableDirectory("flat_subdir").resolve("HIVE_UNION_SUBDIR_2"));
        Path flatHidden = copyDataFile(tableDirectory("flat_subdir"), flatSubdirectory);
        TableState flat = state("flat_subdir");
        assertUpdate(compact("flat_subdir"));
        assertThat(computeActual("SELECT partitions_compacted, partitions_skipped FROM dredge.system.operations WHERE schema_name = 'compaction_layouts' AND table_name = 'flat_subdir'").getMaterializedRows().get(0).getFields())
                .containsExactly(0L, 1L);
        assertUpdate("CALL dredge.system.cleanup(schema_name => 'compaction_layouts', table_name => 'flat_subdir', older_than => '0s')");
        assertThat(state("flat_subdir")).isEqualTo(flat);
        assertThat(flatHidden).exists();
    }

    @Test
    public void testPartitionStoredDifferentlyFromTheTableIsLeftAloneAndReported()
    {
        // a Parquet table with one partition whose storage descriptor says ORC, as after ALTER TABLE ... SET FILEFORMAT
        createTable("mixed", "day varchar", "ARRAY['day']", List.of("'a'", "'b'"), 3);
        createTable("mixed_orc_source", "day varchar", "ARRAY['day']", List.of("'o'"), 3, "ORC");
        HiveMetastore hiveMetastore = hiveMetastore();
        Table mixed = hiveMetastore.getTable("compaction_layouts", "mixed").orElseThrow();
        Partition orcPartition = hiveMetastore.getPartition(hiveMetastore.getTable("compaction_layouts", "mixed_orc_source").orElseThrow(), List.of("o")).orElseThrow();
        assertThat(mixed.getStorage().getStorageFormat()).isNotEqualTo(orcPartition.getStorage().getStorageFormat());
        hiveMetastore.addPartitions("compaction_layouts", "mixed", List.of(new PartitionWithStatistics(
                Partition.builder(orcPartition).setTableName("mixed").build(), "day=o", PartitionStatistics.empty())));
        // and an ORC table with a partition written before a column was added
        createTable("evolved", "day varchar", "ARRAY['day']", List.of("'old'"), 3, "ORC");
        assertUpdate("ALTER TABLE hive.compaction_layouts.evolved ADD COLUMN extra varchar");
        for (int batch = 0; batch < 3; batch++) {
            assertUpdate(format("INSERT INTO hive.compaction_layouts.evolved SELECT id, 'name-' || CAST(id AS varchar), 'x', 'new' FROM UNNEST(sequence(%s, %s)) AS t(id)", batch * 100, batch * 100 + 99), 100);
        }

        for (String table : List.of("mixed", "evolved")) {
            TableState before = state(table);
            assertUpdate(compact(table));
            assertThat(computeActual("SELECT partitions_compacted, partitions_skipped, step FROM dredge.system.operations WHERE schema_name = 'compaction_layouts' AND table_name = '%s'".formatted(table)).getMaterializedRows().get(0).getFields())
                    .satisfies(fields -> assertThat(fields.subList(0, 2)).isEqualTo(List.of(table.equals("mixed") ? 2L : 1L, 1L)))
                    .satisfies(fields -> assertThat((String) fields.get(2)).contains("stored differently from the table"));
            assertThat(state(table).rows()).as("rows of %s", table).isEqualTo(before.rows());
            assertUpdate("CALL dredge.system.cleanup(schema_name => 'compaction_layouts', table_name => '%s', older_than => '0s')".formatted(table));
            assertThat(state(table).rows()).as("rows of %s after cleanup", table).isEqualTo(before.rows());
        }
        assertThat(computeActual("SELECT partition_name, file_format FROM dredge.system.small_file_report WHERE schema_name = 'compaction_layouts' AND table_name = 'mixed'").getMaterializedRows())
                .extracting(row -> row.getField(0) + ":" + row.getField(1))
                .containsExactlyInAnyOrder("null:PARQUET", "day=a:PARQUET", "day=b:PARQUET", "day=o:ORC");
    }
}
