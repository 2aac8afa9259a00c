package io.dredge.core.model;

import static java.util.Objects.requireNonNull;

/**
 * A table named by schema and table, as the metastore stores it.
 */
public record TableReference(String schemaName, String tableName)
{
    public TableReference
    {
        requireNonNull(schemaName, "schemaName is null");
        requireNonNull(tableName, "tableName is null");
        if (schemaName.isEmpty() || tableName.isEmpty()) {
            throw new IllegalArgumentException("schema and table names must not be empty");
        }
    }

    @Override
    public String toString()
    {
        return schemaName + "." + tableName;
    }
}
