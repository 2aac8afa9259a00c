package io.dredge.hive.hook;

import io.dredge.core.compaction.WriteGuard;
import io.dredge.core.model.TableReference;
import org.apache.hadoop.hive.ql.hooks.ExecuteWithHookContext;
import org.apache.hadoop.hive.ql.hooks.HookContext;
import org.apache.hadoop.hive.ql.hooks.WriteEntity;
import org.apache.hadoop.hive.ql.metadata.Hive;
import org.apache.hadoop.hive.ql.metadata.HiveException;
import org.apache.hadoop.hive.ql.metadata.Table;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The guard: a pre-execution hook ({@code hive.exec.pre.hooks}) that refuses a statement writing a table, or a
 * partition of a table, that a Dredge operation of either engine holds (a compaction swapping its partitions, a backup
 * copying its files). Statements that write no held table run untouched: the hook reads each written table's
 * parameters once, from the metastore, and lists nothing.
 */
public class WriteGuardHook
        implements ExecuteWithHookContext
{
    @Override
    public void run(HookContext context)
            throws Exception
    {
        Set<TableReference> written = new LinkedHashSet<>();
        for (WriteEntity output : context.getOutputs()) {
            writtenTable(output).ifPresent(written::add);
        }
        if (written.isEmpty()) {
            return;
        }
        Hive hive = Hive.get(context.getConf());
        for (TableReference table : written) {
            // read now, not as the statement was compiled: an operation may have started since
            Table current = hive.getTable(table.schemaName(), table.tableName(), false);
            if (current == null) {
                continue;
            }
            Optional<String> refusal = WriteGuard.refusal(table, current.getParameters());
            if (refusal.isPresent()) {
                throw new HiveException(refusal.get());
            }
        }
    }

    /**
     * The existing table a write entity changes: itself, or the table of a partition it writes (a dynamic partition
     * included). Metadata-only changes that take no lock (table properties, statistics) are not writes here.
     */
    private static Optional<TableReference> writtenTable(WriteEntity output)
    {
        if (output.getWriteType() == WriteEntity.WriteType.DDL_NO_LOCK) {
            return Optional.empty();
        }
        Table table = switch (output.getType()) {
            case TABLE, PARTITION, DUMMYPARTITION -> output.getTable();
            default -> null;
        };
        if (table == null || table.isTemporary()) {
            return Optional.empty();
        }
        return Optional.of(new TableReference(table.getDbName(), table.getTableName()));
    }
}
