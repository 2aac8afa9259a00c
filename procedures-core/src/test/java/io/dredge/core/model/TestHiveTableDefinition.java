package io.dredge.core.model;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

public class TestHiveTableDefinition
{
    @Test
    public void testDefiningParametersLeaveOutStatisticsBookkeepingAndDredge()
    {
        assertThat(HiveTableDefinition.definingParameters(Map.ofEntries(
                Map.entry("numFiles", "3"),
                Map.entry("numRows", "10"),
                Map.entry("rawDataSize", "100"),
                Map.entry("totalSize", "1000"),
                Map.entry("numFilesErasureCoded", "0"),
                Map.entry("COLUMN_STATS_ACCURATE", "{\"BASIC_STATS\":\"true\"}"),
                Map.entry("transient_lastDdlTime", "1700000000"),
                Map.entry("trino_query_id", "q"),
                Map.entry("presto_query_id", "q"),
                Map.entry("trino_version", "483"),
                Map.entry("presto_version", "0.1"),
                Map.entry("EXTERNAL", "TRUE"),
                Map.entry("dredge.lock", "x"),
                Map.entry("external.table.purge", "TRUE"),
                Map.entry("parquet.compression", "ZSTD"))))
                .isEqualTo(Map.of("external.table.purge", "TRUE", "parquet.compression", "ZSTD"));
        assertThat(HiveTableDefinition.definingParameters(null)).isEmpty();
    }

    @Test
    public void testParametersOfACopy()
    {
        Map<String, String> source = Map.of("numRows", "10", "dredge.operation", "x", "external.table.purge", "TRUE", "auto.purge", "true", "orc.compress", "ZSTD");
        assertThat(HiveTableDefinition.copyParameters(source, false, Map.of("dredge.role", "staging")))
                .isEqualTo(Map.of("external.table.purge", "TRUE", "auto.purge", "true", "orc.compress", "ZSTD", "dredge.role", "staging"));
        // an external copy is never purged with its table: a DROP TABLE from Hive leaves the data it points at
        assertThat(HiveTableDefinition.copyParameters(source, true, Map.of()))
                .isEqualTo(Map.of("EXTERNAL", "TRUE", "orc.compress", "ZSTD"));
    }
}
