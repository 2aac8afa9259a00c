package io.dredge.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import static com.google.common.base.Preconditions.checkState;

/**
 * A Dredge query runner over a real thrift metastore, and a real HiveServer2 over the same metastore and warehouse
 * with Dredge installed as README tells operators to ({@link HiveServer2Process.Builder#withDredgeHooks}): the jar,
 * the functions in every session, the guard and audit hooks, and a restricted list that keeps a session from
 * switching them off. A class that changes a setting of either ({@link #configure}, {@link #configureHive}) gets its
 * own of both; the others share the JVM's ({@link SharedCluster}).
 */
public abstract class AbstractTestWithDredgeHive
        extends AbstractTestWithThriftMetastore
{
    private HiveServer2Process hiveServer;
    private boolean sharedHiveServer;

    @BeforeAll
    public void startHiveServer()
            throws Exception
    {
        if (sharesCluster() && !overrides(AbstractTestWithDredgeHive.class, "configureHive", HiveServer2Process.Builder.class)) {
            hiveServer = SharedCluster.get().hiveServer();
            sharedHiveServer = true;
            return;
        }
        hiveServer = configureHive(HiveServer2Process.builder(directory().resolve("hiveserver2-" + getClass().getSimpleName()), metastoreUri(), warehouse())
                .withDredgeHooks())
                .start();
    }

    /**
     * HiveServer2's settings beyond Dredge's installation; a class that overrides this gets a HiveServer2 of its own.
     */
    protected HiveServer2Process.Builder configureHive(HiveServer2Process.Builder builder)
    {
        return builder;
    }

    protected HiveServer2Process hiveServer()
    {
        return hiveServer;
    }

    /**
     * Kills HiveServer2 as {@code kill -9} would, and starts another over the same metastore and warehouse.
     */
    protected void killAndRestartHiveServer()
            throws Exception
    {
        checkState(!sharedHiveServer, "a class that kills HiveServer2 needs its own: override configureHive");
        hiveServer.kill();
        hiveServer = null;
        startHiveServer();
    }

    @AfterAll
    public void stopHiveServer()
    {
        if (hiveServer != null && !sharedHiveServer) {
            hiveServer.close();
        }
    }
}
