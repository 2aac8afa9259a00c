package io.dredge.core.changes;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * Where the changes a caller asks for begin: after a snapshot, after a time, or after the end of an earlier answer
 * (its resume token).
 */
public sealed interface ChangeStart
{
    record AfterSnapshot(long snapshotId)
            implements ChangeStart {}

    record AfterTime(Instant time)
            implements ChangeStart
    {
        public AfterTime
        {
            requireNonNull(time, "time is null");
        }
    }

    record AfterToken(ResumeToken token)
            implements ChangeStart
    {
        public AfterToken
        {
            requireNonNull(token, "token is null");
        }
    }
}
