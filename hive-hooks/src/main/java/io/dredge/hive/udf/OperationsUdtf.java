package io.dredge.hive.udf;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.OperationSummary;
import io.dredge.hive.adapter.HivePorts;
import org.apache.hadoop.hive.common.type.Timestamp;
import org.apache.hadoop.hive.ql.exec.Description;
import org.apache.hadoop.hive.ql.metadata.HiveException;
import org.apache.hadoop.hive.serde2.objectinspector.ObjectInspector;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorFactory.javaLongObjectInspector;
import static org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorFactory.javaStringObjectInspector;
import static org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorFactory.javaTimestampObjectInspector;

/**
 * {@code dredge_operations(schema [, table])}: the operations journal of one schema (or table), oldest first, with the
 * columns of Trino's {@code dredge.system.operations}: the same journal, whichever engine ran the operation.
 * Timestamps are in UTC.
 */
@Description(
        name = "dredge_operations",
        value = "_FUNC_(schema [, table]) - Dredge's operations (compactions, rollbacks, cleanups, backups, recoveries) on the tables of a schema")
public class OperationsUdtf
        extends DredgeTableFunction
{
    public OperationsUdtf()
    {
        super("dredge_operations", List.of("schema", "table"), 1);
    }

    @Override
    Map<String, ObjectInspector> columns()
    {
        return operationColumns();
    }

    /**
     * The columns of an operation, as Trino's {@code dredge.system.operations} has them: what this function and the
     * maintenance functions return.
     */
    static Map<String, ObjectInspector> operationColumns()
    {
        return ImmutableMap.<String, ObjectInspector>builder()
                .put("operation_id", javaStringObjectInspector)
                .put("kind", javaStringObjectInspector)
                .put("catalog_name", javaStringObjectInspector)
                .put("schema_name", javaStringObjectInspector)
                .put("table_name", javaStringObjectInspector)
                .put("state", javaStringObjectInspector)
                .put("user_name", javaStringObjectInspector)
                .put("started_at", javaTimestampObjectInspector)
                .put("finished_at", javaTimestampObjectInspector)
                .put("step", javaStringObjectInspector)
                .put("target_operation_id", javaStringObjectInspector)
                .put("verification", javaStringObjectInspector)
                .put("partitions_considered", javaLongObjectInspector)
                .put("partitions_planned", javaLongObjectInspector)
                .put("partitions_compacted", javaLongObjectInspector)
                .put("partitions_skipped", javaLongObjectInspector)
                .put("files_before", javaLongObjectInspector)
                .put("bytes_before", javaLongObjectInspector)
                .put("files_after", javaLongObjectInspector)
                .put("bytes_after", javaLongObjectInspector)
                .put("rows_verified", javaLongObjectInspector)
                .put("backup_table", javaStringObjectInspector)
                .put("error_message", javaStringObjectInspector)
                .buildOrThrow();
    }

    @Override
    List<Object[]> rows(HivePorts ports, List<Optional<String>> arguments, Map<String, String> options)
            throws HiveException
    {
        String schema = arguments.get(0).orElseThrow();
        Optional<String> table = arguments.get(1);
        if (!ports.metastore().schemaExists(schema)) {
            throw new HiveException("schema %s does not exist".formatted(schema));
        }
        String catalog = ports.catalogName();
        ImmutableList.Builder<Object[]> rows = ImmutableList.builder();
        for (OperationRecord record : ports.journal().list(schema).stream().sorted(Comparator.comparing(OperationRecord::id)).toList()) {
            if (table.isPresent() && !table.get().equals(record.table().tableName())) {
                continue;
            }
            rows.add(operationRow(record, catalog));
        }
        return rows.build();
    }

    /**
     * An operation's row, in {@link #operationColumns}, with its times as Hive timestamps (UTC).
     */
    static Object[] operationRow(OperationRecord record, String catalog)
    {
        Object[] values = OperationSummary.of(record).values(catalog);
        for (int i = 0; i < values.length; i++) {
            if (values[i] instanceof Instant instant) {
                values[i] = Timestamp.ofEpochMilli(instant.toEpochMilli());
            }
        }
        return values;
    }
}
