package io.dredge.it;

import io.trino.Session;
import io.trino.spi.security.Identity;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static java.lang.String.format;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code dredge.system.operations} under Trino's file-based access control ({@link SharedCluster}: user
 * {@code outsider} may see nothing of schema {@code hidden_ops} and not table {@code open_ops.secret}), over a real
 * thrift metastore: a user
 * sees the operations of the tables they may see, and no others; filters on schema and table narrow the rows.
 */
public class TestOperationsAccessControl
        extends AbstractTestWithThriftMetastore
{
    // the compactions only: testBackupsAreReadAndRestoredOnlyAsTheEngineAllows journals backups of the same tables
    private static final String TABLES = "SELECT name FROM (SELECT schema_name || '.' || table_name AS name, schema_name, table_name FROM dredge.system.operations WHERE kind = 'COMPACT' AND schema_name IN ('open_ops', 'hidden_ops'))";

    @BeforeAll
    public void journalOperations()
    {
        createSchema("open_ops");
        createSchema("hidden_ops");
        // a dry run journals a PLANNED operation and changes nothing
        for (String table : List.of("open_ops.events", "open_ops.secret", "hidden_ops.events")) {
            assertUpdate(format("CREATE TABLE hive.%s (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])", table));
            assertUpdate(format("INSERT INTO hive.%s VALUES (1, 'a'), (2, 'b')", table), 2);
            String[] name = table.split("\\.");
            assertUpdate(format("CALL dredge.system.compact_table(schema_name => '%s', table_name => '%s', dry_run => true)", name[0], name[1]));
        }
    }

    @Test
    public void testUserSeesOnlyOperationsOfTablesTheyMaySee()
    {
        assertThat(computeActual(TABLES).getOnlyColumnAsSet())
                .containsExactlyInAnyOrder("open_ops.events", "open_ops.secret", "hidden_ops.events");

        Session outsider = Session.builder(getSession()).setIdentity(Identity.ofUser("outsider")).build();
        assertThat(computeActual(outsider, TABLES).getOnlyColumnAsSet()).containsExactly("open_ops.events");
        assertThat(computeActual(outsider, "SELECT state, partitions_considered FROM dredge.system.operations WHERE kind = 'COMPACT' AND schema_name IN ('open_ops', 'hidden_ops')").getMaterializedRows())
                .extracting(row -> row.getField(0) + ":" + row.getField(1))
                .containsExactly("PLANNED:2");
        // naming what they may not see does not show it either
        assertThat(computeActual(outsider, TABLES + " WHERE schema_name = 'hidden_ops'").getRowCount()).isZero();
        assertThat(computeActual(outsider, TABLES + " WHERE schema_name = 'open_ops' AND table_name = 'secret'").getRowCount()).isZero();
    }

    @Test
    public void testBackupsAreReadAndRestoredOnlyAsTheEngineAllows()
    {
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'hidden_ops', table_name => 'events', backup_name => 'hidden_events')");
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'open_ops', table_name => 'events', backup_name => 'open_events')");
        Session outsider = Session.builder(getSession()).setIdentity(Identity.ofUser("outsider")).build();
        // a backup shows as much as its table
        assertThat(computeActual(outsider, "SELECT backup_name FROM dredge.system.backups WHERE source_schema IN ('open_ops', 'hidden_ops')").getOnlyColumnAsSet()).containsExactly("open_events");
        assertThat(computeActual(outsider, "SELECT backup_name FROM dredge.system.backups WHERE backup_name = 'hidden_events'").getRowCount()).isZero();
        // reading a table the user may not read, and creating a table where the user may not, are refused before anything is written
        assertQueryFails(outsider, "CALL dredge.system.backup_table(schema_name => 'hidden_ops', table_name => 'events', backup_name => 'stolen')",
                ".*user outsider may not read hidden_ops.events: .*Access Denied.*");
        assertThat(computeActual("SELECT count(*) FROM dredge.system.backups WHERE backup_name = 'stolen'").getOnlyValue()).isEqualTo(0L);
        assertQueryFails(outsider, "CALL dredge.system.restore_table(backup_name => 'open_events', schema_name => 'hidden_ops', table_name => 'copy')",
                ".*user outsider may not create hidden_ops.copy: .*Access Denied.*");
        assertThat(computeActual("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'hidden_ops' AND table_name = 'copy'").getOnlyValue()).isEqualTo(0L);
        assertUpdate("CALL dredge.system.restore_table(backup_name => 'open_events', schema_name => 'open_ops', table_name => 'copy')");
        assertThat(computeActual("SELECT count(*) FROM hive.open_ops.copy").getOnlyValue()).isEqualTo(2L);
    }

    @Test
    public void testBackupNameReachesNoFurtherThanItsTable()
    {
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'hidden_ops', table_name => 'events', backup_name => 'admins_hidden')");
        Session outsider = Session.builder(getSession()).setIdentity(Identity.ofUser("outsider")).build();
        // the name is all the outsider needs to know: restoring, verifying or dropping a copy of a table they may not
        // read is refused, and nothing is created or deleted
        assertQueryFails(outsider, "CALL dredge.system.restore_table(backup_name => 'admins_hidden', schema_name => 'open_ops', table_name => 'leaked')",
                ".*user outsider may not restore backup admins_hidden: it is a copy of hidden_ops.events, which they may not read: .*Access Denied.*");
        assertThat(computeActual("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'open_ops' AND table_name = 'leaked'").getOnlyValue()).isEqualTo(0L);
        assertQueryFails(outsider, "CALL dredge.system.verify_backup(backup_name => 'admins_hidden')",
                ".*user outsider may not verify backup admins_hidden: it is a copy of hidden_ops.events, which they may not read: .*Access Denied.*");
        assertQueryFails(outsider, "CALL dredge.system.drop_backup(backup_name => 'admins_hidden')",
                ".*user outsider may not drop backup admins_hidden: only user, who made it, or a user who may replace hidden_ops.events, may drop it: .*Access Denied.*");
        assertThat(computeActual("SELECT state FROM dredge.system.backups WHERE backup_name = 'admins_hidden'").getOnlyValue()).isEqualTo("COMPLETE");

        // the administrator, who may read the table, still verifies, restores and drops it
        assertUpdate("CALL dredge.system.verify_backup(backup_name => 'admins_hidden')");
        assertUpdate("CALL dredge.system.restore_table(backup_name => 'admins_hidden', schema_name => 'hidden_ops', table_name => 'events_restored')");
        assertThat(computeActual("SELECT count(*) FROM hive.hidden_ops.events_restored").getOnlyValue()).isEqualTo(2L);
        assertUpdate("CALL dredge.system.drop_backup(backup_name => 'admins_hidden')");
        assertThat(computeActual("SELECT count(*) FROM dredge.system.backups WHERE backup_name = 'admins_hidden'").getOnlyValue()).isEqualTo(0L);
    }

    @Test
    public void testBackupOfATableNoLongerThereIsOnlyItsMakers()
    {
        assertUpdate("CREATE TABLE hive.open_ops.gone (id bigint)");
        assertUpdate("INSERT INTO hive.open_ops.gone VALUES 1, 2, 3", 3);
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'open_ops', table_name => 'gone', backup_name => 'admins_gone')");
        assertUpdate("CALL dredge.system.backup_table(schema_name => 'open_ops', table_name => 'gone', backup_name => 'admins_gone_too')");
        Session outsider = Session.builder(getSession()).setIdentity(Identity.ofUser("outsider")).build();
        // while the table is there, whoever may read it verifies the backups, and whoever owns it drops one
        assertUpdate(outsider, "CALL dredge.system.verify_backup(backup_name => 'admins_gone')");
        assertUpdate(outsider, "CALL dredge.system.drop_backup(backup_name => 'admins_gone_too')");

        // once it is gone there is nobody to ask whether a user may read it: only the backup's maker may use the backup
        assertUpdate("DROP TABLE hive.open_ops.gone");
        String refusal = ".*user outsider may not %s backup admins_gone: open_ops.gone, which it is a copy of, no longer exists, so only user, who made it, may %s it.*";
        assertQueryFails(outsider, "CALL dredge.system.restore_table(backup_name => 'admins_gone', schema_name => 'open_ops', table_name => 'gone_again')", refusal.formatted("restore", "restore"));
        assertThat(computeActual("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'open_ops' AND table_name = 'gone_again'").getOnlyValue()).isEqualTo(0L);
        assertQueryFails(outsider, "CALL dredge.system.verify_backup(backup_name => 'admins_gone')", refusal.formatted("verify", "verify"));
        assertQueryFails(outsider, "CALL dredge.system.drop_backup(backup_name => 'admins_gone')", refusal.formatted("drop", "drop"));

        assertUpdate("CALL dredge.system.verify_backup(backup_name => 'admins_gone')");
        assertUpdate("CALL dredge.system.restore_table(backup_name => 'admins_gone', schema_name => 'open_ops', table_name => 'gone_again')");
        assertThat(computeActual("SELECT count(*) FROM hive.open_ops.gone_again").getOnlyValue()).isEqualTo(3L);
        assertUpdate("CALL dredge.system.drop_backup(backup_name => 'admins_gone')");
        assertThat(computeActual("SELECT count(*) FROM dredge.system.backups WHERE backup_name = 'admins_gone'").getOnlyValue()).isEqualTo(0L);
    }

    @Test
    public void testSchemaAndTableFiltersNarrowTheRows()
    {
        assertThat(computeActual(TABLES + " WHERE schema_name = 'hidden_ops'").getOnlyColumnAsSet()).containsExactly("hidden_ops.events");
        assertThat(computeActual(TABLES + " WHERE schema_name IN ('open_ops', 'hidden_ops') AND table_name = 'events'").getOnlyColumnAsSet())
                .containsExactlyInAnyOrder("open_ops.events", "hidden_ops.events");
        assertThat(computeActual(TABLES + " WHERE table_name = 'secret'").getOnlyColumnAsSet()).containsExactly("open_ops.secret");
        assertThat(computeActual(TABLES + " WHERE schema_name = 'open_ops' AND table_name LIKE 's%'").getOnlyColumnAsSet()).containsExactly("open_ops.secret");
        assertThat(computeActual(TABLES + " WHERE schema_name = 'no_such_schema'").getRowCount()).isZero();
        assertThat(computeActual(TABLES + " WHERE schema_name = 'open_ops' OR table_name = 'secret'").getOnlyColumnAsSet())
                .isEqualTo(Set.of("open_ops.events", "open_ops.secret"));
    }
}
