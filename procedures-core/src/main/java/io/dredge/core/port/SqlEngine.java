package io.dredge.core.port;

import io.dredge.core.sql.SqlDialect;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The host engine (Trino, Hive), reached as the user who called Dredge, so that data moves through the engine's
 * own distributed writers and its access control applies to every statement.
 */
public interface SqlEngine
{
    SqlDialect dialect();

    /**
     * Runs a query and returns its rows; values are Java objects as the engine's client returns them.
     */
    default List<List<Object>> query(String sql)
    {
        return query(sql, Map.of());
    }

    /**
     * Runs a query with session properties set for this statement only (names as the engine spells them).
     */
    List<List<Object>> query(String sql, Map<String, String> sessionProperties);

    /**
     * Runs a query and hands each row to {@code rows} as the engine returns it, so that a long query's caller sees
     * its progress; an engine whose client cannot stream hands the rows over when the query has finished.
     */
    default void query(String sql, Map<String, String> sessionProperties, Consumer<List<Object>> rows)
    {
        query(sql, sessionProperties).forEach(rows);
    }

    /**
     * Runs a statement that changes data and returns the number of rows it wrote.
     */
    long update(String sql, Map<String, String> sessionProperties);

    /**
     * Why the call whose statements this engine runs was cancelled, once a statement has failed or been refused for
     * it (see {@link CallCancellation}); empty while the call runs. Statements after that one run to their end, for
     * an operation's undo: a caller that would start more work (another table) asks here first.
     */
    default Optional<String> cancellation()
    {
        return Optional.empty();
    }

    /**
     * Fails with {@link CallCancellation.StatementCancelledException} when the call has been cancelled, as its next
     * statement would, asking the engine now: for a step that runs no statement (a copy on this node), before the
     * operation makes it final.
     */
    default void requireNotCancelled() {}
}
