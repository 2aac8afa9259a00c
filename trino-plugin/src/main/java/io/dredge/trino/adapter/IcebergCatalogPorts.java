package io.dredge.trino.adapter;

import com.google.common.collect.ImmutableMap;
import com.google.inject.Inject;
import io.airlift.log.Logger;
import io.dredge.core.iceberg.CatalogMetastore;
import io.dredge.core.iceberg.FileStoreFileIo;
import io.dredge.core.port.Metastore;
import io.dredge.trino.ForListing;
import io.dredge.trino.catalog.IcebergCatalogConfig;
import io.dredge.trino.catalog.JdbcCatalogConfig;
import io.dredge.trino.catalog.NessieCatalogConfig;
import io.dredge.trino.catalog.RestCatalogConfig;
import io.trino.filesystem.TrinoFileSystemFactory;
import io.trino.spi.TrinoException;
import io.trino.spi.classloader.ThreadContextClassLoader;
import io.trino.spi.security.ConnectorIdentity;
import jakarta.annotation.PreDestroy;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.catalog.SessionCatalog;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.nessie.NessieCatalog;
import org.apache.iceberg.nessie.NessieIcebergClient;
import org.apache.iceberg.rest.HTTPClient;
import org.apache.iceberg.rest.RESTSessionCatalog;
import org.apache.iceberg.rest.RESTUtil;
import org.apache.iceberg.rest.auth.OAuth2Properties;
import org.projectnessie.client.NessieClientBuilder;
import org.projectnessie.client.api.NessieApiV2;
import org.projectnessie.client.auth.BearerAuthenticationProvider;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

import static io.dredge.trino.DredgeErrorCode.DREDGE_CATALOG_UNAVAILABLE;
import static java.lang.Math.toIntExact;
import static java.util.Objects.requireNonNull;

/**
 * An Iceberg catalog that is not a Hive metastore, reached with iceberg-core's own client for its kind, made on first
 * use and made again after a failure: a catalog that is down fails the calls that need it (naming it), not the
 * start of Trino. The catalog reads table metadata as the plugin, not as the calling user; Dredge's own reads of
 * tables and files go through the calling user's file store as before.
 */
public class IcebergCatalogPorts
        implements MetastorePorts
{
    private static final Logger log = Logger.get(IcebergCatalogPorts.class);
    private static final String PLUGIN_IDENTITY = "dredge";

    private final String description;
    private final Supplier<Made> factory;
    private final CatalogMetastore.Traits traits;
    private Optional<Made> made = Optional.empty();

    private record Made(CatalogMetastore.Clients clients, Closeable closer) {}

    @Inject
    public IcebergCatalogPorts(
            IcebergCatalogConfig catalogConfig,
            Optional<RestCatalogConfig> restConfig,
            Optional<JdbcCatalogConfig> jdbcConfig,
            Optional<NessieCatalogConfig> nessieConfig,
            TrinoFileSystemFactory fileSystemFactory,
            @ForListing ExecutorService listingExecutor)
    {
        requireNonNull(fileSystemFactory, "fileSystemFactory is null");
        CatalogMetastore.Traits traits;
        FileIO io = new FileStoreFileIo(new TrinoFileStore(fileSystemFactory.create(ConnectorIdentity.ofUser(PLUGIN_IDENTITY)), listingExecutor));
        switch (catalogConfig.getCatalogType()) {
            case REST -> {
                RestCatalogConfig rest = restConfig.orElseThrow();
                description = "Iceberg REST catalog " + rest.getUri();
                factory = () -> rest(rest, io);
                traits = CatalogMetastore.Traits.plain(String.join("|", "rest", normalized(rest.getUri()), rest.getWarehouse().orElse(""), rest.getPrefix().orElse("")));
            }
            case JDBC -> {
                JdbcCatalogConfig jdbc = jdbcConfig.orElseThrow();
                description = "Iceberg JDBC catalog " + jdbc.getCatalogName();
                factory = () -> jdbc(jdbc, io);
                traits = CatalogMetastore.Traits.plain(String.join("|", "jdbc", jdbc.getConnectionUrl(), jdbc.getCatalogName()));
            }
            case NESSIE -> {
                NessieCatalogConfig nessie = nessieConfig.orElseThrow();
                description = "Nessie catalog %s (branch %s)".formatted(nessie.getUri(), nessie.getRef());
                factory = () -> nessie(nessie, io);
                traits = new CatalogMetastore.Traits(
                        String.join("|", "nessie", normalized(nessie.getUri()), nessie.getRef()),
                        Optional.of("its files are shared by every branch, tag and commit of the Nessie repository, which its snapshots do not show; Nessie's own garbage collector knows them all"),
                        true);
            }
            default -> throw new IllegalArgumentException("not an Iceberg catalog of its own: " + catalogConfig.getCatalogType());
        }
        this.traits = traits;
    }

    @Override
    public Metastore metastore(ConnectorIdentity identity)
    {
        return new CatalogMetastore(this::clients, description, (message, cause) -> new TrinoException(DREDGE_CATALOG_UNAVAILABLE, message, cause), traits);
    }

    private synchronized CatalogMetastore.Clients clients()
    {
        if (made.isEmpty()) {
            try (ThreadContextClassLoader ignored = new ThreadContextClassLoader(IcebergCatalogPorts.class.getClassLoader())) {
                made = Optional.of(factory.get());
            }
            log.info("connected to the %s", description);
        }
        return made.get().clients();
    }

    @PreDestroy
    public synchronized void close()
            throws IOException
    {
        if (made.isPresent()) {
            made.get().closer().close();
            made = Optional.empty();
        }
    }

    /**
     * One spelling of an address: scheme and host in lower case, without the scheme's default port or a trailing
     * slash. A host under two names (localhost, 127.0.0.1) stays two addresses.
     */
    static String normalized(URI uri)
    {
        String scheme = Optional.ofNullable(uri.getScheme()).orElse("").toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        String path = Optional.ofNullable(uri.getRawPath()).orElse("").replaceAll("/+$", "");
        return "%s://%s%s%s".formatted(scheme, Optional.ofNullable(uri.getHost()).orElse("").toLowerCase(Locale.ROOT), port == -1 || defaultPort ? "" : ":" + port, path);
    }

    private static Made rest(RestCatalogConfig config, FileIO io)
    {
        Map<String, String> properties = new HashMap<>();
        properties.put(CatalogProperties.URI, config.getUri().toString());
        config.getWarehouse().ifPresent(warehouse -> properties.put(CatalogProperties.WAREHOUSE_LOCATION, warehouse));
        config.getPrefix().ifPresent(prefix -> properties.put("prefix", prefix));
        config.getToken().ifPresent(token -> properties.put(OAuth2Properties.TOKEN, token));
        config.getCredential().ifPresent(credential -> properties.put(OAuth2Properties.CREDENTIAL, credential));
        config.getScope().ifPresent(scope -> properties.put(OAuth2Properties.SCOPE, scope));
        config.getServerUri().ifPresent(uri -> properties.put(OAuth2Properties.OAUTH2_SERVER_URI, uri.toString()));
        RESTSessionCatalog sessionCatalog = new RESTSessionCatalog(
                clientProperties -> HTTPClient.builder(clientProperties)
                        .uri(clientProperties.get(CatalogProperties.URI))
                        .withHeaders(RESTUtil.configHeaders(clientProperties))
                        .build(),
                (context, ioProperties) -> io);
        try {
            sessionCatalog.initialize("dredge", ImmutableMap.copyOf(properties));
        }
        catch (RuntimeException e) {
            closeQuietly(sessionCatalog);
            throw e;
        }
        SessionCatalog.SessionContext context = SessionCatalog.SessionContext.createEmpty();
        return new Made(new CatalogMetastore.Clients(sessionCatalog.asCatalog(context), Optional.of(sessionCatalog.asViewCatalog(context))), sessionCatalog);
    }

    private static Made jdbc(JdbcCatalogConfig config, FileIO io)
    {
        try {
            // registers the driver with DriverManager from this plugin's class loader
            Class.forName(config.getDriverClass(), true, IcebergCatalogPorts.class.getClassLoader());
        }
        catch (ClassNotFoundException e) {
            throw new IllegalStateException("JDBC driver %s is not in Dredge's plugin directory".formatted(config.getDriverClass()), e);
        }
        Map<String, String> properties = new HashMap<>();
        properties.put(CatalogProperties.URI, config.getConnectionUrl());
        properties.put(CatalogProperties.WAREHOUSE_LOCATION, config.getDefaultWarehouseDir());
        properties.put("jdbc.schema-version", config.getSchemaVersion().name());
        config.getConnectionUser().ifPresent(user -> properties.put("jdbc.user", user));
        config.getConnectionPassword().ifPresent(password -> properties.put("jdbc.password", password));
        // Dredge never creates the catalog's own tables: that is the catalog's owner's to do
        JdbcCatalog catalog = new JdbcCatalog(ioProperties -> io, null, false);
        catalog.initialize(config.getCatalogName(), ImmutableMap.copyOf(properties));
        return new Made(CatalogMetastore.Clients.of(catalog), catalog);
    }

    private static Made nessie(NessieCatalogConfig config, FileIO io)
    {
        NessieClientBuilder builder = NessieClientBuilder.createClientBuilderFromSystemSettings()
                .withUri(config.getUri())
                .withReadTimeout(toIntExact(config.getReadTimeout().toMillis()))
                .withConnectionTimeout(toIntExact(config.getConnectionTimeout().toMillis()));
        config.getBearerToken().ifPresent(token -> builder.withAuthentication(BearerAuthenticationProvider.create(token)));
        NessieApiV2 api = builder.build(NessieApiV2.class);
        Map<String, String> properties = ImmutableMap.of(
                CatalogProperties.WAREHOUSE_LOCATION, config.getDefaultWarehouseDir(),
                CatalogProperties.URI, config.getUri().toString());
        NessieCatalog catalog = new NessieCatalog();
        try {
            catalog.initialize("dredge", new NessieIcebergClient(api, config.getRef(), null, properties), io, properties);
        }
        catch (RuntimeException e) {
            closeQuietly(catalog);
            throw e;
        }
        return new Made(CatalogMetastore.Clients.of(catalog), catalog);
    }

    private static void closeQuietly(Closeable closeable)
    {
        try {
            closeable.close();
        }
        catch (IOException | RuntimeException e) {
            log.warn(e, "closing a catalog client failed");
        }
    }
}
