package io.dredge.trino.system;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import io.dredge.core.journal.OperationFile;
import io.dredge.core.journal.OperationJournal;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.model.TableReference;
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

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static io.dredge.trino.DredgeMetadata.SYSTEM_SCHEMA;
import static io.dredge.trino.system.SystemTableFilters.varcharValues;
import static io.dredge.trino.system.SystemTableFilters.visibleTables;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.util.Objects.requireNonNull;

/**
 * {@code system.operation_files}: the files an operation listed, removed, or in a dry run would remove, and why,
 * one row each. A user sees the files of operations on tables the engine's access control lets them see. Filters on
 * {@code operation_id}, {@code schema_name} and {@code table_name} narrow what is read.
 */
public class OperationFilesSystemTable
        implements SystemTable
{
    private static final ConnectorTableMetadata METADATA = new ConnectorTableMetadata(
            new SchemaTableName(SYSTEM_SCHEMA, "operation_files"),
            ImmutableList.<ColumnMetadata>builder()
                    .add(new ColumnMetadata("operation_id", VARCHAR))
                    .add(new ColumnMetadata("kind", VARCHAR))
                    .add(new ColumnMetadata("schema_name", VARCHAR))
                    .add(new ColumnMetadata("table_name", VARCHAR))
                    .add(new ColumnMetadata("path", VARCHAR))
                    .add(new ColumnMetadata("bytes", BIGINT))
                    .add(new ColumnMetadata("reason", VARCHAR))
                    .build());

    private static final int OPERATION_ID = 0;
    private static final int SCHEMA_NAME = 2;
    private static final int TABLE_NAME = 3;

    private final DredgeMaintenance maintenance;
    private final TrinoPorts ports;

    @Inject
    public OperationFilesSystemTable(DredgeMaintenance maintenance, TrinoPorts ports)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
        this.ports = requireNonNull(ports, "ports is null");
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
        Optional<Set<String>> idFilter = varcharValues(constraint, OPERATION_ID);
        Optional<Set<String>> tableFilter = varcharValues(constraint, TABLE_NAME);
        InMemoryRecordSet.Builder result = InMemoryRecordSet.builder(METADATA);
        DredgeMaintenance.run(() -> {
            List<OperationRecord> records = OperationsSystemTable.operations(maintenance, ports, session, varcharValues(constraint, SCHEMA_NAME)).stream()
                    .filter(record -> idFilter.map(ids -> ids.contains(record.id())).orElse(true))
                    .filter(record -> tableFilter.map(tables -> tables.contains(record.table().tableName())).orElse(true))
                    .collect(toImmutableList());
            // an operation's files show as much as its table
            Set<TableReference> visible = visibleTables(accessControl, records.stream().map(OperationRecord::table).collect(toImmutableSet()));
            OperationJournal journal = maintenance.journal(session);
            for (OperationRecord record : records) {
                if (!visible.contains(record.table())) {
                    continue;
                }
                for (OperationFile file : journal.files(record)) {
                    result.addRow(record.id(), record.kind().name(), record.table().schemaName(), record.table().tableName(), file.path(), file.bytes(), file.reason());
                }
            }
            return null;
        });
        return result.build().cursor();
    }
}
