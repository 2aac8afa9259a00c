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
 *
 * <p>The document is flat: the fields every operation has, then those of its kind's {@link OperationDetails}, which
 * only that kind writes (a compaction's from {@code staging-table} to {@code iceberg-snapshots}, a backup's
 * {@code manifest-location}). Records written before the details had their own records gave every kind a
 * compaction's fields, and kept a backup's manifest in {@code staging-location}: they read as before, the
 * compaction fields of other kinds ignored.
 */
public final class OperationRecordCodec
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int CURRENT_FORMAT_VERSION = 1;

    // field names: the format, kept readable by every later version
    private static final String FORMAT_VERSION = "format-version";
    private static final String ID = "id";
    private static final String KIND = "kind";
    private static final String SCHEMA = "schema";
    private static final String TABLE = "table";
    private static final String USER = "user";
    private static final String STATE = "state";
    private static final String STARTED_AT = "started-at";
    private static final String FINISHED_AT = "finished-at";
    private static final String TARGET_OPERATION_ID = "target-operation-id";
    private static final String STEP = "step";
    private static final String STAGING_TABLE = "staging-table";
    private static final String STAGING_LOCATION = "staging-location";
    private static final String BACKUP_TABLE = "backup-table";
    private static final String MANIFEST_LOCATION = "manifest-location";
    private static final String VERIFICATION = "verification";
    private static final String PARTITIONS_CONSIDERED = "partitions-considered";
    private static final String PARTITIONS = "partitions";
    private static final String NAME = "name";
    private static final String ORIGINAL_LOCATION = "original-location";
    private static final String SKIP_REASON = "skip-reason";
    private static final String ROWS_VERIFIED = "rows-verified";
    private static final String INPUT_FILES = "input-files";
    private static final String OUTPUT_FILES = "output-files";
    private static final String PARKED_LOCATION = "parked-location";
    private static final String ERROR = "error";
    private static final String ICEBERG_SNAPSHOTS = "iceberg-snapshots";
    private static final String BEFORE = "before";
    private static final String AFTER = "after";
    private static final String AFTER_PARENT = "after-parent";
    private static final String TABLE_IDENTITY = "table-identity";
    private static final String PATH = "path";
    private static final String SIZE = "size";
    private static final String EXPIRE_OLDER_THAN = "expire-older-than";
    private static final String RETAIN_LAST = "retain-last";
    private static final String EXPIRE_SNAPSHOTS = "expire-snapshots";
    private static final String REASON = "reason";
    private static final String ORPHANS_OLDER_THAN = "orphans-older-than";
    private static final String QUARANTINE_LOCATION = "quarantine-location";

    private OperationRecordCodec() {}

    public static byte[] toJson(OperationRecord record)
    {
        ObjectNode node = MAPPER.createObjectNode();
        node.put(FORMAT_VERSION, CURRENT_FORMAT_VERSION);
        node.put(ID, record.id());
        node.put(KIND, record.kind().name());
        node.put(SCHEMA, record.table().schemaName());
        node.put(TABLE, record.table().tableName());
        node.put(USER, record.user());
        node.put(STATE, record.state().name());
        node.put(STARTED_AT, record.startedAt().toString());
        record.finishedAt().ifPresent(value -> node.put(FINISHED_AT, value.toString()));
        record.targetOperationId().ifPresent(value -> node.put(TARGET_OPERATION_ID, value));
        node.put(STEP, record.step());
        if (record.details() instanceof CompactionDetails compaction) {
            writeCompaction(node, compaction);
        }
        else if (record.details() instanceof BackupDetails backup) {
            node.put(MANIFEST_LOCATION, backup.manifestLocation());
        }
        else if (record.details() instanceof ExpiryDetails expiry) {
            node.put(EXPIRE_OLDER_THAN, expiry.expireOlderThan().toString());
            node.put(RETAIN_LAST, expiry.retainLast());
            ArrayNode snapshots = node.putArray(EXPIRE_SNAPSHOTS);
            expiry.snapshots().forEach(snapshots::add);
            expiry.quarantineLocation().ifPresent(value -> node.put(QUARANTINE_LOCATION, value));
        }
        else if (record.details() instanceof OrphanDetails orphans) {
            node.put(ORPHANS_OLDER_THAN, orphans.olderThan().toString());
            orphans.quarantineLocation().ifPresent(value -> node.put(QUARANTINE_LOCATION, value));
        }
        record.error().ifPresent(value -> node.put(ERROR, value));
        record.tableIdentity().ifPresent(value -> node.put(TABLE_IDENTITY, value));
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
        int version = required(node, FORMAT_VERSION).asInt();
        if (version > CURRENT_FORMAT_VERSION) {
            throw new IllegalArgumentException("journal record format %s is newer than this Dredge (%s)".formatted(version, CURRENT_FORMAT_VERSION));
        }
        OperationKind kind = OperationKind.valueOf(required(node, KIND).asText());
        return new OperationRecord(
                required(node, ID).asText(),
                kind,
                new TableReference(required(node, SCHEMA).asText(), required(node, TABLE).asText()),
                required(node, USER).asText(),
                OperationState.valueOf(required(node, STATE).asText()),
                Instant.parse(required(node, STARTED_AT).asText()),
                optional(node, FINISHED_AT).map(Instant::parse),
                optional(node, TARGET_OPERATION_ID),
                required(node, STEP).asText(),
                optional(node, ERROR),
                optional(node, TABLE_IDENTITY),
                switch (kind) {
                    case COMPACT -> readCompaction(node);
                    case BACKUP -> readBackup(node);
                    case EXPIRE_SNAPSHOTS -> readExpiry(node);
                    case REMOVE_ORPHAN_FILES -> new OrphanDetails(Instant.parse(required(node, ORPHANS_OLDER_THAN).asText()), optional(node, QUARANTINE_LOCATION));
                    case ROLLBACK, CLEANUP, RECOVER, RESTORE_ORPHAN_FILES, REWRITE -> OperationDetails.NONE;
                });
    }

    private static void writeCompaction(ObjectNode node, CompactionDetails compaction)
    {
        compaction.stagingTable().ifPresent(value -> node.put(STAGING_TABLE, value));
        compaction.stagingLocation().ifPresent(value -> node.put(STAGING_LOCATION, value));
        compaction.backupTable().ifPresent(value -> node.put(BACKUP_TABLE, value));
        compaction.verification().ifPresent(value -> node.put(VERIFICATION, value));
        node.put(PARTITIONS_CONSIDERED, compaction.partitionsConsidered());
        ArrayNode partitions = node.putArray(PARTITIONS);
        for (PartitionRecord partition : compaction.partitions()) {
            ObjectNode partitionNode = partitions.addObject();
            partition.name().ifPresent(value -> partitionNode.put(NAME, value));
            partitionNode.put(ORIGINAL_LOCATION, partition.originalLocation());
            partitionNode.put(STAGING_LOCATION, partition.stagingLocation());
            partitionNode.put(STATE, partition.state().name());
            partition.skipReason().ifPresent(value -> partitionNode.put(SKIP_REASON, value));
            partitionNode.put(ROWS_VERIFIED, partition.rowsVerified());
            writeFiles(partitionNode.putArray(INPUT_FILES), partition.inputFiles());
            writeFiles(partitionNode.putArray(OUTPUT_FILES), partition.outputFiles());
            partition.parkedLocation().ifPresent(value -> partitionNode.put(PARKED_LOCATION, value));
        }
        compaction.icebergSnapshots().ifPresent(snapshots -> {
            ObjectNode snapshotsNode = node.putObject(ICEBERG_SNAPSHOTS).put(BEFORE, snapshots.before());
            snapshots.after().ifPresent(value -> snapshotsNode.put(AFTER, value));
            snapshots.afterParent().ifPresent(value -> snapshotsNode.put(AFTER_PARENT, value));
        });
    }

    private static CompactionDetails readCompaction(JsonNode node)
    {
        ImmutableList.Builder<PartitionRecord> partitions = ImmutableList.builder();
        for (JsonNode partition : required(node, PARTITIONS)) {
            partitions.add(new PartitionRecord(
                    optional(partition, NAME),
                    required(partition, ORIGINAL_LOCATION).asText(),
                    required(partition, STAGING_LOCATION).asText(),
                    readFiles(required(partition, INPUT_FILES)),
                    PartitionState.valueOf(required(partition, STATE).asText()),
                    optional(partition, SKIP_REASON),
                    required(partition, ROWS_VERIFIED).asLong(),
                    readFiles(required(partition, OUTPUT_FILES)),
                    optional(partition, PARKED_LOCATION)));
        }
        return new CompactionDetails(
                optional(node, STAGING_TABLE),
                optional(node, STAGING_LOCATION),
                optional(node, BACKUP_TABLE),
                optional(node, VERIFICATION),
                required(node, PARTITIONS_CONSIDERED).asLong(),
                partitions.build(),
                Optional.ofNullable(node.get(ICEBERG_SNAPSHOTS))
                        .map(snapshots -> new CompactionDetails.IcebergSnapshots(
                                required(snapshots, BEFORE).asLong(),
                                optional(snapshots, AFTER).map(Long::parseLong),
                                optional(snapshots, AFTER_PARENT).map(Long::parseLong))));
    }

    private static BackupDetails readBackup(JsonNode node)
    {
        // written before a backup had details of its own: the manifest was in the compaction's staging-location
        return new BackupDetails(optional(node, MANIFEST_LOCATION)
                .or(() -> optional(node, STAGING_LOCATION))
                .orElseThrow(() -> new IllegalArgumentException("journal record has no " + MANIFEST_LOCATION)));
    }

    private static ExpiryDetails readExpiry(JsonNode node)
    {
        ImmutableList.Builder<Long> snapshots = ImmutableList.builder();
        required(node, EXPIRE_SNAPSHOTS).forEach(snapshot -> snapshots.add(snapshot.asLong()));
        return new ExpiryDetails(Instant.parse(required(node, EXPIRE_OLDER_THAN).asText()), required(node, RETAIN_LAST).asInt(), snapshots.build(), optional(node, QUARANTINE_LOCATION));
    }

    /**
     * The files an operation listed ({@link OperationJournal#saveFiles}): one JSON array, beside its record.
     */
    public static byte[] filesToJson(List<OperationFile> files)
    {
        ArrayNode array = MAPPER.createArrayNode();
        for (OperationFile file : files) {
            array.addObject().put(PATH, file.path()).put(SIZE, file.bytes()).put(REASON, file.reason());
        }
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(array);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<OperationFile> filesFromJson(byte[] json)
    {
        JsonNode array;
        try {
            array = MAPPER.readTree(json);
        }
        catch (IOException e) {
            throw new IllegalArgumentException("not a Dredge operation's file list: " + e.getMessage(), e);
        }
        ImmutableList.Builder<OperationFile> files = ImmutableList.builder();
        for (JsonNode file : array) {
            files.add(new OperationFile(required(file, PATH).asText(), required(file, SIZE).asLong(), required(file, REASON).asText()));
        }
        return files.build();
    }

    private static void writeFiles(ArrayNode array, List<TableFile> files)
    {
        for (TableFile file : files) {
            array.addObject().put(PATH, file.path()).put(SIZE, file.sizeBytes());
        }
    }

    private static List<TableFile> readFiles(JsonNode array)
    {
        ImmutableList.Builder<TableFile> files = ImmutableList.builder();
        for (JsonNode file : array) {
            files.add(new TableFile(required(file, PATH).asText(), required(file, SIZE).asLong()));
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
