package io.dredge.core.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.dredge.core.model.HiveColumn;
import io.dredge.core.model.HivePartitionDefinition;
import io.dredge.core.model.HiveStorage;
import io.dredge.core.model.HiveTableDefinition;
import io.dredge.core.model.TableReference;
import io.dredge.core.model.TableType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The manifest's file format (docs/backups.md, "The backup repository"): one JSON document, written field by field
 * so that it is explicit, stable across versions and readable without Dredge. A reader refuses a manifest of a newer
 * format version than it knows, and a truncated or malformed one, with what was wrong.
 */
public final class BackupManifestCodec
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    // field names: the format, kept readable by every later version
    private static final String FORMAT_VERSION = "format-version";
    private static final String NAME = "name";
    private static final String STATE = "state";
    private static final String REPOSITORY = "repository";
    private static final String SOURCE = "source";
    private static final String CATALOG = "catalog";
    private static final String SCHEMA = "schema";
    private static final String TABLE = "table";
    private static final String TABLE_TYPE = "table-type";
    private static final String LOCATION = "location";
    private static final String CREATED_AT = "created-at";
    private static final String USER = "user";
    private static final String SNAPSHOT_ID = "snapshot-id";
    private static final String HIVE_TABLE = "hive-table";
    private static final String DATA_COLUMNS = "data-columns";
    private static final String PARTITION_COLUMNS = "partition-columns";
    private static final String COLUMNS = "columns";
    private static final String TYPE = "type";
    private static final String COMMENT = "comment";
    private static final String STORAGE = "storage";
    private static final String INPUT_FORMAT = "input-format";
    private static final String OUTPUT_FORMAT = "output-format";
    private static final String SERDE = "serde";
    private static final String SERDE_PARAMETERS = "serde-parameters";
    private static final String BUCKETING = "bucketing";
    private static final String BUCKET_COUNT = "bucket-count";
    private static final String SORTED_BY = "sorted-by";
    private static final String COLUMN = "column";
    private static final String ASCENDING = "ascending";
    private static final String PARAMETERS = "parameters";
    private static final String EXTERNAL = "external";
    private static final String PARTITIONS = "partitions";
    private static final String VALUES = "values";
    private static final String PATH = "path";
    private static final String ROWS = "rows";
    private static final String ROW_CHECKSUM = "row-checksum";
    private static final String ICEBERG_METADATA = "iceberg-metadata";
    private static final String FILES = "files";
    private static final String STORED = "stored";
    private static final String SIZE = "size";
    private static final String CRC32C = "crc32c";
    private static final String COPIED = "copied";
    private static final String VERIFICATION = "verification";
    private static final String ERROR = "error";

    private BackupManifestCodec() {}

    public static byte[] toJson(BackupManifest manifest)
    {
        ObjectNode node = MAPPER.createObjectNode();
        node.put(FORMAT_VERSION, manifest.formatVersion());
        node.put(NAME, manifest.name());
        node.put(STATE, manifest.state().name());
        node.put(REPOSITORY, manifest.repository());
        node.putObject(SOURCE)
                .put(CATALOG, manifest.sourceCatalog())
                .put(SCHEMA, manifest.sourceTable().schemaName())
                .put(TABLE, manifest.sourceTable().tableName())
                .put(TABLE_TYPE, manifest.tableType().name())
                .put(LOCATION, manifest.sourceLocation());
        node.put(CREATED_AT, manifest.createdAt().toString());
        node.put(USER, manifest.user());
        manifest.snapshotId().ifPresent(value -> node.put(SNAPSHOT_ID, value));
        manifest.hiveTable().ifPresent(table -> {
            ObjectNode tableNode = node.putObject(HIVE_TABLE);
            writeColumns(tableNode.putArray(DATA_COLUMNS), table.dataColumns());
            writeColumns(tableNode.putArray(PARTITION_COLUMNS), table.partitionColumns());
            writeStorage(tableNode.putObject(STORAGE), table.storage());
            writeMap(tableNode.putObject(PARAMETERS), table.parameters());
            tableNode.put(EXTERNAL, table.external());
        });
        ArrayNode partitions = node.putArray(PARTITIONS);
        for (BackupPartition partition : manifest.partitions()) {
            ObjectNode partitionNode = partitions.addObject();
            HivePartitionDefinition definition = partition.definition();
            partitionNode.put(NAME, definition.name());
            ArrayNode values = partitionNode.putArray(VALUES);
            definition.values().forEach(values::add);
            partitionNode.put(PATH, partition.path());
            writeColumns(partitionNode.putArray(COLUMNS), definition.columns());
            writeStorage(partitionNode.putObject(STORAGE), definition.storage());
            writeMap(partitionNode.putObject(PARAMETERS), definition.parameters());
            partitionNode.put(ROWS, partition.rows());
            partitionNode.put(ROW_CHECKSUM, partition.rowChecksum());
        }
        manifest.icebergMetadata().ifPresent(value -> node.put(ICEBERG_METADATA, value));
        ArrayNode files = node.putArray(FILES);
        for (BackupFile file : manifest.files()) {
            files.addObject()
                    .put(PATH, file.path())
                    .put(STORED, file.stored())
                    .put(SIZE, file.sizeBytes())
                    .put(CRC32C, file.crc32c())
                    .put(COPIED, file.copied());
        }
        node.put(ROWS, manifest.rows());
        manifest.rowChecksum().ifPresent(value -> node.put(ROW_CHECKSUM, value));
        node.put(VERIFICATION, manifest.verification().name());
        manifest.error().ifPresent(value -> node.put(ERROR, value));
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @throws IllegalArgumentException when the document is not a manifest this version can read, saying why
     */
    public static BackupManifest fromJson(byte[] json)
    {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        }
        catch (IOException e) {
            throw new IllegalArgumentException("not a Dredge backup manifest (truncated or not JSON): " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a Dredge backup manifest: empty, or not a JSON object");
        }
        int version = required(node, FORMAT_VERSION).asInt();
        if (version > BackupManifest.CURRENT_FORMAT_VERSION) {
            throw new NewerFormatException(version);
        }
        if (version < 1) {
            throw new IllegalArgumentException("backup manifest format version %s is not one this Dredge reads (1 to %s)".formatted(version, BackupManifest.CURRENT_FORMAT_VERSION));
        }
        try {
            JsonNode source = required(node, SOURCE);
            ImmutableList.Builder<BackupPartition> partitions = ImmutableList.builder();
            for (JsonNode partition : required(node, PARTITIONS)) {
                ImmutableList.Builder<String> values = ImmutableList.builder();
                required(partition, VALUES).forEach(value -> values.add(value.asText()));
                partitions.add(new BackupPartition(
                        new HivePartitionDefinition(
                                required(partition, NAME).asText(),
                                values.build(),
                                readColumns(required(partition, COLUMNS)),
                                readStorage(required(partition, STORAGE)),
                                readMap(required(partition, PARAMETERS))),
                        required(partition, PATH).asText(),
                        required(partition, ROWS).asLong(),
                        required(partition, ROW_CHECKSUM).asText()));
            }
            ImmutableList.Builder<BackupFile> files = ImmutableList.builder();
            for (JsonNode file : required(node, FILES)) {
                files.add(new BackupFile(
                        required(file, PATH).asText(),
                        required(file, STORED).asText(),
                        required(file, SIZE).asLong(),
                        required(file, CRC32C).asText(),
                        required(file, COPIED).asBoolean()));
            }
            return new BackupManifest(
                    version,
                    required(node, NAME).asText(),
                    BackupState.valueOf(required(node, STATE).asText()),
                    required(node, REPOSITORY).asText(),
                    required(source, CATALOG).asText(),
                    new TableReference(required(source, SCHEMA).asText(), required(source, TABLE).asText()),
                    TableType.valueOf(required(source, TABLE_TYPE).asText()),
                    required(source, LOCATION).asText(),
                    Instant.parse(required(node, CREATED_AT).asText()),
                    required(node, USER).asText(),
                    optional(node, SNAPSHOT_ID).map(Long::parseLong),
                    Optional.ofNullable(node.get(HIVE_TABLE)).map(table -> new HiveTableDefinition(
                            readColumns(required(table, DATA_COLUMNS)),
                            readColumns(required(table, PARTITION_COLUMNS)),
                            readStorage(required(table, STORAGE)),
                            readMap(required(table, PARAMETERS)),
                            required(table, EXTERNAL).asBoolean())),
                    partitions.build(),
                    optional(node, ICEBERG_METADATA),
                    files.build(),
                    required(node, ROWS).asLong(),
                    optional(node, ROW_CHECKSUM),
                    // version 1 had one level: the engine's rows
                    version == 1 ? BackupVerification.ROWS : BackupVerification.valueOf(required(node, VERIFICATION).asText()),
                    optional(node, ERROR));
        }
        catch (RuntimeException e) {
            throw new IllegalArgumentException("not a valid Dredge backup manifest: " + e.getMessage(), e);
        }
    }

    /**
     * A manifest a later Dredge wrote: its backup's files are unknown here.
     */
    public static final class NewerFormatException
            extends IllegalArgumentException
    {
        NewerFormatException(int version)
        {
            super("backup manifest format version %s is not one this Dredge reads (1 to %s)".formatted(version, BackupManifest.CURRENT_FORMAT_VERSION));
        }
    }

    private static void writeColumns(ArrayNode array, List<HiveColumn> columns)
    {
        for (HiveColumn column : columns) {
            ObjectNode columnNode = array.addObject().put(NAME, column.name()).put(TYPE, column.type());
            column.comment().ifPresent(value -> columnNode.put(COMMENT, value));
        }
    }

    private static List<HiveColumn> readColumns(JsonNode array)
    {
        ImmutableList.Builder<HiveColumn> columns = ImmutableList.builder();
        for (JsonNode column : array) {
            columns.add(new HiveColumn(required(column, NAME).asText(), required(column, TYPE).asText(), optional(column, COMMENT)));
        }
        return columns.build();
    }

    private static void writeStorage(ObjectNode node, HiveStorage storage)
    {
        node.put(INPUT_FORMAT, storage.inputFormat());
        node.put(OUTPUT_FORMAT, storage.outputFormat());
        node.put(SERDE, storage.serde());
        writeMap(node.putObject(SERDE_PARAMETERS), storage.serdeParameters());
        storage.bucketing().ifPresent(bucketing -> {
            ObjectNode bucketingNode = node.putObject(BUCKETING);
            ArrayNode columns = bucketingNode.putArray(COLUMNS);
            bucketing.columns().forEach(columns::add);
            bucketingNode.put(BUCKET_COUNT, bucketing.bucketCount());
            ArrayNode sortedBy = bucketingNode.putArray(SORTED_BY);
            bucketing.sortedBy().forEach(sort -> sortedBy.addObject().put(COLUMN, sort.column()).put(ASCENDING, sort.ascending()));
        });
    }

    private static HiveStorage readStorage(JsonNode node)
    {
        return new HiveStorage(
                required(node, INPUT_FORMAT).asText(),
                required(node, OUTPUT_FORMAT).asText(),
                required(node, SERDE).asText(),
                readMap(required(node, SERDE_PARAMETERS)),
                Optional.ofNullable(node.get(BUCKETING)).map(bucketing -> {
                    ImmutableList.Builder<String> columns = ImmutableList.builder();
                    required(bucketing, COLUMNS).forEach(column -> columns.add(column.asText()));
                    ImmutableList.Builder<HiveStorage.SortColumn> sortedBy = ImmutableList.builder();
                    required(bucketing, SORTED_BY).forEach(sort -> sortedBy.add(new HiveStorage.SortColumn(required(sort, COLUMN).asText(), required(sort, ASCENDING).asBoolean())));
                    return new HiveStorage.Bucketing(columns.build(), required(bucketing, BUCKET_COUNT).asInt(), sortedBy.build());
                }));
    }

    private static void writeMap(ObjectNode node, Map<String, String> values)
    {
        values.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(entry -> node.put(entry.getKey(), entry.getValue()));
    }

    private static Map<String, String> readMap(JsonNode node)
    {
        ImmutableMap.Builder<String, String> values = ImmutableMap.builder();
        node.properties().forEach(entry -> values.put(entry.getKey(), entry.getValue().asText()));
        return values.buildOrThrow();
    }

    private static JsonNode required(JsonNode node, String field)
    {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("backup manifest has no " + field);
        }
        return value;
    }

    private static Optional<String> optional(JsonNode node, String field)
    {
        return Optional.ofNullable(node.get(field))
                .filter(value -> !value.isNull())
                .map(JsonNode::asText);
    }
}
