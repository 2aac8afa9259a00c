package io.dredge.trino.system;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import io.airlift.log.Logger;
import io.dredge.core.model.TableReference;
import io.dredge.core.report.FileGroupStatistics;
import io.dredge.core.report.SmallFileReport;
import io.dredge.core.report.SmallFilePolicy;
import io.dredge.core.report.SmallFileReportRow;
import io.dredge.trino.DredgeConfig;
import io.dredge.trino.ForListing;
import io.dredge.trino.ForMetastore;
import io.dredge.trino.adapter.TrinoPorts;
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

import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;

import static io.dredge.trino.DredgeMetadata.SYSTEM_SCHEMA;
import static io.dredge.trino.system.SystemTableFilters.visibleTables;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.DoubleType.DOUBLE;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.util.Objects.requireNonNull;

/**
 * {@code system.small_file_report}: one row per table and one per partition, with the small-file figures
 * defined in {@link FileGroupStatistics}. Filters on {@code schema_name} and {@code table_name} narrow what is
 * listed; the engine applies every filter again on the rows.
 */
public class SmallFileReportSystemTable
        implements SystemTable
{
    private static final Logger log = Logger.get(SmallFileReportSystemTable.class);

    private static final int SCHEMA_NAME = 1;
    private static final int TABLE_NAME = 2;

    private static final ConnectorTableMetadata METADATA = new ConnectorTableMetadata(
            new SchemaTableName(SYSTEM_SCHEMA, "small_file_report"),
            ImmutableList.<ColumnMetadata>builder()
                    .add(new ColumnMetadata("catalog_name", VARCHAR))
                    .add(new ColumnMetadata("schema_name", VARCHAR))
                    .add(new ColumnMetadata("table_name", VARCHAR))
                    .add(new ColumnMetadata("partition_name", VARCHAR))
                    .add(new ColumnMetadata("table_type", VARCHAR))
                    .add(new ColumnMetadata("file_format", VARCHAR))
                    .add(new ColumnMetadata("file_count", BIGINT))
                    .add(new ColumnMetadata("total_bytes", BIGINT))
                    .add(new ColumnMetadata("avg_file_bytes", BIGINT))
                    .add(new ColumnMetadata("small_file_count", BIGINT))
                    .add(new ColumnMetadata("ideal_file_count", BIGINT))
                    .add(new ColumnMetadata("compaction_ratio", DOUBLE))
                    .add(new ColumnMetadata("status", VARCHAR))
                    .add(new ColumnMetadata("recommended_action", VARCHAR))
                    .build());

    private final TrinoPorts ports;
    private final ExecutorService listingExecutor;
    private final ExecutorService metastoreExecutor;
    private final SmallFilePolicy policy;
    private final String hiveCatalogName;
    private final String icebergCatalogName;

    @Inject
    public SmallFileReportSystemTable(TrinoPorts ports, @ForListing ExecutorService listingExecutor, @ForMetastore ExecutorService metastoreExecutor, DredgeConfig config)
    {
        this.metastoreExecutor = requireNonNull(metastoreExecutor, "metastoreExecutor is null");
        this.ports = requireNonNull(ports, "ports is null");
        this.listingExecutor = requireNonNull(listingExecutor, "listingExecutor is null");
        this.policy = new SmallFilePolicy(config.getTargetFileSize().toBytes(), config.getCompactionRatioThreshold());
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
            List<SmallFileReportRow> rows = report.rows(tables, policy);
            for (SmallFileReportRow row : rows) {
                addRow(result, row);
            }
            log.debug("small_file_report: %s tables, %s rows in %.1f ms", tables.size(), rows.size(), (System.nanoTime() - start) / 1e6);
        }
        return result.build().cursor();
    }

    private void addRow(InMemoryRecordSet.Builder result, SmallFileReportRow row)
    {
        result.addRow(row.values(switch (row.tableType()) {
            case HIVE -> hiveCatalogName;
            case ICEBERG -> icebergCatalogName;
        }));
    }
}
