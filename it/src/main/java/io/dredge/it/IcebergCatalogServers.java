package io.dredge.it;

import com.google.common.collect.ImmutableMap;
import io.airlift.http.server.HttpConfig;
import io.airlift.http.server.HttpServerConfig;
import io.airlift.http.server.HttpServerInfo;
import io.airlift.http.server.testing.TestingHttpServer;
import io.airlift.node.NodeConfig;
import io.airlift.node.NodeInfo;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.rest.RESTCatalogAdapter;
import org.apache.iceberg.rest.RESTCatalogServlet;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Iceberg catalogs that are not a Hive metastore, in this JVM, over a warehouse directory: Iceberg's JDBC catalog on
 * an in-memory H2 database, and an Iceberg REST catalog server (iceberg-core's own servlet over such a JDBC catalog).
 */
public final class IcebergCatalogServers
{
    private IcebergCatalogServers() {}

    /**
     * An Iceberg JDBC catalog on an H2 database that lives as long as this JVM, with its tables created: Trino and
     * Dredge reach it with {@link #catalogProperties()}.
     */
    public record JdbcCatalogDatabase(String url, String catalogName, Path warehouse)
    {
        public JdbcCatalogDatabase
        {
            requireNonNull(url, "url is null");
            requireNonNull(catalogName, "catalogName is null");
            requireNonNull(warehouse, "warehouse is null");
        }

        /**
         * A catalog whose database lives in memory, as long as this JVM.
         */
        public static JdbcCatalogDatabase create(Path warehouse)
                throws IOException
        {
            return create("jdbc:h2:mem:iceberg_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1", warehouse);
        }

        /**
         * A catalog whose database is the file {@code database} (made when missing), kept across restarts.
         */
        public static JdbcCatalogDatabase persistent(Path database, Path warehouse)
                throws IOException
        {
            return create("jdbc:h2:file:" + database.toAbsolutePath(), warehouse);
        }

        private static JdbcCatalogDatabase create(String url, Path warehouse)
                throws IOException
        {
            // from the second connection on, H2 must fold names as iceberg-core's SQL expects
            JdbcCatalogDatabase database = new JdbcCatalogDatabase(url + ";DATABASE_TO_LOWER=TRUE", "lake", warehouse);
            try (JdbcCatalog catalog = database.open(true)) {
                catalog.listNamespaces();
            }
            return database;
        }

        JdbcCatalog open(boolean createTables)
        {
            JdbcCatalog catalog = new JdbcCatalog();
            catalog.setConf(new Configuration());
            catalog.initialize(catalogName, ImmutableMap.of(
                    CatalogProperties.URI, url,
                    CatalogProperties.WAREHOUSE_LOCATION, "file:" + warehouse.toAbsolutePath(),
                    "jdbc.schema-version", "V1",
                    "jdbc.init-catalog-tables", String.valueOf(createTables)));
            return catalog;
        }

        /**
         * The properties of Trino's Iceberg connector (and of Dredge) for this catalog.
         */
        public Map<String, String> catalogProperties()
        {
            return ImmutableMap.<String, String>builder()
                    .put("iceberg.catalog.type", "jdbc")
                    .put("iceberg.jdbc-catalog.driver-class", "org.h2.Driver")
                    .put("iceberg.jdbc-catalog.connection-url", url)
                    .put("iceberg.jdbc-catalog.catalog-name", catalogName)
                    .put("iceberg.jdbc-catalog.default-warehouse-dir", "file:" + warehouse.toAbsolutePath())
                    .buildOrThrow();
        }
    }

    /**
     * An Iceberg REST catalog server on a port of its own, serving a JDBC catalog of its own.
     */
    public static final class RestCatalogServer
            implements Closeable
    {
        private final JdbcCatalog backend;
        private final TestingHttpServer server;

        private RestCatalogServer(JdbcCatalog backend, TestingHttpServer server)
        {
            this.backend = requireNonNull(backend, "backend is null");
            this.server = requireNonNull(server, "server is null");
        }

        public static RestCatalogServer start(Path warehouse)
                throws Exception
        {
            return start(JdbcCatalogDatabase.create(warehouse));
        }

        /**
         * A server over the given catalog database, on a free port.
         */
        public static RestCatalogServer start(JdbcCatalogDatabase database)
                throws Exception
        {
            return start(database, Optional.empty());
        }

        /**
         * A server that answers only requests with {@code Authorization: Bearer <token>}, where a token is given
         * (HTTP 401 otherwise), as a REST catalog with OAuth2 does for a token it issued.
         */
        public static RestCatalogServer start(JdbcCatalogDatabase database, Optional<String> requiredToken)
                throws Exception
        {
            JdbcCatalog backend = database.open(false);
            try {
                // on the loopback address only: nothing outside this machine reaches the catalog
                NodeInfo nodeInfo = new NodeInfo(new NodeConfig().setEnvironment("test").setNodeInternalAddress("127.0.0.1").setNodeBindIp("127.0.0.1"));
                HttpServerConfig config = new HttpServerConfig().setHttpEnabled(true);
                HttpServerInfo serverInfo = new HttpServerInfo(config, Optional.of(new HttpConfig().setHttpPort(0)), Optional.empty(), nodeInfo);
                RESTCatalogServlet catalog = new RESTCatalogServlet(new RESTCatalogAdapter(backend));
                HttpServlet servlet = requiredToken.isEmpty() ? catalog : new HttpServlet()
                {
                    @Override
                    public void init(ServletConfig config)
                            throws ServletException
                    {
                        super.init(config);
                        catalog.init(config);
                    }

                    @Override
                    protected void service(HttpServletRequest request, HttpServletResponse response)
                            throws ServletException, IOException
                    {
                        if (!("Bearer " + requiredToken.get()).equals(request.getHeader("Authorization"))) {
                            response.setStatus(401);
                            response.setContentType("application/json");
                            response.getWriter().write("{\"error\": {\"message\": \"Not authorized: no valid token\", \"type\": \"NotAuthorizedException\", \"code\": 401}}");
                            return;
                        }
                        catalog.service(request, response);
                    }
                };
                TestingHttpServer server = new TestingHttpServer("iceberg-rest", serverInfo, nodeInfo, config, servlet);
                server.start();
                return new RestCatalogServer(backend, server);
            }
            catch (Exception | Error e) {
                backend.close();
                throw e;
            }
        }

        public URI uri()
        {
            return server.getBaseUrl();
        }

        /**
         * The properties of Trino's Iceberg connector (and of Dredge) for this catalog.
         */
        public Map<String, String> catalogProperties()
        {
            return ImmutableMap.of(
                    "iceberg.catalog.type", "rest",
                    "iceberg.rest-catalog.uri", uri().toString());
        }

        @Override
        public void close()
                throws IOException
        {
            try {
                server.stop();
            }
            catch (Exception e) {
                throw new IOException(e);
            }
            finally {
                backend.close();
            }
        }
    }
}
