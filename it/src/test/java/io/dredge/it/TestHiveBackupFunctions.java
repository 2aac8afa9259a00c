package io.dredge.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.util.List;

import static io.dredge.it.HiveStatements.execute;
import static io.dredge.it.HiveStatements.rows;
import static java.lang.String.format;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS;

/**
 * {@code dredge_backup_table} and {@code dredge_restore_table} in a real HiveServer2 whose {@code dredge.backup-location}
 * is the Trino catalog's: a backup taken by either engine restores through the other with the same rows.
 */
@TestInstance(PER_CLASS)
class TestHiveBackupFunctions
        extends AbstractTestWithDredgeHive
{
    private static final String USER = "analyst";

    @Test
    public void testBackupInOneEngineRestoresInTheOther()
            throws Exception
    {
        createSchema("hb");
        assertUpdate("CREATE TABLE hive.hb.events (id bigint, name varchar, day varchar, n integer) WITH (format = 'PARQUET', partitioned_by = ARRAY['day', 'n'])");
        for (int batch = 0; batch < 3; batch++) {
            assertUpdate(format("INSERT INTO hive.hb.events VALUES (%s, 'a%s', 'd/1', 1), (%s, NULL, 'd2', 2), (%s, 'c', NULL, NULL)", batch * 3, batch, batch * 3 + 1, batch * 3 + 2), 3);
        }
        assertUpdate("CREATE TABLE hive.hb.flat (id bigint, name varchar) WITH (format = 'ORC')");
        assertUpdate("INSERT INTO hive.hb.flat VALUES (1, 'x'), (2, NULL)", 2);
        assertUpdate("INSERT INTO hive.hb.flat VALUES (3, 'z')", 1);
        List<String> events = trinoRows("hb.events");
        List<String> flat = trinoRows("hb.flat");
        try (Connection hive = hiveServer().connect(USER)) {
            // Hive backs up; Trino shows the backup and restores it (rows, files and partitions are HiveQL keywords: quoted)
            assertThat(rows(hive, "SELECT backup_name, source_schema, source_table, `partitions`, `files`, `rows`, state FROM (SELECT dredge_backup_table('hb', 'events', 'events_hive')) b"))
                    .containsExactly(List.of("events_hive", "hb", "events", 3L, 9L, 9L, "COMPLETE"));
            assertThat(rows(hive, "SELECT state, `rows` FROM (SELECT dredge_backup_table('hb', 'flat', 'flat_hive')) b")).containsExactly(List.of("COMPLETE", 3L));
            // Hive counting and checksumming the rows
            assertThat(rows(hive, "SELECT verification, `rows`, bytes_copied FROM (SELECT dredge_backup_table('hb', 'events', 'events_hive_rows', '', 'rows')) b")).containsExactly(List.of("rows", 9L, 0L));
            assertThat(computeActual("SELECT backup_name, user_name, rows, state FROM dredge.system.backups WHERE source_schema = 'hb' ORDER BY backup_name").getMaterializedRows())
                    .extracting(row -> row.getFields().toString())
                    .containsExactly("[events_hive, analyst, 9, COMPLETE]", "[events_hive_rows, analyst, 9, COMPLETE]", "[flat_hive, analyst, 3, COMPLETE]");
            assertUpdate("CALL dredge.system.restore_table(backup_name => 'events_hive', schema_name => 'hb', table_name => 'events_from_hive')");
            assertUpdate("CALL dredge.system.restore_table(backup_name => 'flat_hive', schema_name => 'hb', table_name => 'flat_from_hive')");
            // Trino counts the rows against Hive's counts (each engine's checksum is its own)
            assertUpdate("CALL dredge.system.restore_table(backup_name => 'events_hive_rows', schema_name => 'hb', table_name => 'events_from_hive_rows')");
            assertThat(trinoRows("hb.events_from_hive_rows")).containsExactlyElementsOf(events);
            assertThat(trinoRows("hb.events_from_hive")).containsExactlyElementsOf(events);
            assertThat(trinoRows("hb.flat_from_hive")).containsExactlyElementsOf(flat);

            // Trino backs up by files; Hive restores it, checking every file
            assertUpdate("CALL dredge.system.backup_table(schema_name => 'hb', table_name => 'events', backup_name => 'events_trino')");
            assertThat(rows(hive, "SELECT schema_name, table_name, `files`, `rows` FROM (SELECT dredge_restore_table('events_trino', 'hb', 'events_from_trino')) r"))
                    .containsExactly(List.of("hb", "events_from_trino", 9L, 9L));
            assertThat(trinoRows("hb.events_from_trino")).containsExactlyElementsOf(events);

            // Hive restores its own backup, checksums and all; an unchanged table's next backup copies nothing
            assertThat(rows(hive, "SELECT `rows` FROM (SELECT dredge_restore_table('events_hive_rows', 'hb', 'events_hive_again')) r")).containsExactly(List.of(9L));
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_restore_table('events_trino', 'hb', 'events_no', '', 'rows')")).hasMessageContaining("backup events_trino was taken with verify => 'files'");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_backup_table('hb', 'events', 'events_no', '', 'bytes')")).hasMessageContaining("verify must be 'files' or 'rows', not 'bytes'");
            assertThat(trinoRows("hb.events_hive_again")).containsExactlyElementsOf(events);
            assertThat(rows(hive, "SELECT state, bytes_copied FROM (SELECT dredge_backup_table('hb', 'events', 'events_hive_2')) b")).containsExactly(List.of("COMPLETE", 0L));

            // refusals, with Trino's words
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_backup_table('hb', 'events', 'events_hive')")).hasMessageContaining("backup events_hive already exists");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_backup_table('hb', 'missing', 'missing_1')")).hasMessageContaining("hb.missing does not exist");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_backup_table('hb', 'events', '../escape')")).hasMessageContaining("backup");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_restore_table('events_hive', 'hb', 'events')")).hasMessageContaining("table hb.events already exists");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_restore_table('nothing', 'hb', 'nothing')")).hasMessageContaining("nothing");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_restore_table('events_hive', 'nowhere', 'events')")).hasMessageContaining("schema nowhere does not exist");
            assertUpdate("CREATE TABLE iceberg.hb.ice (id bigint)");
            assertUpdate("INSERT INTO iceberg.hb.ice VALUES 1", 1);
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_backup_table('hb', 'ice', 'hb_ice_1')")).hasMessageContaining("Iceberg tables are backed up through Trino's Dredge (CALL dredge.system.backup_table)");
        }
        assertThat(trinoRows("hb.events")).containsExactlyElementsOf(events);
    }

    @Test
    public void testTablesWithHeaderLinesAreBackedUpAndRestoredThroughTrinoOnly()
            throws Exception
    {
        createSchema("hb_header");
        assertUpdate("CREATE TABLE hive.hb_header.flat (id integer, name varchar) WITH (format = 'TEXTFILE', textfile_field_separator = ',', skip_header_line_count = 1)");
        CsvFiles.writeWithHeader(tableDirectory("hb_header", "flat"), 4, 0);
        assertUpdate("CREATE TABLE hive.hb_header.daily (id integer, name varchar, day varchar) " +
                "WITH (format = 'TEXTFILE', textfile_field_separator = ',', skip_header_line_count = 1, partitioned_by = ARRAY['day'])");
        CsvFiles.writeWithHeader(tableDirectory("hb_header", "daily").resolve("day=a"), 2, 0);
        CsvFiles.writeWithHeader(tableDirectory("hb_header", "daily").resolve("day=b"), 2, 100);
        assertUpdate("CALL hive.system.sync_partition_metadata('hb_header', 'daily', 'ADD')");
        // a table without header lines, one partition of which has its own
        assertUpdate("CREATE TABLE hive.hb_header.mixed (id integer, name varchar, day varchar) " +
                "WITH (format = 'TEXTFILE', textfile_field_separator = ',', partitioned_by = ARRAY['day'])");
        assertUpdate("INSERT INTO hive.hb_header.mixed VALUES (1, 'x', 'a'), (2, 'y', 'b')", 2);
        List<String> flat = trinoRows("hb_header.flat");
        List<String> daily = trinoRows("hb_header.daily");
        assertThat(flat).hasSize(20).noneMatch(row -> row.startsWith("[null"));
        assertThat(daily).hasSize(20).noneMatch(row -> row.startsWith("[null"));
        try (Connection hive = hiveServer().connect(USER)) {
            execute(hive, "ALTER TABLE hb_header.mixed PARTITION (day = 'b') SET SERDEPROPERTIES ('skip.header.line.count' = '1')");

            // Hive would count the header lines of files it reads combined as rows, and record those counts
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_backup_table('hb_header', 'flat', 'flat_hive')"))
                    .hasMessageContaining("cannot back up hb_header.flat: its text files have lines to skip (table parameter skip.header.line.count = 1)")
                    .hasMessageContaining("CALL dredge.system.backup_table");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_backup_table('hb_header', 'daily', 'daily_hive')"))
                    .hasMessageContaining("cannot back up hb_header.daily: its text files have lines to skip (table parameter skip.header.line.count = 1)");
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_backup_table('hb_header', 'mixed', 'mixed_hive')"))
                    .hasMessageContaining("cannot back up hb_header.mixed: its text files have lines to skip (serde parameter of partition day=b skip.header.line.count = 1)");
            assertThat(computeActual("SELECT count(*) FROM dredge.system.backups WHERE source_schema = 'hb_header'").getOnlyValue()).isEqualTo(0L);
            assertThat(computeActual("SELECT count(*) FROM dredge.system.operations WHERE schema_name = 'hb_header'").getOnlyValue()).isEqualTo(0L);

            // Trino counts them right, and its restore agrees; Hive refuses to restore that backup
            assertUpdate("CALL dredge.system.backup_table(schema_name => 'hb_header', table_name => 'daily', backup_name => 'daily_trino')");
            assertThat(computeActual("SELECT rows FROM dredge.system.backups WHERE backup_name = 'daily_trino'").getOnlyValue()).isEqualTo(20L);
            assertThatThrownBy(() -> rows(hive, "SELECT dredge_restore_table('daily_trino', 'hb_header', 'daily_from_hive')"))
                    .hasMessageContaining("cannot restore backup daily_trino: its text files have lines to skip (table parameter skip.header.line.count = 1)")
                    .hasMessageContaining("CALL dredge.system.restore_table");
            assertThat(computeActual("SHOW TABLES FROM hive.hb_header").getOnlyColumnAsSet()).containsExactlyInAnyOrder("flat", "daily", "mixed");
            assertThat(tableDirectory("hb_header", "daily_from_hive")).doesNotExist();
            assertUpdate("CALL dredge.system.restore_table(backup_name => 'daily_trino', schema_name => 'hb_header', table_name => 'daily_from_trino')");
            assertThat(trinoRows("hb_header.daily_from_trino")).containsExactlyElementsOf(daily);
        }
        assertThat(trinoRows("hb_header.flat")).containsExactlyElementsOf(flat);
        assertThat(trinoRows("hb_header.daily")).containsExactlyElementsOf(daily);
    }

    private List<String> trinoRows(String table)
    {
        return computeActual(format("SELECT * FROM hive.%s ORDER BY id", table)).getMaterializedRows().stream()
                .map(row -> row.getFields().toString())
                .toList();
    }
}
