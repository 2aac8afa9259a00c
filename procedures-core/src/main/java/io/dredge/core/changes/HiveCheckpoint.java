package io.dredge.core.changes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.model.Locations;
import io.dredge.core.model.StoredFile;
import io.dredge.core.model.TableReference;
import io.dredge.core.report.HiveTableFiles;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * The data files of a Hive table at one moment, partition by partition, as Dredge keeps them for
 * {@code changed_partitions}: a Hive table has no history of its own, so the next answer compares the table's files
 * then with this.
 *
 * @param id sorts by time, like an operation's id ({@code 20261207_091512_3f9a0c1d})
 * @param tableIdentity what the resume token names, {@link HiveChanges#identity}
 * @param takenAt when the listing began: a file written after it may or may not be in it, and is reported once
 * either way (here, or by the next answer)
 */
public record HiveCheckpoint(String id, TableReference table, String tableIdentity, Instant takenAt, List<Partition> partitions)
{
    private static final Pattern ID = Pattern.compile("\\d{8}_\\d{6}_[0-9a-f]{8}");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int FORMAT = 1;

    /**
     * One partition (the empty name for an unpartitioned table): its location and the visible files below it.
     *
     * @param listedAt when an earlier answer listed it, for a partition a filtered answer carried over from that
     * answer's checkpoint; empty when it was listed for this checkpoint
     */
    public record Partition(String name, String location, List<StoredFile> files, Optional<Instant> listedAt)
    {
        public Partition
        {
            requireNonNull(name, "name is null");
            requireNonNull(location, "location is null");
            files = ImmutableList.copyOf(requireNonNull(files, "files is null"));
            requireNonNull(listedAt, "listedAt is null");
        }

        public Partition(String name, String location, List<StoredFile> files)
        {
            this(name, location, files, Optional.empty());
        }
    }

    /**
     * When the partition's state in this checkpoint was listed.
     */
    public Instant listedAt(Partition partition)
    {
        return partition.listedAt().orElse(takenAt);
    }

    public HiveCheckpoint
    {
        checkArgument(isId(id), "not a checkpoint id: %s", id);
        requireNonNull(table, "table is null");
        requireNonNull(tableIdentity, "tableIdentity is null");
        requireNonNull(takenAt, "takenAt is null");
        partitions = ImmutableList.copyOf(requireNonNull(partitions, "partitions is null"));
    }

    /**
     * The partitions {@code listed} holds, and this checkpoint's of the others: what an answer filtered to
     * {@code listed} leaves for the next.
     */
    public HiveCheckpoint carryingOver(HiveCheckpoint listed, Predicate<String> filtered)
    {
        Map<String, Partition> merged = new TreeMap<>(listed.partitionsByName());
        partitions.stream()
                .filter(partition -> !filtered.test(partition.name()))
                // it keeps the time it was listed: what happened to it since (a compaction, say) is the next answer's
                .forEach(partition -> merged.putIfAbsent(partition.name(), new Partition(partition.name(), partition.location(), partition.files(), Optional.of(listedAt(partition)))));
        return new HiveCheckpoint(listed.id(), listed.table(), listed.tableIdentity(), listed.takenAt(), ImmutableList.copyOf(merged.values()));
    }

    /**
     * This checkpoint, holding only the partitions {@code filter} takes.
     */
    public HiveCheckpoint restrictedTo(Predicate<String> filter)
    {
        return new HiveCheckpoint(id, table, tableIdentity, takenAt, partitions.stream().filter(partition -> filter.test(partition.name())).collect(ImmutableList.toImmutableList()));
    }

    public static boolean isId(String text)
    {
        return ID.matcher(text).matches();
    }

    public Map<String, Partition> partitionsByName()
    {
        return partitions.stream().collect(ImmutableMap.toImmutableMap(Partition::name, Function.identity()));
    }

    /**
     * Gzipped JSON; files by their paths relative to the partition's location.
     */
    public byte[] encode()
    {
        ObjectNode root = MAPPER.createObjectNode()
                .put("format", FORMAT)
                .put("id", id)
                .put("schema", table.schemaName())
                .put("table", table.tableName())
                .put("identity", tableIdentity)
                .put("takenAt", takenAt.toEpochMilli());
        ArrayNode partitionNodes = root.putArray("partitions");
        for (Partition partition : partitions) {
            ObjectNode node = partitionNodes.addObject()
                    .put("name", partition.name())
                    .put("location", partition.location());
            partition.listedAt().ifPresent(time -> node.put("listedAt", time.toEpochMilli()));
            ArrayNode files = node.putArray("files");
            for (StoredFile file : partition.files()) {
                files.addArray()
                        .add(HiveTableFiles.relativePath(partition.location(), file.path()))
                        .add(file.sizeBytes())
                        .add(file.lastModified().toEpochMilli());
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            MAPPER.writeValue(out, root);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static HiveCheckpoint decode(byte[] content)
    {
        JsonNode root;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(content))) {
            root = MAPPER.readTree(in);
        }
        catch (IOException e) {
            throw new UncheckedIOException("not a checkpoint of changed_partitions", e);
        }
        if (root.path("format").asInt() != FORMAT) {
            throw new IllegalArgumentException("checkpoint format %s is not %s: written by another version of Dredge".formatted(root.path("format"), FORMAT));
        }
        ImmutableList.Builder<Partition> partitions = ImmutableList.builder();
        for (JsonNode node : root.path("partitions")) {
            String location = node.path("location").asText();
            ImmutableList.Builder<StoredFile> files = ImmutableList.builder();
            for (JsonNode file : node.path("files")) {
                files.add(new StoredFile(Locations.child(location, file.get(0).asText()), file.get(1).asLong(), Instant.ofEpochMilli(file.get(2).asLong())));
            }
            partitions.add(new Partition(node.path("name").asText(), location, files.build(),
                    node.has("listedAt") ? Optional.of(Instant.ofEpochMilli(node.path("listedAt").asLong())) : Optional.empty()));
        }
        return new HiveCheckpoint(root.path("id").asText(), new TableReference(root.path("schema").asText(), root.path("table").asText()),
                root.path("identity").asText(), Instant.ofEpochMilli(root.path("takenAt").asLong()), partitions.build());
    }

    public static String newId(Instant now)
    {
        return OperationRecord.newId(now);
    }
}
