package io.dredge.hive.hook;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.dredge.core.location.LocationReaders;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.operation.WriteGuard;
import io.dredge.hive.adapter.HivePorts;
import org.apache.hadoop.hive.ql.QueryPlan;
import org.apache.hadoop.hive.ql.hooks.ExecuteWithHookContext;
import org.apache.hadoop.hive.ql.hooks.HookContext;
import org.apache.hadoop.hive.ql.metadata.Hive;
import org.apache.hadoop.hive.ql.metadata.HiveException;
import org.apache.hadoop.hive.ql.metadata.Table;
import org.apache.hadoop.hive.ql.plan.HiveOperation;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static io.dredge.hive.hook.ChangedTables.changedTables;
import static io.dredge.hive.hook.StatementPaths.paths;
import static io.dredge.hive.hook.StatementPaths.tablesAt;

/**
 * The guard: a pre-execution hook ({@code hive.exec.pre.hooks}) that refuses a statement changing a table, or a
 * partition of a table, that a Dredge operation of either engine holds (a compaction swapping its partitions, a backup
 * copying its files), whichever side of the statement the table is on ({@link ChangedTables} says which tables a
 * statement changes by name), or reaching the table's files by path ({@link StatementPaths}: {@code LOAD DATA INPATH},
 * {@code INSERT OVERWRITE DIRECTORY}, {@code EXPORT}, a {@code LOCATION}). The hook reads each table a statement names
 * once, from the metastore, and lists nothing; only a statement that reaches a path reads every table's and
 * partition's location (one {@link LocationReaders#scan}).
 */
public class WriteGuardHook
        implements ExecuteWithHookContext
{
    // one per HiveServer2, as the hook class is loaded once; threads only while a scan runs
    private static final ExecutorService SCANS = Executors.newCachedThreadPool(new ThreadFactoryBuilder().setDaemon(true).setNameFormat("dredge-guard-scan-%s").build());

    @Override
    public void run(HookContext context)
            throws Exception
    {
        // the constant's name: HiveOperation's own names are not all the constants' (ALTER_PARTITION_MERGE)
        Optional<String> operation = Optional.ofNullable(context.getQueryPlan())
                .map(QueryPlan::getOperation)
                .map(HiveOperation::name);
        String statement = "Hive's " + operation.orElse("statement");
        Set<TableReference> changed = changedTables(operation, context.getInputs(), context.getOutputs());
        if (!changed.isEmpty()) {
            Hive hive = Hive.get(context.getConf());
            for (TableReference table : changed) {
                // read now, not as the statement was compiled: an operation may have started since
                Table current = hive.getTable(table.schemaName(), table.tableName(), false);
                if (current != null) {
                    refuseIfHeld(table, current.getParameters(), statement);
                }
            }
        }
        List<String> paths = paths(operation, context.getInputs(), context.getOutputs());
        if (!paths.isEmpty()) {
            // a client of its own: the session's keeps what it read while the statement compiled
            try (HivePorts ports = HivePorts.of(context.getConf())) {
                for (TableReference table : tablesAt(paths, LocationReaders.scan(ports.metastore(), SCANS))) {
                    if (!changed.contains(table)) {
                        Optional<TableDescriptor> current = ports.metastore().getTable(table);
                        if (current.isPresent()) {
                            refuseIfHeld(table, current.get().parameters(), statement);
                        }
                    }
                }
            }
        }
    }

    private static void refuseIfHeld(TableReference table, Map<String, String> parameters, String statement)
            throws HiveException
    {
        Optional<String> refusal = WriteGuard.refusal(table, parameters, statement);
        if (refusal.isPresent()) {
            throw new HiveException(refusal.get());
        }
    }
}
