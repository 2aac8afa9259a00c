package io.dredge.core.iceberg;

import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.Function;

/**
 * Sets the sizes that manifest lists and manifests record for the files they name, in Avro files that iceberg-core
 * wrote. iceberg-core 1.11's {@code RewriteTablePathUtil} keeps the sizes of the source files although it rewrites
 * manifests and position-delete files to a different size (apache/iceberg#13719), and Trino reads a file only up to
 * the size its manifest records. Field names are the Iceberg spec's; every other field and the file's metadata (schema,
 * partition spec, format version) are copied unchanged.
 */
final class ManifestSizes
{
    private static final String MANIFEST_PATH = "manifest_path";
    private static final String MANIFEST_LENGTH = "manifest_length";
    private static final String DATA_FILE = "data_file";
    private static final String FILE_PATH = "file_path";
    private static final String FILE_SIZE = "file_size_in_bytes";

    private ManifestSizes() {}

    /**
     * A manifest list whose entries record {@code lengths} (by manifest path) where given.
     */
    static byte[] inManifestList(byte[] manifestList, Map<String, Long> lengths)
    {
        return rewrite(manifestList, entry -> setSize(entry, MANIFEST_PATH, MANIFEST_LENGTH, lengths));
    }

    /**
     * A manifest whose entries record {@code sizes} (by file path) where given.
     */
    static byte[] inManifest(byte[] manifest, Map<String, Long> sizes)
    {
        return rewrite(manifest, entry -> setSize((GenericData.Record) entry.get(DATA_FILE), FILE_PATH, FILE_SIZE, sizes));
    }

    private static Void setSize(GenericData.Record record, String pathField, String sizeField, Map<String, Long> sizes)
    {
        Long size = sizes.get(record.get(pathField).toString());
        if (size != null) {
            record.put(sizeField, size);
        }
        return null;
    }

    private static byte[] rewrite(byte[] content, Function<GenericData.Record, Void> update)
    {
        try (DataFileStream<GenericData.Record> reader = new DataFileStream<>(new ByteArrayInputStream(content), new GenericDatumReader<>())) {
            Schema schema = reader.getSchema();
            ByteArrayOutputStream output = new ByteArrayOutputStream(content.length + 1024);
            try (DataFileWriter<GenericData.Record> writer = new DataFileWriter<>(new GenericDatumWriter<>(schema))) {
                String codec = reader.getMetaString(DataFileConstants.CODEC);
                writer.setCodec(codec == null ? CodecFactory.nullCodec() : CodecFactory.fromString(codec));
                for (String key : reader.getMetaKeys()) {
                    // Avro writes its own reserved keys (schema, codec)
                    if (!key.startsWith("avro.")) {
                        writer.setMeta(key, reader.getMeta(key));
                    }
                }
                writer.create(schema, output);
                for (GenericData.Record record : reader) {
                    update.apply(record);
                    writer.append(record);
                }
            }
            return output.toByteArray();
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to rewrite an Iceberg manifest", e);
        }
    }
}
