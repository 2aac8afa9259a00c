package io.dredge.core.audit;

import io.dredge.core.report.FileGroupStatus;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The files of one partition (or of an unpartitioned table) right after a write to it.
 *
 * @param partitionName the partition's name ({@code day=2024-01-01}); empty for an unpartitioned table
 */
public record WrittenFiles(Optional<String> partitionName, long fileCount, long totalBytes, FileGroupStatus status)
{
    public WrittenFiles
    {
        requireNonNull(partitionName, "partitionName is null");
        requireNonNull(status, "status is null");
        if (fileCount < 0 || totalBytes < 0) {
            throw new IllegalArgumentException("negative file count or bytes: %s, %s".formatted(fileCount, totalBytes));
        }
    }
}
