package io.dredge.hive.adapter;

import io.dredge.core.journal.OperationJournal;
import io.dredge.core.port.FileStore;
import io.dredge.core.port.MetastoreReader;
import org.apache.hadoop.hive.conf.HiveConf;
import org.apache.hadoop.hive.ql.metadata.Hive;
import org.apache.hadoop.hive.ql.metadata.HiveException;
import org.apache.hadoop.hive.ql.session.SessionState;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The core's ports as a Hive session reaches the lake: its metastore client and its file systems, configured by the
 * session (HiveServer2's {@code hive-site.xml} and the session's {@code SET}s).
 */
public record HivePorts(HiveConf configuration, MetastoreReader metastore, FileStore fileStore)
{
    /**
     * Where the operations journal lives when not in each schema's {@code .dredge} directory: the same setting as the
     * Trino catalog's {@code dredge.journal-location}, so that both engines read one journal.
     */
    public static final String JOURNAL_LOCATION = "dredge.journal-location";

    public HivePorts
    {
        requireNonNull(configuration, "configuration is null");
        requireNonNull(metastore, "metastore is null");
        requireNonNull(fileStore, "fileStore is null");
    }

    /**
     * The ports of the calling session; a function run outside one (in a task) reads {@code hive-site.xml}.
     */
    public static HivePorts ofSession()
            throws HiveException
    {
        SessionState session = SessionState.get();
        HiveConf configuration = session != null ? session.getConf() : new HiveConf();
        try {
            return new HivePorts(configuration, new HiveMetastoreReader(Hive.get(configuration).getMSC()), new HadoopFileStore(configuration));
        }
        catch (Exception e) {
            throw new HiveException("Dredge cannot reach the metastore: " + e.getMessage(), e);
        }
    }

    public OperationJournal journal()
    {
        return new OperationJournal(fileStore, metastore, Optional.ofNullable(configuration.get(JOURNAL_LOCATION)).filter(location -> !location.isBlank()));
    }
}
