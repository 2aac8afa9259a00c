package io.dredge.core.model;

import java.util.Map;
import java.util.Optional;

/**
 * The name a storage descriptor's format goes by in reports ({@code PARQUET}, {@code ORC}, ...), the same whichever
 * engine's metastore client read it: Hive's standard formats by serde and input format, as Trino names them.
 */
public final class HiveStorageFormats
{
    private static final String TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat";
    private static final String SEQUENCE_INPUT = "org.apache.hadoop.mapred.SequenceFileInputFormat";
    private static final String RC_INPUT = "org.apache.hadoop.hive.ql.io.RCFileInputFormat";

    private static final Map<Map.Entry<String, String>, String> NAMES = Map.ofEntries(
            format("org.apache.hadoop.hive.ql.io.orc.OrcSerde", "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat", "ORC"),
            format("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat", "PARQUET"),
            format("org.apache.hadoop.hive.serde2.avro.AvroSerDe", "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat", "AVRO"),
            format("org.apache.hadoop.hive.serde2.columnar.LazyBinaryColumnarSerDe", RC_INPUT, "RCBINARY"),
            format("org.apache.hadoop.hive.serde2.columnar.ColumnarSerDe", RC_INPUT, "RCTEXT"),
            format("org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe", SEQUENCE_INPUT, "SEQUENCEFILE"),
            format("com.twitter.elephantbird.hive.serde.ProtobufDeserializer", SEQUENCE_INPUT, "SEQUENCEFILE_PROTOBUF"),
            format("org.apache.hive.hcatalog.data.JsonSerDe", TEXT_INPUT, "JSON"),
            format("org.openx.data.jsonserde.JsonSerDe", TEXT_INPUT, "OPENX_JSON"),
            format("org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe", TEXT_INPUT, "TEXTFILE"),
            format("org.apache.hadoop.hive.serde2.OpenCSVSerde", TEXT_INPUT, "CSV"),
            format("org.apache.hadoop.hive.serde2.RegexSerDe", TEXT_INPUT, "REGEX"),
            format("com.esri.hadoop.hive.serde.EsriJsonSerDe", "com.esri.json.hadoop.EnclosedEsriJsonInputFormat", "ESRI"),
            format("com.esri.hadoop.hive.serde.GeoJsonSerDe", "com.esri.json.hadoop.EnclosedGeoJsonInputFormat", "ESRI_GEO_JSON"));

    private HiveStorageFormats() {}

    /**
     * The format's name; for another format its input format class, and {@code UNKNOWN} when either is missing.
     */
    public static String name(Optional<String> serde, Optional<String> inputFormat)
    {
        if (serde.isEmpty() || inputFormat.isEmpty()) {
            return "UNKNOWN";
        }
        return NAMES.getOrDefault(Map.entry(serde.get(), inputFormat.get()), inputFormat.get());
    }

    private static Map.Entry<Map.Entry<String, String>, String> format(String serde, String inputFormat, String name)
    {
        return Map.entry(Map.entry(serde, inputFormat), name);
    }
}
