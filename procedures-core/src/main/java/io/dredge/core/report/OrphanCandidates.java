package io.dredge.core.report;

import io.dredge.core.model.TableReference;

import java.util.Optional;

/**
 * The orphan files of a table, for its health, told by the operation that removes them.
 */
@FunctionalInterface
public interface OrphanCandidates
{
    OrphanCandidates NONE = table -> Optional.empty();

    /**
     * What {@code remove_orphan_files} with its default age would take from {@code table} now; empty when that
     * cannot be told, or the removal would be refused (another table reads a place at or around its location, an
     * ACID or Dredge's own table, a location on another file system).
     */
    Optional<OrphanFigures> of(TableReference table);
}
