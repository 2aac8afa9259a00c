package io.dredge.trino.adapter;

import com.google.inject.Inject;
import io.dredge.core.port.Metastore;
import io.trino.metastore.HiveMetastoreFactory;
import io.trino.plugin.hive.metastore.MetastoreTypeConfig;
import io.trino.spi.security.ConnectorIdentity;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The Hive metastore of Trino's Hive connector ({@code hive.metastore*}), which holds the lake's Hive tables and the
 * Iceberg tables of an Iceberg catalog of type {@code hive_metastore}.
 */
public class HiveMetastorePorts
        implements MetastorePorts
{
    private final HiveMetastoreFactory metastoreFactory;
    private final boolean fileMetastore;

    @Inject
    public HiveMetastorePorts(HiveMetastoreFactory metastoreFactory, MetastoreTypeConfig metastoreType)
    {
        this.metastoreFactory = requireNonNull(metastoreFactory, "metastoreFactory is null");
        this.fileMetastore = metastoreType.getMetastoreType() == MetastoreTypeConfig.MetastoreType.FILE;
    }

    @Override
    public Metastore metastore(ConnectorIdentity identity)
    {
        return new TrinoMetastore(metastoreFactory.createMetastore(Optional.of(identity)), !fileMetastore);
    }
}
