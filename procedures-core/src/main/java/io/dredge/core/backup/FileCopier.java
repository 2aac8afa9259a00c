package io.dredge.core.backup;

import java.util.List;
import java.util.function.Consumer;

/**
 * Copies files between locations the engine's file system reaches. The Trino implementation spreads the copies over
 * the cluster's workers; every implementation computes each file's CRC32C from the bytes it wrote.
 */
public interface FileCopier
{
    /**
     * Copies every file; a target that exists is an error. Returns one result per copy, in no particular order.
     * {@code progress} hears of the copies as they finish, from any thread. When any copy fails the call fails;
     * files already written stay for the caller to remove.
     */
    List<CopiedFile> copy(List<FileCopy> copies, Consumer<CopyProgress> progress);
}
