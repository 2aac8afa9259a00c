package io.dredge.core.journal;

import static java.util.Objects.requireNonNull;

/**
 * What a backup journals beyond what every operation does.
 *
 * @param manifestLocation the backup's manifest in its repository, which recover marks {@code FAILED} when the
 * backup died
 */
public record BackupDetails(String manifestLocation)
        implements OperationDetails
{
    public BackupDetails
    {
        requireNonNull(manifestLocation, "manifestLocation is null");
    }
}
