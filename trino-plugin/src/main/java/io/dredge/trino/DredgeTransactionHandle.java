package io.dredge.trino;

import io.trino.spi.connector.ConnectorTransactionHandle;

public enum DredgeTransactionHandle
        implements ConnectorTransactionHandle
{
    INSTANCE
}
