package io.dredge.core.changes;

import io.dredge.core.DredgeException;

import java.util.Base64;
import java.util.Optional;
import java.util.OptionalLong;

import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * The point an answer of {@code changed_partitions} reaches, for the next call to start from: the table, by its
 * identity (so that a token is not used on another table, or on one made again under the name), and, for an Iceberg
 * table, the snapshot the answer ended at (none for a table that had none) or, for a Hive table, the checkpoint of
 * its files that Dredge kept for the answer. Opaque to the caller: the text is encoded.
 */
public record ResumeToken(String tableIdentity, OptionalLong snapshotId, Optional<String> checkpointId)
{
    private static final String VERSION = "v1";
    private static final String HIVE_VERSION = "h1";
    private static final String NO_SNAPSHOT = "none";

    public ResumeToken
    {
        requireNonNull(tableIdentity, "tableIdentity is null");
        requireNonNull(snapshotId, "snapshotId is null");
        requireNonNull(checkpointId, "checkpointId is null");
        if (snapshotId.isPresent() && checkpointId.isPresent()) {
            throw new IllegalArgumentException("a token names a snapshot or a checkpoint, not both");
        }
    }

    public ResumeToken(String tableIdentity, OptionalLong snapshotId)
    {
        this(tableIdentity, snapshotId, Optional.empty());
    }

    public static ResumeToken ofCheckpoint(String tableIdentity, String checkpointId)
    {
        return new ResumeToken(tableIdentity, OptionalLong.empty(), Optional.of(checkpointId));
    }

    public String encode()
    {
        String text = checkpointId
                .map(checkpoint -> String.join("|", HIVE_VERSION, tableIdentity, checkpoint))
                .orElseGet(() -> String.join("|", VERSION, tableIdentity, snapshotId.isPresent() ? Long.toString(snapshotId.getAsLong()) : NO_SNAPSHOT));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(UTF_8));
    }

    public static ResumeToken decode(String token)
    {
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(token), UTF_8);
        }
        catch (IllegalArgumentException e) {
            throw invalid(token);
        }
        // the identity may hold the separator (a Hive table's name): the version is before the first, the point after the last
        int first = text.indexOf('|');
        int last = text.lastIndexOf('|');
        if (first < 0 || last <= first + 1) {
            throw invalid(token);
        }
        String[] parts = {text.substring(0, first), text.substring(first + 1, last), text.substring(last + 1)};
        if (parts[0].equals(HIVE_VERSION) && HiveCheckpoint.isId(parts[2])) {
            return ofCheckpoint(parts[1], parts[2]);
        }
        if (!parts[0].equals(VERSION)) {
            throw invalid(token);
        }
        if (parts[2].equals(NO_SNAPSHOT)) {
            return new ResumeToken(parts[1], OptionalLong.empty());
        }
        try {
            return new ResumeToken(parts[1], OptionalLong.of(Long.parseLong(parts[2])));
        }
        catch (NumberFormatException e) {
            throw invalid(token);
        }
    }

    private static DredgeException invalid(String token)
    {
        return new DredgeException(INVALID_ARGUMENT, "'%s' is not a resume token of changed_partitions".formatted(token));
    }
}
