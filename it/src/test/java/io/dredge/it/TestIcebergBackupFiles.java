package io.dredge.it;

import io.dredge.core.DredgeException;
import io.dredge.core.files.FileCopies;
import io.dredge.core.files.FileCopy;
import io.dredge.core.iceberg.FileStoreFileIo;
import io.dredge.core.iceberg.IcebergBackupFile;
import io.dredge.core.iceberg.IcebergBackupPlan;
import io.dredge.core.iceberg.IcebergBackupPlanner;
import io.dredge.core.iceberg.IcebergRestoreRewriter;
import io.dredge.core.iceberg.IcebergRestoredFiles;
import io.dredge.core.model.Locations;
import io.dredge.core.testing.NioFileStore;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.io.FileIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static io.dredge.core.iceberg.IcebergBackupFile.Role.DATA;
import static io.dredge.core.iceberg.IcebergBackupFile.Role.MANIFEST_LIST;
import static io.dredge.core.iceberg.IcebergBackupFile.Role.METADATA;
import static io.dredge.core.iceberg.IcebergBackupFile.Role.POSITION_DELETES;
import static java.lang.String.format;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Iceberg half of backup and restore, below the procedures: {@link IcebergBackupPlanner} lists a table's whole
 * history, the files are copied to a repository, the table and its directory are deleted, {@link IcebergRestoreRewriter}
 * writes metadata for a new location, and the table registered there with Trino's {@code register_table} reads the
 * same rows at every snapshot and ref. Real Trino (coordinator and worker) over a real thrift metastore.
 */
public class TestIcebergBackupFiles
        extends AbstractTestWithThriftMetastore
{
    private static final String SCHEMA = "ice_files";
    private static final String COLUMNS = "count(*), to_hex(checksum(ROW(id, name, day)))";

    private final NioFileStore fileStore = new NioFileStore();

    @BeforeAll
    public void createSchemas()
    {
        assertUpdate(format("CREATE SCHEMA iceberg.%s WITH (location = '%s')", SCHEMA, schemaLocation(SCHEMA)));
        createSchema("bkh");
    }

    @Test
    public void testRestoreFromRepositoryReadsEverySnapshotAndRef()
            throws IOException
    {
        assertUpdate("CREATE TABLE iceberg.ice_files.events (id bigint, name varchar, day date) WITH (format = 'PARQUET', partitioning = ARRAY['day'])");
        assertUpdate(insert(1, 30), 30);
        assertUpdate(insert(31, 60), 30);
        // merge-on-read: position-delete files naming the data files
        assertUpdate("DELETE FROM iceberg.ice_files.events WHERE id % 7 = 0", 8);
        assertUpdate("UPDATE iceberg.ice_files.events SET name = 'updated' WHERE id % 5 = 0", 11);
        assertUpdate("ALTER TABLE iceberg.ice_files.events ADD COLUMN score double");
        assertUpdate("INSERT INTO iceberg.ice_files.events SELECT x, 'scored', DATE '2024-01-02', x / 10e0 FROM UNNEST(sequence(61, 70)) t(x)", 10);
        assertUpdate("ALTER TABLE iceberg.ice_files.events SET PROPERTIES partitioning = ARRAY['day', 'bucket(id, 4)']");
        assertUpdate(insert(71, 90), 20);
        // a snapshot left outside the main lineage by a rollback, kept by a branch
        long offLineage = currentSnapshot("events");
        assertUpdate(format("ALTER TABLE iceberg.ice_files.events EXECUTE rollback_to_snapshot(%s)", snapshotBefore("events", offLineage)));
        assertUpdate(insert(91, 95), 5);
        assertUpdate("DELETE FROM iceberg.ice_files.events WHERE id = 1", 1);

        List<Long> snapshots = computeActual("SELECT snapshot_id FROM iceberg.ice_files.\"events$snapshots\" ORDER BY committed_at").getOnlyColumn().map(Long.class::cast).toList();
        assertThat(snapshots).hasSizeGreaterThanOrEqualTo(8).contains(offLineage);
        String sourceLocation = addRefs("events", offLineage, snapshots.get(1));
        assertThat(computeActual("SELECT name, type FROM iceberg.ice_files.\"events$refs\"").getMaterializedRows()).hasSize(3);
        Map<String, List<Object>> before = rowsAtEveryVersion("events", snapshots);
        assertThat(before.get("audit")).isNotEqualTo(before.get("main"));
        List<Object> refsBefore = refs("events");
        List<Object> currentBefore = computeActual("SELECT count(*), to_hex(checksum(ROW(id, name, day, score))) FROM iceberg.ice_files.events").getMaterializedRows().get(0).getFields();
        String metadataLocation = currentMetadata("events");

        IcebergBackupPlan plan = IcebergBackupPlanner.plan(fileStore, metadataLocation, sourceLocation);
        assertThat(plan.snapshotId()).contains(snapshots.getLast());
        assertThat(plan.tableLocation()).isEqualTo(sourceLocation);
        assertThat(sourceLocation + "/" + plan.metadataPath()).isEqualTo(metadataLocation);
        assertThat(plan.files()).filteredOn(file -> file.role() == METADATA).hasSize(1);
        assertThat(plan.files()).filteredOn(file -> file.role() == MANIFEST_LIST).hasSize(snapshots.size());
        assertThat(plan.files()).filteredOn(file -> file.role() == POSITION_DELETES).isNotEmpty();
        // every data file any snapshot reads, not only the current snapshot's
        Set<String> currentFiles = computeActual("SELECT file_path FROM iceberg.ice_files.\"events$files\"").getOnlyColumn().map(String.class::cast).collect(toImmutableSet());
        Set<String> allFiles = computeActual("SELECT data_file.file_path FROM iceberg.ice_files.\"events$all_entries\" WHERE status <> 2").getOnlyColumn().map(String.class::cast).collect(toImmutableSet());
        assertThat(locations(plan, DATA, POSITION_DELETES)).containsAll(allFiles).containsAll(currentFiles).hasSizeGreaterThan(currentFiles.size());
        for (IcebergBackupFile file : plan.files()) {
            assertThat(file.location()).isEqualTo(sourceLocation + "/" + file.relativePath());
            assertThat(fileStore.length(file.location())).as(file.location()).isEqualTo(file.sizeBytes());
        }

        String repository = "file:" + Files.createTempDirectory("dredge-repository").toAbsolutePath() + "/tables/ice_files/events";
        for (IcebergBackupFile file : plan.files()) {
            FileCopies.copy(fileStore, new FileCopy(file.location(), repository + "/" + file.relativePath(), file.sizeBytes()));
        }
        assertUpdate("DROP TABLE iceberg.ice_files.events");
        fileStore.deleteDirectory(sourceLocation);
        assertThat(NioFileStore.path(sourceLocation)).doesNotExist();

        String target = schemaLocation(SCHEMA) + "/restored_events";
        IcebergRestoredFiles restored = IcebergRestoreRewriter.rewrite(fileStore, relativePath -> repository + "/" + relativePath, plan.tableLocation(), target, plan.metadataPath());
        assertThat(restored.metadataLocation()).isEqualTo(target + "/" + plan.metadataPath());
        assertThat(restored.rewrittenPaths()).isEqualTo(plan.files().stream()
                .filter(IcebergBackupFile::rewrittenOnRestore)
                .map(IcebergBackupFile::relativePath)
                .collect(toImmutableSet()));
        for (IcebergBackupFile file : plan.files()) {
            if (!restored.rewrittenPaths().contains(file.relativePath())) {
                FileCopies.copy(fileStore, new FileCopy(repository + "/" + file.relativePath(), target + "/" + file.relativePath(), file.sizeBytes()));
            }
        }

        // nothing written names the source location: the metadata JSON as text, and every file the restored metadata
        // reaches, planned again against the target location (which refuses any file outside it), at its real size
        assertThat(new String(Files.readAllBytes(NioFileStore.path(restored.metadataLocation())), UTF_8)).doesNotContain(Locations.pathPart(sourceLocation) + "/");
        IcebergBackupPlan again = IcebergBackupPlanner.plan(fileStore, restored.metadataLocation(), target);
        assertThat(again.files().stream().map(IcebergBackupFile::relativePath).collect(toImmutableSet()))
                .isEqualTo(plan.files().stream().map(IcebergBackupFile::relativePath).collect(toImmutableSet()));
        for (IcebergBackupFile file : again.files()) {
            assertThat(fileStore.length(file.location())).as(file.location()).isEqualTo(file.sizeBytes());
        }

        String metadataFileName = restored.metadataLocation().substring(restored.metadataLocation().lastIndexOf('/') + 1);
        assertUpdate(format("CALL iceberg.system.register_table(schema_name => 'ice_files', table_name => 'restored_events', table_location => '%s', metadata_file_name => '%s')", target, metadataFileName));
        assertThat(rowsAtEveryVersion("restored_events", snapshots)).isEqualTo(before);
        assertThat(refs("restored_events")).isEqualTo(refsBefore);
        assertThat(computeActual("SELECT count(*), to_hex(checksum(ROW(id, name, day, score))) FROM iceberg.ice_files.restored_events").getMaterializedRows().get(0).getFields())
                .isEqualTo(currentBefore);
        // the restored table takes writes like any other
        assertUpdate("DELETE FROM iceberg.ice_files.restored_events WHERE id = 2", 1);
    }

    @Test
    public void testTableWithFilesOutsideItsLocationIsRefused()
    {
        String elsewhere = schemaLocation("bkh") + "/elsewhere";
        assertUpdate(format("CREATE TABLE iceberg.ice_files.data_elsewhere (id bigint) WITH (data_location = '%s')", elsewhere));
        // no file outside yet: the restored table could not write below its own location
        assertRefused("data_elsewhere", "writes files outside its location (write.data.path = " + elsewhere + ")");

        assertUpdate("INSERT INTO iceberg.ice_files.data_elsewhere VALUES 1", 1);
        String file = (String) computeActual("SELECT file_path FROM iceberg.ice_files.\"data_elsewhere$files\"").getOnlyValue();
        assertThat(file).startsWith(elsewhere + "/");
        assertRefused("data_elsewhere", "file " + file + " lies outside the table location");
    }

    /**
     * Planning is the first step of a backup and writes nothing; a refusal stops the backup before any copy.
     */
    private void assertRefused(String table, String message)
    {
        String metadata = currentMetadata(table);
        assertThatThrownBy(() -> IcebergBackupPlanner.plan(fileStore, metadata, metadata.substring(0, metadata.indexOf("/metadata/"))))
                .isInstanceOfSatisfying(DredgeException.class, e -> assertThat(e.kind()).isEqualTo(DredgeException.Kind.NOT_SUPPORTED))
                .hasMessageContaining(message);
    }

    private static String insert(int from, int to)
    {
        return format("INSERT INTO iceberg.ice_files.events (id, name, day) SELECT x, 'n' || CAST(x AS varchar), date_add('day', x %% 3, DATE '2024-01-01') FROM UNNEST(sequence(%s, %s)) t(x)", from, to);
    }

    private Map<String, List<Object>> rowsAtEveryVersion(String table, List<Long> snapshots)
    {
        Map<String, List<Object>> rows = new LinkedHashMap<>();
        for (long snapshot : snapshots) {
            rows.put(String.valueOf(snapshot), rows(format("iceberg.ice_files.%s FOR VERSION AS OF %s", table, snapshot)));
        }
        rows.put("main", rows("iceberg.ice_files." + table));
        rows.put("audit", rows(format("iceberg.ice_files.%s FOR VERSION AS OF 'audit'", table)));
        rows.put("v1", rows(format("iceberg.ice_files.%s FOR VERSION AS OF 'v1'", table)));
        return rows;
    }

    private List<Object> rows(String relation)
    {
        return computeActual(format("SELECT %s FROM %s", COLUMNS, relation)).getMaterializedRows().get(0).getFields();
    }

    private List<Object> refs(String table)
    {
        return computeActual(format("SELECT name, type, snapshot_id FROM iceberg.ice_files.\"%s$refs\" ORDER BY name", table)).getMaterializedRows().stream()
                .map(row -> (Object) row.getFields())
                .toList();
    }

    private long currentSnapshot(String table)
    {
        return (long) computeActual(format("SELECT snapshot_id FROM iceberg.ice_files.\"%s$snapshots\" ORDER BY committed_at DESC LIMIT 1", table)).getOnlyValue();
    }

    private long snapshotBefore(String table, long snapshot)
    {
        return (long) computeActual(format("SELECT parent_id FROM iceberg.ice_files.\"%s$snapshots\" WHERE snapshot_id = %s", table, snapshot)).getOnlyValue();
    }

    /**
     * Adds branch {@code audit} and tag {@code v1}, which Trino 483 cannot create ("This connector does not support
     * creating branches"): a new metadata version written with iceberg-core, registered in place of the old one.
     * Returns the table location.
     */
    private String addRefs(String table, long branchSnapshot, long tagSnapshot)
    {
        String metadataLocation = currentMetadata(table);
        String tableLocation = metadataLocation.substring(0, metadataLocation.indexOf("/metadata/"));
        FileIO io = new FileStoreFileIo(fileStore);
        TableMetadata current = TableMetadataParser.read(io, metadataLocation);
        TableMetadata withRefs = TableMetadata.buildFrom(current)
                .setRef("audit", SnapshotRef.branchBuilder(branchSnapshot).build())
                .setRef("v1", SnapshotRef.tagBuilder(tagSnapshot).build())
                .build();
        String fileName = "00100-%s.metadata.json".formatted(UUID.randomUUID());
        TableMetadataParser.write(withRefs, io.newOutputFile(tableLocation + "/metadata/" + fileName));
        assertUpdate(format("CALL iceberg.system.unregister_table(schema_name => 'ice_files', table_name => '%s')", table));
        assertUpdate(format("CALL iceberg.system.register_table(schema_name => 'ice_files', table_name => '%s', table_location => '%s', metadata_file_name => '%s')", table, tableLocation, fileName));
        return tableLocation;
    }

    private String currentMetadata(String table)
    {
        String metadata = (String) computeActual(format("SELECT file FROM iceberg.ice_files.\"%s$metadata_log_entries\" ORDER BY timestamp DESC, latest_sequence_number DESC LIMIT 1", table)).getOnlyValue();
        assertThat(metadata).endsWith(".metadata.json");
        return metadata;
    }

    private static Set<String> locations(IcebergBackupPlan plan, IcebergBackupFile.Role... roles)
    {
        Set<IcebergBackupFile.Role> wanted = Set.of(roles);
        return plan.files().stream()
                .filter(file -> wanted.contains(file.role()))
                .map(IcebergBackupFile::location)
                .collect(toImmutableSet());
    }
}
