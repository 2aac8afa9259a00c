package io.dredge.hive.adapter;

import io.dredge.core.journal.OperationJournal;
import io.dredge.core.port.FileStore;
import io.dredge.core.port.Metastore;
import org.apache.hadoop.hive.conf.HiveConf;
import org.apache.hadoop.hive.metastore.HiveMetaStoreClient;
import org.apache.hadoop.hive.metastore.IMetaStoreClient;
import org.apache.hadoop.hive.ql.metadata.HiveException;
import org.apache.hadoop.hive.ql.session.SessionState;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The core's ports as a Hive session reaches the lake: a metastore client of its own and the session's file systems,
 * configured by the session (HiveServer2's {@code hive-site.xml} and the session's {@code SET}s). Closing them closes
 * the client.
 */
public final class HivePorts
        implements AutoCloseable
{
    /**
     * Where the operations journal lives when not in each schema's {@code .dredge} directory: the same setting as the
     * Trino catalog's {@code dredge.journal-location}, so that both engines read one journal.
     */
    public static final String JOURNAL_LOCATION = "dredge.journal-location";

    private final HiveConf configuration;
    private final IMetaStoreClient client;
    private final Metastore metastore;
    private final FileStore fileStore;

    private HivePorts(HiveConf configuration, IMetaStoreClient client)
    {
        this.configuration = requireNonNull(configuration, "configuration is null");
        this.client = requireNonNull(client, "client is null");
        this.metastore = new HiveMetastore(client);
        this.fileStore = new HadoopFileStore(configuration);
    }

    /**
     * The ports of the calling session; a function run outside one (in a task) reads {@code hive-site.xml}. The
     * metastore client is not the session's: that one keeps what it read for the whole statement (Hive 4's query
     * cache), and an operation must see the changes it and others make while it runs.
     */
    public static HivePorts ofSession()
            throws HiveException
    {
        SessionState session = SessionState.get();
        return of(session != null ? session.getConf() : new HiveConf());
    }

    /**
     * The ports as {@code configuration} reaches the lake, with a metastore client of their own.
     */
    public static HivePorts of(HiveConf configuration)
            throws HiveException
    {
        try {
            return new HivePorts(configuration, new HiveMetaStoreClient(configuration));
        }
        catch (Exception e) {
            throw new HiveException("Dredge cannot reach the metastore: " + e.getMessage(), e);
        }
    }

    public HiveConf configuration()
    {
        return configuration;
    }

    public Metastore metastore()
    {
        return metastore;
    }

    public FileStore fileStore()
    {
        return fileStore;
    }

    /**
     * The metastore catalog's name, which the functions report as Trino reports its Hive catalog's.
     */
    public String catalogName()
    {
        return configuration.get("metastore.catalog.default", "hive");
    }

    public OperationJournal journal()
    {
        return new OperationJournal(fileStore, metastore, Optional.ofNullable(configuration.get(JOURNAL_LOCATION)).filter(location -> !location.isBlank()));
    }

    @Override
    public void close()
    {
        client.close();
    }
}
