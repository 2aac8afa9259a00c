package io.dredge.trino.copy;

import com.google.common.collect.ImmutableList;
import io.dredge.core.files.FileCopy;

import java.util.List;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * What one {@code copy_files} call does to its files, and the user it was planned for: only that user may run it.
 * A delete or a checksum names each file as both source and target.
 */
public record CopyPlan(String user, Action action, List<FileCopy> copies)
{
    public enum Action
    {
        COPY("copies", "copying"),
        MOVE("moves", "moving"),
        DELETE("deletes", "deleting"),
        CHECKSUM("checksums", "checksumming");

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
        checkArgument(action == Action.COPY || action == Action.MOVE || copies.stream().allMatch(copy -> copy.source().equals(copy.target())), "a delete or a checksum names each file as its source and target");
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

    private static CopyPlan ofPaths(String user, Action action, List<String> paths)
    {
        return new CopyPlan(user, action, paths.stream().map(path -> new FileCopy(path, path, 0)).collect(ImmutableList.toImmutableList()));
    }

    public long totalBytes()
    {
        return copies.stream().mapToLong(FileCopy::sizeBytes).sum();
    }
}
