package io.dredge.trino.copy;

import com.google.inject.Inject;
import io.dredge.core.files.FileCopier;
import io.dredge.core.port.SqlEngine;
import io.dredge.trino.adapter.TrinoPorts;
import io.trino.spi.catalog.CatalogName;
import io.trino.spi.connector.ConnectorSession;

import static java.util.Objects.requireNonNull;

/**
 * The {@link TrinoFileCopier} of a procedure call: the calling user's engine and file system, this catalog's
 * {@code copy_files}.
 */
public class TrinoFileCopiers
{
    private final TrinoPorts ports;
    private final CopyPlanCodec codec;
    private final String catalog;

    @Inject
    public TrinoFileCopiers(TrinoPorts ports, CopyPlanCodec codec, CatalogName catalog)
    {
        this.ports = requireNonNull(ports, "ports is null");
        this.codec = requireNonNull(codec, "codec is null");
        this.catalog = requireNonNull(catalog, "catalog is null").toString();
    }

    /**
     * @param engine the call's engine, which runs the copies
     * @param stagingLocation a directory for the plan file, for example a hidden directory of the backup repository
     */
    public FileCopier fileCopier(ConnectorSession session, SqlEngine engine, String stagingLocation)
    {
        return new TrinoFileCopier(engine, ports.fileStore(session.getIdentity()), codec, catalog, session.getUser(), stagingLocation);
    }
}
