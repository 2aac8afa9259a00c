package io.dredge.trino.changes;

import com.google.inject.Inject;
import io.dredge.core.changes.ChangedPartitions;
import io.dredge.core.changes.PartitionChange;
import io.dredge.trino.DredgeMaintenance;
import io.dredge.trino.adapter.TrinoPorts;
import io.trino.spi.Page;
import io.trino.spi.PageBuilder;
import io.trino.spi.block.BlockBuilder;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorSplit;
import io.trino.spi.connector.ConnectorTableCredentials;
import io.trino.spi.function.table.ConnectorTableFunctionHandle;
import io.trino.spi.function.table.TableFunctionProcessorProvider;
import io.trino.spi.function.table.TableFunctionProcessorState;
import io.trino.spi.function.table.TableFunctionSplitProcessor;
import io.trino.spi.type.Type;

import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import static io.trino.spi.function.table.TableFunctionProcessorState.Finished.FINISHED;
import static io.trino.spi.function.table.TableFunctionProcessorState.Processed.produced;
import static java.util.Objects.requireNonNull;

/**
 * Reads the changes of a planned {@code changed_partitions} call on the worker that runs its one split, from the
 * metadata version the plan fixed, and produces them as one page.
 */
public class ChangedPartitionsProcessorProvider
        implements TableFunctionProcessorProvider
{
    private final TrinoPorts ports;
    private final DredgeMaintenance maintenance;

    @Inject
    public ChangedPartitionsProcessorProvider(TrinoPorts ports, DredgeMaintenance maintenance)
    {
        this.ports = requireNonNull(ports, "ports is null");
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
    }

    @Override
    public TableFunctionSplitProcessor getSplitProcessor(ConnectorSession session, ConnectorTableFunctionHandle handle, Optional<ConnectorTableCredentials> credentials, ConnectorSplit split)
    {
        ChangedPartitionsHandle changes = (ChangedPartitionsHandle) handle;
        return new TableFunctionSplitProcessor()
        {
            private boolean done;

            @Override
            public TableFunctionProcessorState process()
            {
                if (done) {
                    return FINISHED;
                }
                done = true;
                ChangedPartitions.Plan plan = changes.plan();
                List<PartitionChange> rows = DredgeMaintenance.run(() -> ChangedPartitions.changes(ports.fileStore(session.getIdentity()), maintenance.journal(session), plan));
                if (rows.isEmpty()) {
                    return FINISHED;
                }
                return produced(page(new ChangedPartitionsColumns(plan.partitionColumns()), rows, plan.range().resumeToken().encode()));
            }
        };
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
