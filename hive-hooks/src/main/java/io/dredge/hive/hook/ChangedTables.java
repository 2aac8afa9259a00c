package io.dredge.hive.hook;

import io.dredge.core.model.TableReference;
import org.apache.hadoop.hive.ql.hooks.Entity;
import org.apache.hadoop.hive.ql.hooks.ReadEntity;
import org.apache.hadoop.hive.ql.hooks.WriteEntity;
import org.apache.hadoop.hive.ql.metadata.Table;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The existing tables a HiveQL statement changes (their partitions, files, definition or parameters), as Hive's hook
 * context describes the statement: its operation and the entities its analyzer listed. Read from Hive 4.0.1's
 * analyzers:
 * <ul>
 * <li>every table and partition among the outputs is changed, whatever lock its write type asks for: the types that
 * take no lock still change the table ({@code TOUCH} and {@code ANALYZE} rewrite its metastore objects,
 * {@code ARCHIVE} its files, {@code DROP DATABASE ... CASCADE} drops it);</li>
 * <li>an {@code ALTER TABLE} statement also changes the tables it names among its inputs, because Hive lists some
 * changed tables only there: the source table of {@code EXCHANGE PARTITION}, which loses the partition, and the
 * table of {@code PARTITION COLUMN}, {@code INTO ... BUCKETS}, {@code CONVERT TO}, {@code EXECUTE}, and the
 * branch, tag and partition-spec statements. Only inputs the statement names count: {@code ALTER VIEW ... ADD
 * PARTITION} also lists the tables under the view, which it only reads;</li>
 * <li>{@code GRANT} and {@code REVOKE} list the table as an output, but change only the privileges the metastore keeps
 * beside it: nothing.</li>
 * </ul>
 */
final class ChangedTables
{
    // HiveOperation constants' names, compared as text so that the hook loads on any Hive 4.0.x
    private static final List<String> ALTER_TABLE_OPERATION_PREFIXES = List.of("ALTERTABLE_", "ALTERPARTITION_", "ALTERTBLPART_");
    private static final Set<String> PRIVILEGE_OPERATIONS = Set.of("GRANT_PRIVILEGE", "REVOKE_PRIVILEGE");

    private ChangedTables() {}

    /**
     * @param operation the name of the statement's {@code HiveOperation} constant; empty when Hive gives none
     */
    static Set<TableReference> changedTables(Optional<String> operation, Collection<ReadEntity> inputs, Collection<WriteEntity> outputs)
    {
        requireNonNull(operation, "operation is null");
        if (operation.filter(PRIVILEGE_OPERATIONS::contains).isPresent()) {
            return Set.of();
        }
        Set<TableReference> changed = new LinkedHashSet<>();
        for (WriteEntity output : outputs) {
            existingTable(output).ifPresent(changed::add);
        }
        if (operation.filter(ChangedTables::altersTable).isPresent()) {
            for (ReadEntity input : inputs) {
                if (input.isDirect()) {
                    existingTable(input).ifPresent(changed::add);
                }
            }
        }
        return changed;
    }

    private static boolean altersTable(String operation)
    {
        return ALTER_TABLE_OPERATION_PREFIXES.stream().anyMatch(operation::startsWith);
    }

    /**
     * The table of an entity that is a table or a partition (a dynamic partition included); temporary tables live in
     * the session only, so no operation can hold them.
     */
    private static Optional<TableReference> existingTable(Entity entity)
    {
        Table table = switch (entity.getType()) {
            case TABLE, PARTITION, DUMMYPARTITION -> entity.getTable();
            default -> null;
        };
        if (table == null || table.isTemporary()) {
            return Optional.empty();
        }
        return Optional.of(new TableReference(table.getDbName(), table.getTableName()));
    }
}
