package io.dredge.it;

import com.google.common.collect.ImmutableList;
import io.airlift.log.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.dredge.it.ChildProcesses.awaitPort;
import static io.dredge.it.ChildProcesses.freePort;
import static io.dredge.it.ChildProcesses.requiredProperty;
import static io.dredge.it.ChildProcesses.stop;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * A real Trino 483 server in its own JVM, installed the way an operator installs one: the engine alone on the
 * class path, each plugin a directory under {@code plugin/} loaded in its own class loader, catalogs in
 * {@code etc/catalog/*.properties}. Unlike the in-process query runner, it shows whether a packaged plugin
 * directory carries everything it needs and nothing the server already provides.
 */
public final class TrinoServerProcess
        implements AutoCloseable
{
    private static final Logger log = Logger.get(TrinoServerProcess.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(3);

    private final Process process;
    private final int port;

    private TrinoServerProcess(Process process, int port)
    {
        this.process = requireNonNull(process, "process is null");
        this.port = port;
    }

    public static Builder builder(Path directory)
    {
        return new Builder(directory);
    }

    public static final class Builder
    {
        private final Path directory;
        private final Map<String, Path> plugins = new LinkedHashMap<>();
        private final Map<String, Map<String, String>> catalogs = new LinkedHashMap<>();
        private final Map<String, String> etcFiles = new LinkedHashMap<>();
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final List<String> jvmOptions = new ArrayList<>();

        private Builder(Path directory)
        {
            this.directory = requireNonNull(directory, "directory is null");
        }

        /**
         * An installed plugin directory, linked (not copied) into {@code plugin/}.
         */
        public Builder plugin(String name, Path pluginDirectory)
        {
            plugins.put(name, pluginDirectory);
            return this;
        }

        /**
         * {@code etc/catalog/<name>.properties}, {@code connector.name} included.
         */
        public Builder catalog(String name, Map<String, String> catalogProperties)
        {
            catalogs.put(name, catalogProperties);
            return this;
        }

        /**
         * A further file under {@code etc/}, such as {@code access-control.properties}.
         */
        public Builder etcFile(String name, String content)
        {
            etcFiles.put(name, content);
            return this;
        }

        /**
         * A property of {@code etc/config.properties} beyond the single-node defaults.
         */
        public Builder property(String name, String value)
        {
            properties.put(name, value);
            return this;
        }

        public Builder jvmOption(String option)
        {
            jvmOptions.add(option);
            return this;
        }

        /**
         * Starts a single-node server (coordinator and worker) and waits until it has loaded every plugin and catalog.
         */
        public TrinoServerProcess start()
                throws IOException, InterruptedException
        {
            Path etc = Files.createDirectories(directory.resolve("etc"));
            Path catalogDirectory = Files.createDirectories(etc.resolve("catalog"));
            Path pluginDirectory = Files.createDirectories(directory.resolve("plugin"));
            for (Map.Entry<String, Path> plugin : plugins.entrySet()) {
                Files.createSymbolicLink(pluginDirectory.resolve(plugin.getKey()), plugin.getValue().toAbsolutePath());
            }
            for (Map.Entry<String, Map<String, String>> catalog : catalogs.entrySet()) {
                Files.writeString(catalogDirectory.resolve(catalog.getKey() + ".properties"), properties(catalog.getValue()), UTF_8);
            }
            for (Map.Entry<String, String> file : etcFiles.entrySet()) {
                Files.writeString(etc.resolve(file.getKey()), file.getValue(), UTF_8);
            }
            int port = freePort();
            Map<String, String> config = new LinkedHashMap<>(Map.of(
                    "coordinator", "true",
                    "node-scheduler.include-coordinator", "true",
                    "http-server.http.port", String.valueOf(port),
                    "discovery.uri", "http://127.0.0.1:" + port,
                    "node.environment", "test",
                    "plugin.dir", pluginDirectory.toAbsolutePath().toString(),
                    "query.max-memory", "512MB",
                    "query.max-memory-per-node", "512MB"));
            config.putAll(properties);
            Files.writeString(etc.resolve("config.properties"), properties(config), UTF_8);

            Path logFile = directory.resolve("server.log");
            String classpath = requiredProperty("dredge.server.classes") + ":" + Files.readString(Path.of(requiredProperty("dredge.server.classpath"))).trim();
            ProcessBuilder processBuilder = new ProcessBuilder(ImmutableList.<String>builder()
                    .add(Path.of(System.getProperty("java.home"), "bin", "java").toString())
                    // the essentials of Trino's own jvm.config, sized for a test
                    .add("-Xmx1g", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError", "-Djdk.attach.allowAttachSelf=true",
                            "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                            "-Dfile.encoding=UTF-8", "-Duser.timezone=UTC", "-Djava.net.preferIPv4Stack=true")
                    .addAll(jvmOptions)
                    .add("-Dconfig=etc/config.properties")
                    .add("-cp", classpath, "io.dredge.it.server.TrinoServerMain")
                    .build())
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile());
            // catalogs may refer to the server's own address as ${ENV:TRINO_SERVER_URI}
            processBuilder.environment().put("TRINO_SERVER_URI", "http://127.0.0.1:" + port);
            Process process = processBuilder.start();
            TrinoServerProcess server = new TrinoServerProcess(process, port);
            try {
                awaitPort(process, port, STARTUP_TIMEOUT, "trino server", logFile);
                server.awaitStarted(logFile);
            }
            catch (IOException | RuntimeException | InterruptedException e) {
                server.close();
                throw e;
            }
            log.info("trino server ready on port %s, log in %s", port, logFile);
            return server;
        }
    }

    public String jdbcUrl()
    {
        return "jdbc:trino://127.0.0.1:" + port;
    }

    public URI uri()
    {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    public void close()
    {
        stop(process);
    }

    // the port opens before plugins and catalogs load; /v1/info says when startup is complete
    private void awaitStarted(Path logFile)
            throws IOException, InterruptedException
    {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("trino server exited with %s, see %s".formatted(process.exitValue(), logFile));
            }
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri().resolve("/v1/info")).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200 && response.body().replace(" ", "").contains("\"starting\":false")) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IOException("trino server did not finish starting within %s, see %s".formatted(STARTUP_TIMEOUT, logFile));
    }

    private static String properties(Map<String, String> properties)
    {
        return properties.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + entry.getValue())
                .collect(Collectors.joining("\n", "", "\n"));
    }
}
