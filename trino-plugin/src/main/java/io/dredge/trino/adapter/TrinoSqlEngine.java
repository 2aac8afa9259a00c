package io.dredge.trino.adapter;

import com.google.common.collect.ImmutableList;
import io.airlift.log.Logger;
import io.dredge.core.port.SqlEngine;
import io.dredge.core.sql.SqlDialect;
import io.trino.jdbc.TrinoDriver;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;
import static java.util.stream.Collectors.joining;

/**
 * The {@link SqlEngine} port over Trino's client protocol: each statement runs on the cluster this plugin is
 * installed in, as the user who called the procedure, so writes are distributed across the workers and every
 * statement passes the cluster's access control.
 */
final class TrinoSqlEngine
        implements SqlEngine
{
    private static final Logger log = Logger.get(TrinoSqlEngine.class);
    private static final TrinoDriver DRIVER = new TrinoDriver();

    private final String url;
    private final Properties connectionProperties;

    TrinoSqlEngine(String url, Properties connectionProperties)
    {
        this.url = requireNonNull(url, "url is null");
        this.connectionProperties = requireNonNull(connectionProperties, "connectionProperties is null");
    }

    @Override
    public SqlDialect dialect()
    {
        return SqlDialect.TRINO;
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
        log.debug("query: %s", sql);
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
            throw new EngineStatementException(sql, e);
        }
    }

    @Override
    public long update(String sql, Map<String, String> sessionProperties)
    {
        log.debug("update: %s", sql);
        try (Connection connection = connect(sessionProperties);
                Statement statement = connection.createStatement()) {
            return statement.executeLargeUpdate(sql);
        }
        catch (SQLException e) {
            throw new EngineStatementException(sql, e);
        }
    }

    private Connection connect(Map<String, String> sessionProperties)
            throws SQLException
    {
        Properties properties = new Properties();
        properties.putAll(connectionProperties);
        if (!sessionProperties.isEmpty()) {
            properties.setProperty("sessionProperties", sessionProperties.entrySet().stream()
                    .map(entry -> entry.getKey() + ":" + entry.getValue())
                    .collect(joining(";")));
        }
        return DRIVER.connect(url, properties);
    }

    /**
     * A statement the engine refused or failed; the message is the engine's own.
     */
    static final class EngineStatementException
            extends RuntimeException
    {
        EngineStatementException(String sql, SQLException cause)
        {
            super(cause.getMessage(), cause);
            log.debug("statement failed: %s: %s", sql, cause.getMessage());
        }
    }
}
