package io.dredge.hive.udf;

import io.dredge.core.compaction.CompactionOptions;
import io.dredge.core.compaction.Verification;
import io.dredge.core.hygiene.OrphanRemoval;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.maintenance.SchemaMaintenance;
import io.dredge.core.model.TableType;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.report.SmallFilePolicy;
import io.dredge.core.report.TableHealthRow;
import org.apache.hadoop.hive.ql.exec.Description;
import org.apache.hadoop.hive.ql.session.SessionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code dredge_maintain_schema(schema [, options])}: as Trino's {@code maintain_schema}, runs the {@code fix} of each
 * Hive table's {@code dredge_table_health}, in its order, each statement its own operation. Iceberg tables are left
 * to Trino's {@code maintain_schema}: Hive compacts and expires none.
 */
@Description(
        name = "dredge_maintain_schema",
        value = "_FUNC_(schema [, map('dry_run', 'true')]) - runs every Hive table's dredge_table_health fix (compaction, orphan removal), each its own operation; Iceberg tables are left to Trino's maintain_schema")
public class MaintainSchemaUdtf
        extends MaintenanceFunction
{
    private static final Logger log = LoggerFactory.getLogger(MaintainSchemaUdtf.class);
    private static final String FUNCTION = "dredge_maintain_schema";
    private static final Set<String> OPTIONS = Set.of("dry_run");

    public MaintainSchemaUdtf()
    {
        super(FUNCTION, List.of("schema", DredgeTableFunction.OPTIONS), 1);
    }

    @Override
    List<OperationRecord> run(MaintenanceContext context, List<Optional<String>> values, Map<String, String> options)
    {
        requireKnownOptions(FUNCTION, options, OPTIONS);
        String schema = identifier(values.get(0));
        CompactionOptions compaction = new CompactionOptions(Optional.empty(), SmallFilePolicy.DEFAULT, Verification.CHECKSUM, booleanOption(options, "dry_run", false));
        List<TableHealthRow> health = SmallFileReportUdtf.readReport(context.metastore(), context.fileStore(), schema, Optional.empty(), (report, tables) ->
                TableHealthUdtf.health(SessionState.get().getConf()).assess(report, tables, context.journal(), OrphanRemoval.candidates(context), Instant.now()));
        List<TableHealthRow> hive = health.stream().filter(row -> row.tableType() == TableType.HIVE).toList();
        if (hive.size() < health.size()) {
            log.info("{}: {} Iceberg tables of {} left to Trino's maintain_schema", FUNCTION, health.size() - hive.size(), schema);
        }
        return new SchemaMaintenance(context).maintain(hive, compaction).requireNoFailures(schema);
    }
}
