package io.dredge.core.port;

import com.google.common.collect.ImmutableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * A {@link SqlEngine} reached through the engine's JDBC driver, one connection (one engine session) a statement: what
 * the engine adapters share. An adapter says how to connect as the calling user with session properties, and when
 * the call it serves is cancelled: its statements are then cancelled (see {@link CallCancellation}).
 */
public abstract class JdbcSqlEngine
        implements SqlEngine
{
    private static final Logger log = LoggerFactory.getLogger(JdbcSqlEngine.class);

    private final CallCancellation cancellation;

    /**
     * @param cancellation the call's: every statement of this engine is cancelled with the call
     */
    protected JdbcSqlEngine(CallCancellation cancellation)
    {
        this.cancellation = requireNonNull(cancellation, "cancellation is null");
    }

    /**
     * A session of the engine as the calling user, with {@code sessionProperties} set.
     */
    protected abstract Connection connect(Map<String, String> sessionProperties)
            throws SQLException;

    /**
     * Runs a statement that changes data and returns the rows it wrote, as the driver reports them.
     */
    protected long executeUpdate(Statement statement, String sql)
            throws SQLException
    {
        return statement.executeLargeUpdate(sql);
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
                Statement statement = connection.createStatement()) {
            cancellation.run(statement, running -> {
                try (ResultSet resultSet = running.executeQuery(sql)) {
                    int columns = resultSet.getMetaData().getColumnCount();
                    while (resultSet.next()) {
                        List<Object> row = new ArrayList<>(columns);
                        for (int column = 1; column <= columns; column++) {
                            row.add(resultSet.getObject(column));
                        }
                        rows.accept(row);
                    }
                }
                return null;
            });
        }
        catch (SQLException e) {
            throw new EngineStatementException(sql, e);
        }
    }

    @Override
    public long update(String sql, Map<String, String> sessionProperties)
    {
        log.debug("update: {}", sql);
        try (Connection connection = connect(sessionProperties);
                Statement statement = connection.createStatement()) {
            return cancellation.run(statement, running -> executeUpdate(running, sql));
        }
        catch (SQLException e) {
            throw new EngineStatementException(sql, e);
        }
    }

    @Override
    public Optional<String> cancellation()
    {
        return cancellation.delivered();
    }

    @Override
    public void requireNotCancelled()
    {
        cancellation.checkNow();
    }

    /**
     * A statement the engine refused or failed; the message is the engine's own.
     */
    public static final class EngineStatementException
            extends RuntimeException
    {
        EngineStatementException(String sql, SQLException cause)
        {
            super(cause.getMessage(), cause);
            log.debug("statement failed: {}: {}", sql, cause.getMessage());
        }
    }
}
