package io.dredge.trino.changes;

import com.google.inject.Inject;
import io.dredge.core.changes.ChangedPartitions;
import io.dredge.core.changes.PartitionChange;
import io.dredge.trino.DredgeMaintenance;
import io.trino.spi.Page;
import io.trino.spi.PageBuilder;
import io.trino.spi.block.BlockBuilder;
import io.trino.spi.connector.ColumnHandle;
import io.trino.spi.connector.ConnectorPageSource;
import io.trino.spi.connector.ConnectorPageSourceProvider;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorSplit;
import io.trino.spi.connector.ConnectorTableCredentials;
import io.trino.spi.connector.ConnectorTableHandle;
import io.trino.spi.connector.ConnectorTransactionHandle;
import io.trino.spi.connector.DynamicFilter;
import io.trino.spi.connector.FixedPageSource;
import io.trino.spi.type.Type;

import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import static java.util.Objects.requireNonNull;

/**
 * Reads the changes of a planned {@code changed_partitions} call on the worker that runs its one split, in the
 * partitions the pushed-down filter takes, and produces them as one page of the columns asked for.
 */
public class ChangedPartitionsPageSourceProvider
        implements ConnectorPageSourceProvider
{
    private final DredgeMaintenance maintenance;

    @Inject
    public ChangedPartitionsPageSourceProvider(DredgeMaintenance maintenance)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
    }

    @Override
    public ConnectorPageSource createPageSource(
            ConnectorTransactionHandle transaction,
            ConnectorSession session,
            ConnectorSplit split,
            ConnectorTableHandle table,
            Optional<ConnectorTableCredentials> credentials,
            List<ColumnHandle> columns,
            DynamicFilter dynamicFilter)
    {
        ChangedPartitionsTableHandle changes = (ChangedPartitionsTableHandle) table;
        ChangedPartitions.Plan plan = changes.function().plan();
        ChangedPartitionsColumns answer = changes.columns();
        List<PartitionChange> rows = DredgeMaintenance.run(() -> ChangedPartitions.changes(maintenance.readingContext(session), plan, answer.filter(changes.constraint())));
        if (rows.isEmpty()) {
            return new FixedPageSource(List.of());
        }
        Page page = page(answer, rows, plan.range().resumeToken().encode());
        int[] channels = columns.stream().mapToInt(column -> ((ChangedPartitionsColumnHandle) column).ordinal()).toArray();
        return new FixedPageSource(List.of(page.getColumns(channels)));
    }

    private static Page page(ChangedPartitionsColumns columns, List<PartitionChange> rows, String resumeToken)
    {
        List<Type> types = columns.types();
        PageBuilder page = new PageBuilder(rows.size(), types);
        List<BlockBuilder> builders = IntStream.range(0, types.size()).mapToObj(page::getBlockBuilder).toList();
        for (PartitionChange row : rows) {
            page.declarePosition();
            columns.write(row, resumeToken, builders);
        }
        return page.build();
    }
}
