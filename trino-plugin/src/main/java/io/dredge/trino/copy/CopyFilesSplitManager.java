package io.dredge.trino.copy;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import io.dredge.core.files.FileCopy;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorSplitSource;
import io.trino.spi.connector.FixedSplitSource;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Splits of {@code copy_files}: the plan's copies in batches small enough that every worker gets some of a backup of
 * a few hundred files, and large enough that a backup of millions does not schedule millions of splits.
 */
public class CopyFilesSplitManager
{
    static final int MAX_FILES_PER_SPLIT = 16;
    static final long MAX_BYTES_PER_SPLIT = 256L << 20;

    private final CopyPlanReader planReader;

    @Inject
    public CopyFilesSplitManager(CopyPlanReader planReader)
    {
        this.planReader = requireNonNull(planReader, "planReader is null");
    }

    public ConnectorSplitSource getSplits(ConnectorSession session, CopyFilesHandle function)
    {
        // read again, checked the same way: the plan is only named by the handle
        CopyPlan plan = planReader.read(session, function.planLocation());
        return new FixedSplitSource(batches(plan.copies()).stream().map(batch -> new CopyFilesSplit(plan.action(), batch, plan.storageFormat())).toList());
    }

    static List<List<FileCopy>> batches(List<FileCopy> copies)
    {
        ImmutableList.Builder<List<FileCopy>> batches = ImmutableList.builder();
        List<FileCopy> batch = new ArrayList<>();
        long batchBytes = 0;
        for (FileCopy copy : copies) {
            if (!batch.isEmpty() && (batch.size() == MAX_FILES_PER_SPLIT || batchBytes + copy.sizeBytes() > MAX_BYTES_PER_SPLIT)) {
                batches.add(ImmutableList.copyOf(batch));
                batch.clear();
                batchBytes = 0;
            }
            batch.add(copy);
            batchBytes += copy.sizeBytes();
        }
        if (!batch.isEmpty()) {
            batches.add(ImmutableList.copyOf(batch));
        }
        return batches.build();
    }
}
