package io.dredge.trino.procedure;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import com.google.inject.Provider;
import io.airlift.log.Logger;
import io.dredge.core.compaction.CompactionOptions;
import io.dredge.core.hygiene.OrphanRemoval;
import io.dredge.core.maintenance.SchemaMaintenance;
import io.dredge.core.model.TableReference;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.report.SmallFileReport;
import io.dredge.core.report.TableHealthRow;
import io.dredge.trino.DredgeMaintenance;
import io.dredge.trino.ForListing;
import io.dredge.trino.ForMetastore;
import io.dredge.trino.adapter.TrinoPorts;
import io.trino.spi.TrinoException;
import io.trino.spi.catalog.CatalogName;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.procedure.Procedure;
import io.trino.spi.procedure.Procedure.Argument;

import java.lang.invoke.MethodHandle;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;

import static io.dredge.trino.DredgeMetadata.SYSTEM_SCHEMA;
import static io.dredge.trino.procedure.ProcedureArguments.requireName;
import static io.trino.spi.StandardErrorCode.NOT_FOUND;
import static io.trino.spi.type.BooleanType.BOOLEAN;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.lang.invoke.MethodHandles.lookup;
import static java.util.Objects.requireNonNull;

/**
 * {@code CALL system.maintain_schema(schema_name, dry_run)}: every table's {@code table_health} fix, run (see
 * {@link SchemaMaintenance}).
 */
public class MaintainSchemaProcedure
        implements Provider<Procedure>
{
    private static final Logger log = Logger.get(MaintainSchemaProcedure.class);

    private static final MethodHandle MAINTAIN_SCHEMA;

    static {
        try {
            MAINTAIN_SCHEMA = lookup().unreflect(MaintainSchemaProcedure.class.getMethod("maintainSchema", ConnectorSession.class, String.class, Boolean.class));
        }
        catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private final DredgeMaintenance maintenance;
    private final TrinoPorts ports;
    private final ExecutorService listingExecutor;
    private final ExecutorService metastoreExecutor;
    private final String catalogName;

    @Inject
    public MaintainSchemaProcedure(DredgeMaintenance maintenance, TrinoPorts ports, @ForListing ExecutorService listingExecutor, @ForMetastore ExecutorService metastoreExecutor, CatalogName catalogName)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
        this.ports = requireNonNull(ports, "ports is null");
        this.listingExecutor = requireNonNull(listingExecutor, "listingExecutor is null");
        this.metastoreExecutor = requireNonNull(metastoreExecutor, "metastoreExecutor is null");
        this.catalogName = catalogName.toString();
    }

    @Override
    public Procedure get()
    {
        return new Procedure(
                SYSTEM_SCHEMA,
                "maintain_schema",
                ImmutableList.of(
                        new Argument("SCHEMA_NAME", VARCHAR),
                        new Argument("DRY_RUN", BOOLEAN, false, false)),
                MAINTAIN_SCHEMA.bindTo(this));
    }

    public void maintainSchema(ConnectorSession session, String schemaName, Boolean dryRun)
    {
        String schema = requireName(schemaName, "schema_name");
        DredgeMaintenance.run(() -> {
            CompactionOptions compaction = CompactTableProcedure.options(maintenance, null, null, null, null, dryRun);
            SmallFileReport report = new SmallFileReport(ports.metastore(session.getIdentity()), ports.fileStore(session.getIdentity()), listingExecutor, metastoreExecutor);
            if (!ports.metastore(session.getIdentity()).schemaExists(schema)) {
                throw new TrinoException(NOT_FOUND, "schema %s does not exist".formatted(schema));
            }
            List<TableReference> tables = report.tables(Optional.of(Set.of(schema)), Optional.empty());
            MaintenanceContext context = maintenance.context(session);
            List<TableHealthRow> health = maintenance.tableHealth(catalogName).assess(report, tables, maintenance.journal(session), OrphanRemoval.candidates(context), Instant.now());
            SchemaMaintenance.Result result = new SchemaMaintenance(context).maintain(health, compaction);
            log.info("maintain_schema %s by %s: %s operations, %s tables failed", schema, session.getUser(), result.operations().size(), result.failures().size());
            return result.requireNoFailures(schema);
        });
    }
}
