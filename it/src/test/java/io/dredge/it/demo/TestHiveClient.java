package io.dredge.it.demo;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

public class TestHiveClient
{
    @Test
    public void testScriptIsSplitAtSemicolonsOutsideQuotesAndComments()
    {
        assertThat(HiveClient.statements("""
                -- a comment; with a semicolon
                SELECT 'a;b', "c;d", `e;f` FROM t;  -- trailing; comment
                SELECT 'it\\'s; fine'
                ;;
                INSERT INTO t VALUES (1)"""))
                .containsExactly(
                        "SELECT 'a;b', \"c;d\", `e;f` FROM t",
                        "SELECT 'it\\'s; fine'",
                        "INSERT INTO t VALUES (1)");
        assertThat(HiveClient.statements("  -- only a comment\n")).isEmpty();
        assertThat(HiveClient.statements("SELECT 1")).isEqualTo(List.of("SELECT 1"));
    }
}
