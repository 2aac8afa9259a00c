package io.dredge.it;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.dredge.it.ChildProcesses.SHORT_LIVED_JVM;
import static io.dredge.it.ChildProcesses.awaitPort;
import static io.dredge.it.ChildProcesses.freePort;
import static io.dredge.it.ChildProcesses.requiredProperty;
import static java.util.Objects.requireNonNull;

/**
 * A real Nessie server (in memory, Nessie's own REST resources) as a Java 17 process of its own: its Jersey and
 * Jackson break Trino's query runner in the same JVM. Built by the {@code it/nessie-server} module (system properties
 * {@code dredge.nessie.classpath} and {@code dredge.nessie.classes}). Its repository is lost when it stops.
 */
public final class NessieServerProcess
        implements Closeable
{
    private final Process process;
    private final URI uri;

    private NessieServerProcess(Process process, URI uri)
    {
        this.process = requireNonNull(process, "process is null");
        this.uri = requireNonNull(uri, "uri is null");
    }

    public static NessieServerProcess start(Path directory)
            throws IOException, InterruptedException
    {
        Files.createDirectories(directory);
        Path log = directory.resolve("nessie.log");
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(requiredProperty("dredge.java17.home"), "bin", "java").toString());
        command.addAll(SHORT_LIVED_JVM);
        command.add("-Xmx512m");
        command.add("-cp");
        command.add(requiredProperty("dredge.nessie.classes") + ":" + Files.readString(Path.of(requiredProperty("dredge.nessie.classpath"))).trim());
        command.add("io.dredge.it.nessie.NessieServerMain");
        command.add(String.valueOf(port));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            awaitPort(process, port, Duration.ofMinutes(1), "Nessie server", log);
        }
        catch (IOException | InterruptedException | RuntimeException e) {
            ChildProcesses.stop(process);
            throw e;
        }
        return new NessieServerProcess(process, URI.create("http://127.0.0.1:%s/api/v2".formatted(port)));
    }

    public URI uri()
    {
        return uri;
    }

    /**
     * The properties of Trino's Iceberg connector (and of Dredge) for this catalog on {@code ref}, its tables under
     * {@code warehouse}.
     */
    public Map<String, String> catalogProperties(String ref, Path warehouse)
    {
        return Map.of(
                "iceberg.catalog.type", "nessie",
                "iceberg.nessie-catalog.uri", uri.toString(),
                "iceberg.nessie-catalog.ref", ref,
                "iceberg.nessie-catalog.default-warehouse-dir", "file:" + warehouse.toAbsolutePath());
    }

    @Override
    public void close()
    {
        ChildProcesses.stop(process);
    }
}
