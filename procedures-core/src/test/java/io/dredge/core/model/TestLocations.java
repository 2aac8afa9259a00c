package io.dredge.core.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TestLocations
{
    @Test
    void testObjectStores()
    {
        for (String location : new String[] {"s3://bucket/a", "s3a://bucket/a", "S3N://bucket/a", "gs://bucket/a", "abfss://c@account.dfs.core.windows.net/a", "wasbs://c@account/a", "oss://bucket/a"}) {
            assertThat(Locations.isObjectStore(location)).as(location).isTrue();
        }
        for (String location : new String[] {"hdfs://namenode:8020/a", "file:/tmp/a", "local:///tmp/a", "viewfs://cluster/a", "/tmp/a"}) {
            assertThat(Locations.isObjectStore(location)).as(location).isFalse();
        }
    }

    @Test
    void testFileSystemMakesAliasesOne()
    {
        assertThat(Locations.fileSystem("s3a://Bucket/a/b")).isEqualTo("s3://bucket");
        assertThat(Locations.fileSystem("s3n://bucket/a")).isEqualTo(Locations.fileSystem("S3://bucket/x"));
        assertThat(Locations.fileSystem("file:/tmp/a")).isEqualTo("file://");
        assertThat(Locations.fileSystem("local:///tmp/a")).isEqualTo(Locations.fileSystem("file:///tmp/b"));
        assertThat(Locations.fileSystem("hdfs://nn:8020/w")).isEqualTo("hdfs://nn:8020");
        assertThat(Locations.fileSystem("s3://bucket")).isEqualTo("s3://bucket");
        assertThat(Locations.fileSystem("/tmp/a")).isEmpty();
    }

    @Test
    void testMismatchesStayApart()
    {
        assertThat(Locations.fileSystem("hdfs://nn/w")).isNotEqualTo(Locations.fileSystem("hdfs://nn:8020/w"));
        assertThat(Locations.fileSystem("s3://one/w")).isNotEqualTo(Locations.fileSystem("s3://two/w"));
        assertThat(Locations.fileSystem("gs://one/w")).isNotEqualTo(Locations.fileSystem("s3://one/w"));
        assertThat(Locations.fileSystem("/w")).isNotEqualTo(Locations.fileSystem("file:/w"));
    }

    @Test
    void testPathsCompareWithoutSchemeAndTrailingSlash()
    {
        assertThat(Locations.samePath("file:/a/b/", "local:///a/b")).isTrue();
        assertThat(Locations.isBelow("s3://bucket/a", "s3a://bucket/a/b/c")).isTrue();
        assertThat(Locations.isBelow("s3://bucket/a", "s3://bucket/ab/c")).isFalse();
        assertThat(Locations.parent("s3://bucket/a/b")).contains("s3://bucket/a");
        assertThat(Locations.name("s3://bucket/a/b/")).isEqualTo("b");
    }
}
