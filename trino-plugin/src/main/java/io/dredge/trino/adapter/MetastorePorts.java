package io.dredge.trino.adapter;

import io.dredge.core.port.Metastore;
import io.trino.spi.security.ConnectorIdentity;

/**
 * Where a catalog's tables are found: a Hive metastore, or an Iceberg catalog of another kind
 * ({@code iceberg.catalog.type}).
 */
public interface MetastorePorts
{
    Metastore metastore(ConnectorIdentity identity);
}
