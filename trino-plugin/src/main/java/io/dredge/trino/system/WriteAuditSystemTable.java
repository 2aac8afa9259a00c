package io.dredge.trino.system;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import io.dredge.core.audit.WriteAudit;
import io.dredge.core.audit.WriteAuditLog;
import io.dredge.core.audit.WrittenFiles;
import io.dredge.core.model.TableReference;
import io.dredge.core.port.Metastore;
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
import static io.dredge.trino.system.OperationsSystemTable.timestamp;
import static io.dredge.trino.system.SystemTableFilters.varcharValues;
import static io.dredge.trino.system.SystemTableFilters.visibleTables;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.TimestampWithTimeZoneType.TIMESTAMP_TZ_MILLIS;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.util.Objects.requireNonNull;

/**
 * {@code system.write_audit}: the files each write left in the partitions it wrote, as engines' write hooks record
 * them (Hive's audit hook), oldest first, a row per partition. Filters on {@code schema_name} and {@code table_name}
 * read only those records; a user sees the records of the tables the engine's access control lets them see.
 */
public class WriteAuditSystemTable
        implements SystemTable
{
    private static final ConnectorTableMetadata METADATA = new ConnectorTableMetadata(
            new SchemaTableName(SYSTEM_SCHEMA, "write_audit"),
            ImmutableList.<ColumnMetadata>builder()
                    .add(new ColumnMetadata("schema_name", VARCHAR))
                    .add(new ColumnMetadata("table_name", VARCHAR))
                    .add(new ColumnMetadata("partition_name", VARCHAR))
                    .add(new ColumnMetadata("query_id", VARCHAR))
                    .add(new ColumnMetadata("user_name", VARCHAR))
                    .add(new ColumnMetadata("written_at", TIMESTAMP_TZ_MILLIS))
                    .add(new ColumnMetadata("file_count", BIGINT))
                    .add(new ColumnMetadata("total_bytes", BIGINT))
                    .add(new ColumnMetadata("status", VARCHAR))
                    .build());

    private static final int SCHEMA_NAME = 0;
    private static final int TABLE_NAME = 1;

    private final TrinoPorts ports;

    @Inject
    public WriteAuditSystemTable(TrinoPorts ports)
    {
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
        Optional<Set<String>> schemaFilter = varcharValues(constraint, SCHEMA_NAME);
        Optional<Set<String>> tableFilter = varcharValues(constraint, TABLE_NAME);
        List<WriteAudit> audits = DredgeMaintenance.run(() -> {
            Metastore metastore = ports.metastore(session.getIdentity());
            WriteAuditLog log = new WriteAuditLog(ports.fileStore(session.getIdentity()), metastore);
            return metastore.listSchemas().stream()
                    .filter(schema -> schemaFilter.map(schemas -> schemas.contains(schema)).orElse(true))
                    .flatMap(schema -> tableFilter
                            .map(tables -> tables.stream().flatMap(table -> log.read(schema, Optional.of(table)).stream()))
                            .orElseGet(() -> log.read(schema, Optional.empty()).stream()))
                    .collect(toImmutableList());
        });
        Set<TableReference> visible = visibleTables(accessControl, audits.stream().map(WriteAudit::table).collect(toImmutableSet()));
        InMemoryRecordSet.Builder result = InMemoryRecordSet.builder(METADATA);
        for (WriteAudit audit : audits) {
            if (!visible.contains(audit.table())) {
                continue;
            }
            for (WrittenFiles written : audit.written()) {
                result.addRow(
                        audit.table().schemaName(),
                        audit.table().tableName(),
                        written.partitionName().orElse(null),
                        audit.queryId(),
                        audit.user(),
                        timestamp(audit.writtenAt()),
                        written.fileCount(),
                        written.totalBytes(),
                        written.status().name());
            }
        }
        return result.build().cursor();
    }
}
