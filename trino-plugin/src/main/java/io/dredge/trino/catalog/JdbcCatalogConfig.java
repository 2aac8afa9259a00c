package io.dredge.trino.catalog;

import io.airlift.configuration.Config;
import io.airlift.configuration.ConfigDescription;
import io.airlift.configuration.ConfigSecuritySensitive;
import jakarta.validation.constraints.NotNull;

import java.util.Optional;

/**
 * Iceberg's JDBC catalog, with the properties of Trino's Iceberg connector. The driver's jar must be in Dredge's
 * plugin directory.
 */
public class JdbcCatalogConfig
{
    public enum SchemaVersion
    {
        V0,
        V1,
    }

    private String driverClass;
    private String connectionUrl;
    private Optional<String> connectionUser = Optional.empty();
    private Optional<String> connectionPassword = Optional.empty();
    private String catalogName;
    private String defaultWarehouseDir;
    private SchemaVersion schemaVersion = SchemaVersion.V1;

    @NotNull
    public String getDriverClass()
    {
        return driverClass;
    }

    @Config("iceberg.jdbc-catalog.driver-class")
    @ConfigDescription("The JDBC driver's class")
    public JdbcCatalogConfig setDriverClass(String driverClass)
    {
        this.driverClass = driverClass;
        return this;
    }

    @NotNull
    public String getConnectionUrl()
    {
        return connectionUrl;
    }

    @Config("iceberg.jdbc-catalog.connection-url")
    @ConfigSecuritySensitive
    @ConfigDescription("JDBC URL of the catalog's database")
    public JdbcCatalogConfig setConnectionUrl(String connectionUrl)
    {
        this.connectionUrl = connectionUrl;
        return this;
    }

    public Optional<String> getConnectionUser()
    {
        return connectionUser;
    }

    @Config("iceberg.jdbc-catalog.connection-user")
    public JdbcCatalogConfig setConnectionUser(String connectionUser)
    {
        this.connectionUser = Optional.ofNullable(connectionUser);
        return this;
    }

    public Optional<String> getConnectionPassword()
    {
        return connectionPassword;
    }

    @Config("iceberg.jdbc-catalog.connection-password")
    @ConfigSecuritySensitive
    public JdbcCatalogConfig setConnectionPassword(String connectionPassword)
    {
        this.connectionPassword = Optional.ofNullable(connectionPassword);
        return this;
    }

    @NotNull
    public String getCatalogName()
    {
        return catalogName;
    }

    @Config("iceberg.jdbc-catalog.catalog-name")
    @ConfigDescription("The catalog's name in its database (several catalogs can share one)")
    public JdbcCatalogConfig setCatalogName(String catalogName)
    {
        this.catalogName = catalogName;
        return this;
    }

    @NotNull
    public String getDefaultWarehouseDir()
    {
        return defaultWarehouseDir;
    }

    @Config("iceberg.jdbc-catalog.default-warehouse-dir")
    @ConfigDescription("The catalog's warehouse location")
    public JdbcCatalogConfig setDefaultWarehouseDir(String defaultWarehouseDir)
    {
        this.defaultWarehouseDir = defaultWarehouseDir;
        return this;
    }

    @NotNull
    public SchemaVersion getSchemaVersion()
    {
        return schemaVersion;
    }

    @Config("iceberg.jdbc-catalog.schema-version")
    @ConfigDescription("Version of the catalog's tables: V1 (with views) or V0")
    public JdbcCatalogConfig setSchemaVersion(SchemaVersion schemaVersion)
    {
        this.schemaVersion = schemaVersion;
        return this;
    }
}
