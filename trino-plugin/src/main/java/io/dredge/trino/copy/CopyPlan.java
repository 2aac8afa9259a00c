package io.dredge.trino.copy;

import com.google.common.collect.ImmutableList;
import io.dredge.core.files.FileCopy;
import io.dredge.core.model.TableFile;

import java.util.List;
import java.util.Optional;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * What one {@code copy_files} call does to its files, and the user it was planned for: only that user may run it.
 * A delete, a checksum or a footer read names each file as both source and target.
 *
 * @param storageFormat the files' format, for a footer read ({@code PARQUET}, {@code ORC})
 */
public record CopyPlan(String user, Action action, List<FileCopy> copies, Optional<String> storageFormat)
{
    public enum Action
    {
        COPY("copies", "copying"),
        MOVE("moves", "moving"),
        DELETE("deletes", "deleting"),
        CHECKSUM("checksums", "checksumming"),
        FOOTER_ROWS("footer reads", "reading footers of");

        private final String plural;
        private final String gerund;

        Action(String plural, String gerund)
        {
            this.plural = plural;
            this.gerund = gerund;
        }

        public String plural()
        {
            return plural;
        }

        public String gerund()
        {
            return gerund;
        }
    }

    public CopyPlan
    {
        requireNonNull(user, "user is null");
        requireNonNull(action, "action is null");
        copies = ImmutableList.copyOf(requireNonNull(copies, "copies is null"));
        requireNonNull(storageFormat, "storageFormat is null");
        checkArgument(action == Action.COPY || action == Action.MOVE || copies.stream().allMatch(copy -> copy.source().equals(copy.target())), "a delete, a checksum or a footer read names each file as its source and target");
        checkArgument(storageFormat.isPresent() == (action == Action.FOOTER_ROWS), "a footer read, and only it, names a storage format");
    }

    public CopyPlan(String user, Action action, List<FileCopy> copies)
    {
        this(user, action, copies, Optional.empty());
    }

    public CopyPlan(String user, List<FileCopy> copies)
    {
        this(user, Action.COPY, copies);
    }

    public static CopyPlan delete(String user, List<String> paths)
    {
        return ofPaths(user, Action.DELETE, paths);
    }

    public static CopyPlan checksum(String user, List<String> paths)
    {
        return ofPaths(user, Action.CHECKSUM, paths);
    }

    public static CopyPlan footerRows(String user, String storageFormat, List<TableFile> files)
    {
        return new CopyPlan(user, Action.FOOTER_ROWS, files.stream().map(file -> new FileCopy(file.path(), file.path(), file.sizeBytes())).collect(ImmutableList.toImmutableList()), Optional.of(storageFormat));
    }

    private static CopyPlan ofPaths(String user, Action action, List<String> paths)
    {
        return new CopyPlan(user, action, paths.stream().map(path -> new FileCopy(path, path, 0)).collect(ImmutableList.toImmutableList()));
    }

    public long totalBytes()
    {
        return copies.stream().mapToLong(FileCopy::sizeBytes).sum();
    }
}
