package io.dredge.core.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import io.dredge.core.model.TableFile;
import io.dredge.core.model.TableReference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The journal's file format: one JSON document per operation, written field by field so that the format is
 * explicit, stable across versions and readable by both engines' adapters. Fields added since format version 1
 * ({@code table-identity}, {@code after-parent}) are optional, and {@code after} became optional: records written
 * before them read as having none.
 */
public final class OperationRecordCodec
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int FORMAT_VERSION = 1;

    private OperationRecordCodec() {}

    public static byte[] toJson(OperationRecord record)
    {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("format-version", FORMAT_VERSION);
        node.put("id", record.id());
        node.put("kind", record.kind().name());
        node.put("schema", record.table().schemaName());
        node.put("table", record.table().tableName());
        node.put("user", record.user());
        node.put("state", record.state().name());
        node.put("started-at", record.startedAt().toString());
        record.finishedAt().ifPresent(value -> node.put("finished-at", value.toString()));
        record.targetOperationId().ifPresent(value -> node.put("target-operation-id", value));
        node.put("step", record.step());
        record.stagingTable().ifPresent(value -> node.put("staging-table", value));
        record.stagingLocation().ifPresent(value -> node.put("staging-location", value));
        record.backupTable().ifPresent(value -> node.put("backup-table", value));
        record.verification().ifPresent(value -> node.put("verification", value));
        node.put("partitions-considered", record.partitionsConsidered());
        ArrayNode partitions = node.putArray("partitions");
        for (PartitionRecord partition : record.partitions()) {
            ObjectNode partitionNode = partitions.addObject();
            partition.name().ifPresent(value -> partitionNode.put("name", value));
            partitionNode.put("original-location", partition.originalLocation());
            partitionNode.put("staging-location", partition.stagingLocation());
            partitionNode.put("state", partition.state().name());
            partition.skipReason().ifPresent(value -> partitionNode.put("skip-reason", value));
            partitionNode.put("rows-verified", partition.rowsVerified());
            writeFiles(partitionNode.putArray("input-files"), partition.inputFiles());
            writeFiles(partitionNode.putArray("output-files"), partition.outputFiles());
            partition.parkedLocation().ifPresent(value -> partitionNode.put("parked-location", value));
        }
        record.error().ifPresent(value -> node.put("error", value));
        record.icebergSnapshots().ifPresent(snapshots -> {
            ObjectNode snapshotsNode = node.putObject("iceberg-snapshots").put("before", snapshots.before());
            snapshots.after().ifPresent(value -> snapshotsNode.put("after", value));
            snapshots.afterParent().ifPresent(value -> snapshotsNode.put("after-parent", value));
        });
        record.tableIdentity().ifPresent(value -> node.put("table-identity", value));
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static OperationRecord fromJson(byte[] json)
    {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        }
        catch (IOException e) {
            throw new IllegalArgumentException("not a Dredge journal record: " + e.getMessage(), e);
        }
        int version = required(node, "format-version").asInt();
        if (version > FORMAT_VERSION) {
            throw new IllegalArgumentException("journal record format %s is newer than this Dredge (%s)".formatted(version, FORMAT_VERSION));
        }
        ImmutableList.Builder<PartitionRecord> partitions = ImmutableList.builder();
        for (JsonNode partition : required(node, "partitions")) {
            partitions.add(new PartitionRecord(
                    optional(partition, "name"),
                    required(partition, "original-location").asText(),
                    required(partition, "staging-location").asText(),
                    readFiles(required(partition, "input-files")),
                    PartitionState.valueOf(required(partition, "state").asText()),
                    optional(partition, "skip-reason"),
                    required(partition, "rows-verified").asLong(),
                    readFiles(required(partition, "output-files")),
                    optional(partition, "parked-location")));
        }
        return new OperationRecord(
                required(node, "id").asText(),
                OperationKind.valueOf(required(node, "kind").asText()),
                new TableReference(required(node, "schema").asText(), required(node, "table").asText()),
                required(node, "user").asText(),
                OperationState.valueOf(required(node, "state").asText()),
                Instant.parse(required(node, "started-at").asText()),
                optional(node, "finished-at").map(Instant::parse),
                optional(node, "target-operation-id"),
                required(node, "step").asText(),
                optional(node, "staging-table"),
                optional(node, "staging-location"),
                optional(node, "backup-table"),
                optional(node, "verification"),
                required(node, "partitions-considered").asLong(),
                partitions.build(),
                optional(node, "error"),
                Optional.ofNullable(node.get("iceberg-snapshots"))
                        .map(snapshots -> new OperationRecord.IcebergSnapshots(
                                required(snapshots, "before").asLong(),
                                optional(snapshots, "after").map(Long::parseLong),
                                optional(snapshots, "after-parent").map(Long::parseLong))),
                optional(node, "table-identity"));
    }

    private static void writeFiles(ArrayNode array, List<TableFile> files)
    {
        for (TableFile file : files) {
            array.addObject().put("path", file.path()).put("size", file.sizeBytes());
        }
    }

    private static List<TableFile> readFiles(JsonNode array)
    {
        ImmutableList.Builder<TableFile> files = ImmutableList.builder();
        for (JsonNode file : array) {
            files.add(new TableFile(required(file, "path").asText(), required(file, "size").asLong()));
        }
        return files.build();
    }

    private static JsonNode required(JsonNode node, String field)
    {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("journal record has no " + field);
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
