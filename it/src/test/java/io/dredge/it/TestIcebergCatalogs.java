package io.dredge.it;

import com.google.common.collect.ImmutableMap;
import io.trino.Session;
import io.trino.spi.security.Identity;
import io.trino.testing.MaterializedRow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.projectnessie.client.NessieClientBuilder;
import org.projectnessie.client.api.NessieApiV2;
import org.projectnessie.model.Branch;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static com.google.common.collect.Iterables.getOnlyElement;
import static io.trino.testing.TestingSession.testSessionBuilder;
import static java.lang.String.format;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Dredge on Iceberg catalogs that are not a Hive metastore: a REST catalog server and Iceberg's JDBC catalog, each
 * with a Trino Iceberg catalog ({@code iceberg_rest}, {@code iceberg_jdbc}) and a Dredge catalog configured with the
 * same properties ({@code dredge_rest}, {@code dredge_jdbc}), on the shared cluster (coordinator and worker). Every
 * call goes through SQL and the table's rows and files are checked afterwards.
 */
public class TestIcebergCatalogs
        extends AbstractTestWithThriftMetastore
{
    @BeforeAll
    public void addCatalogs()
            throws Exception
    {
        SharedCluster.get().addIcebergCatalogs();
        for (String kind : List.of("rest", "jdbc", "nessie")) {
            assertUpdate(format("CREATE SCHEMA iceberg_%s.%s_ops WITH (location = '%s')", kind, kind, schemaUri(kind, kind + "_ops")));
        }
        assertUpdate(format("CREATE SCHEMA iceberg_rest.rest_moved WITH (location = '%s')", schemaUri("rest", "rest_moved")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rest", "jdbc", "nessie"})
    public void testReportCompactRollbackAndCleanup(String kind)
    {
        String schema = kind + "_ops";
        createTable(kind, schema, "events", 4);
        TableState before = state(kind, schema, "events");
        assertThat(before.files()).hasSize(8);

        MaterializedRow report = getOnlyElement(computeActual(format("SELECT catalog_name, table_type, file_count, total_bytes FROM dredge_%s.system.small_file_report WHERE schema_name = '%s' AND table_name = 'events' AND partition_name IS NULL", kind, schema)).getMaterializedRows());
        MaterializedRow files = computeActual(format("SELECT count(*), sum(file_size_in_bytes) FROM iceberg_%s.%s.\"events$files\"", kind, schema)).getMaterializedRows().get(0);
        assertThat(report.getFields()).containsExactly("iceberg_" + kind, "ICEBERG", files.getField(0), files.getField(1));

        assertUpdate(format("CALL dredge_%s.system.compact_table(schema_name => '%s', table_name => 'events')", kind, schema));
        TableState compacted = state(kind, schema, "events");
        assertThat(compacted.rows()).isEqualTo(before.rows());
        assertThat(compacted.files()).hasSize(2).doesNotContainAnyElementsOf(before.files());
        assertThat(computeActual(format("SELECT state, files_before, files_after FROM dredge_%s.system.operations WHERE schema_name = '%s' AND table_name = 'events' AND kind = 'COMPACT'", kind, schema)).getMaterializedRows().get(0).getFields())
                .containsExactly("SUCCEEDED", 8L, 2L);

        assertUpdate(format("CALL dredge_%s.system.rollback_compaction(schema_name => '%s', table_name => 'events')", kind, schema));
        assertThat(state(kind, schema, "events")).isEqualTo(before);

        assertUpdate(format("CALL dredge_%s.system.compact_table(schema_name => '%s', table_name => 'events')", kind, schema));
        assertUpdate(format("CALL dredge_%s.system.cleanup(schema_name => '%s', table_name => 'events', older_than => '0s')", kind, schema));
        assertThat(state(kind, schema, "events").rows()).isEqualTo(before.rows());
        assertThat(computeActual(format("SELECT state FROM dredge_%s.system.operations WHERE schema_name = '%s' AND table_name = 'events' AND kind = 'COMPACT' AND state <> 'ROLLED_BACK'", kind, schema)).getOnlyValue())
                .isEqualTo("CLEANED_UP");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rest", "jdbc", "nessie"})
    public void testBackupAndRestoreInTheCatalog(String kind)
    {
        String schema = kind + "_ops";
        createTable(kind, schema, "kept", 2);
        TableState before = state(kind, schema, "kept");
        assertUpdate(format("CALL dredge_%s.system.backup_table(schema_name => '%s', table_name => 'kept', backup_name => '%s_kept')", kind, schema, kind));
        assertUpdate(format("INSERT INTO iceberg_%s.%s.kept VALUES (-1, 'after the backup', 'a')", kind, schema), 1);

        assertUpdate(format("CALL dredge_%s.system.restore_table(backup_name => '%s_kept', schema_name => '%s', table_name => 'kept_copy')", kind, kind, schema));
        assertThat(rows(format("iceberg_%s.%s.kept_copy", kind, schema))).isEqualTo(before.rows());
        assertThat(location(kind, schema, "kept_copy")).isEqualTo(schemaUri(kind, schema) + "/kept_copy");
    }

    @Test
    public void testBackupRestoresAcrossCatalogs()
    {
        // Hive metastore -> REST: a backup the Hive metastore's Dredge catalog took, restored through the REST one
        assertUpdate(format("CREATE SCHEMA iceberg.hms_to_rest WITH (location = '%s')", schemaLocation("hms_to_rest")));
        assertUpdate("CREATE TABLE iceberg.hms_to_rest.orders (id bigint, name varchar, part varchar) WITH (partitioning = ARRAY['part'])");
        assertUpdate("INSERT INTO iceberg.hms_to_rest.orders SELECT id, 'name-' || CAST(id AS varchar), 'p' || CAST(id % 3 AS varchar) FROM UNNEST(sequence(1, 300)) AS t(id)", 300);
        List<Object> hmsRows = rows("iceberg.hms_to_rest.orders");
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'hms_to_rest', table_name => 'orders', backup_name => 'hms_orders')");
        assertUpdate("CALL dredge_rest.system.restore_table(backup_name => 'hms_orders', schema_name => 'rest_moved', table_name => 'orders')");
        assertThat(rows("iceberg_rest.rest_moved.orders")).isEqualTo(hmsRows);
        assertThat(computeActual("SELECT count(*) FROM iceberg.information_schema.tables WHERE table_schema = 'rest_moved'").getOnlyValue()).isEqualTo(0L);

        // and the restored table is a REST table like any other: Dredge compacts it, and backs it up for the way back
        assertUpdate("INSERT INTO iceberg_rest.rest_moved.orders VALUES (0, 'written in REST', 'p0')", 1);
        assertUpdate("CALL dredge_rest.system.compact_table(schema_name => 'rest_moved', table_name => 'orders')");
        List<Object> restRows = rows("iceberg_rest.rest_moved.orders");
        assertUpdate("CALL dredge_rest.system.backup_table(schema_name => 'rest_moved', table_name => 'orders', backup_name => 'rest_orders')");
        // REST -> JDBC, REST -> Nessie (registered through Nessie's API: Trino's register_table does not support it), and REST -> Hive metastore
        assertUpdate("CALL dredge_jdbc.system.restore_table(backup_name => 'rest_orders', schema_name => 'jdbc_ops', table_name => 'orders_from_rest')");
        assertThat(rows("iceberg_jdbc.jdbc_ops.orders_from_rest")).isEqualTo(restRows);
        assertUpdate("CALL dredge_nessie.system.restore_table(backup_name => 'rest_orders', schema_name => 'nessie_ops', table_name => 'orders_from_rest')");
        assertThat(rows("iceberg_nessie.nessie_ops.orders_from_rest")).isEqualTo(restRows);
        assertUpdate("CALL dredge.system.restore_table(backup_name => 'rest_orders', schema_name => 'hms_to_rest', table_name => 'orders_back')");
        assertThat(rows("iceberg.hms_to_rest.orders_back")).isEqualTo(restRows);
        assertThat(getOnlyElement(computeActual("SELECT source_catalog, source_schema, source_table FROM dredge.system.backups WHERE backup_name = 'rest_orders'").getMaterializedRows()).getFields())
                .containsExactly("iceberg_rest", "rest_moved", "orders");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rest", "jdbc"})
    public void testHygieneHealthAndChangesOnATable(String kind)
            throws Exception
    {
        String schema = kind + "_ops";
        createTable(kind, schema, "kept_clean", 3);
        long first = (long) computeActual(format("SELECT snapshot_id FROM iceberg_%s.%s.\"kept_clean$snapshots\" ORDER BY committed_at LIMIT 1", kind, schema)).getOnlyValue();
        assertUpdate(format("DELETE FROM iceberg_%s.%s.kept_clean WHERE part = 'b' AND id < 100", kind, schema), 100);
        TableState before = state(kind, schema, "kept_clean");

        assertThat(computeActual(format("SELECT status FROM dredge_%s.system.table_health WHERE schema_name = '%s' AND table_name = 'kept_clean'", kind, schema)).getOnlyValue())
                .isIn("OK", "WARN", "CRITICAL");
        List<MaterializedRow> changes = computeActual(format("SELECT partition_name, change_kinds FROM TABLE(dredge_%s.system.changed_partitions(schema_name => '%s', table_name => 'kept_clean', since_snapshot => %s)) ORDER BY 1", kind, schema, first)).getMaterializedRows();
        assertThat(changes).extracting(row -> row.getField(0)).containsExactly("part=a", "part=b");

        // an orphan: a file in the table's data directory that no snapshot references
        Path data = Path.of(URI.create(location(kind, schema, "kept_clean"))).resolve("data");
        Path orphan = Files.writeString(data.resolve("left-by-a-failed-write.parquet"), "not a table's file");
        Files.setLastModifiedTime(orphan, FileTime.from(Instant.now().minus(Duration.ofDays(30))));
        assertUpdate(format("CALL dredge_%s.system.remove_orphan_files(schema_name => '%s', table_name => 'kept_clean', older_than => '1d')", kind, schema));
        assertThat(orphan).doesNotExist();
        assertThat(state(kind, schema, "kept_clean")).isEqualTo(before);

        Thread.sleep(1100);
        assertUpdate(format("CALL dredge_%s.system.expire_snapshots(schema_name => '%s', table_name => 'kept_clean', older_than => '1s', retain_last => 1)", kind, schema));
        assertThat(computeActual(format("SELECT count(*) FROM iceberg_%s.%s.\"kept_clean$snapshots\"", kind, schema)).getOnlyValue()).isEqualTo(1L);
        assertThat(state(kind, schema, "kept_clean")).isEqualTo(before);
        assertThat(before.files()).allSatisfy(file -> assertThat(Path.of(URI.create(file))).exists());
    }

    @Test
    public void testSchemaWideCallsOnARestSchema()
    {
        assertUpdate(format("CREATE SCHEMA iceberg_rest.rest_schema_ops WITH (location = '%s')", schemaUri("rest", "rest_schema_ops")));
        createTable("rest", "rest_schema_ops", "first", 3);
        createTable("rest", "rest_schema_ops", "second", 2);
        TableState first = state("rest", "rest_schema_ops", "first");
        TableState second = state("rest", "rest_schema_ops", "second");

        assertUpdate("CALL dredge_rest.system.maintain_schema(schema_name => 'rest_schema_ops', dry_run => true)");
        assertThat(state("rest", "rest_schema_ops", "first")).isEqualTo(first);
        assertUpdate("CALL dredge_rest.system.compact_schema(schema_name => 'rest_schema_ops')");
        assertThat(state("rest", "rest_schema_ops", "first").rows()).isEqualTo(first.rows());
        assertThat(state("rest", "rest_schema_ops", "first").files()).hasSize(2);
        assertThat(state("rest", "rest_schema_ops", "second").rows()).isEqualTo(second.rows());
        assertThat(state("rest", "rest_schema_ops", "second").files()).hasSize(2);
        assertThat(computeActual("SELECT table_name, state FROM dredge_rest.system.operations WHERE schema_name = 'rest_schema_ops' AND kind = 'COMPACT' AND state <> 'PLANNED' ORDER BY table_name").getMaterializedRows())
                .extracting(row -> row.getFields().toString())
                .containsExactly("[first, SUCCEEDED]", "[second, SUCCEEDED]");
    }

    @Test
    public void testHealthAndChangesOnANessieTable()
    {
        createTable("nessie", "nessie_ops", "watched", 2);
        long first = (long) computeActual("SELECT snapshot_id FROM iceberg_nessie.nessie_ops.\"watched$snapshots\" ORDER BY committed_at LIMIT 1").getOnlyValue();
        assertUpdate("DELETE FROM iceberg_nessie.nessie_ops.watched WHERE part = 'b' AND id < 100", 100);
        assertThat(computeActual("SELECT status FROM dredge_nessie.system.table_health WHERE schema_name = 'nessie_ops' AND table_name = 'watched'").getOnlyValue())
                .isIn("OK", "WARN", "CRITICAL");
        List<MaterializedRow> changes = computeActual(format("SELECT partition_name, change_kinds FROM TABLE(dredge_nessie.system.changed_partitions(schema_name => 'nessie_ops', table_name => 'watched', since_snapshot => %s)) ORDER BY 1", first)).getMaterializedRows();
        assertThat(changes).extracting(row -> row.getField(0)).containsExactly("part=a", "part=b");
        assertThat(changes.get(1).getField(1).toString()).contains("DELETE");
    }

    @Test
    public void testNessieBranchKeepsTheFilesItReads()
            throws Exception
    {
        createTable("nessie", "nessie_ops", "branched", 2);
        TableState before = state("nessie", "nessie_ops", "branched");
        NessieServerProcess nessie = SharedCluster.get().nessieServer();
        try (NessieApiV2 api = NessieClientBuilder.createClientBuilderFromSystemSettings().withUri(nessie.uri()).build(NessieApiV2.class)) {
            Branch main = api.getDefaultBranch();
            api.createReference().sourceRefName(main.getName()).reference(Branch.of("dev", main.getHash())).create();
        }
        // on main, partition b goes: its files are now read by branch dev only, which Iceberg's snapshots of main do not show
        assertUpdate("DELETE FROM iceberg_nessie.nessie_ops.branched WHERE part = 'b'", 200);
        Thread.sleep(1100);
        assertQueryFails("CALL dredge_nessie.system.expire_snapshots(schema_name => 'nessie_ops', table_name => 'branched', older_than => '1s', retain_last => 1)",
                ".*Dredge expires no snapshot of nessie_ops.branched: its files are shared by every branch, tag and commit of the Nessie repository.*");
        assertQueryFails("CALL dredge_nessie.system.remove_orphan_files(schema_name => 'nessie_ops', table_name => 'branched', older_than => '1d')",
                ".*Dredge removes no file of nessie_ops.branched: its files are shared by every branch.*");
        assertThat(before.files()).allSatisfy(file -> assertThat(Path.of(URI.create(file))).exists());

        // maintenance on the branch: a Dredge catalog on dev compacts dev and leaves main; each branch has a journal of
        // its own in the schema's location, which both share
        SharedCluster cluster = SharedCluster.get();
        cluster.addIcebergCatalog("nessie_dev", nessie.catalogProperties("dev", cluster.directory().resolve("nessie-warehouse")));
        assertThat(rows("iceberg_nessie_dev.nessie_ops.branched")).isEqualTo(before.rows());
        TableState main = state("nessie", "nessie_ops", "branched");
        assertUpdate("CALL dredge_nessie_dev.system.compact_table(schema_name => 'nessie_ops', table_name => 'branched')");
        assertThat(state("nessie_dev", "nessie_ops", "branched").rows()).isEqualTo(before.rows());
        assertThat(state("nessie_dev", "nessie_ops", "branched").files()).hasSize(2).doesNotContainAnyElementsOf(before.files());
        assertThat(state("nessie", "nessie_ops", "branched")).isEqualTo(main);
        assertThat(computeActual("SELECT count(*) FROM dredge_nessie.system.operations WHERE schema_name = 'nessie_ops' AND table_name = 'branched' AND kind = 'COMPACT'").getOnlyValue()).isEqualTo(0L);
    }

    @Test
    public void testOrphanRemovalRefusesALocationHoldingATableOfAnotherCatalog()
            throws Exception
    {
        // a table of the Hive metastore's Iceberg catalog lies inside a REST table: the REST catalog cannot see it
        String host = schemaUri("rest", "rest_ops") + "/host";
        assertUpdate(format("CREATE TABLE iceberg_rest.rest_ops.host (id bigint) WITH (location = '%s')", host));
        assertUpdate("INSERT INTO iceberg_rest.rest_ops.host VALUES 1, 2, 3", 3);
        assertUpdate(format("CREATE SCHEMA iceberg.lodgers WITH (location = '%s')", schemaLocation("lodgers")));
        assertUpdate(format("CREATE TABLE iceberg.lodgers.lodger (id bigint) WITH (location = '%s')", host + "/lodger"));
        assertUpdate("INSERT INTO iceberg.lodgers.lodger VALUES 10, 20", 2);
        try (Stream<Path> files = Files.walk(Path.of(URI.create(host)))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
            }
        }

        assertQueryFails("CALL dredge_rest.system.remove_orphan_files(schema_name => 'rest_ops', table_name => 'host', older_than => '1d')",
                ".*holds another table's metadata .*/host/lodger/metadata/.*Dredge removes no orphan files of rest_ops.host.*");
        assertThat(computeActual("SELECT sum(id) FROM iceberg.lodgers.lodger").getOnlyValue()).isEqualTo(30L);
        assertThat(computeActual("SELECT sum(id) FROM iceberg_rest.rest_ops.host").getOnlyValue()).isEqualTo(6L);
    }

    @Test
    public void testHiveAndRestSchemasOfOneNameAndLocationKeepTheirOperationsApart()
    {
        // a schema moved into the REST catalog under the same name and location as the Hive metastore's
        assertUpdate(format("CREATE SCHEMA hive.twins WITH (location = '%s')", schemaLocation("twins")));
        assertUpdate(format("CREATE SCHEMA iceberg_rest.twins WITH (location = '%s')", schemaLocation("twins")));
        assertUpdate("CREATE TABLE hive.twins.events (id bigint, part varchar) WITH (partitioned_by = ARRAY['part'], format = 'PARQUET')");
        for (int batch = 0; batch < 3; batch++) {
            assertUpdate(format("INSERT INTO hive.twins.events SELECT id, p FROM UNNEST(sequence(%s, %s)) AS t(id) CROSS JOIN UNNEST(ARRAY['a', 'b']) AS u(p)", batch * 100, batch * 100 + 99), 200);
        }
        createTable("rest", "twins", "events", 2);
        TableState rest = state("rest", "twins", "events");

        Session crashing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_fail_after", "PARTITION_SWAPPED:1").build();
        assertQueryFails(crashing, "CALL dredge.system.compact_table(schema_name => 'twins', table_name => 'events')", ".*injected fault after.*");
        // the REST catalog's Dredge neither sees the Hive compaction nor lets its recover touch it
        assertThat(computeActual("SELECT count(*) FROM dredge_rest.system.operations WHERE schema_name = 'twins'").getOnlyValue()).isEqualTo(0L);
        assertUpdate("CALL dredge_rest.system.recover(schema_name => 'twins', table_name => 'events')");
        assertThat(computeActual("SELECT state FROM dredge.system.operations WHERE schema_name = 'twins' AND kind = 'COMPACT'").getOnlyValue()).isEqualTo("RUNNING");
        assertUpdate("CALL dredge_rest.system.compact_table(schema_name => 'twins', table_name => 'events')");
        assertThat(state("rest", "twins", "events").rows()).isEqualTo(rest.rows());

        assertThat(computeActual("SELECT state FROM dredge.system.operations WHERE schema_name = 'twins' AND kind = 'COMPACT'").getOnlyValue()).isEqualTo("RUNNING");
        assertUpdate("CALL dredge.system.recover(schema_name => 'twins', table_name => 'events')");
        assertThat(computeActual("SELECT state FROM dredge.system.operations WHERE schema_name = 'twins' AND kind = 'COMPACT'").getOnlyValue()).isIn("RECOVERED", "SUCCEEDED");
        assertThat(computeActual("SELECT count(*), sum(id) FROM hive.twins.events").getMaterializedRows().get(0).getFields()).containsExactly(600L, 2 * 44850L);
    }

    @Test
    public void testDredgeCatalogOverAnotherEngineCatalogIsRefused()
            throws Exception
    {
        // dredge.iceberg-catalog-name forgotten: the engine's "iceberg" catalog holds another table of the same name
        SharedCluster.get().queryRunner().createCatalog("dredge_rest_careless", "dredge", ImmutableMap.<String, String>builder()
                .putAll(computeRestCatalogProperties())
                .put("fs.hadoop.enabled", "true")
                .buildOrThrow());
        assertUpdate(format("CREATE SCHEMA iceberg.careless WITH (location = '%s')", schemaLocation("careless")));
        assertUpdate(format("CREATE SCHEMA iceberg_rest.careless WITH (location = '%s')", schemaUri("rest", "careless")));
        assertUpdate("CREATE TABLE iceberg.careless.t (id bigint, name varchar, part varchar) WITH (partitioning = ARRAY['part'])");
        for (int batch = 0; batch < 3; batch++) {
            assertUpdate(format("INSERT INTO iceberg.careless.t VALUES (%s, 'x', 'a')", batch), 1);
        }
        createTable("rest", "careless", "t", 3);
        TableState rest = state("rest", "careless", "t");
        List<Object> hms = rows("iceberg.careless.t");
        long hmsSnapshots = (long) computeActual("SELECT count(*) FROM iceberg.careless.\"t$snapshots\"").getOnlyValue();

        assertQueryFails("CALL dredge_rest_careless.system.compact_table(schema_name => 'careless', table_name => 't')",
                ".*the engine.s catalog iceberg does not read careless.t as Dredge finds it .*set dredge.iceberg-catalog-name.*Nothing was changed.*");
        assertThat(state("rest", "careless", "t")).isEqualTo(rest);
        assertThat(rows("iceberg.careless.t")).isEqualTo(hms);
        assertThat(computeActual("SELECT count(*) FROM iceberg.careless.\"t$snapshots\"").getOnlyValue()).isEqualTo(hmsSnapshots);
    }

    @Test
    public void testEngineCatalogOverANewerCopyOfTheTableIsRefused()
            throws Exception
    {
        // a REST table registered in the Hive metastore's catalog and written there: the REST entry is a stale copy
        assertUpdate(format("CREATE SCHEMA iceberg_rest.migrating WITH (location = '%s')", schemaUri("rest", "migrating")));
        assertUpdate(format("CREATE SCHEMA iceberg.migrating WITH (location = '%s')", schemaLocation("migrating")));
        createTable("rest", "migrating", "t", 2);
        String metadata = location("rest", "migrating", "t") + "/metadata/";
        String current = (String) computeActual("SELECT max_by(file, timestamp) FROM iceberg_rest.migrating.\"t$metadata_log_entries\"").getOnlyValue();
        assertUpdate(format("CALL iceberg.system.register_table(schema_name => 'migrating', table_name => 't', table_location => '%s', metadata_file_name => '%s')",
                metadata.substring(0, metadata.length() - "/metadata/".length()), current.substring(current.lastIndexOf('/') + 1)));
        assertUpdate("INSERT INTO iceberg.migrating.t VALUES (1000, 'written after the migration', 'c')", 1);
        List<Object> live = rows("iceberg.migrating.t");
        try (Stream<Path> files = Files.walk(Path.of(URI.create(metadata)).getParent())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
            }
        }
        SharedCluster.get().queryRunner().createCatalog("dredge_rest_stale", "dredge", ImmutableMap.<String, String>builder()
                .putAll(computeRestCatalogProperties())
                .put("fs.hadoop.enabled", "true")
                .buildOrThrow());

        assertQueryFails("CALL dredge_rest_stale.system.remove_orphan_files(schema_name => 'migrating', table_name => 't', older_than => '1d')",
                ".*the engine.s catalog iceberg does not read migrating.t as Dredge finds it .*Nothing was changed.*");
        assertQueryFails("CALL dredge_rest_stale.system.compact_table(schema_name => 'migrating', table_name => 't')", ".*does not read migrating.t as Dredge finds it.*");
        assertThat(rows("iceberg.migrating.t")).isEqualTo(live);
    }

    @Test
    public void testCatalogsOfOneNameInTwoDatabasesKeepTheirJournalsApart()
            throws Exception
    {
        // two JDBC catalogs named alike (prod and its dev mirror), sharing one journal location
        SharedCluster cluster = SharedCluster.get();
        Map<String, String> journal = Map.of("dredge.journal-location", "file:" + Files.createDirectories(directory().resolve("shared-journal")).toAbsolutePath());
        cluster.addIcebergCatalog("jprod", IcebergCatalogServers.JdbcCatalogDatabase.create(Files.createDirectories(directory().resolve("jdbc-prod"))).catalogProperties(), journal);
        cluster.addIcebergCatalog("jdev", IcebergCatalogServers.JdbcCatalogDatabase.create(Files.createDirectories(directory().resolve("jdbc-dev"))).catalogProperties(), journal);
        assertUpdate(format("CREATE SCHEMA iceberg_jprod.sales WITH (location = '%s')", schemaUri("jprod", "sales")));
        assertUpdate(format("CREATE SCHEMA iceberg_jdev.sales WITH (location = '%s')", schemaUri("jdev", "sales")));
        createTable("jprod", "sales", "events", 3);
        createTable("jdev", "sales", "events", 2);
        TableState prod = state("jprod", "sales", "events");

        Session crashing = Session.builder(getSession()).setCatalogSessionProperty("dredge_jprod", "testing_fail_after", "WRITTEN").build();
        assertQueryFails(crashing, "CALL dredge_jprod.system.compact_table(schema_name => 'sales', table_name => 'events')", ".*injected fault after WRITTEN.*");
        assertThat(computeActual("SELECT count(*) FROM dredge_jdev.system.operations WHERE schema_name = 'sales'").getOnlyValue()).isEqualTo(0L);
        assertUpdate("CALL dredge_jdev.system.compact_table(schema_name => 'sales', table_name => 'events')");
        assertUpdate("CALL dredge_jdev.system.recover(schema_name => 'sales', table_name => 'events')");
        assertThat(computeActual("SELECT state FROM dredge_jprod.system.operations WHERE schema_name = 'sales' AND kind = 'COMPACT'").getOnlyValue()).isEqualTo("RUNNING");
        assertUpdate("CALL dredge_jprod.system.recover(schema_name => 'sales', table_name => 'events')");
        assertThat(computeActual("SELECT state FROM dredge_jprod.system.operations WHERE schema_name = 'sales' AND kind = 'COMPACT'").getOnlyValue()).isEqualTo("SUCCEEDED");
        assertThat(state("jprod", "sales", "events").rows()).isEqualTo(prod.rows());
    }

    @Test
    public void testOneRestCatalogSpelledTwoWaysSharesItsLock()
            throws Exception
    {
        String uri = computeRestCatalogProperties().get("iceberg.rest-catalog.uri");
        SharedCluster.get().queryRunner().createCatalog("dredge_rest_alias", "dredge", ImmutableMap.of(
                "iceberg.catalog.type", "rest",
                "iceberg.rest-catalog.uri", uri.toUpperCase(Locale.ROOT).replace("HTTP://", "http://") + "/",
                "fs.hadoop.enabled", "true",
                "dredge.iceberg-catalog-name", "iceberg_rest"));
        createTable("rest", "rest_ops", "aliased", 3);
        Optional<Throwable> failure = callPausedWhile("dredge_rest", "PLANNED:10", "CALL dredge_rest.system.compact_table(schema_name => 'rest_ops', table_name => 'aliased')", () -> {
            waitUntil("the first compaction holds rest_ops.aliased", () -> !computeActual("SELECT operation_id FROM dredge_rest_alias.system.operations WHERE schema_name = 'rest_ops' AND table_name = 'aliased' AND state = 'RUNNING'").getMaterializedRows().isEmpty());
            // another catalog of this coordinator, as another coordinator would, finds the operation in the journal
            assertQueryFails("CALL dredge_rest_alias.system.compact_table(schema_name => 'rest_ops', table_name => 'aliased')", ".*table rest_ops.aliased has an unfinished compact operation .*");
        });
        assertThat(failure).isEmpty();
    }

    @Test
    public void testRestViewIsNoTable()
    {
        assertUpdate("CREATE VIEW iceberg_rest.rest_ops.a_view AS SELECT 1 AS x");
        assertQueryFails("CALL dredge_rest.system.compact_table(schema_name => 'rest_ops', table_name => 'a_view')", ".*rest_ops.a_view is a view, not a table.*");

    }

    @ParameterizedTest
    @ValueSource(strings = {"rest", "nessie"})
    public void testTwoOperationsOnOneTableCannotRunAtOnce(String kind)
            throws Exception
    {
        String schema = kind + "_ops";
        createTable(kind, schema, "busy", 3);
        TableState before = state(kind, schema, "busy");
        Optional<Throwable> failure = callPausedWhile("dredge_" + kind, "PLANNED:10", format("CALL dredge_%s.system.compact_table(schema_name => '%s', table_name => 'busy')", kind, schema), () -> {
            waitUntil("the first compaction holds the table", () -> !computeActual(format("SELECT operation_id FROM dredge_%s.system.operations WHERE schema_name = '%s' AND table_name = 'busy' AND state = 'RUNNING'", kind, schema)).getMaterializedRows().isEmpty());
            assertQueryFails(format("CALL dredge_%s.system.compact_table(schema_name => '%s', table_name => 'busy')", kind, schema), ".*table " + schema + ".busy is held by running operation .*");
            assertQueryFails(format("CALL dredge_%s.system.backup_table(schema_name => '%s', table_name => 'busy', backup_name => 'busy_now_%s')", kind, schema, kind), ".*" + schema + ".busy.*(held|unfinished).*");
            // a writer is not held up: it commits while the compaction waits, and keeps its row
            assertUpdate(format("INSERT INTO iceberg_%s.%s.busy VALUES (-1, 'during the compaction', 'a')", kind, schema), 1);
        });
        assertThat(failure).isEmpty();
        assertThat(rows(format("iceberg_%s.%s.busy WHERE id >= 0", kind, schema))).isEqualTo(before.rows());
        assertThat(computeActual(format("SELECT name FROM iceberg_%s.%s.busy WHERE id = -1", kind, schema)).getOnlyValue()).isEqualTo("during the compaction");
        assertThat(computeActual(format("SELECT state FROM dredge_%s.system.operations WHERE schema_name = '%s' AND table_name = 'busy' AND kind = 'COMPACT'", kind, schema)).getOnlyValue()).isEqualTo("SUCCEEDED");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rest", "nessie"})
    public void testRecoverAfterACrashAtEachStep(String kind)
    {
        String schema = kind + "_ops";
        // every step on REST; on Nessie the step after optimize committed, where recover verifies the commit (the
        // protocol is the same on every kind; what differs is the catalog under it)
        List<String> crashPoints = kind.equals("rest") ? List.of("PLANNED", "WRITTEN", "VERIFYING", "VERIFIED", "BEFORE_COMPLETION") : List.of("WRITTEN");
        for (String crashPoint : crashPoints) {
            String table = "crash_" + crashPoint.toLowerCase(Locale.ROOT);
            createTable(kind, schema, table, 2);
            TableState before = state(kind, schema, table);
            Session crashing = Session.builder(getSession()).setCatalogSessionProperty("dredge_" + kind, "testing_fail_after", crashPoint).build();
            assertQueryFails(crashing, format("CALL dredge_%s.system.compact_table(schema_name => '%s', table_name => '%s')", kind, schema, table), ".*injected fault after " + crashPoint + ".*");
            assertThat(rows(format("iceberg_%s.%s.%s", kind, schema, table))).as("rows after a crash at %s", crashPoint).isEqualTo(before.rows());
            assertQueryFails(format("CALL dredge_%s.system.compact_table(schema_name => '%s', table_name => '%s')", kind, schema, table), ".*has an unfinished compact operation .*recover.*");

            assertUpdate(format("CALL dredge_%s.system.recover(schema_name => '%s', table_name => '%s')", kind, schema, table));
            assertThat(rows(format("iceberg_%s.%s.%s", kind, schema, table))).as("rows after recovering from %s", crashPoint).isEqualTo(before.rows());
            assertThat(computeActual(format("SELECT state FROM dredge_%s.system.operations WHERE schema_name = '%s' AND table_name = '%s' AND kind = 'COMPACT'", kind, schema, table)).getOnlyValue())
                    .as("compaction after recovering from %s", crashPoint)
                    .isIn("RECOVERED", "SUCCEEDED");
            assertUpdate(format("CALL dredge_%s.system.compact_table(schema_name => '%s', table_name => '%s')", kind, schema, table));
            assertThat(rows(format("iceberg_%s.%s.%s", kind, schema, table))).isEqualTo(before.rows());
        }
    }

    @Test
    public void testUserTheEngineDeniesIsRefused()
    {
        createTable("rest", "rest_ops", "secret", 2);
        TableState before = state("rest", "rest_ops", "secret");
        Session outsider = testSessionBuilder().setIdentity(Identity.ofUser("outsider")).build();
        assertQueryFails(outsider, "CALL dredge_rest.system.compact_table(schema_name => 'rest_ops', table_name => 'secret')", ".*user outsider may not (read|write) rest_ops.secret.*");
        assertQueryFails(outsider, "CALL dredge_rest.system.backup_table(schema_name => 'rest_ops', table_name => 'secret', backup_name => 'stolen')", ".*outsider.*rest_ops.secret.*");
        assertThat(state("rest", "rest_ops", "secret")).isEqualTo(before);
        assertThat(computeActual("SELECT count(*) FROM dredge_rest.system.operations WHERE schema_name = 'rest_ops' AND table_name = 'secret'").getOnlyValue()).isEqualTo(0L);
    }

    @Test
    public void testRestCatalogWithAToken()
            throws Exception
    {
        Path warehouse = Files.createDirectories(directory().resolve("rest-token-warehouse"));
        IcebergCatalogServers.RestCatalogServer server = IcebergCatalogServers.RestCatalogServer.start(IcebergCatalogServers.JdbcCatalogDatabase.create(warehouse), Optional.of("s3cr3t"));
        try {
            Map<String, String> withToken = ImmutableMap.<String, String>builder()
                    .putAll(server.catalogProperties())
                    .put("iceberg.rest-catalog.security", "OAUTH2")
                    .put("iceberg.rest-catalog.oauth2.token", "s3cr3t")
                    .buildOrThrow();
            SharedCluster.get().addIcebergCatalog("rest_token", withToken);
            assertUpdate(format("CREATE SCHEMA iceberg_rest_token.tokens WITH (location = '%s')", "file:" + warehouse.resolve("tokens")));
            createTable("rest_token", "tokens", "t", 2);
            TableState before = state("rest_token", "tokens", "t");
            assertUpdate("CALL dredge_rest_token.system.compact_table(schema_name => 'tokens', table_name => 't')");
            assertThat(state("rest_token", "tokens", "t").rows()).isEqualTo(before.rows());
            assertThat(state("rest_token", "tokens", "t").files()).hasSize(2);

            SharedCluster.get().queryRunner().createCatalog("dredge_rest_wrong_token", "dredge", ImmutableMap.<String, String>builder()
                    .putAll(server.catalogProperties())
                    .put("iceberg.rest-catalog.security", "OAUTH2")
                    .put("iceberg.rest-catalog.oauth2.token", "guessed")
                    .put("fs.hadoop.enabled", "true")
                    .put("dredge.iceberg-catalog-name", "iceberg_rest_token")
                    .buildOrThrow());
            assertQueryFails("CALL dredge_rest_wrong_token.system.compact_table(schema_name => 'tokens', table_name => 't')", ".*refused Dredge: .*Not authorized.*");
        }
        finally {
            server.close();
        }
    }

    @Test
    public void testCatalogThatIsDownGivesAClearErrorAndChangesNothing()
            throws Exception
    {
        createTable("rest", "rest_ops", "while_down", 2);
        TableState before = state("rest", "rest_ops", "while_down");
        // nothing listens on port 1: every call to the catalog is refused
        SharedCluster.get().queryRunner().createCatalog("dredge_down", "dredge", Map.of(
                "iceberg.catalog.type", "rest",
                "iceberg.rest-catalog.uri", "http://127.0.0.1:1",
                "fs.hadoop.enabled", "true",
                "dredge.iceberg-catalog-name", "iceberg_rest"));
        // a property of Trino's connector that Dredge does not take fails the catalog, naming it
        assertThatThrownBy(() -> SharedCluster.get().queryRunner().createCatalog("dredge_extra", "dredge", Map.of(
                "iceberg.catalog.type", "rest",
                "iceberg.rest-catalog.uri", "http://127.0.0.1:1",
                "iceberg.rest-catalog.vended-credentials-enabled", "true",
                "dredge.iceberg-catalog-name", "iceberg_rest")))
                .hasStackTraceContaining("Configuration property 'iceberg.rest-catalog.vended-credentials-enabled' was not used");
        assertQueryFails("CALL dredge_down.system.compact_table(schema_name => 'rest_ops', table_name => 'while_down')", ".*Iceberg REST catalog http://127.0.0.1:1 failed: .*Connection refused.*");
        assertQueryFails("SELECT * FROM dredge_down.system.small_file_report WHERE schema_name = 'rest_ops'", ".*Iceberg REST catalog http://127.0.0.1:1 failed: .*Connection refused.*");
        assertThat(state("rest", "rest_ops", "while_down")).isEqualTo(before);

        SharedCluster.get().queryRunner().createCatalog("dredge_nessie_down", "dredge", Map.of(
                "iceberg.catalog.type", "nessie",
                "iceberg.nessie-catalog.uri", "http://127.0.0.1:1/api/v2",
                "iceberg.nessie-catalog.default-warehouse-dir", "file:" + directory().resolve("nessie-down"),
                "fs.hadoop.enabled", "true",
                "dredge.iceberg-catalog-name", "iceberg_nessie"));
        assertQueryFails("CALL dredge_nessie_down.system.compact_table(schema_name => 'nessie_ops', table_name => 'events')", ".*Nessie catalog http://127.0.0.1:1/api/v2 \\(branch main\\) failed: .*");
    }

    private static Map<String, String> computeRestCatalogProperties()
            throws Exception
    {
        return SharedCluster.get().restServer().catalogProperties();
    }

    private String schemaUri(String kind, String schema)
    {
        return "file:" + directory().resolve(kind + "-schemas").resolve(schema).toAbsolutePath();
    }

    /**
     * One data file per partition (a, b) per batch of 100 rows.
     */
    private void createTable(String kind, String schema, String table, int batches)
    {
        assertUpdate(format("CREATE TABLE iceberg_%s.%s.%s (id bigint, name varchar, part varchar) WITH (partitioning = ARRAY['part'], format = 'PARQUET')", kind, schema, table));
        for (int batch = 0; batch < batches; batch++) {
            for (String partition : List.of("a", "b")) {
                assertUpdate(format("INSERT INTO iceberg_%s.%s.%s SELECT id, 'name-' || CAST(id AS varchar), '%s' FROM UNNEST(sequence(%s, %s)) AS t(id)",
                        kind, schema, table, partition, batch * 100, batch * 100 + 99), 100);
            }
        }
    }

    private String location(String kind, String schema, String table)
    {
        String metadata = (String) computeActual(format("SELECT file FROM iceberg_%s.%s.\"%s$metadata_log_entries\" ORDER BY timestamp DESC LIMIT 1", kind, schema, table)).getOnlyValue();
        return metadata.substring(0, metadata.lastIndexOf("/metadata/"));
    }

    private List<Object> rows(String relation)
    {
        return computeActual("SELECT count(*), to_hex(checksum(ROW(id, name, part))) FROM " + relation).getMaterializedRows().get(0).getFields();
    }

    private TableState state(String kind, String schema, String table)
    {
        Set<String> files = computeActual(format("SELECT file_path FROM iceberg_%s.%s.\"%s$files\"", kind, schema, table)).getOnlyColumn()
                .map(String.class::cast)
                .collect(toImmutableSet());
        return new TableState(rows(format("iceberg_%s.%s.%s", kind, schema, table)), files);
    }

    private record TableState(List<Object> rows, Set<String> files) {}
}
