package io.dredge.trino.adapter;

import io.airlift.log.Logger;
import io.dredge.core.port.CallCancellation;
import io.dredge.core.sql.SqlDialect;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Whether a procedure's {@code CALL} still runs, as this cluster's {@code system.runtime.queries} says. Trino runs a
 * procedure on the coordinator thread that executes the {@code CALL} and, when the query is cancelled (the client's
 * cancel, {@code system.runtime.kill_query}, {@code query.max-run-time}), only marks the query failed: the thread is
 * not interrupted and the procedure is not told. Asking for the query's state is how it learns.
 */
final class TrinoCallSignal
        implements CallCancellation.Signal
{
    private static final Logger log = Logger.get(TrinoCallSignal.class);
    private static final Set<String> DONE = Set.of("FINISHED", "FAILED");
    private static final int TIMEOUT_SECONDS = 30;
    /**
     * The client source of the checks, told apart from Dredge's own statements ({@code dredge}) in the query list.
     */
    static final String SOURCE = "dredge-cancel-check";

    private final String url;
    private final Properties connectionProperties;
    private final String queryId;

    TrinoCallSignal(String url, Properties connectionProperties, String queryId)
    {
        this.url = requireNonNull(url, "url is null");
        this.connectionProperties = new Properties();
        this.connectionProperties.putAll(requireNonNull(connectionProperties, "connectionProperties is null"));
        this.connectionProperties.setProperty("source", SOURCE);
        this.queryId = requireNonNull(queryId, "queryId is null");
    }

    @Override
    public Optional<String> cancelled()
    {
        // the calling user sees the queries it owns, the CALL among them
        String sql = "SELECT state, error_code FROM system.runtime.queries WHERE query_id = " + SqlDialect.TRINO.stringLiteral(queryId);
        try (Connection connection = TrinoSqlEngine.DRIVER.connect(url, connectionProperties);
                Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(TIMEOUT_SECONDS);
            try (ResultSet state = statement.executeQuery(sql)) {
                if (!state.next()) {
                    // not seen, not known to be cancelled: a CALL ended long ago cannot be running a statement
                    log.debug("query %s is not in system.runtime.queries", queryId);
                    return Optional.empty();
                }
                if (!DONE.contains(state.getString(1))) {
                    return Optional.empty();
                }
                return Optional.of("the CALL (query %s) ended %s%s".formatted(queryId, state.getString(1), Optional.ofNullable(state.getString(2)).map(code -> " (" + code + ")").orElse("")));
            }
        }
        catch (SQLException e) {
            // for example access control that does not let the user read system.runtime.queries
            throw new IllegalStateException("could not read the state of query %s: %s".formatted(queryId, e.getMessage()), e);
        }
    }
}
