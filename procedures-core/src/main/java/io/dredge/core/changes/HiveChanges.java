package io.dredge.core.changes;

import com.google.common.collect.ImmutableList;
import io.dredge.core.DredgeException;
import io.dredge.core.changes.ChangeStart.AfterSnapshot;
import io.dredge.core.changes.ChangeStart.AfterTime;
import io.dredge.core.changes.ChangeStart.AfterToken;
import io.dredge.core.changes.PartitionChange.ChangeKind;
import io.dredge.core.iceberg.IcebergTableMetadata.PartitionColumn;
import io.dredge.core.journal.OperationKind;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.PartitionRecord;
import io.dredge.core.journal.PartitionState;
import io.dredge.core.model.Locations;
import io.dredge.core.model.PartitionNames;
import io.dredge.core.model.StoredFile;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableFile;
import io.dredge.core.report.HiveTableFiles;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;
import static java.util.Objects.requireNonNull;

/**
 * The partitions of a Hive table whose files changed between two points, told from the table's files: a Hive table
 * keeps no history, so Dredge keeps one, a {@link HiveCheckpoint} of the files per partition at each answer, and the
 * next answer compares the files now with it. A Dredge compaction or rollback in between is recognised from the
 * journal (its partition records name the files it read and wrote, and where), and moves no row; the files a
 * concurrent writer put beside it, which the compaction moves along, still count. Rows are not known without reading
 * the files: a Hive answer has none.
 */
public final class HiveChanges
{
    /**
     * Compactions followed back from a file a compaction wrote to the files it read.
     */
    private static final int MAX_LINKS = 64;
    /**
     * The time of a file the journal names, which records none: the answer says when it was seen.
     */
    private static final Instant UNKNOWN_TIME = Instant.EPOCH;
    /**
     * How long before a listing a file that has grown since may still have been being written.
     */
    private static final Duration WRITE_WINDOW = Duration.ofHours(1);

    private HiveChanges() {}

    /**
     * The checkpoints an answer compares: the earlier one ({@code from}, of the caller's token), or, for a first
     * answer, the time after which files count as written ({@code since}); and the one taken for this answer
     * ({@code to}), which its resume token names.
     */
    public record Range(String tableIdentity, String checkpointDirectory, Optional<String> from, Optional<Instant> since, String to)
            implements ChangedPartitions.Range
    {
        public Range
        {
            requireNonNull(tableIdentity, "tableIdentity is null");
            requireNonNull(checkpointDirectory, "checkpointDirectory is null");
            requireNonNull(from, "from is null");
            requireNonNull(since, "since is null");
            requireNonNull(to, "to is null");
            if (from.isPresent() == since.isPresent()) {
                throw new IllegalArgumentException("a range starts at a checkpoint or a time");
            }
        }

        @Override
        public ResumeToken resumeToken()
        {
            return ResumeToken.ofCheckpoint(tableIdentity, to);
        }
    }

    /**
     * What a resume token names a Hive table by: its name. Trino's metastore model (483) carries no creation time or id
     * of a Hive table, and its location moves with every compaction of an unpartitioned table; a table dropped and
     * made again under the name is compared file by file like any other change, and a table renamed is another.
     */
    public static String identity(TableDescriptor table)
    {
        return "hive:" + table.table();
    }

    /**
     * Where the answer starts; refused for a snapshot (a Hive table has none) and a token of another table.
     */
    static void requireHiveStart(TableDescriptor table, ChangeStart start)
    {
        if (start instanceof AfterSnapshot) {
            throw new DredgeException(INVALID_ARGUMENT, "%s is a Hive table, which has no snapshots: start from a time (since) or a resume token (since_token)".formatted(table.table()));
        }
        if (start instanceof AfterToken token) {
            if (token.token().checkpointId().isEmpty() || !token.token().tableIdentity().equals(identity(table))) {
                throw new DredgeException(INVALID_ARGUMENT, "the resume token is of another table than %s (an Iceberg table, one renamed or moved, or another one): start from a time instead".formatted(table.table()));
            }
        }
    }

    static Optional<Instant> since(ChangeStart start)
    {
        return start instanceof AfterTime time ? Optional.of(time.time()) : Optional.empty();
    }

    /**
     * The table's partition columns as the answer types them: whole numbers, dates, booleans and floating point typed,
     * every other type as its text.
     */
    public static List<PartitionColumn> partitionColumns(TableDescriptor table)
    {
        ImmutableList.Builder<PartitionColumn> columns = ImmutableList.builder();
        for (int index = 0; index < table.partitionColumns().size(); index++) {
            String hiveType = table.partitionColumnTypes().get(index).toLowerCase(Locale.ROOT);
            String type = switch (hiveType) {
                case "tinyint", "smallint", "int" -> "integer";
                case "bigint" -> "long";
                case "boolean", "date", "double", "float" -> hiveType;
                default -> "string";
            };
            columns.add(new PartitionColumn(table.partitionColumns().get(index), type));
        }
        return columns.build();
    }

    /**
     * The changes from {@code from} to {@code to}: per partition, the files now that were not there before and those
     * gone, after following the partition through the compactions and rollbacks {@code operations} journaled.
     */
    public static List<PartitionChange> changes(HiveCheckpoint from, HiveCheckpoint to, List<OperationRecord> operations, Function<String, List<StoredFile>> lister, List<PartitionColumn> columns)
    {
        Map<String, HiveCheckpoint.Partition> before = from.partitionsByName();
        Map<String, HiveCheckpoint.Partition> after = to.partitionsByName();
        Set<String> names = new TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        ImmutableList.Builder<PartitionChange> changes = ImmutableList.builder();
        Function<String, Map<String, StoredFile>> listing = listings(lister);
        // by the time each partition was listed: a filtered answer's checkpoint carries partitions listed earlier
        Map<Instant, Map<String, List<Link>>> links = new HashMap<>();
        for (String name : names) {
            Difference difference = new Difference(to.takenAt());
            HiveCheckpoint.Partition was = before.get(name);
            HiveCheckpoint.Partition is = after.get(name);
            if (was == null) {
                is.files().forEach(difference::added);
            }
            else if (is == null) {
                was.files().forEach(difference::removed);
            }
            else {
                Instant listedAt = from.listedAt(was);
                List<Link> partitionLinks = links.computeIfAbsent(listedAt, time -> links(operations, time)).getOrDefault(name, List.of());
                compare(was, is, partitionLinks, listedAt, listing, difference);
            }
            difference.change(name, columns).ifPresent(changes::add);
        }
        return changes.build();
    }

    /**
     * A first answer, with no checkpoint to compare with: the files now that were written after {@code since}; a file
     * a Dredge compaction wrote counts only if what it compacted was written after {@code since}, or cannot be found
     * any more (cleaned up) to tell. What was removed before is not known.
     */
    public static List<PartitionChange> changesSince(Instant since, HiveCheckpoint to, List<OperationRecord> operations, Function<String, List<StoredFile>> lister, List<PartitionColumn> columns)
    {
        Map<String, List<Compacted>> compacted = compactedPartitions(operations);
        Function<String, Map<String, StoredFile>> listing = listings(lister);
        // a file's time is when it was written, which may be before the write committed
        Instant writtenSince = since.minus(WRITE_WINDOW);
        ImmutableList.Builder<PartitionChange> changes = ImmutableList.builder();
        for (HiveCheckpoint.Partition partition : to.partitions()) {
            Difference difference = new Difference(to.takenAt());
            for (StoredFile file : partition.files()) {
                if (writtenAfter(writtenSince, partition.location(), file, compacted.getOrDefault(partition.name(), List.of()), listing, 0)) {
                    difference.added(file);
                }
            }
            difference.change(partition.name(), columns).ifPresent(changes::add);
        }
        return changes.build();
    }

    private static boolean writtenAfter(Instant since, String location, StoredFile file, List<Compacted> compactions, Function<String, Map<String, StoredFile>> listing, int depth)
    {
        if (!file.lastModified().isAfter(since)) {
            return false;
        }
        if (depth >= MAX_LINKS) {
            return true;
        }
        String name = Locations.name(file.path());
        for (Compacted step : compactions) {
            PartitionRecord compacted = step.partition();
            boolean wrote = (compacted.state() == PartitionState.SWAPPED || compacted.state() == PartitionState.RESTORED)
                    && !file.lastModified().isAfter(step.finishedAt().orElse(Instant.MAX))
                    && Locations.samePath(compacted.stagingLocation(), location)
                    && compacted.outputFiles().stream().anyMatch(output -> output.name().equals(name) && output.sizeBytes() == file.sizeBytes());
            if (!wrote) {
                continue;
            }
            // the compaction's copy of what it read: new only if something it read was
            Map<String, StoredFile> originals = listing.apply(compacted.originalDataLocation());
            for (TableFile input : compacted.inputFiles()) {
                StoredFile original = originals.get(input.name());
                if (original == null || original.sizeBytes() != input.sizeBytes()
                        || writtenAfter(since, compacted.originalLocation(), original, compactions, listing, depth + 1)) {
                    return true;
                }
            }
            return false;
        }
        return true;
    }

    private static Function<String, Map<String, StoredFile>> listings(Function<String, List<StoredFile>> lister)
    {
        Map<String, Map<String, StoredFile>> listings = new HashMap<>();
        return location -> listings.computeIfAbsent(location, ignored -> byName(lister.apply(location)));
    }

    private static void compare(HiveCheckpoint.Partition was, HiveCheckpoint.Partition is, List<Link> links, Instant listedAt, Function<String, Map<String, StoredFile>> listing, Difference difference)
    {
        String location = was.location();
        // by name in the partition's location: the size, and the time where it is known (files the journal names have none)
        Map<String, Expected> expected = new LinkedHashMap<>();
        for (StoredFile file : was.files()) {
            expected.put(HiveTableFiles.relativePath(was.location(), file.path()), new Expected(file, Optional.of(file.lastModified()), Optional.empty()));
        }
        int position = 0;
        while (position < links.size() && !Locations.samePath(location, is.location())) {
            Optional<Integer> found = next(links, position, location);
            if (found.isEmpty()) {
                break;
            }
            position = found.get() + 1;
            Link link = links.get(found.get());
            // what the compaction (or rollback) read that was not there before came after the checkpoint
            for (TableFile file : link.read()) {
                Expected there = expected.remove(file.name());
                if (there == null || there.file().sizeBytes() != file.sizeBytes() || rewrittenBefore(link, file, there, listing)) {
                    if (there != null) {
                        difference.removed(there.file());
                    }
                    if (link.forward()) {
                        difference.added(new StoredFile(file.path(), file.sizeBytes(), UNKNOWN_TIME));
                    }
                }
            }
            // the rest moves along by name (LateFiles), the compaction's copy takes the place of what it read
            Map<String, Expected> moved = new LinkedHashMap<>();
            for (TableFile file : link.wrote()) {
                moved.put(file.name(), new Expected(new StoredFile(file.path(), file.sizeBytes(), UNKNOWN_TIME), Optional.empty(), link.doneBy()));
            }
            expected.forEach((name, file) -> {
                if (moved.putIfAbsent(name, file) != null) {
                    // a file the compaction did not read, whose name its copy took: it is gone
                    difference.removed(file.file());
                }
            });
            expected = moved;
            location = link.to();
        }
        if (!Locations.samePath(location, is.location())) {
            // moved where no compaction of Dredge's took it: every file there is another
            expected.values().forEach(file -> difference.removed(file.file()));
            is.files().forEach(difference::added);
            return;
        }
        for (StoredFile file : is.files()) {
            Expected there = expected.remove(HiveTableFiles.relativePath(is.location(), file.path()));
            if (there == null || !there.matches(file)) {
                if (there != null && !stillBeingWritten(there, file, listedAt)) {
                    difference.removed(there.file());
                }
                difference.added(file);
            }
        }
        expected.values().forEach(file -> difference.removed(file.file()));
    }

    /**
     * Whether the file a forward step read under the name and size the checkpoint knows was rewritten between the
     * checkpoint and the step (Hive's {@code INSERT OVERWRITE} of the same rows writes the same names and sizes): its
     * original, kept until cleanup, has another time than the checkpoint saw. Unknown once cleaned up, or on an object
     * store, whose moves give files new times.
     */
    private static boolean rewrittenBefore(Link link, TableFile read, Expected there, Function<String, Map<String, StoredFile>> listing)
    {
        if (!link.forward() || there.lastModified().isEmpty() || link.originals().isEmpty() || Locations.isObjectStore(link.originals().get())) {
            return false;
        }
        StoredFile original = listing.apply(link.originals().get()).get(read.name());
        return original != null && original.sizeBytes() == read.sizeBytes() && !original.lastModified().equals(there.lastModified().get());
    }

    /**
     * Whether the earlier listing saw {@code present} while a writer was still writing it (engines write a new file at
     * its final name when they append to an existing partition): it grew under its name, and had been written shortly
     * before that listing. Its rows are new again (a reader may have seen part of them), but nothing was removed.
     */
    private static boolean stillBeingWritten(Expected there, StoredFile present, Instant listedAt)
    {
        return present.sizeBytes() > there.file().sizeBytes()
                && there.lastModified().filter(time -> !time.isBefore(listedAt.minus(WRITE_WINDOW))).isPresent();
    }

    /**
     * The steps Dredge took each partition after {@code time}, by partition name, in order: each compaction from its
     * original location to its copy, and, where it was rolled back (or undone after the swap), back. A rollback keeps
     * its compaction's finish time: the rollback's own record tells when it ran.
     */
    private static Map<String, List<Link>> links(List<OperationRecord> operations, Instant time)
    {
        Map<String, Optional<Instant>> undoneAfter = new HashMap<>();
        for (OperationRecord operation : operations) {
            if ((operation.kind() == OperationKind.ROLLBACK || operation.kind() == OperationKind.RECOVER) && finishedAfter(operation, time) && operation.targetOperationId().isPresent()) {
                undoneAfter.put(operation.targetOperationId().get(), operation.finishedAt());
            }
        }
        Map<String, List<Link>> links = new HashMap<>();
        for (OperationRecord compaction : sortedCompactions(operations)) {
            boolean forward = finishedAfter(compaction, time);
            boolean back = forward || undoneAfter.containsKey(compaction.id());
            // what a step wrote was written before it finished: a file of that name written later is another
            Optional<Instant> forwardDoneBy = compaction.finishedAt();
            Optional<Instant> backDoneBy = undoneAfter.containsKey(compaction.id()) ? undoneAfter.get(compaction.id()) : compaction.finishedAt();
            for (PartitionRecord record : compaction.compaction().partitions()) {
                List<Link> partitionLinks = links.computeIfAbsent(record.name().orElse(""), ignored -> new ArrayList<>());
                if (forward && (record.state() == PartitionState.SWAPPED || record.state() == PartitionState.RESTORED)) {
                    partitionLinks.add(new Link(true, record.originalLocation(), record.inputFiles(), record.outputFiles(), record.stagingLocation(), forwardDoneBy, Optional.of(record.originalDataLocation())));
                }
                if (back && record.state() == PartitionState.RESTORED) {
                    List<TableFile> originals = record.inputFiles().stream()
                            .map(file -> new TableFile(Locations.child(record.originalLocation(), file.name()), file.sizeBytes()))
                            .collect(ImmutableList.toImmutableList());
                    partitionLinks.add(new Link(false, record.stagingLocation(), record.outputFiles(), originals, record.originalLocation(), backDoneBy, Optional.empty()));
                }
            }
        }
        return links;
    }

    private static boolean finishedAfter(OperationRecord operation, Instant time)
    {
        return operation.finishedAt().map(finished -> !finished.isBefore(time)).orElse(true);
    }

    /**
     * The first step at or after {@code position} that took the partition from {@code location}.
     */
    private static Optional<Integer> next(List<Link> links, int position, String location)
    {
        for (int index = position; index < links.size(); index++) {
            if (Locations.samePath(links.get(index).from(), location)) {
                return Optional.of(index);
            }
        }
        return Optional.empty();
    }

    /**
     * @param doneBy when the step had written what it wrote (empty while it has not finished)
     * @param originals where a compaction's originals lie now, until cleanup (forward steps)
     */
    private record Link(boolean forward, String from, List<TableFile> read, List<TableFile> wrote, String to, Optional<Instant> doneBy, Optional<String> originals) {}

    /**
     * A file the partition should hold, by what is known of it: its size, and its time (from a checkpoint) or a time
     * it was written by (from the journal).
     */
    private record Expected(StoredFile file, Optional<Instant> lastModified, Optional<Instant> writtenBy)
    {
        boolean matches(StoredFile present)
        {
            return file.sizeBytes() == present.sizeBytes()
                    && lastModified.map(time -> time.equals(present.lastModified())).orElse(true)
                    && writtenBy.map(time -> !present.lastModified().isAfter(time)).orElse(true);
        }
    }

    private static List<OperationRecord> sortedCompactions(List<OperationRecord> operations)
    {
        return operations.stream()
                .filter(operation -> operation.kind() == OperationKind.COMPACT)
                .sorted((first, second) -> first.id().compareTo(second.id()))
                .collect(ImmutableList.toImmutableList());
    }

    /**
     * A partition a compaction journaled, and when the compaction finished (had written its copy).
     */
    private record Compacted(PartitionRecord partition, Optional<Instant> finishedAt) {}

    private static Map<String, List<Compacted>> compactedPartitions(List<OperationRecord> operations)
    {
        Map<String, List<Compacted>> compacted = new HashMap<>();
        for (OperationRecord compaction : sortedCompactions(operations)) {
            for (PartitionRecord partition : compaction.compaction().partitions()) {
                compacted.computeIfAbsent(partition.name().orElse(""), ignored -> new ArrayList<>()).add(new Compacted(partition, compaction.finishedAt()));
            }
        }
        return compacted;
    }

    private static Map<String, StoredFile> byName(List<StoredFile> files)
    {
        Map<String, StoredFile> byName = new HashMap<>();
        files.forEach(file -> byName.put(Locations.name(file.path()), file));
        return byName;
    }

    /**
     * The files of one partition that came and went, and when.
     */
    private static final class Difference
    {
        private final Instant seenAt;
        private long added;
        private long removed;
        private Optional<Instant> first = Optional.empty();
        private Optional<Instant> last = Optional.empty();

        Difference(Instant seenAt)
        {
            this.seenAt = seenAt;
        }

        void added(StoredFile file)
        {
            added++;
            // a file journaled by a compaction has no time of its own: when it was seen
            changedAt(file.lastModified().equals(UNKNOWN_TIME) ? seenAt : file.lastModified());
        }

        void removed(StoredFile file)
        {
            removed++;
            // when a file went is not known: when it was seen gone
            changedAt(seenAt);
        }

        private void changedAt(Instant time)
        {
            first = Optional.of(first.filter(time::isAfter).orElse(time));
            last = Optional.of(last.filter(time::isBefore).orElse(time));
        }

        Optional<PartitionChange> change(String name, List<PartitionColumn> columns)
        {
            if (added == 0 && removed == 0) {
                return Optional.empty();
            }
            ChangeKind kind = removed == 0 ? ChangeKind.APPEND : added == 0 ? ChangeKind.DELETE : ChangeKind.OVERWRITE;
            return Optional.of(new PartitionChange(name, partitionValues(name, columns), Set.of(kind), OptionalLong.empty(), OptionalLong.empty(),
                    added, removed, first.orElseThrow(), last.orElseThrow()));
        }
    }

    /**
     * The partition's values by column, as the answer types them: a value its type does not read is left out.
     */
    static Map<String, Object> partitionValues(String name, List<PartitionColumn> columns)
    {
        Map<String, Object> values = new TreeMap<>();
        if (name.isEmpty()) {
            return values;
        }
        List<Optional<String>> texts = PartitionNames.values(name);
        for (int index = 0; index < Math.min(texts.size(), columns.size()); index++) {
            PartitionColumn column = columns.get(index);
            texts.get(index).flatMap(text -> typed(column.type(), text)).ifPresent(value -> values.put(column.name(), value));
        }
        return values;
    }

    private static Optional<Object> typed(String type, String text)
    {
        try {
            return Optional.of(switch (type) {
                case "integer" -> Integer.parseInt(text);
                case "long" -> Long.parseLong(text);
                case "boolean" -> switch (text.toLowerCase(Locale.ROOT)) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> throw new IllegalArgumentException(text);
                };
                case "double" -> Double.parseDouble(text);
                case "float" -> Float.parseFloat(text);
                case "date" -> (int) LocalDate.parse(text).toEpochDay();
                default -> text;
            });
        }
        catch (RuntimeException e) {
            // a value the type does not read (Hive does not check them): it is in partition_name
            return Optional.empty();
        }
    }
}
