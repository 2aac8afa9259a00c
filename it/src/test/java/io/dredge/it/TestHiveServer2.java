package io.dredge.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import static io.dredge.it.ChildProcesses.requiredProperty;
import static io.dredge.it.HiveStatements.execute;
import static io.dredge.it.HiveStatements.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS;

/**
 * A real HiveServer2 and Trino over one thrift metastore and warehouse, as a lake that both engines write: what one
 * engine writes the other reads, and Dredge's Hive jars load into the server as they would in production.
 */
@TestInstance(PER_CLASS)
class TestHiveServer2
        extends AbstractTestWithThriftMetastore
{
    private static final String SCHEMA = "hs2";
    private static final String USER = "dredge";
    // io.dredge.hive.hook.FailingPreHook in hive-hooks' test jar: fails a session's statements once it sets this
    private static final String FAILING_HOOK = "io.dredge.hive.hook.FailingPreHook";
    private static final String FAILURE_MESSAGE = "dredge.test.pre-hook.failure";

    private HiveServer2Process hiveServer;

    @BeforeAll
    public void startHiveServer()
            throws Exception
    {
        hiveServer = HiveServer2Process.builder(directory().resolve("hiveserver2-" + getClass().getSimpleName()), metastoreUri(), warehouse())
                .classpath(Path.of(requiredProperty("dredge.hive.hooks.test.jar")))
                .property("hive.exec.pre.hooks", FAILING_HOOK)
                .start();
        createSchema(SCHEMA);
    }

    @AfterAll
    public void stopHiveServer()
    {
        if (hiveServer != null) {
            hiveServer.close();
        }
    }

    @Test
    public void testTableWrittenByHiveIsReadByTrino()
            throws SQLException
    {
        try (Connection hive = hiveServer.connect(USER)) {
            execute(hive, "CREATE TABLE hs2.from_hive (id int, name string) PARTITIONED BY (p string) STORED AS ORC");
            // one job, two partitions (dynamic partitioning)
            execute(hive, "INSERT INTO hs2.from_hive PARTITION (p) VALUES (1, 'one', 'a'), (2, 'two', 'a'), (3, 'three', 'b')");
            assertThat(rows(hive, "SELECT id, name, p FROM hs2.from_hive"))
                    .containsExactlyInAnyOrder(List.of(1, "one", "a"), List.of(2, "two", "a"), List.of(3, "three", "b"));
        }

        assertThat(computeScalar("SELECT count(*) FROM hive.hs2.from_hive")).isEqualTo(3L);
        assertThat(query("SELECT id, name, p FROM hive.hs2.from_hive"))
                .skippingTypesCheck()
                .matches("VALUES (1, 'one', 'a'), (2, 'two', 'a'), (3, 'three', 'b')");
        assertThat(computeActual("SELECT DISTINCT \"$partition\" FROM hive.hs2.from_hive").getOnlyColumnAsSet())
                .containsExactlyInAnyOrder("p=a", "p=b");
    }

    @Test
    public void testTableWrittenByTrinoIsReadByHive()
            throws SQLException
    {
        assertUpdate("CREATE TABLE hive.hs2.from_trino (id integer, name varchar, p varchar) WITH (partitioned_by = ARRAY['p'])");
        assertUpdate("INSERT INTO hive.hs2.from_trino VALUES (10, 'ten', 'a'), (20, 'twenty', 'b'), (30, 'thirty', 'b')", 3);

        try (Connection hive = hiveServer.connect(USER)) {
            assertThat(rows(hive, "SELECT id, name, p FROM hs2.from_trino"))
                    .containsExactlyInAnyOrder(List.of(10, "ten", "a"), List.of(20, "twenty", "b"), List.of(30, "thirty", "b"));
            assertThat(rows(hive, "SHOW PARTITIONS hs2.from_trino"))
                    .containsExactlyInAnyOrder(List.of("p=a"), List.of("p=b"));
        }
    }

    @Test
    public void testSmallFileStatusFunctionLoadsFromDredgeJars()
            throws SQLException
    {
        try (Connection hive = hiveServer.connect(USER)) {
            // the function's jar and the core it calls, as an operator would register them
            execute(hive, "CREATE TEMPORARY FUNCTION dredge_small_file_status AS 'io.dredge.hive.udf.SmallFileStatusUdf' USING JAR '%s', JAR '%s'"
                    .formatted(jarUri("dredge.hive.hooks.jar"), jarUri("dredge.procedures.core.jar")));
            assertThat(rows(hive, "SELECT dredge_small_file_status(200, 200000), dredge_small_file_status(1, 10), dredge_small_file_status(20, 1980, 1000, 10.0)"))
                    .containsExactly(List.of("NEEDS_COMPACTION", "OK", "NEEDS_COMPACTION"));
        }
    }

    @Test
    public void testFailingPreHookReachesClient()
            throws SQLException
    {
        try (Connection hive = hiveServer.connect(USER)) {
            execute(hive, "SET %s=table hs2.guarded is being compacted, retry later".formatted(FAILURE_MESSAGE));
            // Hive wraps whatever the hook throws: the client sees a generic SQL state and code, with the hook's message and stack inside
            assertThatThrownBy(() -> rows(hive, "SELECT 1"))
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("08S01");
                        assertThat(e.getErrorCode()).isEqualTo(12);
                    })
                    .hasMessageStartingWith("Error while compiling statement: FAILED: Hive Internal Error: org.apache.hadoop.hive.ql.metadata.HiveException(Error while invoking PreHook. hooks: ")
                    .hasMessageContaining("java.lang.IllegalStateException: table hs2.guarded is being compacted, retry later");

            // the failure ends the statement, not the session
            execute(hive, "SET %s=".formatted(FAILURE_MESSAGE));
            assertThat(rows(hive, "SELECT 1")).containsExactly(List.of(1));
        }
    }

    private static String jarUri(String property)
    {
        return Path.of(requiredProperty(property)).toAbsolutePath().normalize().toUri().toString();
    }
}
