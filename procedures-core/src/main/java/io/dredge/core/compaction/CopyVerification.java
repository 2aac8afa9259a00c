package io.dredge.core.compaction;

import com.google.common.collect.ImmutableList;
import io.dredge.core.journal.PartitionRecord;
import io.dredge.core.model.Locations;
import io.dredge.core.model.StoredFile;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableFile;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.report.HiveTableFiles;
import io.dredge.core.sql.SqlDialect;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static java.util.Objects.requireNonNull;

/**
 * Step 5 (verify) of {@link HiveCompaction}: each rewritten partition must hold exactly the original's rows (count, and the
 * row checksum unless only counts are asked for), and the original's files must still be those planned; otherwise
 * the partition is skipped and keeps its rows where they are.
 */
final class CopyVerification
{
    private final MaintenanceContext context;
    private final CompactionSql sql;

    CopyVerification(MaintenanceContext context, CompactionSql sql)
    {
        this.context = requireNonNull(context, "context is null");
        this.sql = requireNonNull(sql, "sql is null");
    }

    /**
     * What one side of one partition holds: its row count and, for checksum verification, its row checksum.
     */
    record Figures(long rows, Optional<byte[]> checksum)
    {
        Figures
        {
            requireNonNull(checksum, "checksum is null");
        }

        boolean sameChecksum(Figures other)
        {
            return checksum.isEmpty() || other.checksum.isPresent() && Arrays.equals(checksum.get(), other.checksum.get());
        }
    }

    /**
     * The outcome: every planned partition verified or skipped with its reason, and how many were counted from
     * file footers rather than by the engine.
     */
    record Outcome(List<PartitionRecord> partitions, int countedFromFooters)
    {
        Outcome
        {
            partitions = ImmutableList.copyOf(requireNonNull(partitions, "partitions is null"));
        }
    }

    /**
     * @param plannedAfter when the compaction started, before it listed the files it planned
     */
    Outcome verify(TableDescriptor table, String stagingTable, List<PartitionRecord> planned, Verification verification, Instant plannedAfter)
    {
        Map<String, List<TableFile>> written = new HashMap<>();
        for (PartitionRecord partition : planned) {
            written.put(key(partition), HiveTableFiles.listDataFiles(context.fileStore(), partition.stagingLocation()));
        }
        Map<String, Figures> original = new HashMap<>();
        Map<String, Figures> staging = new HashMap<>();
        List<PartitionRecord> throughEngine = planned;
        if (verification == Verification.COUNT) {
            throughEngine = countFromFooters(table, planned, written, original, staging);
        }
        if (!throughEngine.isEmpty()) {
            // one query reads both sides after the rewrite: beside the rewrite, the original's scan slowed it by
            // more than the scan costs alone (measured on 2 cores); files changed meanwhile are caught by the listings
            List<String> names = throughEngine.stream().map(CopyVerification::key).collect(toImmutableList());
            List<List<Object>> rows = context.engine().query(sql.aggregatesOfBothSides(table, stagingTable, names, verification));
            if (sql.dialect() == SqlDialect.HIVE) {
                addFileFigures(rows, throughEngine, written, original, staging);
            }
            else {
                for (List<Object> row : rows) {
                    // (is original, partition name, row count[, checksum])
                    Figures figures = new Figures(((Number) row.get(2)).longValue(), row.size() > 3 ? Optional.of((byte[]) row.get(3)) : Optional.empty());
                    (row.get(0).equals(true) ? original : staging).put((String) row.get(1), figures);
                }
            }
        }
        List<PartitionRecord> results = planned.stream()
                .map(partition -> verifyPartition(partition, Optional.ofNullable(original.get(key(partition))), Optional.ofNullable(staging.get(key(partition))), written.get(key(partition)), plannedAfter))
                .collect(toImmutableList());
        return new Outcome(results, planned.size() - throughEngine.size());
    }

    /**
     * Count verification without a scan where the files record their row counts (ORC, Parquet): the same counts
     * the engine's {@code count(*)} reads, without its per-file task overhead. Fills {@code original} and
     * {@code staging} for those partitions and returns the partitions whose files do not all record a count.
     */
    private List<PartitionRecord> countFromFooters(TableDescriptor table, List<PartitionRecord> planned, Map<String, List<TableFile>> written, Map<String, Figures> original, Map<String, Figures> staging)
    {
        List<TableFile> files = new ArrayList<>();
        for (PartitionRecord partition : planned) {
            files.addAll(partition.inputFiles());
            files.addAll(written.get(key(partition)));
        }
        Map<String, Long> counts = context.fileStore().footerRowCounts(table.storageFormat(), files);
        List<PartitionRecord> uncounted = new ArrayList<>();
        for (PartitionRecord partition : planned) {
            Optional<Long> originalRows = sumOfRows(partition.inputFiles(), counts);
            Optional<Long> stagingRows = sumOfRows(written.get(key(partition)), counts);
            if (originalRows.isEmpty() || stagingRows.isEmpty()) {
                uncounted.add(partition);
                continue;
            }
            // like the engine's aggregate, which has no group for a partition without rows
            originalRows.filter(rows -> rows > 0).ifPresent(rows -> original.put(key(partition), new Figures(rows, Optional.empty())));
            stagingRows.filter(rows -> rows > 0).ifPresent(rows -> staging.put(key(partition), new Figures(rows, Optional.empty())));
        }
        return uncounted;
    }

    /**
     * Hive's figures come per file {@code (is original, file, row count[, digest sums...])}: each side's partition
     * is the one whose planned (original) or written (staging) files hold the file, and its figures are the files'
     * sums. A file that is neither was written by someone else meanwhile; the file listings catch that.
     */
    private static void addFileFigures(List<List<Object>> rows, List<PartitionRecord> partitions, Map<String, List<TableFile>> written, Map<String, Figures> original, Map<String, Figures> staging)
    {
        Map<String, String> originalFiles = new HashMap<>();
        Map<String, String> stagingFiles = new HashMap<>();
        for (PartitionRecord partition : partitions) {
            partition.inputFiles().forEach(file -> originalFiles.put(Locations.comparablePath(file.path()), key(partition)));
            written.get(key(partition)).forEach(file -> stagingFiles.put(Locations.comparablePath(file.path()), key(partition)));
        }
        Map<String, long[]> originalSums = new HashMap<>();
        Map<String, long[]> stagingSums = new HashMap<>();
        for (List<Object> row : rows) {
            boolean isOriginal = row.get(0).equals(true);
            String partition = (isOriginal ? originalFiles : stagingFiles).get(Locations.comparablePath((String) row.get(1)));
            if (partition == null) {
                continue;
            }
            long[] sums = (isOriginal ? originalSums : stagingSums).computeIfAbsent(partition, ignored -> new long[row.size() - 2]);
            for (int i = 2; i < row.size(); i++) {
                // the digest parts add modulo 2^64, as the engine's own sums do
                sums[i - 2] += ((Number) row.get(i)).longValue();
            }
        }
        originalSums.forEach((partition, sums) -> original.put(partition, fileFigures(sums)));
        stagingSums.forEach((partition, sums) -> staging.put(partition, fileFigures(sums)));
    }

    private static Figures fileFigures(long[] sums)
    {
        if (sums.length == 1) {
            return new Figures(sums[0], Optional.empty());
        }
        ByteBuffer checksum = ByteBuffer.allocate(Long.BYTES * (sums.length - 1));
        for (int i = 1; i < sums.length; i++) {
            checksum.putLong(sums[i]);
        }
        return new Figures(sums[0], Optional.of(checksum.array()));
    }

    private static Optional<Long> sumOfRows(List<TableFile> files, Map<String, Long> counts)
    {
        long rows = 0;
        for (TableFile file : files) {
            Long count = counts.get(file.path());
            if (count == null) {
                return Optional.empty();
            }
            rows += count;
        }
        return Optional.of(rows);
    }

    private PartitionRecord verifyPartition(PartitionRecord partition, Optional<Figures> original, Optional<Figures> staging, List<TableFile> written, Instant plannedAfter)
    {
        if (original.isEmpty()) {
            return partition.skipped("no rows to rewrite");
        }
        if (staging.isEmpty()) {
            return partition.skipped("the rewritten copy has no rows");
        }
        if (original.get().rows() != staging.get().rows()) {
            return partition.skipped("row count differs: original %s, rewritten %s".formatted(original.get().rows(), staging.get().rows()));
        }
        if (!original.get().sameChecksum(staging.get())) {
            return partition.skipped("checksum differs between original and rewritten copy");
        }
        Optional<String> changed = changedFiles(partition, plannedAfter);
        if (changed.isPresent()) {
            return partition.skipped(changed.get());
        }
        return partition.verified(original.get().rows(), written);
    }

    /**
     * How the partition's original files differ from those planned, when a writer changed them: files added, removed
     * or of another size, or written after {@code plannedAfter} (a file rewritten under its name with the same size,
     * as Hive's {@code INSERT OVERWRITE} may write it, whose new rows the copy would not have).
     */
    Optional<String> changedFiles(PartitionRecord partition, Instant plannedAfter)
    {
        List<StoredFile> present = HiveTableFiles.listStoredDataFiles(context.fileStore(), partition.originalLocation());
        Optional<String> difference = CompactionUndo.difference(partition.inputFiles(), present.stream().map(file -> new TableFile(file.path(), file.sizeBytes())).collect(toImmutableList()));
        if (difference.isEmpty()) {
            long rewritten = present.stream().filter(file -> file.lastModified().isAfter(plannedAfter)).count();
            if (rewritten > 0) {
                difference = Optional.of("%s files rewritten since the plan".formatted(rewritten));
            }
        }
        return difference.map(text -> "files changed during compaction (" + text + ")");
    }

    private static String key(PartitionRecord partition)
    {
        return partition.name().orElse("");
    }
}
