package io.dredge.trino.system;

import com.google.common.collect.ImmutableSet;
import io.airlift.slice.Slice;
import io.dredge.core.model.TableReference;
import io.dredge.core.report.SmallFileReport;
import io.trino.spi.connector.ConnectorAccessControl;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.predicate.Domain;
import io.trino.spi.predicate.TupleDomain;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.collect.ImmutableSet.toImmutableSet;

/**
 * What the system tables share to narrow their rows: the values a constraint pins a column to, and the tables a
 * user may see.
 */
final class SystemTableFilters
{
    private SystemTableFilters() {}

    /**
     * The values a column is restricted to, when the constraint names a discrete set of them.
     */
    static Optional<Set<String>> varcharValues(TupleDomain<Integer> constraint, int column)
    {
        if (constraint.isNone()) {
            return Optional.of(ImmutableSet.of());
        }
        Domain domain = constraint.getDomains().orElseThrow().get(column);
        if (domain == null || !domain.getValues().isDiscreteSet()) {
            return Optional.empty();
        }
        return Optional.of(domain.getValues().getDiscreteSet().stream()
                .map(value -> ((Slice) value).toStringUtf8())
                .collect(toImmutableSet()));
    }

    /**
     * The tables the calling user may see, as the engine's access control (file-based, Ranger, OPA ...) decides
     * for the tables' own listings.
     */
    static Set<TableReference> visibleTables(ConnectorAccessControl accessControl, Collection<TableReference> tables)
    {
        // the engine's access control takes no security context from a system table: it knows the session
        Set<SchemaTableName> visible = accessControl.filterTables(null, tables.stream()
                .map(table -> new SchemaTableName(table.schemaName(), table.tableName()))
                .collect(toImmutableSet()));
        return visible.stream()
                .map(name -> new TableReference(name.getSchemaName(), name.getTableName()))
                .collect(toImmutableSet());
    }

    /**
     * The tables the filters on {@code schema_name} and {@code table_name} name that the calling user may see, in
     * name order: what a report over tables lists.
     */
    static List<TableReference> visibleTables(ConnectorAccessControl accessControl, SmallFileReport report, TupleDomain<Integer> constraint, int schemaColumn, int tableColumn)
    {
        return visibleTables(accessControl, report.tables(varcharValues(constraint, schemaColumn), varcharValues(constraint, tableColumn))).stream()
                .sorted(Comparator.comparing(TableReference::toString))
                .collect(toImmutableList());
    }
}
