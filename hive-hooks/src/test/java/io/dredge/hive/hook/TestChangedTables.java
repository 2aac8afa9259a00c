package io.dredge.hive.hook;

import io.dredge.core.model.TableReference;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hive.metastore.api.Database;
import org.apache.hadoop.hive.metastore.api.FieldSchema;
import org.apache.hadoop.hive.ql.hooks.ReadEntity;
import org.apache.hadoop.hive.ql.hooks.WriteEntity;
import org.apache.hadoop.hive.ql.hooks.WriteEntity.WriteType;
import org.apache.hadoop.hive.ql.metadata.DummyPartition;
import org.apache.hadoop.hive.ql.metadata.Partition;
import org.apache.hadoop.hive.ql.metadata.Table;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.dredge.hive.hook.ChangedTables.changedTables;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The entities below are those Hive 4.0.1's analyzers list for each statement (read from their sources; the statements
 * themselves run in {@code TestHiveHooks}).
 */
public class TestChangedTables
{
    private static final TableReference BIG = new TableReference("adv", "big");
    private static final TableReference BIGX = new TableReference("adv", "bigx");

    @Test
    public void testExchangePartitionChangesItsSourceListedOnlyAmongInputs()
    {
        // ALTER TABLE adv.bigx EXCHANGE PARTITION (p=4) WITH TABLE adv.big moves p=4 out of adv.big
        assertThat(changedTables(Optional.of("ALTERTABLE_EXCHANGEPARTITION"), List.of(new ReadEntity(table("big"))), List.of(new WriteEntity(table("bigx"), WriteType.DDL_SHARED))))
                .containsExactlyInAnyOrder(BIG, BIGX);
    }

    @Test
    public void testAlterTableListingItsTableOnlyAmongInputsChangesIt()
    {
        for (String operation : List.of("ALTERTABLE_PARTCOLTYPE", "ALTERTABLE_BUCKETNUM", "ALTERTABLE_CONVERT", "ALTERTABLE_EXECUTE", "ALTERTABLE_SETPARTSPEC", "ALTERTABLE_CREATEBRANCH")) {
            assertThat(changedTables(Optional.of(operation), List.of(new ReadEntity(table("big"))), List.of()))
                    .as(operation)
                    .containsExactly(BIG);
        }
    }

    @Test
    public void testOutputsOfEveryWriteTypeAreChanged()
    {
        for (WriteType writeType : List.of(WriteType.DDL_NO_LOCK, WriteType.DDL_SHARED, WriteType.DDL_EXCLUSIVE, WriteType.DDL_EXCL_WRITE, WriteType.INSERT, WriteType.INSERT_OVERWRITE, WriteType.UPDATE, WriteType.DELETE)) {
            assertThat(changedTables(Optional.of("QUERY"), List.of(), List.of(new WriteEntity(table("big"), writeType))))
                    .as(writeType.name())
                    .containsExactly(BIG);
        }
        // ANALYZE TABLE adv.big PARTITION (p) COMPUTE STATISTICS: its partitions, taking no lock
        assertThat(changedTables(Optional.of("QUERY"), List.of(new ReadEntity(table("big"))), List.of(new WriteEntity(partition(table("big")), WriteType.DDL_NO_LOCK))))
                .containsExactly(BIG);
        // INSERT INTO adv.big PARTITION (p) SELECT ...: the partitions it will write are not known yet
        DummyPartition dynamic = new DummyPartition(table("big"), "adv@big", Map.of());
        assertThat(changedTables(Optional.of("QUERY"), List.of(), List.of(new WriteEntity(dynamic, WriteType.INSERT, false))))
                .containsExactly(BIG);
    }

    @Test
    public void testDropDatabaseCascadeChangesEachOfItsTables()
    {
        Database database = new Database("adv", null, "file:/warehouse/adv", null);
        assertThat(changedTables(
                Optional.of("DROPDATABASE"),
                List.of(new ReadEntity(database)),
                List.of(new WriteEntity(table("big"), WriteType.DDL_NO_LOCK), new WriteEntity(table("bigx"), WriteType.DDL_NO_LOCK), new WriteEntity(database, WriteType.DDL_EXCLUSIVE))))
                .containsExactlyInAnyOrder(BIG, BIGX);
    }

    @Test
    public void testReadsChangeNothing()
    {
        // SELECT and INSERT OVERWRITE DIRECTORY read the table; their scratch and target directories are no table
        assertThat(changedTables(Optional.of("QUERY"), List.of(new ReadEntity(table("big"))), List.of(new WriteEntity(new Path("file:/tmp/scratch"), false, true))))
                .isEmpty();
        assertThat(changedTables(Optional.of("DESCTABLE"), List.of(new ReadEntity(table("big"))), List.of())).isEmpty();
        assertThat(changedTables(Optional.empty(), List.of(new ReadEntity(table("big"))), List.of())).isEmpty();
        // CREATE TABLE adv.copy LIKE adv.big
        assertThat(changedTables(Optional.of("CREATETABLE"), List.of(new ReadEntity(table("big"))), List.of(new WriteEntity(table("copy"), WriteType.DDL_NO_LOCK))))
                .containsExactly(new TableReference("adv", "copy"));
    }

    @Test
    public void testAlterViewAddPartitionDoesNotChangeTheTablesUnderTheView()
    {
        ReadEntity view = new ReadEntity(table("big_view"));
        assertThat(changedTables(Optional.of("ALTERTABLE_ADDPARTS"), List.of(view, new ReadEntity(table("big"), view, false)), List.of(new WriteEntity(table("big_view"), WriteType.DDL_SHARED))))
                .containsExactly(new TableReference("adv", "big_view"));
    }

    @Test
    public void testPrivilegeStatementsChangeNothing()
    {
        for (String operation : List.of("GRANT_PRIVILEGE", "REVOKE_PRIVILEGE")) {
            assertThat(changedTables(Optional.of(operation), List.of(), List.of(new WriteEntity(table("big"), WriteType.DDL_NO_LOCK))))
                    .as(operation)
                    .isEmpty();
        }
    }

    @Test
    public void testTemporaryTablesAreNeverHeld()
    {
        Table temporary = table("scratch");
        temporary.setTemporary(true);
        assertThat(changedTables(Optional.of("ALTERTABLE_ADDCOLS"), List.of(new ReadEntity(temporary)), List.of(new WriteEntity(temporary, WriteType.DDL_EXCLUSIVE))))
                .isEmpty();
    }

    private static Table table(String name)
    {
        Table table = new Table("adv", name);
        table.setPartCols(List.of(new FieldSchema("p", "int", null)));
        return table;
    }

    /**
     * A partition as a write entity lists it ({@code Type.PARTITION}); a metastore partition object would need HDFS
     * classes to be built.
     */
    private static Partition partition(Table table)
    {
        return new DummyPartition(table, "adv@%s@p=4".formatted(table.getTableName()), Map.of("p", "4"));
    }
}
