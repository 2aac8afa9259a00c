package io.dredge.trino.procedure;

import io.trino.spi.TrinoException;

import java.util.Locale;

import static io.trino.spi.StandardErrorCode.INVALID_PROCEDURE_ARGUMENT;

/**
 * The one rule for NULL arguments of every procedure: an optional argument given as NULL means its default, as if it
 * were left out; a required name, and a boolean (NULL could mean either), refuse NULL.
 */
final class ProcedureArguments
{
    private ProcedureArguments() {}

    /**
     * Schema and table names as the metastore stores them: Trino's Hive connector lower-cases names.
     */
    static String requireName(String value, String argument)
    {
        if (value == null) {
            throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, "%s must not be NULL".formatted(argument));
        }
        if (value.isBlank()) {
            throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, "%s must not be empty".formatted(argument));
        }
        return value.toLowerCase(Locale.ROOT);
    }

    /**
     * A required text argument (a backup name), as given: NULL and blank are refused.
     */
    static String requireText(String value, String argument)
    {
        if (value == null) {
            throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, "%s must not be NULL".formatted(argument));
        }
        if (value.isBlank()) {
            throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, "%s must not be empty".formatted(argument));
        }
        return value;
    }

    /**
     * A NULL flag is refused rather than read as false: {@code dry_run => NULL} must not run a real compaction.
     */
    static boolean requireBoolean(Boolean value, String argument)
    {
        if (value == null) {
            throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, "%s must be true or false".formatted(argument));
        }
        return value;
    }
}
