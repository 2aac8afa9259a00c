package io.dredge.trino;

import com.google.inject.Injector;
import io.airlift.bootstrap.Bootstrap;
import io.airlift.json.JsonModule;
import io.dredge.trino.catalog.MetastoreModule;
import io.trino.filesystem.manager.FileSystemModule;
import io.trino.plugin.base.ConnectorContextModule;
import io.trino.plugin.base.jmx.ConnectorObjectNameGeneratorModule;
import io.trino.plugin.base.jmx.MBeanServerModule;
import io.trino.spi.classloader.ThreadContextClassLoader;
import io.trino.spi.connector.Connector;
import io.trino.spi.connector.ConnectorContext;
import io.trino.spi.connector.ConnectorFactory;
import org.weakref.jmx.guice.MBeanModule;

import java.util.Map;

import static io.trino.plugin.base.Versions.checkStrictSpiVersionMatch;

/**
 * Builds the dredge connector from the same metastore and file-system modules as Trino's Hive connector, so
 * a catalog file takes the same {@code hive.metastore*}, {@code fs.*}, {@code s3.*} ... properties.
 */
public class DredgeConnectorFactory
        implements ConnectorFactory
{
    @Override
    public String getName()
    {
        return "dredge";
    }

    @Override
    public Connector create(String catalogName, Map<String, String> config, ConnectorContext context)
    {
        checkStrictSpiVersionMatch(context, this);
        try (ThreadContextClassLoader _ = new ThreadContextClassLoader(DredgeConnectorFactory.class.getClassLoader())) {
            Bootstrap app = new Bootstrap(
                    "io.dredge.bootstrap.catalog." + catalogName,
                    new MBeanModule(),
                    new MBeanServerModule(),
                    new ConnectorObjectNameGeneratorModule("io.dredge.trino", "dredge"),
                    new JsonModule(),
                    new MetastoreModule(),
                    new FileSystemModule(catalogName, context, false),
                    new ConnectorContextModule(catalogName, context),
                    new DredgeModule());

            Injector injector = app
                    .doNotInitializeLogging()
                    .disableSystemProperties()
                    .setRequiredConfigurationProperties(config)
                    .initialize();

            return injector.getInstance(DredgeConnector.class);
        }
    }
}
