package io.dredge.trino.catalog;

import com.google.inject.Binder;
import com.google.inject.Scopes;
import io.airlift.configuration.AbstractConfigurationAwareModule;
import io.dredge.trino.adapter.HiveMetastorePorts;
import io.dredge.trino.adapter.IcebergCatalogPorts;
import io.dredge.trino.adapter.MetastorePorts;
import io.trino.plugin.hive.HideDeltaLakeTables;
import io.trino.plugin.hive.metastore.HiveMetastoreModule;

import java.util.Optional;

import static com.google.inject.Key.get;
import static com.google.inject.multibindings.OptionalBinder.newOptionalBinder;
import static io.airlift.configuration.ConfigBinder.configBinder;

/**
 * Where the catalog finds its tables: the Hive metastore, with the properties of Trino's Hive connector, or an
 * Iceberg catalog of another kind, with the properties of Trino's Iceberg connector.
 */
public class MetastoreModule
        extends AbstractConfigurationAwareModule
{
    @Override
    protected void setup(Binder binder)
    {
        configBinder(binder).bindConfig(IcebergCatalogConfig.class);
        newOptionalBinder(binder, RestCatalogConfig.class);
        newOptionalBinder(binder, JdbcCatalogConfig.class);
        newOptionalBinder(binder, NessieCatalogConfig.class);
        switch (buildConfigObject(IcebergCatalogConfig.class).getCatalogType()) {
            case HIVE_METASTORE -> {
                install(new HiveMetastoreModule(Optional.empty(), false));
                binder.bind(get(boolean.class, HideDeltaLakeTables.class)).toInstance(false);
                binder.bind(MetastorePorts.class).to(HiveMetastorePorts.class).in(Scopes.SINGLETON);
            }
            case REST -> {
                configBinder(binder).bindConfig(RestCatalogConfig.class);
                binder.bind(MetastorePorts.class).to(IcebergCatalogPorts.class).in(Scopes.SINGLETON);
            }
            case JDBC -> {
                configBinder(binder).bindConfig(JdbcCatalogConfig.class);
                binder.bind(MetastorePorts.class).to(IcebergCatalogPorts.class).in(Scopes.SINGLETON);
            }
            case NESSIE -> {
                configBinder(binder).bindConfig(NessieCatalogConfig.class);
                binder.bind(MetastorePorts.class).to(IcebergCatalogPorts.class).in(Scopes.SINGLETON);
            }
        }
    }
}
