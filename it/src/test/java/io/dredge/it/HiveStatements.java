package io.dredge.it;

import com.google.common.base.Stopwatch;
import com.google.common.collect.ImmutableList;
import io.airlift.log.Logger;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;

/**
 * HiveQL sent through a HiveServer2 JDBC connection, as tests send it.
 */
final class HiveStatements
{
    private static final Logger log = Logger.get(HiveStatements.class);

    private HiveStatements() {}

    static void execute(Connection connection, String sql)
            throws SQLException
    {
        Stopwatch stopwatch = Stopwatch.createStarted();
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
        log.info("HiveServer2 ran %s in %s", sql, stopwatch);
    }

    static List<List<Object>> rows(Connection connection, String sql)
            throws SQLException
    {
        try (Statement statement = connection.createStatement()) {
            return rows(statement, sql);
        }
    }

    /**
     * The rows of {@code sql} run on {@code statement}, which stays open (for a test that cancels it).
     */
    static List<List<Object>> rows(Statement statement, String sql)
            throws SQLException
    {
        ImmutableList.Builder<List<Object>> rows = ImmutableList.builder();
        try (ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                Object[] row = new Object[columns];
                for (int column = 0; column < columns; column++) {
                    row[column] = result.getObject(column + 1);
                }
                rows.add(Arrays.asList(row));
            }
        }
        return rows.build();
    }
}
