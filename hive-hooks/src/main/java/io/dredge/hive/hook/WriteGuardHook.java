package io.dredge.hive.hook;

import io.dredge.core.model.TableReference;
import io.dredge.core.operation.WriteGuard;
import org.apache.hadoop.hive.ql.QueryPlan;
import org.apache.hadoop.hive.ql.hooks.ExecuteWithHookContext;
import org.apache.hadoop.hive.ql.hooks.HookContext;
import org.apache.hadoop.hive.ql.metadata.Hive;
import org.apache.hadoop.hive.ql.metadata.HiveException;
import org.apache.hadoop.hive.ql.metadata.Table;
import org.apache.hadoop.hive.ql.plan.HiveOperation;

import java.util.Optional;
import java.util.Set;

import static io.dredge.hive.hook.ChangedTables.changedTables;

/**
 * The guard: a pre-execution hook ({@code hive.exec.pre.hooks}) that refuses a statement changing a table, or a
 * partition of a table, that a Dredge operation of either engine holds (a compaction swapping its partitions, a backup
 * copying its files), whichever side of the statement the table is on ({@link ChangedTables} says which tables a
 * statement changes). Statements that change no held table run untouched: the hook reads each changed table's
 * parameters once, from the metastore, and lists nothing.
 */
public class WriteGuardHook
        implements ExecuteWithHookContext
{
    @Override
    public void run(HookContext context)
            throws Exception
    {
        // the constant's name: HiveOperation's own names are not all the constants' (ALTER_PARTITION_MERGE)
        Optional<String> operation = Optional.ofNullable(context.getQueryPlan())
                .map(QueryPlan::getOperation)
                .map(HiveOperation::name);
        Set<TableReference> changed = changedTables(operation, context.getInputs(), context.getOutputs());
        if (changed.isEmpty()) {
            return;
        }
        Hive hive = Hive.get(context.getConf());
        for (TableReference table : changed) {
            // read now, not as the statement was compiled: an operation may have started since
            Table current = hive.getTable(table.schemaName(), table.tableName(), false);
            if (current == null) {
                continue;
            }
            Optional<String> refusal = WriteGuard.refusal(table, current.getParameters(), "Hive's " + operation.orElse("statement"));
            if (refusal.isPresent()) {
                throw new HiveException(refusal.get());
            }
        }
    }
}
