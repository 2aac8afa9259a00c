package io.dredge.core.operation;

import io.dredge.core.model.TableReference;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.dredge.core.operation.TableLocks.LOCK_PARAMETER;
import static org.assertj.core.api.Assertions.assertThat;

public class TestWriteGuard
{
    private static final TableReference TABLE = new TableReference("demo", "events");

    @Test
    public void testHeldTableIsRefusedNamingTheOperationAndHowToSeeIt()
    {
        assertThat(WriteGuard.refusal(TABLE, Map.of(LOCK_PARAMETER, "20261130_120000_abcdef12", "numFiles", "3"), "Hive's ALTERTABLE_EXCHANGEPARTITION"))
                .hasValueSatisfying(message -> assertThat(message)
                        .startsWith("Dredge: table demo.events is held by operation 20261130_120000_abcdef12, so statements that change it are refused until it finishes "
                                + "(this one is Hive's ALTERTABLE_EXCHANGEPARTITION)")
                        .contains("dredge.system.operations WHERE operation_id = '20261130_120000_abcdef12'")
                        .contains("SELECT dredge_operations('demo', 'events') (Hive)")
                        .contains("CALL dredge.system.recover(schema_name => 'demo', table_name => 'events') (Trino)")
                        .contains("SELECT dredge_recover('demo', 'events') (Hive)"));
    }

    @Test
    public void testFreeTableMayBeWritten()
    {
        assertThat(WriteGuard.refusal(TABLE, Map.of("numFiles", "3"), "Hive's QUERY")).isEmpty();
        // what a release leaves on metastores that cannot remove a parameter
        assertThat(WriteGuard.refusal(TABLE, Map.of(LOCK_PARAMETER, ""), "Hive's QUERY")).isEmpty();
    }
}
