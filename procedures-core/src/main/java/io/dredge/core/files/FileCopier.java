package io.dredge.core.files;

import io.dredge.core.model.TableFile;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Copies, moves, deletes and checksums files in locations the engine's file system reaches. The Trino implementation spreads
 * the work over the cluster's workers; every implementation computes each copied file's CRC32C from the bytes it
 * wrote.
 */
public interface FileCopier
{
    /**
     * Copies every file and reads each copy back; a target that exists, or a copy that reads back otherwise than
     * it was written, is an error. Returns one result per copy, in no particular order.
     * {@code progress} hears of the copies as they finish, from any thread. When any copy fails the call fails;
     * files already written stay for the caller to remove.
     */
    List<CopiedFile> copy(List<FileCopy> copies, Consumer<CopyProgress> progress);

    /**
     * Moves every file from its source to its target (a rename where the file system renames); a target that exists,
     * or a source that does not, is an error. When any move fails the call fails; files already moved stay moved,
     * for the caller to find where they are.
     */
    void move(List<FileCopy> moves);

    /**
     * Deletes every file; a missing file is not an error.
     */
    void delete(List<String> paths);

    /**
     * The size and CRC32C of every file as it is now, read in full; one result per path, in no particular order. A
     * file that cannot be read fails the call.
     */
    List<CopiedFile> checksum(List<String> paths);

    /**
     * The rows each file's footer records, by path, read where the copies run: for a storage format whose files
     * record them ({@code PARQUET}, {@code ORC}); a file without a readable footer is absent, as is every file of
     * another format.
     */
    Map<String, Long> footerRowCounts(String storageFormat, List<TableFile> files);
}
