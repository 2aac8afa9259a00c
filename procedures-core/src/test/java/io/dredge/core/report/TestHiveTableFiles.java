package io.dredge.core.report;

import org.junit.jupiter.api.Test;

import static io.dredge.core.report.HiveTableFiles.isDataFile;
import static io.dredge.core.report.HiveTableFiles.isVisibleFile;
import static org.assertj.core.api.Assertions.assertThat;

class TestHiveTableFiles
{
    @Test
    void testHiddenFilesAndDirectoriesAreNotData()
    {
        String location = "s3://bucket/warehouse/t";
        assertThat(isDataFile(location, "s3://bucket/warehouse/t/part-0.parquet")).isTrue();
        // Trino does not read subdirectories (Hive may): they are not the directory's own data
        assertThat(isDataFile(location + "/", "s3://bucket/warehouse/t/sub/part-0.parquet")).isFalse();
        assertThat(isVisibleFile(location + "/", "s3://bucket/warehouse/t/sub/part-0.parquet")).isTrue();
        assertThat(isVisibleFile(location, "s3://bucket/warehouse/t/sub/_tmp/part-0.parquet")).isFalse();
        assertThat(isDataFile(location, "s3://bucket/warehouse/t/_SUCCESS")).isFalse();
        assertThat(isDataFile(location, "s3://bucket/warehouse/t/.trinoSchema")).isFalse();
        assertThat(isDataFile(location, "s3://bucket/warehouse/t/.staging/part-0.parquet")).isFalse();
        assertThat(isDataFile(location, "s3://bucket/warehouse/t/_temporary/0/part-0")).isFalse();
        // a parent of the location starting with "_" does not hide the table
        assertThat(isDataFile("file:/_lake/t", "file:/_lake/t/part-0")).isTrue();
        // the same path in another spelling of the scheme
        assertThat(isDataFile("file:/lake/t", "local:///lake/t/.staging/part-0")).isFalse();
        assertThat(isDataFile("file:/lake/t", "local:///lake/t/part-0")).isTrue();
        assertThat(isVisibleFile("file:/lake/t", "local:///lake/t/day=1/part-0")).isTrue();
        assertThat(isDataFile("hdfs://namenode:8020/lake/t", "hdfs://namenode:8020/lake/t/_tmp/part-0")).isFalse();
    }
}
