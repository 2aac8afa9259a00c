package io.dredge.core.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dredge.core.model.TableReference;
import io.dredge.core.report.FileGroupStatus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The audit's file format, field by field so that it stays readable by both engines' adapters and by hand.
 */
public final class WriteAuditCodec
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int CURRENT_FORMAT_VERSION = 1;

    private static final String FORMAT_VERSION = "format-version";
    private static final String SCHEMA = "schema";
    private static final String TABLE = "table";
    private static final String QUERY_ID = "query-id";
    private static final String USER = "user";
    private static final String WRITTEN_AT = "written-at";
    private static final String WRITTEN = "written";
    private static final String PARTITION = "partition";
    private static final String FILES = "files";
    private static final String BYTES = "bytes";
    private static final String STATUS = "status";

    private WriteAuditCodec() {}

    public static byte[] toJson(WriteAudit audit)
    {
        ObjectNode root = MAPPER.createObjectNode();
        root.put(FORMAT_VERSION, CURRENT_FORMAT_VERSION);
        root.put(SCHEMA, audit.table().schemaName());
        root.put(TABLE, audit.table().tableName());
        root.put(QUERY_ID, audit.queryId());
        root.put(USER, audit.user());
        root.put(WRITTEN_AT, audit.writtenAt().toString());
        ArrayNode written = root.putArray(WRITTEN);
        for (WrittenFiles files : audit.written()) {
            ObjectNode node = written.addObject();
            files.partitionName().ifPresentOrElse(name -> node.put(PARTITION, name), () -> node.putNull(PARTITION));
            node.put(FILES, files.fileCount());
            node.put(BYTES, files.totalBytes());
            node.put(STATUS, files.status().name());
        }
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static WriteAudit fromJson(byte[] json)
    {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        }
        catch (IOException e) {
            throw new IllegalArgumentException("not a write audit document: " + e.getMessage(), e);
        }
        int version = root.path(FORMAT_VERSION).asInt(-1);
        if (version != CURRENT_FORMAT_VERSION) {
            throw new IllegalArgumentException("write audit format version %s is not one this Dredge reads".formatted(version));
        }
        List<WrittenFiles> written = new ArrayList<>();
        for (JsonNode node : root.path(WRITTEN)) {
            written.add(new WrittenFiles(
                    node.path(PARTITION).isNull() ? Optional.empty() : Optional.of(node.path(PARTITION).asText()),
                    node.path(FILES).asLong(),
                    node.path(BYTES).asLong(),
                    FileGroupStatus.valueOf(node.path(STATUS).asText())));
        }
        return new WriteAudit(
                new TableReference(root.path(SCHEMA).asText(), root.path(TABLE).asText()),
                root.path(QUERY_ID).asText(),
                root.path(USER).asText(),
                Instant.parse(root.path(WRITTEN_AT).asText()),
                written);
    }
}
