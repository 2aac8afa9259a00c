package io.dredge.core.journal;

import com.google.common.collect.ImmutableList;
import io.dredge.core.model.TableFile;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One partition (or the whole of an unpartitioned table, when {@code name} is empty) of a compaction: where its
 * rows were, the exact files they were in when planned, and where the rewritten copy is.
 */
public record PartitionRecord(
        Optional<String> name,
        String originalLocation,
        String stagingLocation,
        List<TableFile> inputFiles,
        PartitionState state,
        Optional<String> skipReason,
        long rowsVerified,
        List<TableFile> outputFiles)
{
    /**
     * How an unpartitioned table's one entry is shown.
     */
    public static final String WHOLE_TABLE = "<table>";

    public PartitionRecord
    {
        requireNonNull(name, "name is null");
        requireNonNull(originalLocation, "originalLocation is null");
        requireNonNull(stagingLocation, "stagingLocation is null");
        inputFiles = ImmutableList.copyOf(requireNonNull(inputFiles, "inputFiles is null"));
        requireNonNull(state, "state is null");
        requireNonNull(skipReason, "skipReason is null");
        outputFiles = ImmutableList.copyOf(requireNonNull(outputFiles, "outputFiles is null"));
    }

    public static PartitionRecord planned(Optional<String> name, String originalLocation, String stagingLocation, List<TableFile> inputFiles)
    {
        return new PartitionRecord(name, originalLocation, stagingLocation, inputFiles, PartitionState.PLANNED, Optional.empty(), 0, ImmutableList.of());
    }

    public String displayName()
    {
        return name.orElse(WHOLE_TABLE);
    }

    public long bytesBefore()
    {
        return inputFiles.stream().mapToLong(TableFile::sizeBytes).sum();
    }

    public long bytesAfter()
    {
        return outputFiles.stream().mapToLong(TableFile::sizeBytes).sum();
    }

    public PartitionRecord withState(PartitionState newState)
    {
        return new PartitionRecord(name, originalLocation, stagingLocation, inputFiles, newState, skipReason, rowsVerified, outputFiles);
    }

    public PartitionRecord skipped(String reason)
    {
        return new PartitionRecord(name, originalLocation, stagingLocation, inputFiles, PartitionState.SKIPPED, Optional.of(reason), rowsVerified, outputFiles);
    }

    public PartitionRecord verified(long rows, List<TableFile> written)
    {
        return new PartitionRecord(name, originalLocation, stagingLocation, inputFiles, PartitionState.VERIFIED, skipReason, rows, written);
    }

    public PartitionRecord withStagingLocation(String location)
    {
        return new PartitionRecord(name, originalLocation, location, inputFiles, state, skipReason, rowsVerified, outputFiles);
    }
}
