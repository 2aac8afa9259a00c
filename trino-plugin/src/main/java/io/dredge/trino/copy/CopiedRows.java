package io.dredge.trino.copy;

import com.google.common.collect.ImmutableMap;
import io.airlift.log.Logger;
import io.dredge.core.files.CopiedFile;
import io.dredge.core.files.CopyProgress;
import io.dredge.core.files.FileCopy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static java.util.Objects.requireNonNull;

/**
 * The rows of a {@code copy_files} query as they arrive: each is a file copied, reported as progress at once; at the
 * end every planned target must have been reported exactly once, or a split lost or run twice would go unnoticed.
 */
final class CopiedRows
{
    private static final Logger log = Logger.get(CopiedRows.class);

    private final CopyPlan plan;
    private final Consumer<CopyProgress> progress;
    private final long totalBytes;
    private final Map<String, CopiedFile> copied = new HashMap<>();
    private final Map<String, Integer> filesPerNode = new TreeMap<>();
    private final Map<String, Long> rowCounts = new HashMap<>();
    private long bytes;

    CopiedRows(CopyPlan plan, Consumer<CopyProgress> progress)
    {
        this.plan = requireNonNull(plan, "plan is null");
        this.progress = requireNonNull(progress, "progress is null");
        this.totalBytes = plan.totalBytes();
    }

    /**
     * A row {@code target, size_bytes, crc32c, node, row_count}.
     */
    void add(List<Object> row)
    {
        if (row.get(4) != null) {
            rowCounts.put((String) row.get(0), ((Number) row.get(4)).longValue());
        }
        // a move or a delete has no checksum
        long crc32c = row.get(2) == null ? 0 : ((Number) row.get(2)).longValue();
        CopiedFile file = new CopiedFile((String) row.get(0), ((Number) row.get(1)).longValue(), crc32c);
        if (copied.put(file.target(), file) != null) {
            throw new IllegalStateException("the cluster reported %s %s twice".formatted(plan.action().gerund(), file.target()));
        }
        filesPerNode.merge((String) row.get(3), 1, Integer::sum);
        bytes += file.sizeBytes();
        progress.accept(new CopyProgress(copied.size(), plan.copies().size(), bytes, totalBytes));
    }

    /**
     * The row counts the footers recorded, by file; a file without one is absent.
     */
    Map<String, Long> rowCounts()
    {
        copiedFiles();
        return ImmutableMap.copyOf(rowCounts);
    }

    /**
     * The copied files in the plan's order.
     */
    List<CopiedFile> copiedFiles()
    {
        List<FileCopy> missing = plan.copies().stream()
                .filter(copy -> !copied.containsKey(copy.target()))
                .collect(toImmutableList());
        if (!missing.isEmpty() || copied.size() != plan.copies().size()) {
            throw new IllegalStateException("the cluster reported %s %s of %s planned; not reported: %s".formatted(copied.size(), plan.action().plural(), plan.copies().size(), missing));
        }
        log.info("%s of %s files, %s bytes, files per node: %s", plan.action().plural(), copied.size(), bytes, filesPerNode);
        return plan.copies().stream().map(copy -> copied.get(copy.target())).collect(toImmutableList());
    }
}
