package io.dredge.trino.catalog;

import io.airlift.configuration.Config;
import io.airlift.configuration.ConfigDescription;
import jakarta.validation.constraints.NotNull;

/**
 * Where Dredge finds Iceberg tables, with the property of Trino's Iceberg connector: copy the catalog properties of
 * the Iceberg catalog Dredge maintains.
 */
public class IcebergCatalogConfig
{
    public enum CatalogType
    {
        /**
         * A Hive metastore (thrift, Glue, file), which holds the lake's Hive tables too: {@code hive.metastore*}.
         */
        HIVE_METASTORE,
        /**
         * An Iceberg REST catalog: {@code iceberg.rest-catalog.*}.
         */
        REST,
        /**
         * Iceberg's JDBC catalog: {@code iceberg.jdbc-catalog.*}.
         */
        JDBC,
        /**
         * A Nessie repository, on one branch: {@code iceberg.nessie-catalog.*}.
         */
        NESSIE,
    }

    private CatalogType catalogType = CatalogType.HIVE_METASTORE;

    @NotNull
    public CatalogType getCatalogType()
    {
        return catalogType;
    }

    @Config("iceberg.catalog.type")
    @ConfigDescription("The catalog that holds the Iceberg tables: hive_metastore (with the lake's Hive tables), rest, jdbc or nessie, as Trino's Iceberg connector names them")
    public IcebergCatalogConfig setCatalogType(CatalogType catalogType)
    {
        this.catalogType = catalogType;
        return this;
    }
}
