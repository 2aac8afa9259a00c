package io.dredge.core.model;

import static java.util.Objects.requireNonNull;

/**
 * One file holding table data (or, for Iceberg, deletes), with its size in bytes.
 */
public record TableFile(String path, long sizeBytes)
{
    public TableFile
    {
        requireNonNull(path, "path is null");
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("sizeBytes is negative: " + sizeBytes);
        }
    }

    /**
     * The file's name, the last part of its path: it stays when the file moves (bucketed tables read the bucket
     * number from it).
     */
    public String name()
    {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
