package io.dredge.core.compaction;

import io.dredge.core.DredgeException;

import java.util.Locale;

import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;

/**
 * How the rewritten copy of a partition is compared with the original before the swap.
 */
public enum Verification
{
    /**
     * Row count only: cheap, catches lost or duplicated files.
     */
    COUNT,
    /**
     * Row count and an order-independent checksum over every column: catches any changed value.
     */
    CHECKSUM;

    public static Verification parse(String value)
    {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
        catch (IllegalArgumentException e) {
            throw new DredgeException(INVALID_ARGUMENT, "verify must be 'checksum' or 'count', not '%s'".formatted(value));
        }
    }

    public String sqlName()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
