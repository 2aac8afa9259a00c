package io.dredge.hive.udf;

import com.google.common.collect.ImmutableMap;
import io.dredge.core.Units;
import io.dredge.core.hygiene.OrphanRemoval;
import io.dredge.core.model.TableType;
import io.dredge.core.report.HealthFix;
import io.dredge.core.report.HealthPolicy;
import io.dredge.core.report.OrphanCandidates;
import io.dredge.core.report.SmallFilePolicy;
import io.dredge.core.report.TableHealth;
import io.dredge.core.report.TableHealthRow;
import io.dredge.hive.adapter.HiveMaintenance;
import io.dredge.hive.adapter.HivePorts;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hive.common.type.Timestamp;
import org.apache.hadoop.hive.ql.exec.Description;
import org.apache.hadoop.hive.ql.metadata.HiveException;
import org.apache.hadoop.hive.serde2.objectinspector.ObjectInspector;
import org.apache.hadoop.hive.serde2.objectinspector.ObjectInspectorFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorFactory.javaDoubleObjectInspector;
import static org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorFactory.javaLongObjectInspector;
import static org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorFactory.javaStringObjectInspector;
import static org.apache.hadoop.hive.serde2.objectinspector.primitive.PrimitiveObjectInspectorFactory.javaTimestampObjectInspector;

/**
 * {@code dredge_table_health(schema [, table])}: the rows and columns of Trino's {@code dredge.system.table_health}
 * for the tables of one schema (or one table), judged by the same {@link TableHealth} from the same metastore, files
 * and journal. A Hive table's {@code fix} is the Hive functions that fix it; an Iceberg table's, Trino's procedures
 * (catalog {@code dredge}), where Iceberg tables are maintained.
 */
@Description(
        name = "dredge_table_health",
        value = "_FUNC_(schema [, table]) - a row per table: OK, WARN or CRITICAL, the reasons with their figures and thresholds, and the statements that fix them")
public class TableHealthUdtf
        extends DredgeTableFunction
{
    public static final String STALE_OPERATION_AGE = "dredge.health.stale-operation-age";
    public static final String MAX_SNAPSHOT_AGE = "dredge.health.max-snapshot-age";
    public static final String MAX_MANIFESTS = "dredge.health.max-manifests";
    public static final String MIN_AVG_MANIFEST_SIZE = "dredge.health.min-avg-manifest-size";
    public static final String MAX_DELETED_ROW_SHARE = "dredge.health.max-deleted-row-share";
    private static final String TRINO_CATALOG = "dredge";
    // the default of the Trino catalog's dredge.iceberg-catalog-name
    private static final String TRINO_ICEBERG_CATALOG = "iceberg";

    public TableHealthUdtf()
    {
        super("dredge_table_health", List.of("schema", "table"), 1);
    }

    @Override
    Map<String, ObjectInspector> columns()
    {
        ObjectInspector texts = ObjectInspectorFactory.getStandardListObjectInspector(javaStringObjectInspector);
        return ImmutableMap.<String, ObjectInspector>builder()
                .put("catalog_name", javaStringObjectInspector)
                .put("schema_name", javaStringObjectInspector)
                .put("table_name", javaStringObjectInspector)
                .put("table_type", javaStringObjectInspector)
                .put("status", javaStringObjectInspector)
                .put("reasons", texts)
                .put("fix", texts)
                .put("files", javaLongObjectInspector)
                .put("small_files", javaLongObjectInspector)
                .put("total_bytes", javaLongObjectInspector)
                .put("avg_file_bytes", javaLongObjectInspector)
                .put("partitions", javaLongObjectInspector)
                .put("delete_files", javaLongObjectInspector)
                .put("deleted_row_share", javaDoubleObjectInspector)
                .put("snapshots", javaLongObjectInspector)
                .put("oldest_snapshot_at", javaTimestampObjectInspector)
                .put("manifests", javaLongObjectInspector)
                .put("avg_manifest_bytes", javaLongObjectInspector)
                .put("running_operation_id", javaStringObjectInspector)
                .put("last_compaction_at", javaTimestampObjectInspector)
                .put("last_backup_at", javaTimestampObjectInspector)
                .put("last_expiry_at", javaTimestampObjectInspector)
                .put("orphan_files", javaLongObjectInspector)
                .put("orphan_bytes", javaLongObjectInspector)
                .buildOrThrow();
    }

    @Override
    List<Object[]> rows(HivePorts ports, List<Optional<String>> arguments, Map<String, String> options)
            throws HiveException
    {
        TableHealth health = health(ports.configuration());
        String catalog = ports.catalogName();
        OrphanCandidates orphans = OrphanRemoval.candidates(HiveMaintenance.context(ports, user()));
        return SmallFileReportUdtf.readReport(ports.metastore(), ports.fileStore(), arguments.get(0).orElseThrow(), arguments.get(1), (report, tables) ->
                health.assess(report, tables, ports.journal(), orphans, Instant.now()).stream()
                        .map(row -> row(row, catalog))
                        .collect(toImmutableList()));
    }

    /**
     * The judge, with the thresholds that {@code configuration} (hive-site or the session) sets; fixes of Iceberg
     * tables for Trino's catalog {@code dredge}, and Trino's own table procedures for its catalog {@code iceberg}.
     */
    static TableHealth health(Configuration configuration)
    {
        return new TableHealth(TRINO_CATALOG, TRINO_ICEBERG_CATALOG, new HealthPolicy(
                SmallFilePolicy.DEFAULT,
                duration(configuration, STALE_OPERATION_AGE, HealthPolicy.DEFAULT_STALE_OPERATION_AGE),
                duration(configuration, MAX_SNAPSHOT_AGE, HealthPolicy.DEFAULT_MAX_SNAPSHOT_AGE),
                configuration.getInt(MAX_MANIFESTS, HealthPolicy.DEFAULT_MAX_MANIFESTS),
                size(configuration, MIN_AVG_MANIFEST_SIZE, HealthPolicy.DEFAULT_MIN_AVG_MANIFEST_BYTES),
                configuration.getDouble(MAX_DELETED_ROW_SHARE, HealthPolicy.DEFAULT_MAX_DELETED_ROW_SHARE)));
    }

    private static long size(Configuration configuration, String setting, long defaultValue)
    {
        String value = configuration.get(setting);
        return value == null || value.isBlank() ? defaultValue : Units.bytes(value.strip(), setting);
    }

    private static Duration duration(Configuration configuration, String setting, Duration defaultValue)
    {
        String value = configuration.get(setting);
        return value == null || value.isBlank() ? defaultValue : Units.duration(value.strip(), setting);
    }

    private static Object[] row(TableHealthRow row, String catalog)
    {
        List<String> fix = row.tableType() == TableType.HIVE
                ? row.fixes().stream().map(HealthFix::hiveSql).collect(toImmutableList())
                : row.fix();
        List<Object> values = new ArrayList<>(List.of(
                catalog,
                row.table().schemaName(),
                row.table().tableName(),
                row.tableType().name(),
                row.status().name(),
                row.reasons(),
                fix));
        for (Object figure : row.figures()) {
            values.add(figure instanceof Instant instant ? Timestamp.ofEpochMilli(instant.toEpochMilli()) : figure);
        }
        return values.toArray();
    }
}
