package io.dredge.core.journal;

import com.google.common.collect.ImmutableList;
import io.dredge.core.model.TableFile;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import static java.util.Objects.requireNonNull;

/**
 * One partition (or the whole of an unpartitioned table, when {@code name} is empty) of a compaction: where its
 * rows were, the exact files they were in when planned, and where the rewritten copy is.
 *
 * @param parkedLocation where the original files were moved after the swap, so that the directory the engines give a
 * new partition of this name ({@code <table location>/<name>}) is free for their writes (an {@code INSERT} that
 * overwrites the partition, or one after it was dropped); empty while they are at {@code originalLocation}
 */
public record PartitionRecord(
        Optional<String> name,
        String originalLocation,
        String stagingLocation,
        List<TableFile> inputFiles,
        PartitionState state,
        Optional<String> skipReason,
        long rowsVerified,
        List<TableFile> outputFiles,
        Optional<String> parkedLocation)
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
        requireNonNull(parkedLocation, "parkedLocation is null");
    }

    public static PartitionRecord planned(Optional<String> name, String originalLocation, String stagingLocation, List<TableFile> inputFiles)
    {
        return new PartitionRecord(name, originalLocation, stagingLocation, inputFiles, PartitionState.PLANNED, Optional.empty(), 0, ImmutableList.of(), Optional.empty());
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
        return new PartitionRecord(name, originalLocation, stagingLocation, inputFiles, newState, skipReason, rowsVerified, outputFiles, parkedLocation);
    }

    public PartitionRecord skipped(String reason)
    {
        return new PartitionRecord(name, originalLocation, stagingLocation, inputFiles, PartitionState.SKIPPED, Optional.of(reason), rowsVerified, outputFiles, parkedLocation);
    }

    public PartitionRecord verified(long rows, List<TableFile> written)
    {
        return new PartitionRecord(name, originalLocation, stagingLocation, inputFiles, PartitionState.VERIFIED, skipReason, rows, written, parkedLocation);
    }

    public PartitionRecord withStagingLocation(String location)
    {
        return new PartitionRecord(name, originalLocation, location, inputFiles, state, skipReason, rowsVerified, outputFiles, parkedLocation);
    }

    /**
     * The same partition with every location and file path mapped, as when the table's directory moved.
     */
    public PartitionRecord withLocations(UnaryOperator<String> mapping)
    {
        return new PartitionRecord(name, mapping.apply(originalLocation), mapping.apply(stagingLocation), mapFiles(inputFiles, mapping), state, skipReason, rowsVerified,
                mapFiles(outputFiles, mapping), parkedLocation.map(mapping));
    }

    private static List<TableFile> mapFiles(List<TableFile> files, UnaryOperator<String> mapping)
    {
        return files.stream().map(file -> new TableFile(mapping.apply(file.path()), file.sizeBytes())).collect(ImmutableList.toImmutableList());
    }

    public PartitionRecord withParkedLocation(Optional<String> location)
    {
        return new PartitionRecord(name, originalLocation, stagingLocation, inputFiles, state, skipReason, rowsVerified, outputFiles, location);
    }

    /**
     * Where the original files are now: parked, or still at the original location.
     */
    public String originalDataLocation()
    {
        return parkedLocation.orElse(originalLocation);
    }

    /**
     * The planned input files where they are now (their names do not change when they are parked).
     */
    public List<TableFile> originalFiles()
    {
        if (parkedLocation.isEmpty()) {
            return inputFiles;
        }
        return inputFiles.stream()
                .map(file -> new TableFile(parkedLocation.get() + "/" + file.name(), file.sizeBytes()))
                .collect(ImmutableList.toImmutableList());
    }
}
