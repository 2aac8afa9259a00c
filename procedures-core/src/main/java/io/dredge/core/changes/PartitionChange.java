package io.dredge.core.changes;

import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSortedSet;

import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * How the rows of one partition changed between two points of a table.
 *
 * @param partitionName the partition as its path names it ({@code part=p0}); empty for an unpartitioned table
 * @param partitionValues the partition's values by field name
 * @param kinds what the changes did: added rows only, removed rows only, or both in one commit
 * @param rowsAdded rows of the data files added; empty where the metadata does not record them (a Hive table's
 * files, whose rows are known only by reading them)
 * @param rowsRemoved rows of the data files removed and the positions the added position deletes name (an earlier
 * delete may have removed some of them already); empty when equality deletes were added, whose rows the metadata
 * does not know, and for a Hive table
 * @param filesAdded data and delete files added
 * @param filesRemoved data and delete files removed
 * @param firstChangedAt the commit time of the first change
 * @param lastChangedAt the commit time of the last change
 */
public record PartitionChange(
        String partitionName,
        Map<String, Object> partitionValues,
        Set<ChangeKind> kinds,
        OptionalLong rowsAdded,
        OptionalLong rowsRemoved,
        long filesAdded,
        long filesRemoved,
        Instant firstChangedAt,
        Instant lastChangedAt)
{
    public enum ChangeKind
    {
        APPEND,
        DELETE,
        OVERWRITE,
    }

    public PartitionChange
    {
        requireNonNull(partitionName, "partitionName is null");
        partitionValues = ImmutableMap.copyOf(requireNonNull(partitionValues, "partitionValues is null"));
        kinds = ImmutableSortedSet.copyOf(requireNonNull(kinds, "kinds is null"));
        checkArgument(!kinds.isEmpty(), "a change has a kind");
        requireNonNull(rowsAdded, "rowsAdded is null");
        requireNonNull(rowsRemoved, "rowsRemoved is null");
        requireNonNull(firstChangedAt, "firstChangedAt is null");
        requireNonNull(lastChangedAt, "lastChangedAt is null");
    }
}
