package io.dredge.trino;

import io.trino.spi.ErrorCode;
import io.trino.spi.ErrorCodeSupplier;
import io.trino.spi.ErrorType;

import static io.trino.spi.ErrorType.EXTERNAL;
import static io.trino.spi.ErrorType.USER_ERROR;

public enum DredgeErrorCode
        implements ErrorCodeSupplier
{
    /**
     * Another operation holds the table, or left it unfinished.
     */
    DREDGE_TABLE_BUSY(0, USER_ERROR),
    /**
     * Going ahead would lose or hide rows; nothing was changed.
     */
    DREDGE_UNSAFE_OPERATION(1, USER_ERROR),
    /**
     * The engine, metastore or file system failed during an operation.
     */
    DREDGE_OPERATION_FAILED(2, EXTERNAL),
    /**
     * A fault-injection test stopped the operation.
     */
    DREDGE_INJECTED_FAULT(3, EXTERNAL),
    /**
     * The Iceberg catalog (REST, JDBC, Nessie) could not answer.
     */
    DREDGE_CATALOG_UNAVAILABLE(4, EXTERNAL);

    private final ErrorCode errorCode;

    DredgeErrorCode(int code, ErrorType type)
    {
        errorCode = new ErrorCode(code + 0x0A00_0000, name(), type);
    }

    @Override
    public ErrorCode toErrorCode()
    {
        return errorCode;
    }
}
