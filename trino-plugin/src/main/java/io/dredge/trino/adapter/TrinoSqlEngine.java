package io.dredge.trino.adapter;

import io.dredge.core.port.CallCancellation;
import io.dredge.core.port.JdbcSqlEngine;
import io.dredge.core.port.SqlEngine;
import io.dredge.core.sql.SqlDialect;
import io.trino.jdbc.TrinoDriver;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

import static java.util.Objects.requireNonNull;
import static java.util.stream.Collectors.joining;

/**
 * The {@link SqlEngine} port over Trino's client protocol: each statement runs on the cluster this plugin is
 * installed in, as the user who called the procedure, so writes are distributed across the workers and every
 * statement passes the cluster's access control. The statements belong to the procedure's {@code CALL}: cancelling it
 * cancels them (see {@link TrinoCallSignal}).
 */
final class TrinoSqlEngine
        extends JdbcSqlEngine
{
    static final TrinoDriver DRIVER = new TrinoDriver();

    private final String url;
    private final Properties connectionProperties;

    TrinoSqlEngine(String url, Properties connectionProperties, CallCancellation cancellation)
    {
        super(cancellation);
        this.url = requireNonNull(url, "url is null");
        this.connectionProperties = requireNonNull(connectionProperties, "connectionProperties is null");
    }

    @Override
    public SqlDialect dialect()
    {
        return SqlDialect.TRINO;
    }

    @Override
    protected Connection connect(Map<String, String> sessionProperties)
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
}
