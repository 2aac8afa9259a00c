package io.dredge.hive.udf;

import com.google.common.collect.ImmutableMap;
import io.dredge.core.backup.BackupVerification;
import io.dredge.core.backup.Backups;
import io.dredge.core.model.TableReference;
import io.dredge.hive.adapter.HiveAuthorization;
import io.dredge.hive.adapter.HiveBackups;
import io.dredge.hive.adapter.HivePorts;
import org.apache.hadoop.hive.ql.exec.Description;
import org.apache.hadoop.hive.ql.metadata.HiveException;
import org.apache.hadoop.hive.serde2.objectinspector.ObjectInspector;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorFactory.javaLongObjectInspector;
import static org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorFactory.javaStringObjectInspector;

/**
 * {@code dredge_restore_table(backup_name, schema, table [, location [, verify]])}: as Trino's {@code restore_table}, a
 * new Hive table made from a backup, whichever engine took it: every file checked against the backup, and at verify
 * {@code 'rows'} the rows counted by Hive against the backup's (and their checksums, when Hive took the backup).
 */
@Description(
        name = "dredge_restore_table",
        value = "_FUNC_(backup_name, schema, table [, location [, verify]]) - creates a new table from a Dredge backup of a Hive table, checking every file (verify 'files') and the rows (verify 'rows', the default for a backup taken so)")
public class RestoreTableUdtf
        extends DredgeTableFunction
{
    public RestoreTableUdtf()
    {
        super("dredge_restore_table", List.of("backup_name", "schema", "table", "location", "verify"), 3);
    }

    @Override
    final boolean sessionOnly()
    {
        return true;
    }

    @Override
    Map<String, ObjectInspector> columns()
    {
        return ImmutableMap.<String, ObjectInspector>builder()
                .put("backup_name", javaStringObjectInspector)
                .put("schema_name", javaStringObjectInspector)
                .put("table_name", javaStringObjectInspector)
                .put("location", javaStringObjectInspector)
                .put("files", javaLongObjectInspector)
                .put("bytes", javaLongObjectInspector)
                .put("rows", javaLongObjectInspector)
                .buildOrThrow();
    }

    @Override
    List<Object[]> rows(HivePorts ports, List<Optional<String>> values, Map<String, String> options)
            throws HiveException
    {
        String backupName = values.get(0).orElseThrow().strip();
        TableReference target = new TableReference(MaintenanceFunction.identifier(values.get(1)), MaintenanceFunction.identifier(values.get(2)));
        Backups backups = HiveBackups.backups(ports, user());
        // a backup is a copy of its table: restoring it needs read access to that table (the core lets only the
        // backup's maker restore one whose table is gone)
        backups.existingSource(backups.requireBackup(backupName)).ifPresent(HiveAuthorization::requireRead);
        HiveAuthorization.requireCreateTable(target.schemaName());
        Backups.RestoreResult result = backups.restore(backupName, target, values.get(3).filter(location -> !location.isBlank()).map(String::strip),
                values.get(4).filter(verify -> !verify.isBlank()).map(BackupVerification::parse));
        return List.<Object[]>of(new Object[] {backupName, result.table().schemaName(), result.table().tableName(), result.location(), result.files(), result.bytes(), result.rows()});
    }
}
