package io.dredge.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.util.List;

import static io.dredge.it.HiveStatements.execute;
import static io.dredge.it.HiveStatements.rows;
import static java.lang.String.format;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS;

/**
 * The maintenance functions in a HiveServer2 with SQL standard authorization: a user who may not write a table
 * cannot compact, roll back, recover or clean it up, and nothing changes; the table's owner can, and so can a user
 * granted SELECT and INSERT.
 */
@TestInstance(PER_CLASS)
class TestHiveMaintenanceAuthorization
        extends AbstractTestWithDredgeHive
{
    // Trino's query runner creates the tables as this user, who owns them in the metastore
    private static final String OWNER = "user";
    private static final String READER = "reader";
    private static final String WRITER = "writer";
    private static final String ADMIN = "admin";

    @Override
    protected HiveServer2Process.Builder configureHive(HiveServer2Process.Builder builder)
    {
        return builder
                .property("hive.security.authorization.enabled", "true")
                .property("hive.security.authorization.manager", "org.apache.hadoop.hive.ql.security.authorization.plugin.sqlstd.SQLStdHiveAuthorizerFactory")
                .property("hive.security.authenticator.manager", "org.apache.hadoop.hive.ql.security.SessionStateUserAuthenticator")
                .property("hive.server2.enable.doAs", "false")
                .property("hive.users.in.admin.role", ADMIN);
    }

    /**
     * Under SQL standard authorization only the admin role creates functions, so the per-session init file registers
     * nothing for other users: an admin registers the functions once, as permanent functions, as README says.
     */
    @BeforeAll
    public void registerFunctions()
            throws Exception
    {
        try (Connection admin = hiveServer().connect(ADMIN)) {
            execute(admin, "SET ROLE ADMIN");
            for (String function : List.of("CompactTableUdtf:dredge_compact_table", "RollbackCompactionUdtf:dredge_rollback_compaction", "RecoverUdtf:dredge_recover", "CleanupUdtf:dredge_cleanup")) {
                String[] parts = function.split(":");
                execute(admin, format("CREATE FUNCTION default.%s AS 'io.dredge.hive.udf.%s'", parts[1], parts[0]));
            }
        }
    }

    @Test
    public void testOnlyUsersWhoMayWriteTheTableMaintainIt()
            throws Exception
    {
        createSchema("ha");
        assertUpdate("CREATE TABLE hive.ha.events (id bigint, day varchar) WITH (format = 'PARQUET', partitioned_by = ARRAY['day'])");
        for (int batch = 0; batch < 3; batch++) {
            assertUpdate(format("INSERT INTO hive.ha.events VALUES (%s, 'a'), (%s, 'b')", batch * 2, batch * 2 + 1), 2);
        }
        List<Object> before = computeActual("SELECT count(*), sum(id), count(DISTINCT \"$path\") FROM hive.ha.events").getMaterializedRows().getFirst().getFields();
        try (Connection owner = hiveServer().connect(OWNER); Connection reader = hiveServer().connect(READER); Connection writer = hiveServer().connect(WRITER)) {
            execute(owner, "GRANT SELECT ON TABLE ha.events TO USER reader");
            for (String call : List.of(
                    "dredge_compact_table('ha', 'events')",
                    "dredge_rollback_compaction('ha', 'events')",
                    "dredge_recover('ha', 'events')")) {
                assertThat(catchThrowable(() -> rows(reader, "SELECT " + call)))
                        .as(call)
                        .hasMessageContaining("user reader may not write ha.events");
            }
            // nor from a MapReduce task, where no session could ask the authorizer: the function refuses to run there
            // (HiveServer2's log has its message; the client sees only the task's return code)
            execute(reader, "SET hive.fetch.task.conversion=none");
            assertThatThrownBy(() -> rows(reader, "SELECT dredge_compact_table('ha', 'events') FROM (SELECT 1 AS one) t"))
                    .hasMessageContaining("return code 2 from org.apache.hadoop.hive.ql.exec.mr.MapRedTask");
            execute(reader, "SET hive.fetch.task.conversion=more");
            assertThat(computeActual("SELECT count(*) FROM dredge.system.operations WHERE schema_name = 'ha'").getOnlyValue()).isEqualTo(0L);
            assertThat(computeActual("SELECT count(*), sum(id), count(DISTINCT \"$path\") FROM hive.ha.events").getMaterializedRows().getFirst().getFields()).isEqualTo(before);

            // the owner compacts; a user granted what an INSERT ... SELECT needs rolls it back
            assertThat(rows(owner, "SELECT state, files_after FROM (SELECT dredge_compact_table('ha', 'events')) r")).containsExactly(List.of("SUCCEEDED", 2L));
            // cleanup deletes what the compaction kept for its rollback: refused too, by table or for the schema
            assertThatThrownBy(() -> rows(reader, "SELECT dredge_cleanup('ha', 'events', '0s')")).hasMessageContaining("user reader may not write ha.events");
            assertThatThrownBy(() -> rows(reader, "SELECT dredge_cleanup('ha', NULL, '0s')")).hasMessageContaining("user reader may not write ha.events");
            execute(owner, "GRANT SELECT ON TABLE ha.events TO USER writer");
            execute(owner, "GRANT INSERT ON TABLE ha.events TO USER writer");
            assertThat(rows(writer, "SELECT kind, state FROM (SELECT dredge_rollback_compaction('ha', 'events')) r")).containsExactly(List.of("ROLLBACK", "SUCCEEDED"));
        }
        assertThat(computeActual("SELECT count(*), sum(id), count(DISTINCT \"$path\") FROM hive.ha.events").getMaterializedRows().getFirst().getFields()).isEqualTo(before);
        assertThat(computeActual("SELECT count(*) FROM dredge.system.operations WHERE schema_name = 'ha' AND state = 'FAILED'").getOnlyValue()).isEqualTo(0L);
    }
}
