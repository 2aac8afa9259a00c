package io.dredge.hive.adapter;

import io.dredge.core.model.HiveColumn;
import io.dredge.core.model.HiveStorage;
import org.apache.hadoop.hive.metastore.api.FieldSchema;
import org.apache.hadoop.hive.metastore.api.Order;
import org.apache.hadoop.hive.metastore.api.SerDeInfo;
import org.apache.hadoop.hive.metastore.api.StorageDescriptor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the Hive adapter turns thrift definitions into the core's and back; the metastore calls themselves are tested
 * against a real HiveServer2 and metastore.
 */
public class TestHiveMetastore
{
    @Test
    public void testDefinitionsSurviveTheRoundTripThroughThrift()
    {
        List<HiveColumn> columns = List.of(
                new HiveColumn("id", "int", Optional.of("the key")),
                new HiveColumn("name", "varchar(10)", Optional.empty()),
                new HiveColumn("tags", "array<string>", Optional.empty()));
        HiveStorage storage = new HiveStorage(
                "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                Map.of("serialization.format", "1"),
                Optional.of(new HiveStorage.Bucketing(List.of("id"), 4, List.of(new HiveStorage.SortColumn("id", true), new HiveStorage.SortColumn("name", false)))));

        StorageDescriptor descriptor = HiveMetastore.storageDescriptor("t", columns, storage, "file:/lake/t");
        assertThat(descriptor.getLocation()).isEqualTo("file:/lake/t");
        assertThat(descriptor.getSortCols()).containsExactly(new Order("id", 1), new Order("name", 0));
        assertThat(HiveMetastore.columns(descriptor.getCols())).isEqualTo(columns);
        assertThat(HiveMetastore.storage(descriptor, "table t")).isEqualTo(storage);

        HiveStorage unbucketed = new HiveStorage(storage.inputFormat(), storage.outputFormat(), storage.serde(), Map.of(), Optional.empty());
        StorageDescriptor unbucketedDescriptor = HiveMetastore.storageDescriptor("t", columns, unbucketed, "file:/lake/t");
        assertThat(unbucketedDescriptor.getNumBuckets()).isEqualTo(-1);
        assertThat(HiveMetastore.storage(unbucketedDescriptor, "table t")).isEqualTo(unbucketed);
    }

    @Test
    public void testHiveTypesAreReadAsTrinoReadsThem()
    {
        List<FieldSchema> fields = List.of(
                new FieldSchema("a", "INT", null),
                new FieldSchema("b", "decimal", ""),
                new FieldSchema("c", "struct<x:int,y:map<string,bigint>>", "nested"));
        assertThat(HiveMetastore.columns(fields)).containsExactly(
                new HiveColumn("a", "int", Optional.empty()),
                new HiveColumn("b", "decimal(10,0)", Optional.of("")),
                new HiveColumn("c", "struct<x:int,y:map<string,bigint>>", Optional.of("nested")));
    }

    @Test
    public void testBucketingOfAHiveTableWithoutBucketsIsAbsent()
    {
        StorageDescriptor descriptor = new StorageDescriptor();
        descriptor.setInputFormat("in");
        descriptor.setOutputFormat("out");
        descriptor.setSerdeInfo(new SerDeInfo(null, "serde", null));
        descriptor.setNumBuckets(-1);
        descriptor.setBucketCols(List.of());
        assertThat(HiveMetastore.storage(descriptor, "table t")).isEqualTo(new HiveStorage("in", "out", "serde", Map.of(), Optional.empty()));
    }
}
