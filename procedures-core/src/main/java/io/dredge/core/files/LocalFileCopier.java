package io.dredge.core.files;

import io.dredge.core.model.TableFile;
import io.dredge.core.port.FileStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * Copies, moves and deletes on this node, as many files at a time as {@code executor} runs: for engines without a
 * distributed copy (Hive's hooks) and for the small metadata files of a backup.
 */
public final class LocalFileCopier
        implements FileCopier
{
    private final FileStore fileStore;
    private final Executor executor;

    public LocalFileCopier(FileStore fileStore, Executor executor)
    {
        this.fileStore = requireNonNull(fileStore, "fileStore is null");
        this.executor = requireNonNull(executor, "executor is null");
    }

    @Override
    public List<CopiedFile> copy(List<FileCopy> copies, Consumer<CopyProgress> progress)
    {
        long totalBytes = copies.stream().mapToLong(FileCopy::sizeBytes).sum();
        AtomicLong files = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        return mapAll(copies, copy -> {
            try {
                CopiedFile copied = FileCopies.copy(fileStore, copy);
                progress.accept(new CopyProgress(files.incrementAndGet(), copies.size(), bytes.addAndGet(copied.sizeBytes()), totalBytes));
                return copied;
            }
            catch (IOException e) {
                throw new UncheckedIOException("failed to copy %s to %s: %s".formatted(copy.source(), copy.target(), e.getMessage()), e);
            }
        });
    }

    @Override
    public void move(List<FileCopy> moves)
    {
        runAll(moves, move -> {
            try {
                fileStore.moveFile(move.source(), move.target());
            }
            catch (IOException e) {
                throw new UncheckedIOException("failed to move %s to %s: %s".formatted(move.source(), move.target(), e.getMessage()), e);
            }
        });
    }

    @Override
    public void delete(List<String> paths)
    {
        runAll(paths, path -> {
            try {
                fileStore.deleteFile(path);
            }
            catch (IOException e) {
                throw new UncheckedIOException("failed to delete %s: %s".formatted(path, e.getMessage()), e);
            }
        });
    }

    @Override
    public List<CopiedFile> checksum(List<String> paths)
    {
        return mapAll(paths, path -> {
            try {
                return FileCopies.checksum(fileStore, path);
            }
            catch (IOException e) {
                throw new UncheckedIOException("failed to read %s: %s".formatted(path, e.getMessage()), e);
            }
        });
    }

    @Override
    public Map<String, Long> footerRowCounts(String storageFormat, List<TableFile> files)
    {
        Map<String, Long> counts = new HashMap<>();
        for (Map<String, Long> count : mapAll(files, file -> fileStore.footerRowCounts(storageFormat, List.of(file)))) {
            counts.putAll(count);
        }
        return counts;
    }

    private <T> void runAll(List<T> items, Consumer<T> action)
    {
        mapAll(items, item -> {
            action.accept(item);
            return null;
        });
    }

    /**
     * Applies {@code action} to every item, as many at a time as the executor runs; the results in the items' order.
     * The first failure fails the call once all have ended.
     */
    private <T, R> List<R> mapAll(List<T> items, Function<T, R> action)
    {
        List<CompletableFuture<R>> pending = items.stream()
                .map(item -> CompletableFuture.supplyAsync(() -> action.apply(item), executor))
                .toList();
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        }
        catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
        return pending.stream().map(CompletableFuture::join).toList();
    }
}
