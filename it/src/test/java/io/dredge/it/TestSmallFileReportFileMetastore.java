package io.dredge.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class TestSmallFileReportFileMetastore
        extends AbstractTestSmallFileReport
{
    @Override
    protected LakeMetastore createMetastore(Path directory)
    {
        return new LakeMetastore.FileMetastore(directory);
    }

    @Test
    public void testCompactionExplainsThatFileMetastoreCannotSwap()
    {
        assertUpdate("CREATE TABLE report.file_metastore (id bigint, day varchar) WITH (partitioned_by = ARRAY['day'])");
        assertUpdate("INSERT INTO report.file_metastore VALUES (1, 'a')", 1);
        assertUpdate("INSERT INTO report.file_metastore VALUES (2, 'a')", 1);
        assertQueryFails("CALL dredge.system.compact_table(schema_name => 'report', table_name => 'file_metastore')",
                ".*Trino's file metastore does not allow; use a thrift or Glue metastore.*");
        assertThat(computeActual("SELECT count(DISTINCT \"$path\") FROM report.file_metastore").getOnlyValue()).isEqualTo(2L);
    }
}
