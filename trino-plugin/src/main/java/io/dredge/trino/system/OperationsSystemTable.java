package io.dredge.trino.system;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.PartitionRecord;
import io.dredge.core.journal.PartitionState;
import io.dredge.trino.DredgeConfig;
import io.dredge.trino.DredgeMaintenance;
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
import java.util.Set;

import static io.dredge.trino.DredgeMetadata.SYSTEM_SCHEMA;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.DateTimeEncoding.packDateTimeWithZone;
import static io.trino.spi.type.TimeZoneKey.UTC_KEY;
import static io.trino.spi.type.TimestampWithTimeZoneType.TIMESTAMP_TZ_MILLIS;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.util.Objects.requireNonNull;

/**
 * {@code system.operations}: every maintenance operation in the journal, running ones included, so that progress
 * is visible while an operation runs. Files and bytes "before" are those of the planned partitions when planned;
 * "after" are what those partitions hold now (rewritten copies where compacted, originals where skipped).
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

    private final DredgeMaintenance maintenance;
    private final String hiveCatalogName;

    @Inject
    public OperationsSystemTable(DredgeMaintenance maintenance, DredgeConfig config)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
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
        List<OperationRecord> records = DredgeMaintenance.run(() -> maintenance.journal(session).listAll());
        InMemoryRecordSet.Builder result = InMemoryRecordSet.builder(METADATA);
        for (OperationRecord record : records) {
            addRow(result, record);
        }
        return result.build().cursor();
    }

    private void addRow(InMemoryRecordSet.Builder result, OperationRecord record)
    {
        List<PartitionRecord> compacted = record.compactedPartitions();
        List<PartitionRecord> planned = record.partitions();
        long filesAfter = 0;
        long bytesAfter = 0;
        for (PartitionRecord partition : planned) {
            boolean onCopy = partition.state() == PartitionState.SWAPPED;
            filesAfter += onCopy ? partition.outputFiles().size() : partition.inputFiles().size();
            bytesAfter += onCopy ? partition.bytesAfter() : partition.bytesBefore();
        }
        result.addRow(
                record.id(),
                record.kind().name(),
                hiveCatalogName,
                record.table().schemaName(),
                record.table().tableName(),
                record.state().name(),
                record.user(),
                timestamp(record.startedAt()),
                record.finishedAt().map(OperationsSystemTable::timestamp).orElse(null),
                record.step(),
                record.targetOperationId().orElse(null),
                record.verification().orElse(null),
                record.partitionsConsidered(),
                (long) planned.size(),
                (long) compacted.size(),
                (long) record.partitionsIn(PartitionState.SKIPPED).size(),
                planned.stream().mapToLong(partition -> partition.inputFiles().size()).sum(),
                planned.stream().mapToLong(PartitionRecord::bytesBefore).sum(),
                filesAfter,
                bytesAfter,
                planned.stream().mapToLong(PartitionRecord::rowsVerified).sum(),
                record.backupTable().orElse(null),
                record.error().orElse(null));
    }

    private static long timestamp(Instant instant)
    {
        return packDateTimeWithZone(instant.toEpochMilli(), UTC_KEY);
    }
}
