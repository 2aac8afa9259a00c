package io.dredge.trino.system;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import io.dredge.core.journal.OperationJournal;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.OperationSummary;
import io.dredge.core.model.TableReference;
import io.dredge.trino.DredgeConfig;
import io.dredge.trino.DredgeMaintenance;
import io.dredge.trino.adapter.TrinoPorts;
import io.trino.spi.connector.ColumnMetadata;
import io.trino.spi.connector.ConnectorAccessControl;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorSplit;
import io.trino.spi.connector.ConnectorTableMetadata;
import io.trino.spi.connector.ConnectorTransactionHandle;
import io.trino.spi.connector.InMemoryRecordSet;
import io.trino.spi.connector.RecordCursor;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.connector.SystemTable;
import io.trino.spi.predicate.TupleDomain;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static io.dredge.trino.DredgeMetadata.SYSTEM_SCHEMA;
import static io.dredge.trino.system.SystemTableFilters.varcharValues;
import static io.dredge.trino.system.SystemTableFilters.visibleTables;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.DateTimeEncoding.packDateTimeWithZone;
import static io.trino.spi.type.TimeZoneKey.UTC_KEY;
import static io.trino.spi.type.TimestampWithTimeZoneType.TIMESTAMP_TZ_MILLIS;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.util.Comparator.comparing;
import static java.util.Objects.requireNonNull;

/**
 * {@code system.operations}: every maintenance operation in the journal, running ones included, so that progress
 * is visible while an operation runs. Files and bytes "before" are those of the planned partitions when planned;
 * "after" are what those partitions hold now (rewritten copies where compacted, originals where skipped).
 * A user sees the operations of the tables the engine's access control lets them see. Filters on
 * {@code schema_name} and {@code table_name} narrow what is read; the engine applies every filter again on the rows.
 */
public class OperationsSystemTable
        implements SystemTable
{
    private static final ConnectorTableMetadata METADATA = new ConnectorTableMetadata(
            new SchemaTableName(SYSTEM_SCHEMA, "operations"),
            ImmutableList.<ColumnMetadata>builder()
                    .add(new ColumnMetadata("operation_id", VARCHAR))
                    .add(new ColumnMetadata("kind", VARCHAR))
                    .add(new ColumnMetadata("catalog_name", VARCHAR))
                    .add(new ColumnMetadata("schema_name", VARCHAR))
                    .add(new ColumnMetadata("table_name", VARCHAR))
                    .add(new ColumnMetadata("state", VARCHAR))
                    .add(new ColumnMetadata("user_name", VARCHAR))
                    .add(new ColumnMetadata("started_at", TIMESTAMP_TZ_MILLIS))
                    .add(new ColumnMetadata("finished_at", TIMESTAMP_TZ_MILLIS))
                    .add(new ColumnMetadata("step", VARCHAR))
                    .add(new ColumnMetadata("target_operation_id", VARCHAR))
                    .add(new ColumnMetadata("verification", VARCHAR))
                    .add(new ColumnMetadata("partitions_considered", BIGINT))
                    .add(new ColumnMetadata("partitions_planned", BIGINT))
                    .add(new ColumnMetadata("partitions_compacted", BIGINT))
                    .add(new ColumnMetadata("partitions_skipped", BIGINT))
                    .add(new ColumnMetadata("files_before", BIGINT))
                    .add(new ColumnMetadata("bytes_before", BIGINT))
                    .add(new ColumnMetadata("files_after", BIGINT))
                    .add(new ColumnMetadata("bytes_after", BIGINT))
                    .add(new ColumnMetadata("rows_verified", BIGINT))
                    .add(new ColumnMetadata("backup_table", VARCHAR))
                    .add(new ColumnMetadata("error_message", VARCHAR))
                    .build());

    private static final int SCHEMA_NAME = 3;
    private static final int TABLE_NAME = 4;

    private final DredgeMaintenance maintenance;
    private final TrinoPorts ports;
    private final String hiveCatalogName;

    @Inject
    public OperationsSystemTable(DredgeMaintenance maintenance, TrinoPorts ports, DredgeConfig config)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
        this.ports = requireNonNull(ports, "ports is null");
        this.hiveCatalogName = config.getHiveCatalogName();
    }

    @Override
    public Distribution getDistribution()
    {
        return Distribution.SINGLE_COORDINATOR;
    }

    @Override
    public ConnectorTableMetadata getTableMetadata()
    {
        return METADATA;
    }

    @Override
    public RecordCursor cursor(
            ConnectorTransactionHandle transactionHandle,
            ConnectorSession session,
            TupleDomain<Integer> constraint,
            Set<Integer> requiredColumns,
            ConnectorSplit split,
            ConnectorAccessControl accessControl)
    {
        Optional<Set<String>> schemaFilter = varcharValues(constraint, SCHEMA_NAME);
        Optional<Set<String>> tableFilter = varcharValues(constraint, TABLE_NAME);
        List<OperationRecord> records = DredgeMaintenance.run(() -> operations(maintenance, ports, session, schemaFilter)).stream()
                .filter(record -> tableFilter.map(tables -> tables.contains(record.table().tableName())).orElse(true))
                .collect(toImmutableList());
        // an operation shows as much as its table: a user who may not see the table does not see its operations
        Set<TableReference> visible = visibleTables(accessControl, records.stream().map(OperationRecord::table).collect(toImmutableSet()));
        InMemoryRecordSet.Builder result = InMemoryRecordSet.builder(METADATA);
        for (OperationRecord record : records) {
            if (visible.contains(record.table())) {
                addRow(result, record);
            }
        }
        return result.build().cursor();
    }

    /**
     * The journal's operations, oldest first: of the schemas the filter names, or of every schema.
     */
    static List<OperationRecord> operations(DredgeMaintenance maintenance, TrinoPorts ports, ConnectorSession session, Optional<Set<String>> schemaFilter)
    {
        OperationJournal journal = maintenance.journal(session);
        if (schemaFilter.isEmpty()) {
            return journal.listAll();
        }
        // a schema that does not exist has no location, so no journal, to read
        return ports.metastore(session.getIdentity()).listSchemas().stream()
                .filter(schemaFilter.get()::contains)
                .flatMap(schema -> journal.list(schema).stream())
                .sorted(comparing(OperationRecord::id))
                .collect(toImmutableList());
    }

    private void addRow(InMemoryRecordSet.Builder result, OperationRecord record)
    {
        Object[] values = OperationSummary.of(record).values(hiveCatalogName);
        for (int i = 0; i < values.length; i++) {
            if (values[i] instanceof Instant instant) {
                values[i] = timestamp(instant);
            }
        }
        result.addRow(values);
    }

    static long timestamp(Instant instant)
    {
        return packDateTimeWithZone(instant.toEpochMilli(), UTC_KEY);
    }
}
