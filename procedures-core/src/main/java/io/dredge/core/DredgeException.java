package io.dredge.core;

import static java.util.Objects.requireNonNull;

/**
 * A refusal or failure the user must see as such (not a bug). Engine adapters translate the kind into their own
 * error codes, once.
 */
public class DredgeException
        extends RuntimeException
{
    public enum Kind
    {
        /**
         * The named schema, table or operation does not exist.
         */
        NOT_FOUND,
        /**
         * An argument makes no sense (a size, a filter, a name).
         */
        INVALID_ARGUMENT,
        /**
         * The table is of a kind this operation does not handle.
         */
        NOT_SUPPORTED,
        /**
         * Another operation holds the table, or left it unfinished.
         */
        TABLE_BUSY,
        /**
         * The calling user may not change the table.
         */
        ACCESS_DENIED,
        /**
         * The operation cannot go ahead without losing or hiding rows.
         */
        UNSAFE,
        /**
         * Some of the operations a call ran failed; the message names them and why.
         */
        OPERATIONS_FAILED,
    }

    private final Kind kind;

    public DredgeException(Kind kind, String message)
    {
        super(requireNonNull(message, "message is null"));
        this.kind = requireNonNull(kind, "kind is null");
    }

    public DredgeException(Kind kind, String message, Throwable cause)
    {
        super(requireNonNull(message, "message is null"), cause);
        this.kind = requireNonNull(kind, "kind is null");
    }

    public Kind kind()
    {
        return kind;
    }
}
