package io.dredge.core.compaction;

import io.dredge.core.report.SmallFilePolicy;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * @param partitionFilter a SQL predicate over partition columns that limits which partitions are considered
 * @param dryRun plan and record what would be compacted, change nothing
 */
public record CompactionOptions(Optional<String> partitionFilter, SmallFilePolicy policy, Verification verification, boolean dryRun)
{
    public CompactionOptions
    {
        requireNonNull(partitionFilter, "partitionFilter is null");
        requireNonNull(policy, "policy is null");
        requireNonNull(verification, "verification is null");
    }
}
