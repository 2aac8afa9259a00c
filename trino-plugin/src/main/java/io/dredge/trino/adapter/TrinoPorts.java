package io.dredge.trino.adapter;

import com.google.inject.Inject;
import io.dredge.core.port.CallCancellation;
import io.dredge.core.port.FileStore;
import io.dredge.core.port.Metastore;
import io.dredge.core.port.SqlEngine;
import io.dredge.trino.DredgeConfig;
import io.dredge.trino.ForCancellation;
import io.dredge.trino.ForListing;
import io.trino.filesystem.TrinoFileSystemFactory;
import io.trino.spi.NodeManager;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.security.ConnectorIdentity;

import java.net.URI;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

import static java.util.Objects.requireNonNull;

/**
 * Dredge's ports for one user, built on Trino's metastore and file-system modules: the only place the plugin
 * touches those internal APIs.
 */
public class TrinoPorts
{
    private final MetastorePorts metastorePorts;
    private final TrinoFileSystemFactory fileSystemFactory;
    private final NodeManager nodeManager;
    private final DredgeConfig config;
    private final ExecutorService listingExecutor;
    private final ScheduledExecutorService cancellationExecutor;

    @Inject
    public TrinoPorts(
            MetastorePorts metastorePorts,
            TrinoFileSystemFactory fileSystemFactory,
            NodeManager nodeManager,
            DredgeConfig config,
            @ForListing ExecutorService listingExecutor,
            @ForCancellation ScheduledExecutorService cancellationExecutor)
    {
        this.cancellationExecutor = requireNonNull(cancellationExecutor, "cancellationExecutor is null");
        this.listingExecutor = requireNonNull(listingExecutor, "listingExecutor is null");
        this.metastorePorts = requireNonNull(metastorePorts, "metastorePorts is null");
        this.fileSystemFactory = requireNonNull(fileSystemFactory, "fileSystemFactory is null");
        this.nodeManager = requireNonNull(nodeManager, "nodeManager is null");
        this.config = requireNonNull(config, "config is null");
    }

    /**
     * This cluster, reached over its client protocol as the session's user (impersonated by
     * {@code dredge.engine.user} when one is configured). Its statements belong to the session's query, the
     * procedure's {@code CALL}: they are cancelled when it is.
     */
    public SqlEngine engine(ConnectorSession session)
    {
        String user = session.getUser();
        URI uri = config.getEngineUri().orElseGet(() -> URI.create("http://" + nodeManager.getCurrentNode().getHostAndPort()));
        Properties properties = new Properties();
        properties.setProperty("source", "dredge");
        if (config.getEngineUser().isPresent()) {
            properties.setProperty("user", config.getEngineUser().get());
            properties.setProperty("sessionUser", user);
            config.getEnginePassword().ifPresent(password -> properties.setProperty("password", password));
            if ("https".equalsIgnoreCase(uri.getScheme())) {
                properties.setProperty("SSL", "true");
            }
        }
        else {
            properties.setProperty("user", user);
        }
        String url = jdbcUrl(uri);
        CallCancellation cancellation = new CallCancellation(new TrinoCallSignal(url, properties, session.getQueryId()), cancellationExecutor);
        return new TrinoSqlEngine(url, properties, cancellation);
    }

    /**
     * The JDBC URL of the coordinator at {@code uri}. An address without a port means its scheme's (80 for http,
     * 443 for https), as for any other client of the same address; {@link DredgeConfig} refuses other schemes at
     * startup.
     */
    static String jdbcUrl(URI uri)
    {
        int port = uri.getPort();
        if (port == -1) {
            port = switch (uri.getScheme().toLowerCase(Locale.ROOT)) {
                case "http" -> 80;
                case "https" -> 443;
                default -> throw new IllegalArgumentException("engine URI must be http or https: " + uri);
            };
        }
        return "jdbc:trino://%s:%s".formatted(uri.getHost(), port);
    }

    public Metastore metastore(ConnectorIdentity identity)
    {
        return metastorePorts.metastore(identity);
    }

    public FileStore fileStore(ConnectorIdentity identity)
    {
        return new TrinoFileStore(fileSystemFactory.create(identity), listingExecutor);
    }
}
