package io.dredge.it;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every statement of every {@code ```sql} block in README.md, CONTRIBUTING.md and docs/*.md runs in a test: it is a
 * statement of a file under {@code sql-examples/} ({@code trino/} is run by {@link TestSqlExamples}, {@code hive/} by
 * {@link TestHiveHooks#testEveryHiveSqlExampleRuns()}), or one of {@link #RUN_BY_TESTS}, which only make sense on a
 * test's tables. Statements are compared with comments removed and white space collapsed. And every relative link of
 * those pages reaches a file, and a heading of it when it names one (as {@code bin/check-doc-links} checks). Needs no
 * cluster.
 */
public class TestDocumentedSql
{
    private static final Path ROOT = Path.of("..");
    private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern SQL_BLOCK = Pattern.compile("^[ \\t]*```sql[ \\t]*\\n(.*?)^[ \\t]*```", Pattern.MULTILINE | Pattern.DOTALL);

    /**
     * Statements that need a test's setting, and the test method (class#method, in this module) that runs each
     * verbatim.
     */
    private static final Map<String, String> RUN_BY_TESTS = ImmutableMap.of(
            "SELECT partition_name, file_count, total_bytes, status, user_name FROM dredge.system.write_audit WHERE schema_name = 'hooks' AND table_name = 'audited'",
            "TestHiveHooks#testAuditRecordsExactlyThePartitionsEachWriteWrote",
            "SELECT path, bytes, reason FROM dredge.system.operation_files WHERE schema_name = 'expiry' AND table_name = 'listed'",
            "TestIcebergExpireSnapshots#testDryRunListsWhatTheRunRemoves");

    @Test
    public void testEveryDocumentedStatementRunsInATest()
            throws IOException
    {
        Set<String> examples = exampleStatements();
        assertThat(examples).isNotEmpty();

        List<Path> pages = documentationPages();
        assertThat(pages).contains(ROOT.resolve("README.md"));
        int documented = 0;
        ImmutableSet.Builder<String> used = ImmutableSet.builder();
        ImmutableList.Builder<String> unrun = ImmutableList.builder();
        for (Path page : pages) {
            for (String statement : documentedStatements(Files.readString(page, UTF_8))) {
                documented++;
                if (RUN_BY_TESTS.containsKey(statement)) {
                    used.add(statement);
                }
                else if (!examples.contains(statement)) {
                    unrun.add(page + ": " + statement);
                }
            }
        }
        assertThat(documented).isPositive();
        assertThat(unrun.build())
                .as("documented statements that no file under sql-examples/ holds and RUN_BY_TESTS does not list")
                .isEmpty();
        // no stale entries: each listed statement is still documented
        assertThat(used.build()).containsExactlyInAnyOrderElementsOf(RUN_BY_TESTS.keySet());
    }

    @Test
    public void testStatementsListedAsRunByTestsAreInThoseTests()
            throws IOException
    {
        for (Map.Entry<String, String> entry : RUN_BY_TESTS.entrySet()) {
            String[] test = entry.getValue().split("#");
            Path source = Path.of("src", "test", "java", "io", "dredge", "it", test[0] + ".java");
            String code = Files.readString(source, UTF_8);
            assertThat(code).as("test method %s", entry.getValue()).contains("public void " + test[1] + "(");
            assertThat(code).as("statement run by %s", entry.getValue()).contains(entry.getKey());
        }
    }

    @Test
    public void testEveryLinkReachesAFileAndHeading()
            throws IOException
    {
        ImmutableList.Builder<String> broken = ImmutableList.builder();
        int links = 0;
        for (Path page : documentationPages()) {
            for (String line : prose(Files.readString(page, UTF_8))) {
                Matcher link = LINK.matcher(line.replaceAll("`[^`]*`", ""));
                while (link.find()) {
                    String target = link.group(1);
                    if (target.matches("^[a-z]+:.*")) {
                        continue;
                    }
                    links++;
                    int hash = target.indexOf('#');
                    String file = hash < 0 ? target : target.substring(0, hash);
                    Path linked = file.isEmpty() ? page : page.resolveSibling(file).normalize();
                    if (!Files.exists(linked)) {
                        broken.add(page + ": " + target + ": no file " + linked);
                    }
                    else if (hash >= 0 && !anchors(Files.readString(linked, UTF_8)).contains(target.substring(hash + 1))) {
                        broken.add(page + ": " + target + ": no heading of that name in " + linked);
                    }
                }
            }
        }
        assertThat(links).isPositive();
        assertThat(broken.build()).isEmpty();
    }

    @Test
    public void testStatementSplitting()
    {
        assertThat(statements("""
                -- a comment; with a semicolon
                SELECT 'a;b -- not a comment', "it's"   -- a comment
                FROM t;  CALL x(a => 'it''s');
                """))
                .containsExactly("SELECT 'a;b -- not a comment', \"it's\" FROM t", "CALL x(a => 'it''s')");
        assertThat(documentedStatements("text\n```sql\nSELECT 1;\n```\n```sh\nls\n```\n  ```sql\n  SELECT\n    2\n  ```\n"))
                .containsExactly("SELECT 1", "SELECT 2");
    }

    /**
     * The lines of a page outside fenced code blocks.
     */
    private static List<String> prose(String markdown)
    {
        ImmutableList.Builder<String> lines = ImmutableList.builder();
        boolean fenced = false;
        for (String line : markdown.lines().toList()) {
            if (FENCE.matcher(line).find()) {
                fenced = !fenced;
            }
            else if (!fenced) {
                lines.add(line);
            }
        }
        return lines.build();
    }

    /**
     * The anchors GitHub gives a page's headings: lower case, without punctuation, spaces as hyphens, and a
     * {@code -n} suffix on the n-th repetition.
     */
    private static Set<String> anchors(String markdown)
    {
        Map<String, Integer> seen = new HashMap<>();
        ImmutableSet.Builder<String> anchors = ImmutableSet.builder();
        for (String line : prose(markdown)) {
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = heading.group(1).toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}_\\- ]", "").replace(' ', '-');
                int repeated = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(repeated == 0 ? slug : slug + "-" + repeated);
            }
        }
        return anchors.build();
    }

    private static Set<String> exampleStatements()
            throws IOException
    {
        try (Stream<Path> files = Files.walk(ROOT.resolve("sql-examples"))) {
            return files.filter(file -> file.toString().endsWith(".sql"))
                    .flatMap(file -> {
                        try {
                            return statements(Files.readString(file, UTF_8)).stream();
                        }
                        catch (IOException e) {
                            throw new RuntimeException(e);
                        }
                    })
                    .collect(toImmutableSet());
        }
    }

    private static List<Path> documentationPages()
            throws IOException
    {
        ImmutableList.Builder<Path> pages = ImmutableList.<Path>builder()
                .add(ROOT.resolve("README.md"))
                .add(ROOT.resolve("CONTRIBUTING.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            pages.addAll(docs.filter(file -> file.toString().endsWith(".md")).sorted().collect(toImmutableList()));
        }
        return pages.build().stream().filter(Files::exists).collect(toImmutableList());
    }

    private static List<String> documentedStatements(String markdown)
    {
        ImmutableList.Builder<String> statements = ImmutableList.builder();
        Matcher block = SQL_BLOCK.matcher(markdown);
        while (block.find()) {
            statements.addAll(statements(block.group(1)));
        }
        return statements.build();
    }

    /**
     * The statements of a SQL text, each with its {@code --} comments removed and its white space collapsed; quotes
     * ({@code '}, {@code "}, {@code `}) are respected, so a {@code ;} or {@code --} inside one is text.
     */
    static List<String> statements(String sql)
    {
        ImmutableList.Builder<String> statements = ImmutableList.builder();
        StringBuilder current = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (quote != 0) {
                current.append(c);
                if (c == quote) {
                    quote = 0;
                }
            }
            else if (c == '\'' || c == '"' || c == '`') {
                quote = c;
                current.append(c);
            }
            else if (c == '-' && i + 1 < sql.length() && sql.charAt(i + 1) == '-') {
                while (i < sql.length() && sql.charAt(i) != '\n') {
                    i++;
                }
                current.append('\n');
            }
            else if (c == ';') {
                add(statements, current);
            }
            else {
                current.append(c);
            }
        }
        add(statements, current);
        return statements.build();
    }

    private static void add(ImmutableList.Builder<String> statements, StringBuilder text)
    {
        String statement = text.toString().strip().replaceAll("\\s+", " ");
        if (!statement.isEmpty()) {
            statements.add(statement);
        }
        text.setLength(0);
    }
}
