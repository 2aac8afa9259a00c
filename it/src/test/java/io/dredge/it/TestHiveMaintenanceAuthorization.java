package io.dredge.it;

import io.trino.Session;
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
 * granted SELECT and INSERT. A user who may not read a table cannot restore a backup of it.
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
                .property("dredge.backup-location", "file:" + backupRepository())
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
            for (String function : List.of("CompactTableUdtf:dredge_compact_table", "RollbackCompactionUdtf:dredge_rollback_compaction", "RecoverUdtf:dredge_recover", "CleanupUdtf:dredge_cleanup", "RestoreTableUdtf:dredge_restore_table")) {
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

    @Test
    public void testOnlyUsersWhoMayWriteTheTableRecoverItByOperationIdAfterARename()
            throws Exception
    {
        createSchema("hr");
        assertUpdate("CREATE TABLE hive.hr.events (id bigint, day varchar) WITH (format = 'PARQUET', partitioned_by = ARRAY['day'])");
        for (int batch = 0; batch < 2; batch++) {
            assertUpdate(format("INSERT INTO hive.hr.events VALUES (%s, 'a'), (%s, 'b')", batch * 2, batch * 2 + 1), 2);
        }
        Session crashing = Session.builder(getSession()).setCatalogSessionProperty("dredge", "testing_fail_after", "PARTITION_SWAPPED:1").build();
        assertQueryFails(crashing, "CALL dredge.system.compact_table(schema_name => 'hr', table_name => 'events')", ".*injected fault after.*");
        String operationId = (String) computeActual("SELECT operation_id FROM dredge.system.operations WHERE schema_name = 'hr' AND state = 'RUNNING'").getOnlyValue();
        assertUpdate("ALTER TABLE hive.hr.events RENAME TO events_renamed");
        try (Connection owner = hiveServer().connect(OWNER); Connection reader = hiveServer().connect(READER)) {
            execute(owner, "GRANT SELECT ON TABLE hr.events_renamed TO USER reader");
            // the operation's table is found under its new name, and the authorizer is asked about that one
            assertThatThrownBy(() -> rows(reader, format("SELECT dredge_recover('hr', NULL, '%s')", operationId)))
                    .hasMessageContaining("user reader may not write hr.events_renamed");
            assertThat(computeActual("SELECT state FROM dredge.system.operations WHERE operation_id = '" + operationId + "'").getOnlyValue()).isEqualTo("RUNNING");
            assertThat(rows(owner, format("SELECT kind, state FROM (SELECT dredge_recover('hr', NULL, '%s')) r", operationId))).containsExactly(List.of("RECOVER", "SUCCEEDED"));
        }
        assertThat(computeActual("SELECT state FROM dredge.system.operations WHERE operation_id = '" + operationId + "'").getOnlyValue()).isEqualTo("RECOVERED");
        assertThat(computeActual("SELECT count(*), sum(id) FROM hive.hr.events_renamed").getMaterializedRows().getFirst().getFields()).containsExactly(4L, 6L);
    }

    @Test
    public void testOnlyUsersWhoMayReadTheTableRestoreItsBackup()
            throws Exception
    {
        createSchema("hauth");
        assertUpdate("CREATE TABLE hive.hauth.events (id bigint, day varchar) WITH (format = 'PARQUET', partitioned_by = ARRAY['day'])");
        assertUpdate("INSERT INTO hive.hauth.events VALUES (1, 'a'), (2, 'b')", 2);
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'hauth', table_name => 'events', backup_name => 'hauth_events')");
        // the reader owns a database of their own, so may create tables there, but may not read hauth.events
        createSchema("readers_own");
        try (Connection admin = hiveServer().connect(ADMIN); Connection owner = hiveServer().connect(OWNER); Connection reader = hiveServer().connect(READER)) {
            execute(admin, "SET ROLE ADMIN");
            execute(admin, "ALTER DATABASE readers_own SET OWNER USER reader");
            assertThatThrownBy(() -> rows(reader, "SELECT dredge_restore_table('hauth_events', 'readers_own', 'leaked')"))
                    .hasMessageContaining("user reader may not read hauth.events");
            assertThat(computeActual("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'readers_own'").getOnlyValue()).isEqualTo(0L);
            assertThat(computeActual("SELECT state FROM dredge.system.backups WHERE backup_name = 'hauth_events'").getOnlyValue()).isEqualTo("COMPLETE");

            // the table's owner restores it
            assertThat(rows(owner, "SELECT `rows` FROM (SELECT dredge_restore_table('hauth_events', 'hauth', 'events_restored')) r")).containsExactly(List.of(2L));
        }
        assertThat(computeActual("SELECT count(*), sum(id) FROM hive.hauth.events_restored").getMaterializedRows().getFirst().getFields()).containsExactly(2L, 3L);
    }
}
