package io.dredge.it;

import io.trino.testing.MaterializedRow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static java.lang.String.format;
import static java.util.stream.Collectors.toMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS;

/**
 * Backups to a repository on an object store: a real S3-compatible server (S3Proxy) reached through Trino's native
 * S3 file system, which has no directories, no rename and no exclusive create by default. Tables live on local disk
 * over a real thrift metastore; a coordinator that schedules no splits leaves every copy to the worker.
 */
@TestInstance(PER_CLASS)
public class TestBackupToS3
        extends AbstractTestWithThriftMetastore
{
    private static final String BUCKET = "dredge-backups";
    private static final String REPOSITORY = "s3://" + BUCKET + "/repository";
    // a bucket the metastore has no rights to: Trino writes there, the metastore cannot register a table there. Its
    // restores go to other keys than the allowed bucket's: Trino 483's Iceberg metadata cache keys a file by its path
    // without the bucket (with its time and length), so a same-named metadata file in another bucket could be read
    // from the cache
    private static final String DENIED_BUCKET = "dredge-denied";

    private S3ProxyServer s3;

    @Override
    protected Map<String, String> metastoreProperties(Path directory)
            throws IOException
    {
        try {
            s3 = S3ProxyServer.start(Files.createDirectories(directory.resolve("s3")), BUCKET, DENIED_BUCKET);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        // a metastore on object storage: it checks a table's location when it registers it
        return s3.hadoopProperties(DENIED_BUCKET);
    }

    @Override
    protected DredgeQueryRunner.Builder configure(DredgeQueryRunner.Builder builder, Path directory)
            throws IOException
    {
        s3.catalogProperties().forEach(builder::addDredgeProperty);
        // the catalogs that read tables restored to the object store
        s3.catalogProperties().forEach(builder::addHiveProperty);
        s3.catalogProperties().forEach(builder::addIcebergProperty);
        return builder.addDredgeProperty("dredge.backup-location", REPOSITORY)
                .addCoordinatorProperty("node-scheduler.include-coordinator", "false");
    }

    @BeforeAll
    public void createSchemas()
    {
        createSchema("s3src");
        createSchema("s3restored");
        assertUpdate(format("CREATE SCHEMA iceberg.s3ice WITH (location = '%s')", schemaLocation("s3ice")));
        assertUpdate(format("CREATE SCHEMA iceberg.s3ice_restored WITH (location = '%s')", schemaLocation("s3ice_restored")));
    }

    @AfterAll
    public void stopS3()
    {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    public void testHiveBackupToS3IsIncrementalAndRestoresAfterTheSourceIsGone()
            throws IOException
    {
        assertUpdate("CREATE TABLE hive.s3src.events (id bigint, name varchar, day varchar) WITH (format = 'PARQUET', partitioned_by = ARRAY['day'])");
        assertUpdate("INSERT INTO hive.s3src.events VALUES (1, 'a', '2024-01-01'), (2, 'b', '2024-01-02')", 2);
        assertUpdate("INSERT INTO hive.s3src.events VALUES (3, 'c', '2024-01-01'), (4, NULL, 'x y')", 2);
        List<Object> first = figures("hive.s3src.events");
        Map<String, Long> firstFiles = fileSizes("hive.s3src.events");
        assertUpdate("CALL dredge.system.backup_table(schema_name => 's3src', table_name => 'events', backup_name => 'events_1')");

        assertUpdate("INSERT INTO hive.s3src.events VALUES (5, 'e', '2024-01-02'), (6, 'f', '2024-01-03')", 2);
        List<Object> second = figures("hive.s3src.events");
        Map<String, Long> secondFiles = fileSizes("hive.s3src.events");
        assertUpdate("CALL dredge.system.backup_table(schema_name => 's3src', table_name => 'events', backup_name => 'events_2')");
        assertUpdate("CALL dredge.system.backup_table(schema_name => 's3src', table_name => 'events', backup_name => 'events_3')");

        // the second backup copied exactly the files the first did not hold; the third, of an unchanged table, nothing
        long newBytes = secondFiles.entrySet().stream()
                .filter(file -> !firstFiles.containsKey(file.getKey()))
                .mapToLong(Map.Entry::getValue)
                .sum();
        long firstBytes = firstFiles.values().stream().mapToLong(Long::longValue).sum();
        long allBytes = secondFiles.values().stream().mapToLong(Long::longValue).sum();
        assertThat(newBytes).isPositive();
        assertThat(computeActual("SELECT backup_name, state, location, files, bytes, bytes_copied, rows FROM dredge.system.backups WHERE source_schema = 's3src' AND source_table = 'events' ORDER BY created_at")
                .getMaterializedRows())
                .extracting(MaterializedRow::getFields)
                .containsExactly(
                        List.of("events_1", "COMPLETE", REPOSITORY, 4L, firstBytes, firstBytes, 4L),
                        List.of("events_2", "COMPLETE", REPOSITORY, 6L, allBytes, newBytes, 6L),
                        List.of("events_3", "COMPLETE", REPOSITORY, 6L, allBytes, 0L, 6L));
        // the objects are in the bucket, under the repository's documented layout
        assertThat(s3.bucketDirectory(BUCKET).resolve("repository/backups/events_2/manifest.json")).isRegularFile();
        assertThat(storedDataFiles("s3src", "events")).hasSize(6);

        assertUpdate("CALL dredge.system.verify_backup(backup_name => 'events_1')");
        assertUpdate("CALL dredge.system.verify_backup(backup_name => 'events_2')");

        dropTableAndFiles("hive.s3src.events", warehouse().resolve("s3src").resolve("events"));

        assertUpdate("CALL dredge.system.drop_backup(backup_name => 'events_3')");
        assertThat(objects("repository/backups/events_3")).isEmpty();
        assertUpdate("CALL dredge.system.restore_table(backup_name => 'events_1', schema_name => 's3restored', table_name => 'events_1')");
        assertUpdate("CALL dredge.system.restore_table(backup_name => 'events_2', schema_name => 's3restored', table_name => 'events_2')");
        assertThat(figures("hive.s3restored.events_1")).isEqualTo(first);
        assertThat(figures("hive.s3restored.events_2")).isEqualTo(second);
        assertThat(computeActual("SELECT count(*) FROM hive.s3restored.\"events_2$partitions\"").getOnlyValue()).isEqualTo(4L);

        // dropping the second backup deletes the two files only it held, object by object; the first still verifies
        assertUpdate("CALL dredge.system.drop_backup(backup_name => 'events_2')");
        assertThat(objects("repository/backups/events_2")).isEmpty();
        assertThat(storedDataFiles("s3src", "events")).hasSize(4);
        assertUpdate("CALL dredge.system.verify_backup(backup_name => 'events_1')");

        // a restore into the bucket: refused where objects are, and undone when registering fails after the copy
        assertQueryFails("CALL dredge.system.restore_table(backup_name => 'events_1', schema_name => 's3restored', table_name => 'events_on_s3', location => '%s/tables')".formatted(REPOSITORY),
                "restore location s3://dredge-backups/repository/tables is not empty .*");
        assertRestoreToS3LeftNothing("CALL dredge.system.restore_table(backup_name => 'events_1', schema_name => 's3restored', table_name => 'events_denied', location => 's3://%s/denied/events')".formatted(DENIED_BUCKET),
                "s3restored", "events_denied");
        // and one that succeeds: the table lives on the object store, partitions and all
        assertUpdate("CALL dredge.system.restore_table(backup_name => 'events_1', schema_name => 's3restored', table_name => 'events_on_s3', location => 's3://%s/restored/events')".formatted(BUCKET));
        assertThat(figures("hive.s3restored.events_on_s3")).isEqualTo(first);
        assertThat(computeActual("SELECT DISTINCT \"$path\" LIKE 's3://%s/restored/events/day=%%' FROM hive.s3restored.events_on_s3".formatted(BUCKET)).getOnlyValue()).isEqualTo(true);
        assertThat(objects("restored/events")).isNotEmpty();
    }

    @Test
    public void testIcebergBackupToS3RestoresEverySnapshot()
            throws IOException
    {
        assertUpdate("CREATE TABLE iceberg.s3ice.events (id bigint, name varchar, day date) WITH (format = 'PARQUET', partitioning = ARRAY['day'])");
        assertUpdate("INSERT INTO iceberg.s3ice.events VALUES (1, 'a', DATE '2024-01-01'), (2, 'b', DATE '2024-01-02'), (3, 'c', DATE '2024-01-02')", 3);
        assertUpdate("INSERT INTO iceberg.s3ice.events VALUES (4, 'd', DATE '2024-01-03')", 1);
        // a position-delete file, which names data files by location and is rewritten on restore
        assertUpdate("DELETE FROM iceberg.s3ice.events WHERE id = 2", 1);
        Map<Long, List<Object>> before = figuresAtEverySnapshot("iceberg.s3ice.events");
        assertUpdate("CALL dredge.system.backup_table(schema_name => 's3ice', table_name => 'events', backup_name => 'ice_1')");
        assertThat(computeActual("SELECT table_type, state, rows FROM dredge.system.backups WHERE backup_name = 'ice_1'").getMaterializedRows().getFirst().getFields())
                .containsExactly("ICEBERG", "COMPLETE", 3L);
        assertUpdate("CALL dredge.system.verify_backup(backup_name => 'ice_1')");

        // an Iceberg table's directory carries a unique suffix: the metadata file's folder names it
        Path metadataFile = Path.of(((String) computeActual("SELECT file FROM iceberg.s3ice.\"events$metadata_log_entries\" LIMIT 1").getOnlyValue()).replaceFirst("^file:", ""));
        dropTableAndFiles("iceberg.s3ice.events", metadataFile.getParent().getParent());

        assertUpdate("CALL dredge.system.restore_table(backup_name => 'ice_1', schema_name => 's3ice_restored', table_name => 'events')");
        assertThat(figuresAtEverySnapshot("iceberg.s3ice_restored.events")).isEqualTo(before);

        assertRestoreToS3LeftNothing("CALL dredge.system.restore_table(backup_name => 'ice_1', schema_name => 's3ice_restored', table_name => 'events_denied', location => 's3://%s/denied/ice_events')".formatted(DENIED_BUCKET),
                "s3ice_restored", "events_denied");
        assertUpdate("CALL dredge.system.restore_table(backup_name => 'ice_1', schema_name => 's3ice_restored', table_name => 'events_on_s3', location => 's3://%s/restored/ice_events')".formatted(BUCKET));
        assertThat(figuresAtEverySnapshot("iceberg.s3ice_restored.events_on_s3")).isEqualTo(before);
        assertThat(computeActual("SELECT DISTINCT \"$path\" LIKE 's3://%s/restored/ice_events/%%' FROM iceberg.s3ice_restored.events_on_s3".formatted(BUCKET)).getOnlyValue()).isEqualTo(true);
    }

    /**
     * The metastore may not reach the denied bucket (as a production metastore without its credentials): it refuses
     * to register a table there, after the restore copied the backup's files. The restore must take them away again,
     * one object at a time, since an object store has no directory to delete.
     */
    private void assertRestoreToS3LeftNothing(String restore, String schema, String table)
            throws IOException
    {
        assertQueryFails(restore, "(?s).*(403|Forbidden|AccessDenied|InvalidAccessKeyId).*");
        assertThat(computeActual(format("SELECT count(*) FROM information_schema.tables WHERE table_schema = '%s' AND table_name = '%s'", schema, table)).getOnlyValue()).isEqualTo(0L);
        assertThat(objectsIn(DENIED_BUCKET, "denied")).isEmpty();
    }

    /**
     * Row count and order-independent checksum of every row.
     */
    private List<Object> figures(String table)
    {
        return computeActual(format("SELECT count(*), to_hex(checksum(ROW(id, name, day))) FROM %s", table)).getMaterializedRows().getFirst().getFields();
    }

    private Map<Long, List<Object>> figuresAtEverySnapshot(String table)
    {
        String[] parts = table.split("\\.");
        Map<Long, List<Object>> figures = new LinkedHashMap<>();
        for (Object snapshot : computeActual(format("SELECT snapshot_id FROM %s.%s.\"%s$snapshots\" ORDER BY committed_at", parts[0], parts[1], parts[2])).getOnlyColumnAsSet()) {
            figures.put((Long) snapshot, computeActual(format("SELECT count(*), to_hex(checksum(ROW(id, name, day))) FROM %s FOR VERSION AS OF %s", table, snapshot)).getMaterializedRows().getFirst().getFields());
        }
        figures.put(-1L, figures(table));
        return figures;
    }

    /**
     * Size of each data file of a Hive table, by path.
     */
    private Map<String, Long> fileSizes(String table)
    {
        return computeActual(format("SELECT DISTINCT \"$path\", \"$file_size\" FROM %s", table)).getMaterializedRows().stream()
                .collect(toMap(row -> (String) row.getField(0), row -> (Long) row.getField(1)));
    }

    private List<Path> storedDataFiles(String schema, String table)
            throws IOException
    {
        return objects("repository/tables/%s/%s".formatted(schema, table)).stream()
                .filter(path -> !path.getFileName().toString().startsWith("."))
                .toList();
    }

    /**
     * The objects of the bucket whose keys start with {@code prefix/}.
     */
    private List<Path> objects(String prefix)
            throws IOException
    {
        return objectsIn(BUCKET, prefix);
    }

    private List<Path> objectsIn(String bucket, String prefix)
            throws IOException
    {
        Path directory = s3.bucketDirectory(bucket).resolve(prefix);
        if (!Files.exists(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    /**
     * Drops the table and deletes whatever the drop left of its directory, so that a restore can only read the backup.
     */
    private void dropTableAndFiles(String table, Path directory)
            throws IOException
    {
        assertThat(directory).isDirectory();
        assertUpdate("DROP TABLE " + table);
        if (Files.exists(directory)) {
            deleteRecursively(directory);
        }
        assertThat(directory).doesNotExist();
    }

    private static void deleteRecursively(Path directory)
            throws IOException
    {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
