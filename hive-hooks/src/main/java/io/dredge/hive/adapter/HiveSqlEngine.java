package io.dredge.hive.adapter;

import com.google.common.collect.ImmutableMap;
import io.dredge.core.port.CallCancellation;
import io.dredge.core.port.JdbcSqlEngine;
import io.dredge.core.port.SqlEngine;
import io.dredge.core.sql.SqlDialect;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;

import static java.util.Objects.requireNonNull;

/**
 * The {@link SqlEngine} port over HiveServer2's JDBC client: each statement runs in a session of its own on the
 * HiveServer2 that called Dredge, as the calling user, so the data moves through Hive's own (distributed) writers and
 * Hive's authorization applies to every statement, as it would to the user's own.
 */
final class HiveSqlEngine
        extends JdbcSqlEngine
{
    private static final String DRIVER = "org.apache.hive.jdbc.HiveDriver";

    /**
     * What every statement needs: a rewrite names its partitions by their columns' values (dynamic partitions).
     */
    private static final Map<String, String> SESSION_DEFAULTS = ImmutableMap.of(
            "hive.exec.dynamic.partition", "true",
            "hive.exec.dynamic.partition.mode", "nonstrict");

    private final String url;
    private final String user;

    HiveSqlEngine(String url, String user, CallCancellation cancellation)
    {
        super(cancellation);
        this.url = requireNonNull(url, "url is null");
        this.user = requireNonNull(user, "user is null");
    }

    @Override
    public SqlDialect dialect()
    {
        return SqlDialect.HIVE;
    }

    @Override
    protected long executeUpdate(Statement statement, String sql)
            throws SQLException
    {
        // HiveServer2 reports the rows an INSERT wrote when it knows them, -1 or 0 otherwise
        return Math.max(0, statement.executeUpdate(sql));
    }

    @Override
    protected Connection connect(Map<String, String> sessionProperties)
            throws SQLException
    {
        try {
            // HiveServer2's own lib has the driver; load it where the session's class loader can see it
            Class.forName(DRIVER, true, Thread.currentThread().getContextClassLoader());
        }
        catch (ClassNotFoundException e) {
            throw new SQLException("Dredge's Hive functions need hive-jdbc (%s) on HiveServer2's classpath".formatted(DRIVER), e);
        }
        Properties properties = new Properties();
        properties.setProperty("user", user);
        Connection connection = DriverManager.getConnection(url, properties);
        try (Statement statement = connection.createStatement()) {
            for (Map.Entry<String, String> property : ImmutableMap.<String, String>builder().putAll(SESSION_DEFAULTS).putAll(sessionProperties).buildKeepingLast().entrySet()) {
                statement.execute("SET %s=%s".formatted(property.getKey(), property.getValue()));
            }
        }
        catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        return connection;
    }
}
