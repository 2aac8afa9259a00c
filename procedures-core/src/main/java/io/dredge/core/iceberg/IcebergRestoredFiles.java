package io.dredge.core.iceberg;

import com.google.common.collect.ImmutableSet;

import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * What {@link IcebergRestoreRewriter} wrote below the target location.
 *
 * @param metadataLocation the rewritten metadata JSON, to register the table with
 * @param rewrittenPaths the paths (relative to the target location) of every file written: the caller copies every
 * other file of the backup as it is
 */
public record IcebergRestoredFiles(String metadataLocation, Set<String> rewrittenPaths)
{
    public IcebergRestoredFiles
    {
        requireNonNull(metadataLocation, "metadataLocation is null");
        rewrittenPaths = ImmutableSet.copyOf(requireNonNull(rewrittenPaths, "rewrittenPaths is null"));
    }
}
