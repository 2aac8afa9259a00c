package io.dredge.trino.procedure;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import com.google.inject.Provider;
import io.airlift.log.Logger;
import io.dredge.core.compaction.CompactionOptions;
import io.dredge.core.compaction.Compaction;
import io.dredge.core.compaction.Verification;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.model.TableReference;
import io.dredge.trino.DredgeMaintenance;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.procedure.Procedure;
import io.trino.spi.procedure.Procedure.Argument;

import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static io.airlift.slice.Slices.utf8Slice;
import static io.dredge.trino.DredgeMetadata.SYSTEM_SCHEMA;
import static io.dredge.trino.procedure.ProcedureArguments.requireBoolean;
import static io.dredge.trino.procedure.ProcedureArguments.requireName;
import static io.trino.spi.type.BooleanType.BOOLEAN;
import static io.trino.spi.type.DoubleType.DOUBLE;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.lang.invoke.MethodHandles.lookup;
import static java.util.Objects.requireNonNull;

/**
 * {@code CALL system.compact_table(schema_name, table_name, partition_filter, target_file_size,
 * compaction_ratio_threshold, verify, dry_run)}: safe compaction of one Hive or Iceberg table (see {@link Compaction}).
 */
public class CompactTableProcedure
        implements Provider<Procedure>
{
    private static final Logger log = Logger.get(CompactTableProcedure.class);

    static final Verification DEFAULT_VERIFICATION = Verification.CHECKSUM;

    private static final MethodHandle COMPACT_TABLE;

    static {
        try {
            COMPACT_TABLE = lookup().unreflect(CompactTableProcedure.class.getMethod("compactTable",
                    ConnectorSession.class, String.class, String.class, String.class, String.class, Double.class, String.class, Boolean.class));
        }
        catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private final DredgeMaintenance maintenance;

    @Inject
    public CompactTableProcedure(DredgeMaintenance maintenance)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
    }

    @Override
    public Procedure get()
    {
        return new Procedure(
                SYSTEM_SCHEMA,
                "compact_table",
                ImmutableList.of(
                        new Argument("SCHEMA_NAME", VARCHAR),
                        new Argument("TABLE_NAME", VARCHAR),
                        new Argument("PARTITION_FILTER", VARCHAR, false, null),
                        new Argument("TARGET_FILE_SIZE", VARCHAR, false, null),
                        new Argument("COMPACTION_RATIO_THRESHOLD", DOUBLE, false, null),
                        new Argument("VERIFY", VARCHAR, false, utf8Slice(DEFAULT_VERIFICATION.sqlName())),
                        new Argument("DRY_RUN", BOOLEAN, false, false)),
                COMPACT_TABLE.bindTo(this));
    }

    public void compactTable(ConnectorSession session, String schemaName, String tableName, String partitionFilter, String targetFileSize, Double compactionRatioThreshold, String verify, Boolean dryRun)
    {
        DredgeMaintenance.run(() -> {
            TableReference table = new TableReference(requireName(schemaName, "schema_name"), requireName(tableName, "table_name"));
            CompactionOptions options = options(maintenance, partitionFilter, targetFileSize, compactionRatioThreshold, verify, dryRun);
            OperationRecord result = new Compaction(maintenance.context(session)).compact(table, options);
            log.info("compact_table %s by %s: operation %s %s: %s", table, session.getUser(), result.id(), result.state(), result.step());
            return result;
        });
    }

    static CompactionOptions options(DredgeMaintenance maintenance, String partitionFilter, String targetFileSize, Double compactionRatioThreshold, String verify, Boolean dryRun)
    {
        return new CompactionOptions(
                Optional.ofNullable(partitionFilter),
                maintenance.policy(Optional.ofNullable(targetFileSize), Optional.ofNullable(compactionRatioThreshold)),
                Optional.ofNullable(verify).map(Verification::parse).orElse(DEFAULT_VERIFICATION),
                requireBoolean(dryRun, "dry_run"));
    }
}
