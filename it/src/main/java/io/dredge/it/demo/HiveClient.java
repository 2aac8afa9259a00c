package io.dredge.it.demo;

import com.google.common.collect.ImmutableList;
import io.dredge.it.HiveJdbc;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * {@code bin/dredge-hive}: runs HiveQL against the demo's HiveServer2 (or any, with {@code --url}) and prints each
 * statement's rows as tab-separated text, for users without beeline.
 * {@code [--url jdbc:hive2://host:port/db] [--user NAME] (-e "HiveQL" | -f file.hql)}.
 */
public final class HiveClient
{
    private static final String USAGE = "usage: dredge-hive [--url jdbc:hive2://host:port/db] [--user NAME] (-e \"HiveQL; ...\" | -f file.hql)";

    private HiveClient() {}

    public static void main(String[] args)
            throws IOException
    {
        String url = "jdbc:hive2://127.0.0.1:%s/default".formatted(DemoOptions.DEFAULT_HIVE_PORT);
        String user = System.getProperty("user.name");
        String script = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--url" -> url = required(value, "--url");
                case "--user" -> user = required(value, "--user");
                case "-e" -> script = required(value, "-e");
                case "-f" -> script = Files.readString(Path.of(required(value, "-f")), UTF_8);
                default -> fail("unknown option " + args[i] + "; " + USAGE);
            }
            i++;
        }
        if (script == null) {
            fail(USAGE);
        }
        PrintStream out = System.out;
        try (HiveJdbc jdbc = HiveJdbc.load(); Connection connection = jdbc.connect(url, user)) {
            for (String sql : statements(script)) {
                try (Statement statement = connection.createStatement()) {
                    if (statement.execute(sql)) {
                        print(statement.getResultSet(), out);
                    }
                }
            }
        }
        catch (SQLException e) {
            // Hive appends the server's stack trace to the message; its first line says what went wrong
            fail(e.getMessage().lines().findFirst().orElse(e.toString()));
        }
    }

    /**
     * The statements of a script: split at each {@code ;} outside quotes, backquotes and {@code --} comments.
     */
    public static List<String> statements(String script)
    {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < script.length(); i++) {
            char c = script.charAt(i);
            if (quote != 0) {
                current.append(c);
                if (c == '\\' && quote != '`' && i + 1 < script.length()) {
                    current.append(script.charAt(++i));
                }
                else if (c == quote) {
                    quote = 0;
                }
            }
            else if (c == '-' && i + 1 < script.length() && script.charAt(i + 1) == '-') {
                int end = script.indexOf('\n', i);
                i = end < 0 ? script.length() : end;
                current.append('\n');
            }
            else if (c == ';') {
                add(statements, current);
            }
            else {
                if (c == '\'' || c == '"' || c == '`') {
                    quote = c;
                }
                current.append(c);
            }
        }
        add(statements, current);
        return ImmutableList.copyOf(statements);
    }

    private static void add(List<String> statements, StringBuilder current)
    {
        String statement = current.toString().strip();
        if (!statement.isEmpty()) {
            statements.add(statement);
        }
        current.setLength(0);
    }

    private static void print(ResultSet result, PrintStream out)
            throws SQLException
    {
        int columns = result.getMetaData().getColumnCount();
        while (result.next()) {
            StringBuilder line = new StringBuilder();
            for (int column = 1; column <= columns; column++) {
                if (column > 1) {
                    line.append('\t');
                }
                line.append(result.getString(column));
            }
            out.println(line);
        }
    }

    private static String required(String value, String option)
    {
        if (value == null) {
            fail(option + " needs a value; " + USAGE);
        }
        return value;
    }

    private static void fail(String message)
    {
        System.err.println("dredge-hive: " + message);
        System.exit(1);
    }
}
