package io.dredge.core.maintenance;

import io.dredge.core.compaction.CompactionOptions;
import io.dredge.core.compaction.Recovery;
import io.dredge.core.compaction.Verification;
import io.dredge.core.files.LocalFileCopier;
import io.dredge.core.iceberg.FileStoreFileIo;
import io.dredge.core.journal.OperationJournal;
import io.dredge.core.journal.OperationKind;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.OperationState;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.model.TableType;
import io.dredge.core.operation.FaultInjector;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.operation.ProtocolStep;
import io.dredge.core.operation.TableLocks;
import io.dredge.core.port.SqlEngine;
import io.dredge.core.report.HealthFix;
import io.dredge.core.report.HealthStatus;
import io.dredge.core.report.SmallFilePolicy;
import io.dredge.core.report.TableHealthRow;
import io.dredge.core.sql.SqlDialect;
import io.dredge.core.testing.InMemoryMetastore;
import io.dredge.core.testing.NioFileStore;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.OptionalLong;
import java.util.concurrent.Executor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code maintain_schema}'s part that reads no rows: Trino's own table procedures of a fix run through the engine, in
 * the fix's order, one statement each, each an operation of its own; in a dry run journaled and not run; a failing one
 * stops only its table's fix. The tables are Iceberg tables without snapshots, whose rows need no verification.
 */
class TestSchemaMaintenance
{
    private static final TableReference EVENTS = new TableReference("demo", "events");
    private static final TableReference CLICKS = new TableReference("demo", "clicks");
    private static final CompactionOptions COMPACTION = new CompactionOptions(Optional.empty(), new SmallFilePolicy(64L << 20, 10), Verification.CHECKSUM, false);

    @TempDir
    private Path directory;

    @Test
    void testTrinosTableProceduresRunThroughTheEngineInTheFixsOrder()
    {
        RecordingEngine engine = new RecordingEngine(Optional.empty());
        SchemaMaintenance.Result result = new SchemaMaintenance(context(engine, Optional.of("ice"))).maintain(List.of(
                row(EVENTS, HealthFix.Procedure.OPTIMIZE, HealthFix.Procedure.OPTIMIZE_MANIFESTS),
                row(CLICKS, HealthFix.Procedure.OPTIMIZE_MANIFESTS)), COMPACTION);
        assertThat(result.failures()).isEmpty();
        assertThat(engine.statements).containsExactly(
                "ALTER TABLE \"ice\".\"demo\".\"events\" EXECUTE optimize(file_size_threshold => '0B') {sized=64}",
                "ALTER TABLE \"ice\".\"demo\".\"events\" EXECUTE optimize_manifests {}",
                "ALTER TABLE \"ice\".\"demo\".\"clicks\" EXECUTE optimize_manifests {}");
        // each its own operation, held and journaled like Dredge's own
        assertThat(result.operations()).extracting(record -> record.kind() + " " + record.table().tableName() + " " + record.state() + ": " + record.step()).containsExactly(
                "REWRITE events SUCCEEDED: ran ALTER TABLE \"ice\".\"demo\".\"events\" EXECUTE optimize(file_size_threshold => '0B'): no data file was rewritten",
                "REWRITE events SUCCEEDED: ran ALTER TABLE \"ice\".\"demo\".\"events\" EXECUTE optimize_manifests: no data file was rewritten",
                "REWRITE clicks SUCCEEDED: ran ALTER TABLE \"ice\".\"demo\".\"clicks\" EXECUTE optimize_manifests: no data file was rewritten");
    }

    @Test
    void testDryRunRunsNoneOfThem()
    {
        RecordingEngine engine = new RecordingEngine(Optional.empty());
        CompactionOptions dryRun = new CompactionOptions(Optional.empty(), COMPACTION.policy(), Verification.CHECKSUM, true);
        SchemaMaintenance.Result result = new SchemaMaintenance(context(engine, Optional.of("ice"))).maintain(List.of(row(EVENTS, HealthFix.Procedure.OPTIMIZE, HealthFix.Procedure.OPTIMIZE_MANIFESTS)), dryRun);
        assertThat(result.failures()).isEmpty();
        assertThat(engine.statements).isEmpty();
        assertThat(result.operations()).extracting(record -> record.state() + ": " + record.step()).containsExactly(
                "PLANNED: dry run: would run ALTER TABLE \"ice\".\"demo\".\"events\" EXECUTE optimize(file_size_threshold => '0B')",
                "PLANNED: dry run: would run ALTER TABLE \"ice\".\"demo\".\"events\" EXECUTE optimize_manifests");
    }

    @Test
    void testFailureStopsOnlyItsTablesFix()
    {
        RecordingEngine engine = new RecordingEngine(Optional.of("\"events\" EXECUTE optimize(file_size_threshold => '0B')"));
        MaintenanceContext context = context(engine, Optional.of("ice"));
        SchemaMaintenance.Result result = new SchemaMaintenance(context).maintain(List.of(
                row(EVENTS, HealthFix.Procedure.OPTIMIZE, HealthFix.Procedure.OPTIMIZE_MANIFESTS),
                row(CLICKS, HealthFix.Procedure.OPTIMIZE_MANIFESTS)), COMPACTION);
        assertThat(result.failures()).containsExactly(Map.entry("events", "optimize failed: refused"));
        assertThat(engine.statements).containsExactly("ALTER TABLE \"ice\".\"demo\".\"clicks\" EXECUTE optimize_manifests {}");
        assertThat(context.journal().list(EVENTS)).extracting(record -> record.state() + " " + record.error().orElse("")).containsExactly("FAILED refused");

        // without an Iceberg catalog (Hive), the statement cannot run: the table fails, naming it
        SchemaMaintenance.Result hive = new SchemaMaintenance(context(new RecordingEngine(Optional.empty()), Optional.empty())).maintain(List.of(row(EVENTS, HealthFix.Procedure.OPTIMIZE_MANIFESTS)), COMPACTION);
        assertThat(hive.failures()).containsExactly(Map.entry("events", "optimize_manifests failed: optimize_manifests runs only through Trino"));
    }

    @Test
    void testRewriteThatACrashInterruptedIsVerifiedByRecover()
    {
        MaintenanceContext crashing = context(new RecordingEngine(Optional.empty()), Optional.of("ice"), FaultInjector.failAt(ProtocolStep.WRITTEN, 1));
        SchemaMaintenance.Result result = new SchemaMaintenance(crashing).maintain(List.of(row(EVENTS, HealthFix.Procedure.OPTIMIZE_MANIFESTS)), COMPACTION);
        assertThat(result.failures()).containsOnlyKeys("events");
        assertThat(crashing.journal().listRunning(EVENTS)).singleElement().satisfies(record -> assertThat(record.kind()).isEqualTo(OperationKind.REWRITE));

        OperationRecord recovered = new Recovery(crashing).recover(EVENTS);
        assertThat(recovered.state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(crashing.journal().listRunning(EVENTS)).isEmpty();
        assertThat(crashing.journal().list(EVENTS)).filteredOn(record -> record.kind() == OperationKind.REWRITE).singleElement().satisfies(record -> {
            assertThat(record.state()).isEqualTo(OperationState.RECOVERED);
            assertThat(record.step()).isEqualTo("ran the interrupted statement: no data file was rewritten (interrupted; verified by recover)");
        });
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

    private MaintenanceContext context(SqlEngine engine, Optional<String> icebergCatalog)
    {
        return context(engine, icebergCatalog, FaultInjector.NONE);
    }

    private MaintenanceContext context(SqlEngine engine, Optional<String> icebergCatalog, FaultInjector faults)
    {
        InMemoryMetastore metastore = new InMemoryMetastore();
        NioFileStore fileStore = new NioFileStore();
        String schema = directory.resolve("demo").toUri().toString();
        metastore.createSchema("demo", schema);
        for (TableReference table : List.of(EVENTS, CLICKS)) {
            String location = schema + table.tableName();
            String metadataLocation = location + "/metadata/00000-first.metadata.json";
            TableMetadata metadata = TableMetadata.newTableMetadata(new Schema(Types.NestedField.required(1, "id", Types.LongType.get())), PartitionSpec.unpartitioned(), location, Map.of());
            TableMetadataParser.write(metadata, new FileStoreFileIo(fileStore).newOutputFile(metadataLocation));
            metastore.createTable(new TableDescriptor(table, false, Optional.of(location), "PARQUET", List.of("id"), List.of(), List.of(),
                    Map.of(TableDescriptor.ICEBERG_TABLE_TYPE_PROPERTY, "ICEBERG", TableDescriptor.ICEBERG_METADATA_LOCATION_PROPERTY, metadataLocation)), List.of());
            if (engine instanceof RecordingEngine recording) {
                // the engine's catalog reads the same tables
                recording.currentMetadata.put(table.tableName(), metadataLocation);
            }
        }
        Executor direct = Runnable::run;
        return new MaintenanceContext(metastore, fileStore, engine, new OperationJournal(fileStore, metastore, Optional.empty()), new TableLocks(), Optional.of("hive"), icebergCatalog, "alice",
                (catalog, size) -> Map.of("sized", String.valueOf(size >> 20)), Clock.systemUTC(), faults, direct,
                staging -> new LocalFileCopier(fileStore, direct));
    }

    /**
     * Records each statement with its session properties; refuses those containing {@code failing}.
     */
    private static final class RecordingEngine
            implements SqlEngine
    {
        private static final Pattern METADATA_LOG = Pattern.compile("SELECT max_by\\(file, timestamp\\) FROM \"[^\"]+\"\\.\"[^\"]+\"\\.\"([^\"$]+)\\$metadata_log_entries\"");

        private final Optional<String> failing;
        private final List<String> statements = new ArrayList<>();
        private final Map<String, String> currentMetadata = new HashMap<>();

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
            Matcher metadataLog = METADATA_LOG.matcher(sql);
            if (metadataLog.matches()) {
                // the check that the engine's catalog reads the table Dredge found
                return List.of(List.of(currentMetadata.get(metadataLog.group(1))));
            }
            // the access check before each statement; no rows are read (the tables have none)
            assertThat(sql).startsWith("EXPLAIN (TYPE VALIDATE) INSERT INTO ");
            return List.of();
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
