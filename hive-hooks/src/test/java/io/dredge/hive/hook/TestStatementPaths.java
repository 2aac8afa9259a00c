package io.dredge.hive.hook;

import io.dredge.core.location.LocationReaders.Reader;
import io.dredge.core.location.LocationReaders;
import io.dredge.core.model.TableReference;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hive.metastore.api.Database;
import org.apache.hadoop.hive.ql.hooks.ReadEntity;
import org.apache.hadoop.hive.ql.hooks.WriteEntity.WriteType;
import org.apache.hadoop.hive.ql.hooks.WriteEntity;
import org.apache.hadoop.hive.ql.metadata.Table;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static io.dredge.hive.hook.StatementPaths.paths;
import static io.dredge.hive.hook.StatementPaths.tablesAt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The entities below are those Hive 4.0.1's analyzers list for each statement (read from their sources; the statements
 * themselves run in {@code TestHiveHooks}). Paths are spelled as Hive qualifies them ({@code file:/...}), locations as
 * the metastore keeps them ({@code file:///...}).
 */
public class TestStatementPaths
{
    private static final TableReference BIG = new TableReference("adv", "big");
    private static final TableReference OTHER = new TableReference("adv", "other");
    private static final TableReference ODD = new TableReference("adv", "odd");

    // big has its partitions in its directory and one elsewhere; odd is an external table inside big's p=1
    private static final LocationReaders READERS = new LocationReaders(List.of(
            new Reader(BIG, Optional.empty(), "file:///wh/adv.db/big"),
            new Reader(BIG, Optional.of("p=1"), "file:///wh/adv.db/big/p=1"),
            new Reader(BIG, Optional.of("p=9"), "file:///elsewhere/p9"),
            new Reader(OTHER, Optional.empty(), "file:///wh/adv.db/other"),
            new Reader(OTHER, Optional.of("p=1"), "file:///wh/adv.db/other/p=1"),
            new Reader(ODD, Optional.empty(), "file:///wh/adv.db/big/p=1/odd")));

    @Test
    public void testLoadReachesTheTablesReadingItsSource()
    {
        // LOAD DATA INPATH '<a file of big's p=1>' INTO TABLE adv.other PARTITION (p=1) moves the file out of big
        List<WriteEntity> intoOther = List.of(new WriteEntity(table("other"), WriteType.INSERT));
        assertThat(tablesOf("LOAD", List.of(new ReadEntity(new Path("file:/wh/adv.db/big/p=1/000000_0"), true)), intoOther))
                .containsExactly(BIG);
        // ... of big's p=1 directory: every file in it, and odd's directory inside it
        assertThat(tablesOf("LOAD", List.of(new ReadEntity(new Path("file:/wh/adv.db/big/p=1"), true)), intoOther))
                .containsExactlyInAnyOrder(BIG, ODD);
        // ... of a partition registered outside the table's directory, on HDFS
        assertThat(tablesOf("LOAD", List.of(new ReadEntity(new Path("hdfs://nn:8020/elsewhere/p9/data.csv"), false)), intoOther))
                .containsExactly(BIG);
        // ... of a file pattern
        assertThat(tablesOf("LOAD", List.of(new ReadEntity(new Path("file:/wh/adv.db/big/p=1/*.csv"), true)), intoOther))
                .containsExactly(BIG);
    }

    @Test
    public void testLoadRunAsAQueryReachesTheTablesReadingItsSource()
    {
        // LOAD DATA INPATH '<big's directory>' INTO TABLE adv.other: big's directory holds directories, so Hive runs
        // INSERT INTO adv.other SELECT * FROM other__temp_table_for_load_data__, a QUERY reading a table it makes up
        // over the source
        Table source = table("other__temp_table_for_load_data__");
        source.setDataLocation(new Path("file:/wh/adv.db/big"));
        assertThat(paths(Optional.of("QUERY"), List.of(new ReadEntity(source)), List.of(new WriteEntity(table("other"), WriteType.INSERT))))
                .containsExactly("file:/wh/adv.db/big");
        // the tables a query reads are no path
        assertThat(paths(Optional.of("QUERY"), List.of(new ReadEntity(table("big"))), List.of(new WriteEntity(table("other"), WriteType.INSERT))))
                .isEmpty();
    }

    @Test
    public void testInsertOverwriteDirectoryReachesTheTablesAtInsideAndAroundIt()
    {
        // INSERT OVERWRITE DIRECTORY '<big's location>' SELECT ...: reads other, replaces every file of big
        List<ReadEntity> fromOther = List.of(new ReadEntity(table("other")));
        assertThat(tablesOf("QUERY", fromOther, List.of(new WriteEntity(new Path("file:/wh/adv.db/big"), false))))
                .containsExactlyInAnyOrder(BIG, ODD);
        // ... LOCAL DIRECTORY, spelled with a trailing slash
        assertThat(tablesOf("QUERY", fromOther, List.of(new WriteEntity(new Path("file:///wh/adv.db/big/p=1/odd/"), true))))
                .containsExactlyInAnyOrder(BIG, ODD);
        // ... the schema's directory, holding both tables
        assertThat(tablesOf("QUERY", fromOther, List.of(new WriteEntity(new Path("file:/wh/adv.db"), false))))
                .containsExactlyInAnyOrder(BIG, OTHER, ODD);
        // ... a directory beside them, whose name only starts with a table's
        assertThat(tablesOf("QUERY", fromOther, List.of(new WriteEntity(new Path("file:/wh/adv.db/bigger"), false))))
                .isEmpty();
    }

    @Test
    public void testLocationsOfNewTablesAndExportsReachTheTablesThere()
    {
        // CREATE EXTERNAL TABLE adv.alias (...) LOCATION '<big's p=1>'
        assertThat(tablesOf("CREATETABLE", List.of(new ReadEntity(new Path("file:/wh/adv.db/big/p=1"), true)), List.of(new WriteEntity(database(), WriteType.DDL_SHARED))))
                .containsExactlyInAnyOrder(BIG, ODD);
        // ALTER TABLE adv.other ADD PARTITION (p=2) LOCATION '<big's p=9>'
        assertThat(tablesOf("ALTERTABLE_ADDPARTS", List.of(new ReadEntity(new Path("file:/elsewhere/p9"), true)), List.of(new WriteEntity(table("other"), WriteType.DDL_SHARED))))
                .containsExactly(BIG);
        // EXPORT TABLE adv.other TO '<a directory inside big's>'
        assertThat(tablesOf("EXPORT", List.of(new ReadEntity(table("other"))), List.of(new WriteEntity(new Path("file:/wh/adv.db/big/export"), true))))
                .containsExactly(BIG);
        // IMPORT TABLE adv.imported FROM '/exports/other' LOCATION '<a directory inside big's>'
        assertThat(tablesOf("IMPORT", List.of(new ReadEntity(new Path("file:/exports/other"), true), new ReadEntity(new Path("file:/wh/adv.db/big/imported"), true)), List.of(new WriteEntity(database(), WriteType.DDL_SHARED))))
                .containsExactly(BIG);
    }

    @Test
    public void testScratchDirectoriesOfQueriesAndNewTablesAreNoPaths()
    {
        // SELECT ...: its result directory, which Hive marks as temporary
        assertThat(paths(Optional.of("QUERY"), List.of(new ReadEntity(table("big"))), List.of(new WriteEntity(new Path("file:/tmp/hive/-mr-10001"), false, true))))
                .isEmpty();
        // CREATE TABLE adv.copy AS SELECT ...: the staging directory of the new table's files, in the schema's directory
        WriteEntity staging = new WriteEntity(new Path("file:/wh/adv.db/.hive-staging_hive_1/-ext-10002"), false);
        assertThat(paths(Optional.of("CREATETABLE_AS_SELECT"), List.of(new ReadEntity(table("big"))), List.of(staging, new WriteEntity(database(), WriteType.DDL_SHARED))))
                .isEmpty();
        // ... LOCATION '<big's directory>': the location, as an input
        assertThat(paths(Optional.of("CREATETABLE_AS_SELECT"), List.of(new ReadEntity(table("other")), new ReadEntity(new Path("file:/wh/adv.db/big"), true)), List.of(staging)))
                .containsExactly("file:/wh/adv.db/big");
        // statements naming tables only reach no path
        assertThat(paths(Optional.of("QUERY"), List.of(new ReadEntity(table("other"))), List.of(new WriteEntity(table("big"), WriteType.INSERT)))).isEmpty();
        assertThat(paths(Optional.empty(), List.of(), List.of())).isEmpty();
    }

    private static List<TableReference> tablesOf(String operation, List<ReadEntity> inputs, List<WriteEntity> outputs)
    {
        return List.copyOf(tablesAt(paths(Optional.of(operation), inputs, outputs), READERS));
    }

    private static Table table(String name)
    {
        return new Table("adv", name);
    }

    private static Database database()
    {
        return new Database("adv", null, "file:/wh/adv.db", null);
    }
}
