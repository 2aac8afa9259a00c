package io.dredge.it;

import io.dredge.core.iceberg.FileStoreFileIo;
import io.dredge.core.testing.NioFileStore;
import io.trino.metastore.HiveMetastore;
import org.apache.avro.generic.GenericData;
import org.apache.iceberg.BaseMetastoreTableOperations;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.Files;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.avro.AvroSchemaUtil;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.parquet.ParquetAvroWriter;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.trino.plugin.hive.metastore.MetastoreUtil.buildInitialPrivilegeSet;
import static java.util.Objects.requireNonNull;

/**
 * Commits to Iceberg tables of the test metastore with iceberg-core, as Spark or Flink would: for what Trino does
 * not write (tags, equality deletes). The metastore's pointer moves only from the version the commit started on.
 */
final class IcebergTestTables
{
    private IcebergTestTables() {}

    static Table load(HiveMetastore metastore, String schema, String table)
    {
        MetastoreTableOperations operations = new MetastoreTableOperations(metastore, schema, table);
        operations.refresh();
        return new BaseTable(operations, schema + "." + table);
    }

    /**
     * Commits an equality delete of every row whose {@code column} (a bigint) is one of {@code values}, in an
     * unpartitioned table.
     */
    static DeleteFile deleteWhereEquals(Table table, String column, List<Long> values)
            throws IOException
    {
        Schema deleteSchema = table.schema().select(column);
        org.apache.avro.Schema avroSchema = AvroSchemaUtil.convert(deleteSchema.asStruct(), "deletes");
        String location = table.location() + "/data/eq-deletes-" + UUID.randomUUID() + ".parquet";
        EqualityDeleteWriter<GenericData.Record> writer = Parquet.writeDeletes(table.io().newOutputFile(location))
                .forTable(table)
                .rowSchema(deleteSchema)
                .equalityFieldIds(deleteSchema.findField(column).fieldId())
                .createWriterFunc(ParquetAvroWriter::buildWriter)
                .buildEqualityWriter();
        try (writer) {
            for (long value : values) {
                GenericData.Record record = new GenericData.Record(avroSchema);
                record.put(0, value);
                writer.write(record);
            }
        }
        DeleteFile deletes = writer.toDeleteFile();
        table.newRowDelta().addDeletes(deletes).commit();
        return deletes;
    }

    private static final class MetastoreTableOperations
            extends BaseMetastoreTableOperations
    {
        private final HiveMetastore metastore;
        private final String schema;
        private final String table;
        private final FileIO fileIo = new LocalFileIo();

        MetastoreTableOperations(HiveMetastore metastore, String schema, String table)
        {
            this.metastore = requireNonNull(metastore, "metastore is null");
            this.schema = requireNonNull(schema, "schema is null");
            this.table = requireNonNull(table, "table is null");
        }

        @Override
        public FileIO io()
        {
            return fileIo;
        }

        @Override
        protected String tableName()
        {
            return schema + "." + table;
        }

        @Override
        protected void doRefresh()
        {
            refreshFromMetadataLocation(metastore.getTable(schema, table).orElseThrow().getParameters().get("metadata_location"));
        }

        @Override
        protected void doCommit(TableMetadata base, TableMetadata metadata)
        {
            String newLocation = writeNewMetadataIfRequired(false, metadata);
            io.trino.metastore.Table current = metastore.getTable(schema, table).orElseThrow();
            String currentLocation = current.getParameters().get("metadata_location");
            if (!currentLocation.equals(base.metadataFileLocation())) {
                throw new CommitFailedException("%s moved on to %s", tableName(), currentLocation);
            }
            metastore.replaceTable(schema, table, io.trino.metastore.Table.builder(current)
                            .setParameter("metadata_location", newLocation)
                            .setParameter("previous_metadata_location", currentLocation)
                            .build(),
                    buildInitialPrivilegeSet(current.getOwner().orElseThrow()),
                    Map.of());
        }
    }

    /**
     * Reads as Dredge does; writes replace a file where Iceberg asks to (Dredge's own file IO never overwrites), and
     * keep the location's URI, which the metastore and Trino read back.
     */
    private static final class LocalFileIo
            implements FileIO
    {
        private final FileIO reads = new FileStoreFileIo(new NioFileStore());

        @Override
        public InputFile newInputFile(String path)
        {
            return reads.newInputFile(path);
        }

        @Override
        public OutputFile newOutputFile(String path)
        {
            OutputFile local = Files.localOutput(NioFileStore.path(path).toFile());
            return new OutputFile()
            {
                @Override
                public PositionOutputStream create()
                {
                    return local.create();
                }

                @Override
                public PositionOutputStream createOrOverwrite()
                {
                    return local.createOrOverwrite();
                }

                @Override
                public String location()
                {
                    return path;
                }

                @Override
                public InputFile toInputFile()
                {
                    return newInputFile(path);
                }
            };
        }

        @Override
        public void deleteFile(String path)
        {
            reads.deleteFile(path);
        }
    }
}
