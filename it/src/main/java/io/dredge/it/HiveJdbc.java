package io.dredge.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.Properties;

import static io.dredge.it.ChildProcesses.requiredProperty;
import static java.util.Objects.requireNonNull;

/**
 * Hive's JDBC driver (4.0.1, standalone) in a class loader of its own over the platform class loader: the driver
 * bundles its own Hadoop, Thrift and SLF4J, which must not meet Trino's on the test classpath. Its class path comes
 * from the {@code it/hive-server-runtime} module (system property {@code dredge.hive.jdbc.classpath}).
 */
public final class HiveJdbc
        implements AutoCloseable
{
    private static final String DRIVER_CLASS = "org.apache.hive.jdbc.HiveDriver";

    private final URLClassLoader classLoader;
    private final Driver driver;

    private HiveJdbc(URLClassLoader classLoader, Driver driver)
    {
        this.classLoader = requireNonNull(classLoader, "classLoader is null");
        this.driver = requireNonNull(driver, "driver is null");
    }

    public static HiveJdbc load()
    {
        URLClassLoader classLoader = new URLClassLoader("hive-jdbc", classpath(), ClassLoader.getPlatformClassLoader());
        try {
            Driver driver = classLoader.loadClass(DRIVER_CLASS).asSubclass(Driver.class).getConstructor().newInstance();
            return new HiveJdbc(classLoader, driver);
        }
        catch (ReflectiveOperationException | RuntimeException e) {
            closeQuietly(classLoader);
            throw new IllegalStateException("cannot load Hive's JDBC driver " + DRIVER_CLASS, e);
        }
    }

    /**
     * A connection to the HiveServer2 at {@code url} ({@code jdbc:hive2://host:port/database}) as {@code user}, without
     * a password (the test server authenticates no one).
     */
    public Connection connect(String url, String user)
            throws SQLException
    {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        Connection connection = driver.connect(url, properties);
        if (connection == null) {
            throw new SQLException("not a HiveServer2 JDBC URL: " + url);
        }
        return connection;
    }

    @Override
    public void close()
    {
        closeQuietly(classLoader);
    }

    private static URL[] classpath()
    {
        Path file = Path.of(requiredProperty("dredge.hive.jdbc.classpath"));
        try {
            String[] entries = Files.readString(file).trim().split(":");
            URL[] urls = new URL[entries.length];
            for (int i = 0; i < entries.length; i++) {
                urls[i] = Path.of(entries[i]).toUri().toURL();
            }
            return urls;
        }
        catch (MalformedURLException e) {
            throw new IllegalStateException("bad entry in " + file, e);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeQuietly(URLClassLoader classLoader)
    {
        try {
            classLoader.close();
        }
        catch (IOException ignored) {
            // only open jar files: nothing to recover
        }
    }
}
