package io.dredge.trino.copy;

import com.google.common.collect.ImmutableList;
import io.airlift.log.Logger;
import io.dredge.core.files.CopiedFile;
import io.dredge.core.files.FileCopies;
import io.dredge.core.files.FileCopy;
import io.dredge.core.model.TableFile;
import io.dredge.core.port.FileStore;
import io.trino.spi.Page;
import io.trino.spi.PageBuilder;
import io.trino.spi.TrinoException;
import io.trino.spi.function.table.TableFunctionProcessorState;
import io.trino.spi.function.table.TableFunctionSplitProcessor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

import static io.airlift.slice.Slices.utf8Slice;
import static io.dredge.trino.DredgeErrorCode.DREDGE_OPERATION_FAILED;
import static io.trino.spi.StandardErrorCode.ALREADY_EXISTS;
import static io.trino.spi.function.table.TableFunctionProcessorState.Blocked.blocked;
import static io.trino.spi.function.table.TableFunctionProcessorState.Finished.FINISHED;
import static io.trino.spi.function.table.TableFunctionProcessorState.Processed.produced;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.util.Objects.requireNonNull;

/**
 * Copies (or moves, deletes, checksums, or reads the footers of) one split's files on the node's copy executor, which
 * all splits on the node share, so the node never works on more files at once than {@code dredge.copy-concurrency};
 * the driver waits blocked rather than holding a thread. Produces one page with a row per file once all of them are
 * done; a move, a delete or a footer read has no checksum, and reports the size the plan gave; only a footer read has
 * a row count, and none for a file without a readable footer.
 */
final class CopyFilesProcessor
        implements TableFunctionSplitProcessor
{
    private static final Logger log = Logger.get(CopyFilesProcessor.class);

    private final FileStore fileStore;
    private final CopyPlan.Action action;
    private final List<FileCopy> copies;
    private final Optional<String> storageFormat;
    private final String node;
    private final Executor executor;
    private List<CompletableFuture<Outcome>> pending;
    private boolean produced;

    CopyFilesProcessor(FileStore fileStore, CopyPlan.Action action, List<FileCopy> copies, Optional<String> storageFormat, String node, Executor executor)
    {
        this.fileStore = requireNonNull(fileStore, "fileStore is null");
        this.action = requireNonNull(action, "action is null");
        this.copies = ImmutableList.copyOf(requireNonNull(copies, "copies is null"));
        this.storageFormat = requireNonNull(storageFormat, "storageFormat is null");
        this.node = requireNonNull(node, "node is null");
        this.executor = requireNonNull(executor, "executor is null");
    }

    @Override
    public TableFunctionProcessorState process()
    {
        if (produced) {
            return FINISHED;
        }
        if (pending == null) {
            pending = copies.stream()
                    .map(copy -> CompletableFuture.supplyAsync(() -> apply(copy), executor))
                    .collect(ImmutableList.toImmutableList());
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
        if (!all.isDone()) {
            // completes normally either way: a failure is reported below, with the file it concerns
            return blocked(all.handle((_, _) -> null));
        }
        produced = true;
        return produced(page());
    }

    /**
     * What became of one file: its checksummed bytes, or its footer's row count, where the action gives them.
     */
    private record Outcome(Optional<CopiedFile> copied, OptionalLong rows)
    {
        static final Outcome NOTHING = new Outcome(Optional.empty(), OptionalLong.empty());
    }

    private Outcome apply(FileCopy copy)
    {
        try {
            switch (action) {
                case COPY -> {
                    CopiedFile copied = FileCopies.copy(fileStore, copy);
                    log.debug("copied %s to %s: %s bytes", copy.source(), copy.target(), copied.sizeBytes());
                    return new Outcome(Optional.of(copied), OptionalLong.empty());
                }
                case MOVE -> {
                    fileStore.moveFile(copy.source(), copy.target());
                    log.debug("moved %s to %s", copy.source(), copy.target());
                }
                case DELETE -> {
                    fileStore.deleteFile(copy.source());
                    log.debug("deleted %s", copy.source());
                }
                case CHECKSUM -> {
                    return new Outcome(Optional.of(FileCopies.checksum(fileStore, copy.source())), OptionalLong.empty());
                }
                case FOOTER_ROWS -> {
                    Long rows = fileStore.footerRowCounts(storageFormat.orElseThrow(), List.of(new TableFile(copy.source(), copy.sizeBytes()))).get(copy.source());
                    return new Outcome(Optional.empty(), rows == null ? OptionalLong.empty() : OptionalLong.of(rows));
                }
            }
            return Outcome.NOTHING;
        }
        catch (FileAlreadyExistsException e) {
            throw new TrinoException(ALREADY_EXISTS, "cannot %s %s: target %s exists".formatted(verb(), copy.source(), copy.target()), e);
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to %s %s to %s: %s".formatted(verb(), copy.source(), copy.target(), e.getMessage()), e);
        }
    }

    private String verb()
    {
        return action.name().toLowerCase(Locale.ROOT);
    }

    private Page page()
    {
        PageBuilder page = new PageBuilder(copies.size(), CopyFilesFunction.COLUMN_TYPES);
        for (int index = 0; index < pending.size(); index++) {
            Outcome outcome = result(pending.get(index));
            Optional<CopiedFile> copied = outcome.copied();
            FileCopy copy = copies.get(index);
            page.declarePosition();
            VARCHAR.writeSlice(page.getBlockBuilder(0), utf8Slice(copy.target()));
            BIGINT.writeLong(page.getBlockBuilder(1), copied.map(CopiedFile::sizeBytes).orElse(copy.sizeBytes()));
            if (copied.isPresent()) {
                BIGINT.writeLong(page.getBlockBuilder(2), copied.get().crc32c());
            }
            else {
                page.getBlockBuilder(2).appendNull();
            }
            VARCHAR.writeSlice(page.getBlockBuilder(3), utf8Slice(node));
            if (outcome.rows().isPresent()) {
                BIGINT.writeLong(page.getBlockBuilder(4), outcome.rows().getAsLong());
            }
            else {
                page.getBlockBuilder(4).appendNull();
            }
        }
        return page.build();
    }

    private static Outcome result(CompletableFuture<Outcome> future)
    {
        try {
            return future.join();
        }
        catch (CompletionException e) {
            if (e.getCause() instanceof TrinoException cause) {
                throw cause;
            }
            throw new TrinoException(DREDGE_OPERATION_FAILED, e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public void close()
    {
        // copies not yet started never start; those running finish their file
        if (pending != null) {
            pending.forEach(future -> future.cancel(false));
        }
    }
}
