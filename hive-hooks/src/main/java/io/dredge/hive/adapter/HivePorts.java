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
    private static final String DEFAULT_FILTER_HOOK = "org.apache.hadoop.hive.metastore.DefaultMetaStoreFilterHookImpl";

    private final HiveConf configuration;
    private final IMetaStoreClient client;
    private final Metastore metastore;
    private final FileStore fileStore;
    private final Optional<HiveCall> call;
    private Optional<IMetaStoreClient> unfilteredClient = Optional.empty();
    private Optional<Metastore> unfiltered = Optional.empty();

    private HivePorts(HiveConf configuration, IMetaStoreClient client, Optional<HiveCall> call)
    {
        this.configuration = requireNonNull(configuration, "configuration is null");
        this.client = requireNonNull(client, "client is null");
        this.metastore = new HiveMetastore(client);
        this.fileStore = new HadoopFileStore(configuration);
        this.call = requireNonNull(call, "call is null");
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
        return of(session != null ? session.getConf() : new HiveConf(), Optional.empty());
    }

    /**
     * The ports of the calling session for {@code call}, from the thread that runs it: the statements they run are
     * cancelled with it.
     */
    public static HivePorts ofCall(HiveCall call)
            throws HiveException
    {
        return of(SessionState.get().getConf(), Optional.of(call));
    }

    /**
     * The ports as {@code configuration} reaches the lake, with a metastore client of their own, for work that no
     * statement waits on (the hooks' own).
     */
    public static HivePorts of(HiveConf configuration)
            throws HiveException
    {
        return of(configuration, Optional.empty());
    }

    private static HivePorts of(HiveConf configuration, Optional<HiveCall> call)
            throws HiveException
    {
        try {
            return new HivePorts(configuration, new HiveMetaStoreClient(configuration), call);
        }
        catch (Exception e) {
            throw new HiveException("Dredge cannot reach the metastore: " + e.getMessage(), e);
        }
    }

    public HiveConf configuration()
    {
        return configuration;
    }

    /**
     * The statement's call these ports serve; empty for work that no statement waits on.
     */
    public Optional<HiveCall> call()
    {
        return call;
    }

    /**
     * The metastore as the session's user may see it: HiveServer2's metastore filter hook (Ranger's, for example)
     * hides the tables the user may not read. For what a user is shown.
     */
    public Metastore metastore()
    {
        return metastore;
    }

    /**
     * The whole metastore, through a client without the session's filter hook, for the operations: a table the
     * user may not see still reads its directory, and an operation must know it before it moves or deletes files
     * there (which tables an operation may change, the session's authorizer decides first). The filter hook also
     * needs a session, which a compaction after a write, in a thread of its own, does not have.
     */
    public synchronized Metastore unfilteredMetastore()
    {
        if (unfiltered.isEmpty()) {
            HiveConf withoutFilter = new HiveConf(configuration);
            withoutFilter.set("metastore.filter.hook", DEFAULT_FILTER_HOOK);
            withoutFilter.set("hive.metastore.filter.hook", DEFAULT_FILTER_HOOK);
            try {
                IMetaStoreClient client = new HiveMetaStoreClient(withoutFilter);
                unfilteredClient = Optional.of(client);
                unfiltered = Optional.of(new HiveMetastore(client));
            }
            catch (Exception e) {
                throw new IllegalStateException("Dredge cannot reach the metastore: " + e.getMessage(), e);
            }
        }
        return unfiltered.get();
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
    public synchronized void close()
    {
        client.close();
        unfilteredClient.ifPresent(IMetaStoreClient::close);
    }
}
