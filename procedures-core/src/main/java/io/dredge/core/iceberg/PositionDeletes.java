package io.dredge.core.iceberg;

import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RewriteTablePathUtil.PositionDeleteReaderWriter;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.avro.Avro;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.avro.DataWriter;
import org.apache.iceberg.data.avro.PlannedDataReader;
import org.apache.iceberg.data.orc.GenericOrcReader;
import org.apache.iceberg.data.orc.GenericOrcWriter;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DeleteSchemaUtil;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.orc.ORC;
import org.apache.iceberg.parquet.Parquet;

import java.io.IOException;

/**
 * Reads and writes position-delete files as generic records for {@code RewriteTablePathUtil}, in the formats Trino and
 * Spark write them (Parquet, Avro and ORC; Trino writes ORC ones for a table with {@code format = 'ORC'}). Deletion
 * vectors (Puffin) are rewritten by iceberg-core itself. Parquet and ORC need Hadoop's classes at run time.
 */
final class PositionDeletes
        implements PositionDeleteReaderWriter
{
    @Override
    public CloseableIterable<Record> reader(InputFile inputFile, FileFormat format, PartitionSpec spec)
    {
        // path, position and the optional deleted row: RewriteTablePathUtil looks at all three
        Schema schema = DeleteSchemaUtil.posDeleteReadSchema(spec.schema());
        return switch (format) {
            case PARQUET -> Parquet.read(inputFile)
                    .project(schema)
                    .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(schema, fileSchema))
                    .build();
            case AVRO -> Avro.read(inputFile)
                    .project(schema)
                    .createResolvingReader(PlannedDataReader::create)
                    .build();
            case ORC -> ORC.read(inputFile)
                    .project(schema)
                    .createReaderFunc(fileSchema -> GenericOrcReader.buildReader(schema, fileSchema))
                    .build();
            default -> throw new UnsupportedOperationException("cannot read position deletes in " + format + ": " + inputFile.location());
        };
    }

    @Override
    @SuppressWarnings("deprecation") // the abstract method RewriteTablePathUtil calls in 1.11
    public PositionDeleteWriter<Record> writer(OutputFile outputFile, FileFormat format, PartitionSpec spec, StructLike partition, Schema rowSchema)
            throws IOException
    {
        return switch (format) {
            case PARQUET -> Parquet.writeDeletes(outputFile)
                    .createWriterFunc(GenericParquetWriter::create)
                    .withSpec(spec)
                    .withPartition(partition)
                    .rowSchema(rowSchema)
                    .buildPositionWriter();
            case AVRO -> Avro.writeDeletes(outputFile)
                    .createWriterFunc(DataWriter::create)
                    .withSpec(spec)
                    .withPartition(partition)
                    .rowSchema(rowSchema)
                    .buildPositionWriter();
            case ORC -> ORC.writeDeletes(outputFile)
                    .createWriterFunc(GenericOrcWriter::buildWriter)
                    .withSpec(spec)
                    .withPartition(partition)
                    .rowSchema(rowSchema)
                    .buildPositionWriter();
            default -> throw new UnsupportedOperationException("cannot write position deletes in " + format + ": " + outputFile.location());
        };
    }
}
