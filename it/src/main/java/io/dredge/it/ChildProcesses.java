package io.dredge.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static java.util.concurrent.TimeUnit.SECONDS;

/**
 * What the harness needs to run a real server (a metastore, a Trino server) as a child process.
 */
final class ChildProcesses
{
    /**
     * What Hive 4.0.x (Java 8 bytecode) needs to run on Java 17: kryo and Hive reflect into these packages.
     */
    static final List<String> HIVE_ADD_OPENS = Stream.of(
                    "java.base/java.lang", "java.base/java.util", "java.base/java.util.concurrent", "java.base/java.util.concurrent.atomic",
                    "java.base/java.util.concurrent.locks", "java.base/java.net", "java.base/java.lang.reflect", "java.base/java.lang.invoke",
                    "java.base/java.io", "java.base/java.nio", "java.base/sun.nio.ch", "java.base/java.util.regex", "java.base/java.time",
                    "java.base/java.text", "java.base/sun.util.calendar", "java.sql/java.sql", "java.base/java.math")
            .map(open -> "--add-opens=" + open + "=ALL-UNNAMED")
            .collect(toImmutableList());

    /**
     * JVM options for the servers the tests start: they live minutes and run little code hot, so C1 alone compiles for
     * a third less CPU than tiered compilation spends on C2, on a machine whose two cores the tests share.
     */
    static final List<String> SHORT_LIVED_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private ChildProcesses() {}

    static int freePort()
            throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * Waits until {@code process} accepts connections on {@code port}, failing early if it exits.
     */
    static void awaitPort(Process process, int port, Duration timeout, String name, Path logFile)
            throws IOException, InterruptedException
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("%s exited with %s, see %s".formatted(name, process.exitValue(), logFile));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            }
            catch (IOException e) {
                Thread.sleep(200);
            }
        }
        throw new IOException("%s did not open port %s within %s, see %s".formatted(name, port, timeout, logFile));
    }

    static void stop(Process process)
    {
        process.destroy();
        try {
            if (!process.waitFor(10, SECONDS)) {
                process.destroyForcibly();
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    static String requiredProperty(String name)
    {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property %s is not set: run the tests through Maven".formatted(name));
        }
        return value;
    }
}
