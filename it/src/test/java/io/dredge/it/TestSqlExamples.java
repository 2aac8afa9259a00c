package io.dredge.it;

import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableList;
import io.trino.testing.MaterializedResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every statement of every file in {@code sql-examples/trino} against tables shaped like the demo's, on a
 * thrift metastore, with a backup repository, as the demo has.
 */
class TestSqlExamples
        extends AbstractTestWithThriftMetastore
{
    private static final Path EXAMPLES = Path.of("..", "sql-examples", "trino");

    @Override
    protected DredgeQueryRunner.Builder configure(DredgeQueryRunner.Builder builder, Path directory)
            throws IOException
    {
        // as bin/dredge-demo configures it; the iceberg catalog registers restored tables in every DredgeQueryRunner
        return builder.addDredgeProperty("dredge.backup-location", "file:" + Files.createDirectories(directory.resolve("backups")));
    }

    @BeforeAll
    public void createDemoTables()
    {
        assertUpdate("CREATE SCHEMA hive.demo WITH (location = '%s')".formatted(schemaLocation("demo")));
        assertUpdate("CREATE TABLE hive.demo.events (event_id bigint, event_date date) WITH (partitioned_by = ARRAY['event_date'])");
        assertUpdate("CREATE TABLE iceberg.demo.events_ice (event_id bigint, event_date date) WITH (partitioning = ARRAY['event_date'])");
        for (int batch = 0; batch < 3; batch++) {
            String rows = "SELECT id, date_add('day', id %% 2, DATE '2024-01-01') FROM UNNEST(sequence(%s, %s)) t(id)".formatted(batch * 10, batch * 10 + 9);
            assertUpdate("INSERT INTO hive.demo.events " + rows, 10);
            assertUpdate("INSERT INTO iceberg.demo.events_ice " + rows, 10);
        }
    }

    @Test
    public void testEveryExampleRuns()
            throws IOException
    {
        List<Path> files;
        try (Stream<Path> paths = Files.list(EXAMPLES)) {
            files = paths.filter(path -> path.toString().endsWith(".sql")).sorted().collect(toImmutableList());
        }
        assertThat(files).isNotEmpty();
        int statements = 0;
        for (Path file : files) {
            for (String statement : statements(Files.readString(file, UTF_8))) {
                MaterializedResult result = computeActual(statement);
                if (statement.startsWith("SELECT")) {
                    assertThat(result.getRowCount()).as("rows of %s in %s", statement, file).isPositive();
                }
                statements++;
            }
        }
        assertThat(statements).isGreaterThanOrEqualTo(files.size());

        // the backup example restored both tables: every row of every column, as the sources hold them now
        assertThat(figures("hive.restored.events")).isEqualTo(figures("hive.demo.events"));
        assertThat(figures("iceberg.restored.events_ice")).isEqualTo(figures("iceberg.demo.events_ice"));
        assertThat(figures("hive.restored.events").getFirst()).isEqualTo(30L);
        assertThat(figures("hive.restored.events_fast")).isEqualTo(figures("hive.demo.events"));
    }

    private List<Object> figures(String table)
    {
        return computeActual("SELECT count(*), to_hex(checksum(ROW(event_id, event_date))) FROM " + table).getMaterializedRows().getFirst().getFields();
    }

    @Test
    public void testDredgeSqlRunsAnExampleFileAndAStatement()
            throws Exception
    {
        String server = getDistributedQueryRunner().getCoordinator().getBaseUrl().toString();
        String report = dredgeSql("--server", server, "--output-format", "CSV", "-f", EXAMPLES.resolve("01_small_file_report.sql").toString());
        assertThat(report).contains("\"demo\",\"events\"");
        // the catalog and schema default to dredge.system; the backup example restores an events table into another schema
        assertThat(dredgeSql("--server", server, "--output-format", "CSV", "--execute", "SELECT count(*) FROM small_file_report WHERE schema_name = 'demo' AND table_name = 'events'").strip())
                .isEqualTo("\"3\"");
    }

    private static String dredgeSql(String... arguments)
            throws Exception
    {
        List<String> command = ImmutableList.<String>builder().add(Path.of("..", "bin", "dredge-sql").toString()).add(arguments).build();
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(process.getInputStream().readAllBytes(), UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as("exit code of %s, output %s", command, output).isZero();
        return output;
    }

    private static List<String> statements(String sql)
    {
        String withoutComments = sql.lines()
                .filter(line -> !line.strip().startsWith("--"))
                .reduce("", (left, right) -> left + "\n" + right);
        return Splitter.on(';').trimResults().omitEmptyStrings().splitToList(withoutComments);
    }
}
