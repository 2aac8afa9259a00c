package io.dredge.trino.system;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import io.airlift.log.Logger;
import io.dredge.core.hygiene.OrphanRemoval;
import io.dredge.core.model.TableReference;
import io.dredge.core.report.SmallFileReport;
import io.dredge.core.report.TableHealth;
import io.dredge.core.report.TableHealthRow;
import io.dredge.trino.DredgeConfig;
import io.dredge.trino.DredgeMaintenance;
import io.dredge.trino.ForListing;
import io.dredge.trino.ForMetastore;
import io.dredge.trino.adapter.TrinoPorts;
import io.trino.spi.block.Block;
import io.trino.spi.block.BlockBuilder;
import io.trino.spi.catalog.CatalogName;
import io.trino.spi.classloader.ThreadContextClassLoader;
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
import io.trino.spi.type.ArrayType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;

import static io.dredge.trino.DredgeMetadata.SYSTEM_SCHEMA;
import static io.dredge.trino.system.SystemTableFilters.visibleTables;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.DoubleType.DOUBLE;
import static io.trino.spi.type.TimestampWithTimeZoneType.TIMESTAMP_TZ_MILLIS;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.util.Objects.requireNonNull;

/**
 * {@code system.table_health}: one row per Hive and Iceberg table, judged by {@link TableHealth} from metadata,
 * listings and the journal, never from the data. Filters on {@code schema_name} and {@code table_name} narrow what
 * is listed; the engine applies every filter again on the rows.
 */
public class TableHealthSystemTable
        implements SystemTable
{
    private static final Logger log = Logger.get(TableHealthSystemTable.class);

    private static final int SCHEMA_NAME = 1;
    private static final int TABLE_NAME = 2;
    private static final ArrayType TEXTS = new ArrayType(VARCHAR);

    private static final ConnectorTableMetadata METADATA = new ConnectorTableMetadata(
            new SchemaTableName(SYSTEM_SCHEMA, "table_health"),
            ImmutableList.<ColumnMetadata>builder()
                    .add(new ColumnMetadata("catalog_name", VARCHAR))
                    .add(new ColumnMetadata("schema_name", VARCHAR))
                    .add(new ColumnMetadata("table_name", VARCHAR))
                    .add(new ColumnMetadata("table_type", VARCHAR))
                    .add(new ColumnMetadata("status", VARCHAR))
                    .add(new ColumnMetadata("reasons", TEXTS))
                    .add(new ColumnMetadata("fix", TEXTS))
                    .add(new ColumnMetadata("files", BIGINT))
                    .add(new ColumnMetadata("small_files", BIGINT))
                    .add(new ColumnMetadata("total_bytes", BIGINT))
                    .add(new ColumnMetadata("avg_file_bytes", BIGINT))
                    .add(new ColumnMetadata("partitions", BIGINT))
                    .add(new ColumnMetadata("delete_files", BIGINT))
                    .add(new ColumnMetadata("deleted_row_share", DOUBLE))
                    .add(new ColumnMetadata("snapshots", BIGINT))
                    .add(new ColumnMetadata("oldest_snapshot_at", TIMESTAMP_TZ_MILLIS))
                    .add(new ColumnMetadata("manifests", BIGINT))
                    .add(new ColumnMetadata("avg_manifest_bytes", BIGINT))
                    .add(new ColumnMetadata("running_operation_id", VARCHAR))
                    .add(new ColumnMetadata("last_compaction_at", TIMESTAMP_TZ_MILLIS))
                    .add(new ColumnMetadata("last_backup_at", TIMESTAMP_TZ_MILLIS))
                    .add(new ColumnMetadata("last_expiry_at", TIMESTAMP_TZ_MILLIS))
                    .add(new ColumnMetadata("orphan_files", BIGINT))
                    .add(new ColumnMetadata("orphan_bytes", BIGINT))
                    .build());

    private final DredgeMaintenance maintenance;
    private final TrinoPorts ports;
    private final ExecutorService listingExecutor;
    private final ExecutorService metastoreExecutor;
    private final TableHealth health;
    private final String hiveCatalogName;
    private final String icebergCatalogName;

    @Inject
    public TableHealthSystemTable(
            DredgeMaintenance maintenance,
            TrinoPorts ports,
            @ForListing ExecutorService listingExecutor,
            @ForMetastore ExecutorService metastoreExecutor,
            CatalogName catalogName,
            DredgeConfig config)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
        this.ports = requireNonNull(ports, "ports is null");
        this.listingExecutor = requireNonNull(listingExecutor, "listingExecutor is null");
        this.metastoreExecutor = requireNonNull(metastoreExecutor, "metastoreExecutor is null");
        this.health = maintenance.tableHealth(catalogName.toString());
        this.hiveCatalogName = config.getHiveCatalogName();
        this.icebergCatalogName = config.getIcebergCatalogName();
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
        InMemoryRecordSet.Builder result = InMemoryRecordSet.builder(METADATA);
        try (ThreadContextClassLoader _ = new ThreadContextClassLoader(getClass().getClassLoader())) {
            long start = System.nanoTime();
            SmallFileReport report = new SmallFileReport(ports.metastore(session.getIdentity()), ports.fileStore(session.getIdentity()), listingExecutor, metastoreExecutor);
            List<TableReference> tables = visibleTables(accessControl, report, constraint, SCHEMA_NAME, TABLE_NAME);
            List<TableHealthRow> rows = DredgeMaintenance.run(() -> health.assess(report, tables, maintenance.journal(session), OrphanRemoval.candidates(maintenance.readingContext(session)), Instant.now()));
            rows.forEach(row -> addRow(result, row));
            log.debug("table_health: %s tables in %.1f ms", rows.size(), (System.nanoTime() - start) / 1e6);
        }
        return result.build().cursor();
    }

    private void addRow(InMemoryRecordSet.Builder result, TableHealthRow row)
    {
        List<Object> values = new ArrayList<>(List.of(
                switch (row.tableType()) {
                    case HIVE -> hiveCatalogName;
                    case ICEBERG -> icebergCatalogName;
                },
                row.table().schemaName(),
                row.table().tableName(),
                row.tableType().name(),
                row.status().name(),
                texts(row.reasons()),
                texts(row.fix())));
        for (Object figure : row.figures()) {
            values.add(figure instanceof Instant instant ? OperationsSystemTable.timestamp(instant) : figure);
        }
        result.addRow(values.toArray());
    }

    private static Block texts(List<String> values)
    {
        BlockBuilder builder = VARCHAR.createBlockBuilder(null, values.size());
        values.forEach(value -> VARCHAR.writeString(builder, value));
        return builder.build();
    }
}
