package io.dredge.core.model;

/**
 * How a table's data files are tracked: by directory listing (Hive) or by table metadata (Iceberg).
 */
public enum TableType
{
    HIVE,
    ICEBERG,
}
