package io.dredge.it;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.airlift.log.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.dredge.it.ChildProcesses.awaitPort;
import static io.dredge.it.ChildProcesses.freePort;
import static io.dredge.it.ChildProcesses.requiredProperty;
import static io.dredge.it.ChildProcesses.stop;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * A real S3-compatible server (S3Proxy over its filesystem blob store) as a Java 17 child process on a free loopback
 * port, with signed requests required as on AWS. Its own Jetty and AWS libraries stay out of the test JVM, where
 * Trino's are. The jar comes from the {@code it} module's build (system property {@code dredge.s3proxy.jar}).
 */
public final class S3ProxyServer
        implements AutoCloseable
{
    private static final Logger log = Logger.get(S3ProxyServer.class);

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final String ACCESS_KEY = "dredge-access";
    private static final String SECRET_KEY = "dredge-secret";

    private final Process process;
    private final int port;
    private final Path blobs;

    private S3ProxyServer(Process process, int port, Path blobs)
    {
        this.process = requireNonNull(process, "process is null");
        this.port = port;
        this.blobs = requireNonNull(blobs, "blobs is null");
    }

    /**
     * Starts the server with its objects under {@code directory} and the given buckets already there.
     */
    public static S3ProxyServer start(Path directory, String... buckets)
            throws IOException, InterruptedException
    {
        Path blobs = Files.createDirectories(directory.resolve("blobs"));
        // the filesystem blob store keeps each bucket as a directory of its base directory
        for (String bucket : buckets) {
            Files.createDirectories(blobs.resolve(bucket));
        }
        int port = freePort();
        Path properties = directory.resolve("s3proxy.properties");
        Files.writeString(properties, """
                s3proxy.endpoint=http://127.0.0.1:%s
                s3proxy.authorization=aws-v2-or-v4
                s3proxy.identity=%s
                s3proxy.credential=%s
                # Trino lists with x-amz-optional-object-attributes (to skip archived objects), which S3Proxy 2.6.0
                # does not know and otherwise refuses with 501; ignoring it lists every object, as S3 would here
                s3proxy.ignore-unknown-headers=true
                jclouds.provider=filesystem
                jclouds.filesystem.basedir=%s
                """.formatted(port, ACCESS_KEY, SECRET_KEY, blobs.toAbsolutePath()), UTF_8);
        Path logFile = directory.resolve("s3proxy.log");
        Process process = new ProcessBuilder(ImmutableList.of(
                Path.of(requiredProperty("dredge.java17.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", requiredProperty("dredge.s3proxy.jar"),
                "--properties", properties.toString()))
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
        S3ProxyServer server = new S3ProxyServer(process, port, blobs);
        try {
            awaitPort(process, port, STARTUP_TIMEOUT, "s3proxy", logFile);
        }
        catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        log.info("s3proxy ready on port %s, objects in %s", port, blobs);
        return server;
    }

    /**
     * Catalog properties for Trino's native S3 file system against this server.
     */
    public Map<String, String> catalogProperties()
    {
        return ImmutableMap.<String, String>builder()
                .put("fs.s3.enabled", "true")
                .put("s3.endpoint", "http://127.0.0.1:" + port)
                .put("s3.region", "us-east-1")
                .put("s3.path-style-access", "true")
                .put("s3.aws-access-key", ACCESS_KEY)
                .put("s3.aws-secret-key", SECRET_KEY)
                .buildOrThrow();
    }

    /**
     * Hadoop settings for S3A against this server, for a thrift metastore on object storage: {@code s3://} locations
     * (Trino's spelling) go to S3A too. S3A uses wrong credentials for {@code deniedBuckets}, as a metastore without
     * rights to a bucket would.
     */
    public Map<String, String> hadoopProperties(String... deniedBuckets)
    {
        ImmutableMap.Builder<String, String> properties = ImmutableMap.<String, String>builder()
                .put("fs.s3.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem")
                .put("fs.s3a.endpoint", "http://127.0.0.1:" + port)
                .put("fs.s3a.endpoint.region", "us-east-1")
                .put("fs.s3a.path.style.access", "true")
                .put("fs.s3a.connection.ssl.enabled", "false")
                .put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider")
                .put("fs.s3a.access.key", ACCESS_KEY)
                .put("fs.s3a.secret.key", SECRET_KEY)
                .put("fs.s3a.attempts.maximum", "1")
                .put("fs.s3a.retry.limit", "1");
        for (String bucket : deniedBuckets) {
            properties.put("fs.s3a.bucket.%s.access.key".formatted(bucket), "not-" + ACCESS_KEY);
        }
        return properties.buildOrThrow();
    }

    /**
     * The local directory that holds a bucket's objects, one file per object under its key.
     */
    public Path bucketDirectory(String bucket)
    {
        return blobs.resolve(bucket);
    }

    @Override
    public void close()
    {
        stop(process);
    }
}
