package io.dredge.trino.system;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import io.dredge.core.backup.BackupManifest;
import io.dredge.core.model.TableReference;
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
import java.util.Optional;
import java.util.Set;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static io.dredge.trino.DredgeMetadata.SYSTEM_SCHEMA;
import static io.dredge.trino.system.OperationsSystemTable.timestamp;
import static io.dredge.trino.system.SystemTableFilters.varcharValues;
import static io.dredge.trino.system.SystemTableFilters.visibleTables;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.IntegerType.INTEGER;
import static io.trino.spi.type.TimestampWithTimeZoneType.TIMESTAMP_TZ_MILLIS;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.util.Comparator.comparing;
import static java.util.Objects.requireNonNull;

/**
 * {@code system.backups}: every backup the catalog's backup repository names, with what it holds and what it copied
 * itself. A filter on {@code backup_name} reads only those manifests; a user sees the backups of the tables the
 * engine's access control lets them see.
 */
public class BackupsSystemTable
        implements SystemTable
{
    private static final ConnectorTableMetadata METADATA = new ConnectorTableMetadata(
            new SchemaTableName(SYSTEM_SCHEMA, "backups"),
            ImmutableList.<ColumnMetadata>builder()
                    .add(new ColumnMetadata("backup_name", VARCHAR))
                    .add(new ColumnMetadata("source_catalog", VARCHAR))
                    .add(new ColumnMetadata("source_schema", VARCHAR))
                    .add(new ColumnMetadata("source_table", VARCHAR))
                    .add(new ColumnMetadata("table_type", VARCHAR))
                    .add(new ColumnMetadata("snapshot_id", BIGINT))
                    .add(new ColumnMetadata("partitions", BIGINT))
                    .add(new ColumnMetadata("created_at", TIMESTAMP_TZ_MILLIS))
                    .add(new ColumnMetadata("user_name", VARCHAR))
                    .add(new ColumnMetadata("files", BIGINT))
                    .add(new ColumnMetadata("bytes", BIGINT))
                    .add(new ColumnMetadata("bytes_copied", BIGINT))
                    .add(new ColumnMetadata("rows", BIGINT))
                    .add(new ColumnMetadata("location", VARCHAR))
                    .add(new ColumnMetadata("format_version", INTEGER))
                    .add(new ColumnMetadata("state", VARCHAR))
                    .add(new ColumnMetadata("error_message", VARCHAR))
                    .add(new ColumnMetadata("verification", VARCHAR))
                    .build());

    private static final int BACKUP_NAME = 0;

    private final DredgeMaintenance maintenance;

    @Inject
    public BackupsSystemTable(DredgeMaintenance maintenance)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
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
        Optional<Set<String>> nameFilter = varcharValues(constraint, BACKUP_NAME);
        List<BackupManifest> manifests = DredgeMaintenance.<List<BackupManifest>>run(() -> maintenance.backupRepository(session)
                .map(repository -> nameFilter
                        .<List<BackupManifest>>map(names -> names.stream().flatMap(name -> repository.find(name).stream()).collect(toImmutableList()))
                        .orElseGet(repository::list))
                // without a repository there are no backups
                .orElse(List.of()));
        Set<TableReference> visible = visibleTables(accessControl, manifests.stream().map(BackupManifest::sourceTable).collect(toImmutableSet()));
        InMemoryRecordSet.Builder result = InMemoryRecordSet.builder(METADATA);
        manifests.stream()
                .filter(manifest -> visible.contains(manifest.sourceTable()))
                .sorted(comparing(BackupManifest::createdAt))
                .forEach(manifest -> {
                    Object[] values = manifest.summaryValues();
                    for (int i = 0; i < values.length; i++) {
                        if (values[i] instanceof Instant instant) {
                            values[i] = timestamp(instant);
                        }
                    }
                    result.addRow(values);
                });
        return result.build().cursor();
    }
}
