package io.dredge.it;

import io.trino.Session;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A dredge catalog with nothing optional set. Without {@code dredge.testing.fault-injection-enabled}, as every real
 * one is, the session properties that stop or pause an operation on purpose do not exist, so no user can leave a
 * table needing {@code recover} or hold its lock. Without {@code dredge.backup-location}, backups are refused with
 * what to set.
 */
public class TestBareCatalog
        extends AbstractTestQueryFramework
{
    private static final List<String> TESTING_PROPERTIES = List.of("testing_fail_after", "testing_pause_after");

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        return DredgeQueryRunner.builder(new LakeMetastore.FileMetastore(Files.createTempDirectory("dredge-no-faults")))
                .setFaultInjectionEnabled(false)
                .build();
    }

    @Test
    public void testSetSessionRefusesTestingProperties()
    {
        assertQueryFails("SET SESSION dredge.testing_fail_after = 'PLANNED'", ".*Session property 'dredge.testing_fail_after' does not exist.*");
        assertQueryFails("SET SESSION dredge.testing_pause_after = 'VERIFIED:60'", ".*Session property 'dredge.testing_pause_after' does not exist.*");
    }

    @Test
    public void testQueryWithTestingPropertyIsRefused()
    {
        for (String property : TESTING_PROPERTIES) {
            Session faulty = Session.builder(getSession())
                    .setCatalogSessionProperty("dredge", property, "PLANNED:1")
                    .build();
            assertQueryFails(faulty, "SELECT count(*) FROM dredge.system.operations", ".*Session property 'dredge.%s' does not exist.*".formatted(property));
        }
        // the same query without the property reads the journal: nothing was started or left running
        assertThat(computeActual("SELECT count(*) FROM dredge.system.operations").getOnlyValue()).isEqualTo(0L);
    }

    @Test
    public void testBackupsNeedARepository()
    {
        assertUpdate("CREATE SCHEMA hive.bare");
        assertUpdate("CREATE TABLE hive.bare.events (id bigint)");
        assertQueryFails("CALL dredge.system.backup_table(schema_name => 'bare', table_name => 'events', backup_name => 'x')", ".*backups need a backup repository: set dredge.backup-location.*");
        assertQueryFails("CALL dredge.system.restore_table(backup_name => 'x', schema_name => 'bare', table_name => 'x')", ".*backups need a backup repository.*");
        assertThat(computeActual("SELECT count(*) FROM dredge.system.backups").getOnlyValue()).isEqualTo(0L);
    }
}
