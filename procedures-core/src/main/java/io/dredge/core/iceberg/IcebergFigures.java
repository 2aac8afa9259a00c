package io.dredge.core.iceberg;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Figures of an Iceberg table's metadata for its health: its snapshots, and the manifests and delete files of the
 * current one.
 */
public record IcebergFigures(long snapshots, Optional<Instant> oldestSnapshot, long manifests, long manifestBytes, long deleteFiles)
{
    public IcebergFigures
    {
        requireNonNull(oldestSnapshot, "oldestSnapshot is null");
    }

    /**
     * Mean manifest size, rounded down; 0 without manifests.
     */
    public long avgManifestBytes()
    {
        return manifests == 0 ? 0 : manifestBytes / manifests;
    }
}
