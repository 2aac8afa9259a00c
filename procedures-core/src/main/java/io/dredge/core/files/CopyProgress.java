package io.dredge.core.files;

/**
 * How far a batch of copies has come, as {@code system.operations.step} shows it.
 */
public record CopyProgress(long files, long totalFiles, long bytes, long totalBytes)
{
    public String describe()
    {
        return "copied %s of %s files, %s of %s bytes".formatted(files, totalFiles, bytes, totalBytes);
    }
}
