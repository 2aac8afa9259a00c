package io.dredge.trino.procedure;

import io.trino.spi.TrinoException;

import java.util.Locale;

import static io.trino.spi.StandardErrorCode.INVALID_PROCEDURE_ARGUMENT;

final class ProcedureArguments
{
    private ProcedureArguments() {}

    /**
     * Schema and table names as the metastore stores them: Trino's Hive connector lower-cases names.
     */
    static String requireName(String value, String argument)
    {
        if (value == null || value.isBlank()) {
            throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, "%s must not be empty".formatted(argument));
        }
        return value.toLowerCase(Locale.ROOT);
    }
}
