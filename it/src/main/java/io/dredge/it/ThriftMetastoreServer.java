package io.dredge.it;

import com.google.common.collect.ImmutableList;
import io.airlift.log.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.dredge.it.ChildProcesses.HIVE_ADD_OPENS;
import static io.dredge.it.ChildProcesses.SHORT_LIVED_JVM;
import static io.dredge.it.ChildProcesses.awaitPort;
import static io.dredge.it.ChildProcesses.freePort;
import static io.dredge.it.ChildProcesses.requiredProperty;
import static io.dredge.it.ChildProcesses.stop;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;
import static java.util.concurrent.TimeUnit.SECONDS;

/**
 * A real Hive 4.0.1 standalone metastore on Derby, run as a Java 17 child process on a free loopback port,
 * as production lakes run it. Its classpath and schema scripts come from the {@code it/metastore-runtime}
 * module (system properties {@code dredge.metastore.classpath} and {@code dredge.metastore.home}).
 */
public final class ThriftMetastoreServer
        implements AutoCloseable
{
    private static final Logger log = Logger.get(ThriftMetastoreServer.class);

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

    private static Path emptyDatabase;

    private final Process process;
    private final int port;
    private final Path warehouse;

    private ThriftMetastoreServer(Process process, int port, Path warehouse)
    {
        this.process = requireNonNull(process, "process is null");
        this.port = port;
        this.warehouse = requireNonNull(warehouse, "warehouse is null");
    }

    /**
     * Starts the metastore on the Derby database under {@code directory}, initialising it first if it is new
     * (the demo keeps it across restarts).
     */
    public static ThriftMetastoreServer start(Path directory)
            throws IOException, InterruptedException
    {
        return start(directory, Map.of());
    }

    /**
     * As {@link #start(Path)}, with more settings in its {@code metastore-site.xml} (a file system's, say).
     */
    public static ThriftMetastoreServer start(Path directory, Map<String, String> siteProperties)
            throws IOException, InterruptedException
    {
        Path warehouse = Files.createDirectories(directory.resolve("warehouse"));
        Path configDirectory = Files.createDirectories(directory.resolve("conf"));
        Files.writeString(configDirectory.resolve("metastore-site.xml"), siteXml(directory.resolve("metastore_db"), warehouse, siteProperties), UTF_8);
        String classpath = configDirectory + ":" + Files.readString(Path.of(requiredProperty("dredge.metastore.classpath"))).trim();

        if (!Files.exists(directory.resolve("metastore_db"))) {
            copyDirectory(emptyDatabase(classpath), directory.resolve("metastore_db"));
        }

        int port = freePort();
        Process process = java(classpath, directory.resolve("metastore.log"), "org.apache.hadoop.hive.metastore.HiveMetaStore", "-p", String.valueOf(port))
                .start();
        ThriftMetastoreServer server = new ThriftMetastoreServer(process, port, warehouse);
        try {
            awaitPort(process, port, STARTUP_TIMEOUT, "metastore", directory.resolve("metastore.log"));
        }
        catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        log.info("thrift metastore ready on port %s, data in %s", port, directory);
        return server;
    }

    /**
     * A Derby database with the metastore's schema and nothing else, made once per JVM: schematool takes longer than
     * the metastore's start, and its result holds no path (the default database is created at the first start, in
     * that metastore's warehouse).
     */
    private static synchronized Path emptyDatabase(String classpath)
            throws IOException, InterruptedException
    {
        if (emptyDatabase == null) {
            Path directory = Files.createTempDirectory("dredge-empty-metastore");
            // schematool reads the same configuration as the metastore, from the classpath's first entry
            Path configDirectory = Files.createDirectories(directory.resolve("conf"));
            Files.writeString(configDirectory.resolve("metastore-site.xml"), siteXml(directory.resolve("metastore_db"), Files.createDirectories(directory.resolve("warehouse")), Map.of()), UTF_8);
            initializeSchema(directory, configDirectory + classpath.substring(classpath.indexOf(':')));
            emptyDatabase = directory.resolve("metastore_db");
        }
        return emptyDatabase;
    }

    private static void copyDirectory(Path source, Path target)
            throws IOException
    {
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Files.copy(path, target.resolve(source.relativize(path).toString()));
            }
        }
    }

    private static void initializeSchema(Path directory, String classpath)
            throws IOException, InterruptedException
    {
        // the transaction tables (HIVE_LOCKS, ...) that Iceberg commits need exist only after schematool
        Process schemaTool = java(classpath, directory.resolve("schematool.log"),
                "org.apache.hadoop.hive.metastore.tools.schematool.MetastoreSchemaTool", "-dbType", "derby", "-initSchema")
                .start();
        if (!schemaTool.waitFor(STARTUP_TIMEOUT.toSeconds(), SECONDS) || schemaTool.exitValue() != 0) {
            schemaTool.destroyForcibly();
            throw new IOException("metastore schema initialisation failed, see " + directory.resolve("schematool.log"));
        }
    }

    public String uri()
    {
        return "thrift://127.0.0.1:" + port;
    }

    public Path warehouse()
    {
        return warehouse;
    }

    @Override
    public void close()
    {
        stop(process);
    }


    private static ProcessBuilder java(String classpath, Path logFile, String mainClass, String... arguments)
    {
        ImmutableList.Builder<String> command = ImmutableList.builder();
        command.add(Path.of(requiredProperty("dredge.java17.home"), "bin", "java").toString());
        command.addAll(SHORT_LIVED_JVM);
        command.add("-Xmx1g", "-Djava.net.preferIPv4Stack=true", "-Dfile.encoding=UTF-8");
        command.addAll(HIVE_ADD_OPENS);
        command.add("-cp", classpath, mainClass);
        command.add(arguments);
        ProcessBuilder builder = new ProcessBuilder(command.build())
                // Derby writes derby.log into the working directory: keep it with the metastore's data
                .directory(logFile.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        builder.environment().put("METASTORE_HOME", requiredProperty("dredge.metastore.home"));
        // Java 17 takes file-name encoding from the locale: without UTF-8, non-ASCII partition paths are mangled
        builder.environment().put("LC_ALL", "C.UTF-8");
        builder.environment().put("LANG", "C.UTF-8");
        return builder;
    }

    private static String siteXml(Path database, Path warehouse, Map<String, String> more)
    {
        String moreProperties = more.entrySet().stream()
                .map(property -> "  <property><name>%s</name><value>%s</value></property>%n".formatted(property.getKey(), property.getValue()))
                .collect(Collectors.joining());
        return """
                <?xml version="1.0"?>
                <configuration>
                  <property><name>javax.jdo.option.ConnectionURL</name><value>jdbc:derby:;databaseName=%s;create=true</value></property>
                  <property><name>javax.jdo.option.ConnectionDriverName</name><value>org.apache.derby.jdbc.EmbeddedDriver</value></property>
                  <property><name>metastore.warehouse.dir</name><value>file:%s</value></property>
                  <property><name>metastore.schema.verification</name><value>false</value></property>
                  <property><name>metastore.event.db.notification.api.auth</name><value>false</value></property>
                  <property><name>hive.metastore.event.db.notification.api.auth</name><value>false</value></property>
                  <property><name>metastore.try.direct.sql</name><value>true</value></property>
                  <!-- keep locations as clients give them (Hive 4 otherwise moves databases to <warehouse>/<name>.db) -->
                  <property><name>metastore.metadata.transformer.class</name><value> </value></property>
                  <!-- the admin of Hive's SQL standard authorization, for the tests that enable it in HiveServer2 -->
                  <property><name>metastore.users.in.admin.role</name><value>admin</value></property>
                  <!-- evaluates Hive's partition predicates (get_partitions_by_expr), as a metastore installed with Hive does -->
                  <property><name>metastore.expression.proxy</name><value>org.apache.hadoop.hive.ql.optimizer.ppr.PartitionExpressionForMetastore</value></property>
                %s</configuration>
                """.formatted(database.toAbsolutePath(), warehouse.toAbsolutePath(), moreProperties);
    }
}
