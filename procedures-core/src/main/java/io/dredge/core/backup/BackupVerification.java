package io.dredge.core.backup;

import io.dredge.core.DredgeException;

import java.util.Locale;

import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;

/**
 * How a backup checks what it copied, and so what a restore of it can check: the {@code verify} argument of
 * {@code backup_table} and {@code restore_table}.
 */
public enum BackupVerification
{
    /**
     * Each file's CRC32C from the bytes read for the copy, again from the bytes as stored, and its size; rows taken
     * from metadata (Iceberg's manifests, Parquet and ORC footers), so the engine reads no data. What copy tools
     * verify with: a copy whose bytes match holds the same rows.
     */
    FILES,
    /**
     * {@link #FILES}, and the engine's row count and order-independent row checksum per partition, which a restore
     * at this level compares with the restored table's.
     */
    ROWS;

    public static BackupVerification parse(String value)
    {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
        catch (IllegalArgumentException e) {
            throw new DredgeException(INVALID_ARGUMENT, "verify must be 'files' or 'rows', not '%s'".formatted(value));
        }
    }

    public String sqlName()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
