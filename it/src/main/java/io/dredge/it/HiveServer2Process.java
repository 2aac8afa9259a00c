package io.dredge.it;

import com.google.common.base.Joiner;
import com.google.common.base.Stopwatch;
import com.google.common.collect.ImmutableList;
import io.airlift.log.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static com.google.common.xml.XmlEscapers.xmlContentEscaper;
import static io.dredge.it.ChildProcesses.HIVE_ADD_OPENS;
import static io.dredge.it.ChildProcesses.SHORT_LIVED_JVM;
import static io.dredge.it.ChildProcesses.awaitPort;
import static io.dredge.it.ChildProcesses.requiredProperty;
import static io.dredge.it.ChildProcesses.stop;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * A real HiveServer2 4.0.1 as a Java 17 child process on a free loopback port, over a remote thrift metastore and
 * its warehouse: no authentication, no ZooKeeper, no Tez, no web UI; queries that need a job run as local
 * MapReduce inside the server. Its classpath comes from the {@code it/hive-server-runtime} module (system property
 * {@code dredge.hiveserver2.classpath}); clients connect through {@link HiveJdbc}.
 */
public final class HiveServer2Process
        implements AutoCloseable
{
    private static final Logger log = Logger.get(HiveServer2Process.class);

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(180);
    private static final String ADMIN_USER = "hive";

    private final Process process;
    private final int port;
    private final HiveJdbc jdbc;
    private final Path logFile;

    private HiveServer2Process(Process process, int port, HiveJdbc jdbc, Path logFile)
    {
        this.process = requireNonNull(process, "process is null");
        this.port = port;
        this.jdbc = requireNonNull(jdbc, "jdbc is null");
        this.logFile = requireNonNull(logFile, "logFile is null");
    }

    /**
     * A server that keeps its configuration, scratch space and log ({@code hiveserver2.log}) under {@code directory}.
     */
    public static Builder builder(Path directory, String metastoreUri, Path warehouse)
    {
        return new Builder(directory, metastoreUri, warehouse);
    }

    public static final class Builder
    {
        private final Path directory;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final List<Path> classpath = new ArrayList<>();
        private OptionalInt port = OptionalInt.empty();

        private Builder(Path directory, String metastoreUri, Path warehouse)
        {
            this.directory = requireNonNull(directory, "directory is null").toAbsolutePath();
            requireNonNull(metastoreUri, "metastoreUri is null");
            requireNonNull(warehouse, "warehouse is null");
            properties.put("hive.metastore.uris", metastoreUri);
            properties.put("hive.metastore.warehouse.dir", "file:" + warehouse.toAbsolutePath());
            properties.put("hive.server2.thrift.bind.host", "127.0.0.1");
            properties.put("hive.server2.transport.mode", "binary");
            properties.put("hive.server2.authentication", "NONE");
            properties.put("hive.server2.enable.doAs", "false");
            properties.put("hive.server2.webui.port", "0");
            properties.put("hive.server2.support.dynamic.service.discovery", "false");
            properties.put("hive.server2.active.passive.ha.enable", "false");
            properties.put("hive.zookeeper.quorum", "");
            properties.put("hive.execution.engine", "mr");
            properties.put("mapreduce.framework.name", "local");
            properties.put("hive.server2.tez.initialize.default.sessions", "false");
            // plain tables, as Trino writes them: no transactions, no locks, no managed-table conversion
            properties.put("hive.txn.manager", "org.apache.hadoop.hive.ql.lockmgr.DummyTxnManager");
            properties.put("hive.support.concurrency", "false");
            properties.put("hive.create.as.acid", "false");
            properties.put("hive.create.as.insert.only", "false");
            properties.put("hive.strict.managed.tables", "false");
            properties.put("hive.exec.dynamic.partition.mode", "nonstrict");
            // Hive sleeps this long between looks at a running job (1 s by default): a local job on test data takes less
            properties.put("hive.exec.counters.pull.interval", "100");
            // each query reads the files as they are now, whoever wrote them last
            properties.put("hive.query.results.cache.enabled", "false");
            // background services that would poll the metastore for nothing
            properties.put("hive.scheduled.queries.executor.enabled", "false");
            properties.put("hive.server2.materializedviews.registry.impl", "DUMMY");
            properties.put("hive.exec.scratchdir", this.directory.resolve("scratch").toString());
            properties.put("hive.exec.local.scratchdir", this.directory.resolve("local-scratch").toString());
            properties.put("hive.downloaded.resources.dir", this.directory.resolve("resources").toString());
            properties.put("hive.querylog.location", this.directory.resolve("query-logs").toString());
            properties.put("hive.server2.logging.operation.log.location", this.directory.resolve("operation-logs").toString());
            properties.put("hadoop.tmp.dir", this.directory.resolve("hadoop-tmp").toString());
        }

        /**
         * A {@code hive-site.xml} property, replacing the harness's own value if it sets one (such as
         * {@code hive.exec.pre.hooks}).
         */
        public Builder property(String name, String value)
        {
            properties.put(requireNonNull(name, "name is null"), requireNonNull(value, "value is null"));
            return this;
        }

        /**
         * A jar or class directory on the server's classpath, ahead of Hive's (hooks it loads by class name).
         */
        public Builder classpath(Path entry)
        {
            classpath.add(requireNonNull(entry, "entry is null").toAbsolutePath());
            return this;
        }

        /**
         * Dredge installed as README tells operators: the shaded jar the build makes (system property
         * {@code dredge.hive.hooks.shaded.jar}) on the classpath, its functions registered in every session by the
         * init file it ships ({@code dredge.hive.functions.hql}), the guard and audit hooks in {@code hive-site.xml},
         * and both hook settings restricted so that no session can switch them off.
         */
        public Builder withDredgeHooks()
        {
            classpath(Path.of(requiredProperty("dredge.hive.hooks.shaded.jar")));
            // every session opens with Dredge's functions registered
            property("hive.server2.global.init.file.location", Path.of(requiredProperty("dredge.hive.functions.hql")).toAbsolutePath().toString());
            property("hive.exec.pre.hooks", "io.dredge.hive.hook.WriteGuardHook");
            property("hive.exec.post.hooks", "io.dredge.hive.hook.SmallFileAuditHook");
            return property("hive.conf.restricted.list", "hive.exec.pre.hooks,hive.exec.post.hooks,hive.security.authorization.enabled,hive.conf.restricted.list");
        }

        /**
         * The server's port; without one, a free port.
         */
        public Builder port(int port)
        {
            this.port = OptionalInt.of(port);
            return this;
        }

        public HiveServer2Process start()
                throws IOException, InterruptedException
        {
            Stopwatch stopwatch = Stopwatch.createStarted();
            int port = this.port.isPresent() ? this.port.getAsInt() : ChildProcesses.freePort();
            Path configDirectory = Files.createDirectories(directory.resolve("conf"));
            Files.writeString(configDirectory.resolve("hive-site.xml"), siteXml(port), UTF_8);
            String hiveClasspath = Files.readString(Path.of(requiredProperty("dredge.hiveserver2.classpath"))).trim();
            String fullClasspath = Joiner.on(':').join(ImmutableList.builder()
                    .add(configDirectory)
                    .addAll(classpath)
                    .add(hiveClasspath)
                    .build());

            Path logFile = directory.resolve("hiveserver2.log");
            Process process = command(fullClasspath, logFile).start();
            HiveServer2Process server = new HiveServer2Process(process, port, HiveJdbc.load(), logFile);
            try {
                awaitPort(process, port, STARTUP_TIMEOUT, "HiveServer2", logFile);
                server.awaitQueries(STARTUP_TIMEOUT.minus(stopwatch.elapsed()), logFile);
            }
            catch (IOException | RuntimeException e) {
                server.close();
                throw e;
            }
            log.info("HiveServer2 ready on port %s in %s, log in %s", port, stopwatch, logFile);
            return server;
        }

        private ProcessBuilder command(String classpath, Path logFile)
        {
            ImmutableList.Builder<String> command = ImmutableList.builder();
            command.add(Path.of(requiredProperty("dredge.java17.home"), "bin", "java").toString());
            command.addAll(SHORT_LIVED_JVM);
            command.add("-Xmx1g", "-Djava.net.preferIPv4Stack=true", "-Dfile.encoding=UTF-8");
            // Hive's log4j2 configuration writes to ${java.io.tmpdir}/${user.name}/hive.log unless told otherwise
            command.add("-Dhive.root.logger=console", "-Dhive.log.dir=" + directory);
            command.addAll(HIVE_ADD_OPENS);
            command.add("-cp", classpath, "org.apache.hive.service.server.HiveServer2");
            ProcessBuilder builder = new ProcessBuilder(command.build())
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile());
            // Java 17 takes file-name encoding from the locale: without UTF-8, non-ASCII partition paths are mangled
            builder.environment().put("LC_ALL", "C.UTF-8");
            builder.environment().put("LANG", "C.UTF-8");
            return builder;
        }

        private String siteXml(int port)
        {
            StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<configuration>\n");
            Map<String, String> site = new LinkedHashMap<>(properties);
            site.put("hive.server2.thrift.port", String.valueOf(port));
            site.forEach((name, value) -> xml.append("  <property><name>%s</name><value>%s</value></property>\n"
                    .formatted(xmlContentEscaper().escape(name), xmlContentEscaper().escape(value))));
            return xml.append("</configuration>\n").toString();
        }
    }

    /**
     * The port answers before the server can run queries (sessions need the metastore): ready when
     * {@code SELECT 1} succeeds.
     */
    private void awaitQueries(Duration timeout, Path logFile)
            throws IOException, InterruptedException
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        SQLException lastFailure = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("HiveServer2 exited with %s, see %s".formatted(process.exitValue(), logFile));
            }
            try (Connection connection = connect(ADMIN_USER);
                    Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery("SELECT 1")) {
                if (result.next() && result.getInt(1) == 1) {
                    return;
                }
            }
            catch (SQLException e) {
                lastFailure = e;
            }
            Thread.sleep(500);
        }
        throw new IOException("HiveServer2 did not answer SELECT 1 within %s, see %s".formatted(timeout, logFile), lastFailure);
    }

    /**
     * What HiveServer2 writes: its log and its output.
     */
    public Path logFile()
    {
        return logFile;
    }

    public int port()
    {
        return port;
    }

    public String jdbcUrl()
    {
        return "jdbc:hive2://127.0.0.1:%s/default".formatted(port);
    }

    /**
     * A new session as {@code user}; the caller closes it.
     */
    public Connection connect(String user)
            throws SQLException
    {
        return jdbc.connect(jdbcUrl(), user);
    }

    /**
     * Ends HiveServer2 as {@code kill -9} would: no shutdown hook runs, nothing it was doing finishes.
     */
    public void kill()
            throws InterruptedException
    {
        try {
            process.destroyForcibly();
            process.waitFor();
        }
        finally {
            jdbc.close();
        }
    }

    @Override
    public void close()
    {
        try {
            stop(process);
        }
        finally {
            jdbc.close();
        }
    }
}
