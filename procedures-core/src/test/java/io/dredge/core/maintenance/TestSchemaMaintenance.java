package io.dredge.core.maintenance;

import io.dredge.core.compaction.CompactionOptions;
import io.dredge.core.compaction.Verification;
import io.dredge.core.journal.OperationJournal;
import io.dredge.core.model.TableReference;
import io.dredge.core.model.TableType;
import io.dredge.core.operation.FaultInjector;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.operation.TableLocks;
import io.dredge.core.port.SqlEngine;
import io.dredge.core.report.HealthFix;
import io.dredge.core.report.HealthStatus;
import io.dredge.core.report.SmallFilePolicy;
import io.dredge.core.report.TableHealthRow;
import io.dredge.core.sql.SqlDialect;
import io.dredge.core.testing.InMemoryMetastore;
import io.dredge.core.testing.NioFileStore;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code maintain_schema}'s part that needs no table: Trino's own table procedures of a fix run through the engine,
 * in the fix's order, as one statement each; none in a dry run; a failing one stops only its table's fix.
 */
class TestSchemaMaintenance
{
    private static final TableReference EVENTS = new TableReference("demo", "events");
    private static final TableReference CLICKS = new TableReference("demo", "clicks");
    private static final CompactionOptions COMPACTION = new CompactionOptions(Optional.empty(), new SmallFilePolicy(64L << 20, 10), Verification.CHECKSUM, false);

    @Test
    void testTrinosTableProceduresRunThroughTheEngineInTheFixsOrder()
    {
        RecordingEngine engine = new RecordingEngine(Optional.empty());
        SchemaMaintenance.Result result = new SchemaMaintenance(context(engine, Optional.of("ice"))).maintain(List.of(
                row(EVENTS, HealthFix.Procedure.OPTIMIZE, HealthFix.Procedure.OPTIMIZE_MANIFESTS),
                row(CLICKS, HealthFix.Procedure.OPTIMIZE_MANIFESTS)), COMPACTION);
        assertThat(result.failures()).isEmpty();
        // not journaled: Iceberg commits each atomically, and there is nothing to undo
        assertThat(result.operations()).isEmpty();
        assertThat(engine.statements).containsExactly(
                "ALTER TABLE \"ice\".\"demo\".\"events\" EXECUTE optimize(file_size_threshold => '0B') {sized=64}",
                "ALTER TABLE \"ice\".\"demo\".\"events\" EXECUTE optimize_manifests {}",
                "ALTER TABLE \"ice\".\"demo\".\"clicks\" EXECUTE optimize_manifests {}");
    }

    @Test
    void testDryRunRunsNoneOfThem()
    {
        RecordingEngine engine = new RecordingEngine(Optional.empty());
        CompactionOptions dryRun = new CompactionOptions(Optional.empty(), COMPACTION.policy(), Verification.CHECKSUM, true);
        SchemaMaintenance.Result result = new SchemaMaintenance(context(engine, Optional.of("ice"))).maintain(List.of(row(EVENTS, HealthFix.Procedure.OPTIMIZE, HealthFix.Procedure.OPTIMIZE_MANIFESTS)), dryRun);
        assertThat(result.failures()).isEmpty();
        assertThat(engine.statements).isEmpty();
    }

    @Test
    void testFailureStopsOnlyItsTablesFix()
    {
        RecordingEngine engine = new RecordingEngine(Optional.of("\"events\" EXECUTE optimize(file_size_threshold => '0B')"));
        SchemaMaintenance.Result result = new SchemaMaintenance(context(engine, Optional.of("ice"))).maintain(List.of(
                row(EVENTS, HealthFix.Procedure.OPTIMIZE, HealthFix.Procedure.OPTIMIZE_MANIFESTS),
                row(CLICKS, HealthFix.Procedure.OPTIMIZE_MANIFESTS)), COMPACTION);
        assertThat(result.failures()).containsExactly(Map.entry("events", "optimize failed: refused"));
        assertThat(engine.statements).containsExactly("ALTER TABLE \"ice\".\"demo\".\"clicks\" EXECUTE optimize_manifests {}");

        // without an Iceberg catalog (Hive), the statement cannot run: the table fails, naming it
        SchemaMaintenance.Result hive = new SchemaMaintenance(context(new RecordingEngine(Optional.empty()), Optional.empty())).maintain(List.of(row(EVENTS, HealthFix.Procedure.OPTIMIZE_MANIFESTS)), COMPACTION);
        assertThat(hive.failures()).containsExactly(Map.entry("events", "optimize_manifests failed: optimize_manifests runs only through Trino"));
    }

    private static TableHealthRow row(TableReference table, HealthFix.Procedure... procedures)
    {
        List<HealthFix> fixes = new ArrayList<>();
        for (HealthFix.Procedure procedure : procedures) {
            fixes.add(HealthFix.of(procedure, table));
        }
        return new TableHealthRow(table, TableType.ICEBERG, HealthStatus.WARN, List.of("reason"), List.of("statement"), Optional.empty(), OptionalLong.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), fixes);
    }

    private static MaintenanceContext context(SqlEngine engine, Optional<String> icebergCatalog)
    {
        InMemoryMetastore metastore = new InMemoryMetastore();
        NioFileStore fileStore = new NioFileStore();
        Executor direct = Runnable::run;
        return new MaintenanceContext(metastore, fileStore, engine, new OperationJournal(fileStore, metastore, Optional.empty()), new TableLocks(), Optional.of("hive"), icebergCatalog, "alice",
                (catalog, size) -> Map.of("sized", String.valueOf(size >> 20)), Clock.systemUTC(), FaultInjector.NONE, direct);
    }

    /**
     * Records each statement with its session properties; refuses those containing {@code failing}.
     */
    private static final class RecordingEngine
            implements SqlEngine
    {
        private final Optional<String> failing;
        private final List<String> statements = new ArrayList<>();

        private RecordingEngine(Optional<String> failing)
        {
            this.failing = failing;
        }

        @Override
        public SqlDialect dialect()
        {
            return SqlDialect.TRINO;
        }

        @Override
        public List<List<Object>> query(String sql, Map<String, String> sessionProperties)
        {
            throw new AssertionError("maintain_schema queried: " + sql);
        }

        @Override
        public long update(String sql, Map<String, String> sessionProperties)
        {
            if (failing.isPresent() && sql.endsWith(failing.get())) {
                throw new IllegalStateException("refused");
            }
            statements.add(sql + " " + sessionProperties);
            return 0;
        }
    }
}
