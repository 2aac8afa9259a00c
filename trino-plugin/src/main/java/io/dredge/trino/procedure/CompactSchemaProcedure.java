package io.dredge.trino.procedure;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import com.google.inject.Provider;
import io.airlift.log.Logger;
import io.dredge.core.compaction.Compaction;
import io.dredge.core.compaction.CompactionOptions;
import io.dredge.trino.DredgeMaintenance;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.procedure.Procedure;
import io.trino.spi.procedure.Procedure.Argument;

import java.lang.invoke.MethodHandle;
import java.util.List;

import static io.airlift.slice.Slices.utf8Slice;
import static io.dredge.trino.DredgeErrorCode.DREDGE_OPERATION_FAILED;
import static io.dredge.trino.DredgeMetadata.SYSTEM_SCHEMA;
import static io.dredge.trino.procedure.CompactTableProcedure.DEFAULT_VERIFICATION;
import static io.dredge.trino.procedure.ProcedureArguments.requireName;
import static io.trino.spi.type.BooleanType.BOOLEAN;
import static io.trino.spi.type.DoubleType.DOUBLE;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.lang.invoke.MethodHandles.lookup;
import static java.util.Objects.requireNonNull;

/**
 * {@code CALL system.compact_schema(schema_name, ...)}: {@code compact_table} on every Hive and Iceberg table of the schema
 * that needs it. One table failing does not stop the others; the call fails at the end naming those that failed.
 */
public class CompactSchemaProcedure
        implements Provider<Procedure>
{
    private static final Logger log = Logger.get(CompactSchemaProcedure.class);

    private static final MethodHandle COMPACT_SCHEMA;

    static {
        try {
            COMPACT_SCHEMA = lookup().unreflect(CompactSchemaProcedure.class.getMethod("compactSchema",
                    ConnectorSession.class, String.class, String.class, Double.class, String.class, Boolean.class));
        }
        catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private final DredgeMaintenance maintenance;

    @Inject
    public CompactSchemaProcedure(DredgeMaintenance maintenance)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
    }

    @Override
    public Procedure get()
    {
        return new Procedure(
                SYSTEM_SCHEMA,
                "compact_schema",
                ImmutableList.of(
                        new Argument("SCHEMA_NAME", VARCHAR),
                        new Argument("TARGET_FILE_SIZE", VARCHAR, false, null),
                        new Argument("COMPACTION_RATIO_THRESHOLD", DOUBLE, false, null),
                        new Argument("VERIFY", VARCHAR, false, utf8Slice(DEFAULT_VERIFICATION.sqlName())),
                        new Argument("DRY_RUN", BOOLEAN, false, false)),
                COMPACT_SCHEMA.bindTo(this));
    }

    public void compactSchema(ConnectorSession session, String schemaName, String targetFileSize, Double compactionRatioThreshold, String verify, Boolean dryRun)
    {
        Compaction.SchemaResult result = DredgeMaintenance.run(() -> {
            String schema = requireName(schemaName, "schema_name");
            CompactionOptions options = CompactTableProcedure.options(maintenance, null, targetFileSize, compactionRatioThreshold, verify, dryRun);
            return new Compaction(maintenance.context(session)).compactSchema(schema, options);
        });
        log.info("compact_schema %s by %s: %s tables compacted, %s failed", schemaName, session.getUser(), result.compacted().size(), result.failures().size());
        List<String> failures = result.failures().entrySet().stream()
                .map(failure -> "%s (%s)".formatted(failure.getKey(), failure.getValue()))
                .toList();
        if (!failures.isEmpty()) {
            throw new TrinoException(DREDGE_OPERATION_FAILED, "compact_schema %s: %s tables failed, the others were compacted: %s".formatted(schemaName, failures.size(), String.join("; ", failures)));
        }
    }
}
