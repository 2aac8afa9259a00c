package io.dredge.hive.udf;

import com.google.common.collect.ImmutableMap;
import io.dredge.core.DredgeException;
import io.dredge.core.backup.BackupManifest;
import io.dredge.core.backup.BackupVerification;
import io.dredge.core.model.TableReference;
import io.dredge.hive.adapter.HiveAuthorization;
import io.dredge.hive.adapter.HiveBackups;
import io.dredge.hive.adapter.HivePorts;
import org.apache.hadoop.hive.common.type.Timestamp;
import org.apache.hadoop.hive.ql.exec.Description;
import org.apache.hadoop.hive.ql.metadata.HiveException;
import org.apache.hadoop.hive.serde2.objectinspector.ObjectInspector;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;
import static org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorFactory.javaIntObjectInspector;
import static org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorFactory.javaLongObjectInspector;
import static org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorFactory.javaStringObjectInspector;
import static org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorFactory.javaTimestampObjectInspector;

/**
 * {@code dredge_backup_table(schema, table, backup_name [, location [, verify]])}: as Trino's {@code backup_table}, a
 * full or incremental backup of a Hive table into the repository {@code dredge.backup-location} names (or into
 * {@code location}), verified by its files' bytes and footers ({@code 'files'}, the default) or with Hive counting
 * and checksumming the rows ({@code 'rows'}). Returns the backup as Trino's
 * {@code dredge.system.backups} shows it.
 */
@Description(
        name = "dredge_backup_table",
        value = "_FUNC_(schema, table, backup_name [, location [, verify]]) - backs up a Hive table (files, definition, partitions, row counts; row checksums at verify 'rows') into Dredge's backup repository")
public class BackupTableUdtf
        extends DredgeTableFunction
{
    public BackupTableUdtf()
    {
        super("dredge_backup_table", List.of("schema", "table", "backup_name", "location", "verify"), 3);
    }

    @Override
    final boolean sessionOnly()
    {
        return true;
    }

    @Override
    Map<String, ObjectInspector> columns()
    {
        return backupColumns();
    }

    /**
     * The columns of Trino's {@code dredge.system.backups}.
     */
    static Map<String, ObjectInspector> backupColumns()
    {
        return ImmutableMap.<String, ObjectInspector>builder()
                .put("backup_name", javaStringObjectInspector)
                .put("source_catalog", javaStringObjectInspector)
                .put("source_schema", javaStringObjectInspector)
                .put("source_table", javaStringObjectInspector)
                .put("table_type", javaStringObjectInspector)
                .put("snapshot_id", javaLongObjectInspector)
                .put("partitions", javaLongObjectInspector)
                .put("created_at", javaTimestampObjectInspector)
                .put("user_name", javaStringObjectInspector)
                .put("files", javaLongObjectInspector)
                .put("bytes", javaLongObjectInspector)
                .put("bytes_copied", javaLongObjectInspector)
                .put("rows", javaLongObjectInspector)
                .put("location", javaStringObjectInspector)
                .put("format_version", javaIntObjectInspector)
                .put("state", javaStringObjectInspector)
                .put("error_message", javaStringObjectInspector)
                .put("verification", javaStringObjectInspector)
                .buildOrThrow();
    }

    /**
     * {@code 'files'} unless only the file system checks the user's reads: a backup at {@code 'files'} reads no row as
     * the user, but copies as HiveServer2, so it would copy what the user may not read. {@code 'rows'} then, whose
     * count and checksum Hive runs as the user.
     */
    private static BackupVerification verification(Optional<BackupVerification> asked, String user)
    {
        if (!HiveAuthorization.readsCheckedOnlyByFiles()) {
            return asked.orElse(BackupVerification.FILES);
        }
        if (asked.equals(Optional.of(BackupVerification.FILES))) {
            throw new DredgeException(INVALID_ARGUMENT, ("verify => 'files' reads no row as %s, and this HiveServer2 checks what a user may read only through the file system (hive.server2.enable.doAs " +
                    "without hive.security.authorization.enabled): back up with 'rows', which Hive reads as the user, or enable Hive's authorization").formatted(user));
        }
        return BackupVerification.ROWS;
    }

    @Override
    List<Object[]> rows(HivePorts ports, List<Optional<String>> values, Map<String, String> options)
            throws HiveException
    {
        TableReference table = new TableReference(MaintenanceFunction.identifier(values.get(0)), MaintenanceFunction.identifier(values.get(1)));
        String backupName = values.get(2).orElseThrow().strip();
        HiveAuthorization.requireRead(table);
        BackupManifest manifest = HiveBackups.backups(ports, user()).backup(table, backupName, values.get(3).filter(location -> !location.isBlank()).map(String::strip),
                verification(values.get(4).filter(verify -> !verify.isBlank()).map(BackupVerification::parse), user()));
        Object[] row = manifest.summaryValues();
        for (int i = 0; i < row.length; i++) {
            if (row[i] instanceof Instant instant) {
                row[i] = Timestamp.ofEpochMilli(instant.toEpochMilli());
            }
        }
        return List.<Object[]>of(row);
    }
}
