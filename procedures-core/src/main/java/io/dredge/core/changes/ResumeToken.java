package io.dredge.core.changes;

import io.dredge.core.DredgeException;

import java.util.Base64;
import java.util.OptionalLong;

import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * The point an answer of {@code changed_partitions} reaches, for the next call to start from: the table, by its
 * identity (so that a token is not used on another table, or on one made again under the name), and the snapshot
 * the answer ended at (none for a table that had none). Opaque to the caller: the text is encoded.
 */
public record ResumeToken(String tableIdentity, OptionalLong snapshotId)
{
    private static final String VERSION = "v1";
    private static final String NO_SNAPSHOT = "none";

    public ResumeToken
    {
        requireNonNull(tableIdentity, "tableIdentity is null");
        requireNonNull(snapshotId, "snapshotId is null");
    }

    public String encode()
    {
        String text = String.join("|", VERSION, tableIdentity, snapshotId.isPresent() ? Long.toString(snapshotId.getAsLong()) : NO_SNAPSHOT);
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
        String[] parts = text.split("\\|", -1);
        if (parts.length != 3 || !parts[0].equals(VERSION) || parts[1].isEmpty()) {
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
