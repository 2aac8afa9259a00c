package io.dredge.hive.adapter;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.dredge.core.port.SqlEngine;
import io.dredge.core.sql.SqlDialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * The {@link SqlEngine} port over HiveServer2's JDBC client: each statement runs in a session of its own on the
 * HiveServer2 that called Dredge, as the calling user, so the data moves through Hive's own (distributed) writers and
 * Hive's authorization applies to every statement, as it would to the user's own.
 */
final class HiveSqlEngine
        implements SqlEngine
{
    private static final Logger log = LoggerFactory.getLogger(HiveSqlEngine.class);
    private static final String DRIVER = "org.apache.hive.jdbc.HiveDriver";

    /**
     * What every statement needs: a rewrite names its partitions by their columns' values (dynamic partitions).
     */
    private static final Map<String, String> SESSION_DEFAULTS = ImmutableMap.of(
            "hive.exec.dynamic.partition", "true",
            "hive.exec.dynamic.partition.mode", "nonstrict");

    private final String url;
    private final String user;

    HiveSqlEngine(String url, String user)
    {
        this.url = requireNonNull(url, "url is null");
        this.user = requireNonNull(user, "user is null");
    }

    @Override
    public SqlDialect dialect()
    {
        return SqlDialect.HIVE;
    }

    @Override
    public List<List<Object>> query(String sql, Map<String, String> sessionProperties)
    {
        ImmutableList.Builder<List<Object>> rows = ImmutableList.builder();
        query(sql, sessionProperties, rows::add);
        return rows.build();
    }

    @Override
    public void query(String sql, Map<String, String> sessionProperties, Consumer<List<Object>> rows)
    {
        log.debug("query: {}", sql);
        try (Connection connection = connect(sessionProperties);
                Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery(sql)) {
            int columns = resultSet.getMetaData().getColumnCount();
            while (resultSet.next()) {
                List<Object> row = new ArrayList<>(columns);
                for (int column = 1; column <= columns; column++) {
                    row.add(resultSet.getObject(column));
                }
                rows.accept(row);
            }
        }
        catch (SQLException e) {
            throw failed(sql, e);
        }
    }

    @Override
    public long update(String sql, Map<String, String> sessionProperties)
    {
        log.debug("update: {}", sql);
        try (Connection connection = connect(sessionProperties);
                Statement statement = connection.createStatement()) {
            // HiveServer2 reports the rows an INSERT wrote when it knows them, -1 or 0 otherwise
            return Math.max(0, statement.executeUpdate(sql));
        }
        catch (SQLException e) {
            throw failed(sql, e);
        }
    }

    private Connection connect(Map<String, String> sessionProperties)
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

    private static RuntimeException failed(String sql, SQLException e)
    {
        return new IllegalStateException("Hive failed to run %s: %s".formatted(sql, e.getMessage()), e);
    }
}
