package io.dredge.trino.adapter;

import com.google.inject.Inject;
import io.dredge.core.port.FileStore;
import io.dredge.core.port.Metastore;
import io.trino.filesystem.TrinoFileSystemFactory;
import io.trino.metastore.HiveMetastoreFactory;
import io.trino.spi.security.ConnectorIdentity;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Dredge's ports for one user, built on Trino's metastore and file-system modules: the only place the plugin
 * touches those internal APIs.
 */
public class TrinoPorts
{
    private final HiveMetastoreFactory metastoreFactory;
    private final TrinoFileSystemFactory fileSystemFactory;

    @Inject
    public TrinoPorts(HiveMetastoreFactory metastoreFactory, TrinoFileSystemFactory fileSystemFactory)
    {
        this.metastoreFactory = requireNonNull(metastoreFactory, "metastoreFactory is null");
        this.fileSystemFactory = requireNonNull(fileSystemFactory, "fileSystemFactory is null");
    }

    public Metastore metastore(ConnectorIdentity identity)
    {
        return new TrinoMetastore(metastoreFactory.createMetastore(Optional.of(identity)));
    }

    public FileStore fileStore(ConnectorIdentity identity)
    {
        return new TrinoFileStore(fileSystemFactory.create(identity));
    }
}
