package io.dredge.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A Dredge query runner over a real thrift metastore, and a real HiveServer2 over the same metastore and warehouse
 * with Dredge installed as README tells operators to ({@link HiveServer2Process.Builder#withDredgeHooks}): the jar,
 * the functions in every session, the guard and audit hooks, and a restricted list that keeps a session from
 * switching them off. One of each per test class.
 */
public abstract class AbstractTestWithDredgeHive
        extends AbstractTestWithThriftMetastore
{
    private HiveServer2Process hiveServer;

    @BeforeAll
    public void startHiveServer()
            throws Exception
    {
        hiveServer = configureHive(HiveServer2Process.builder(directory().resolve("hiveserver2"), metastoreUri(), warehouse())
                .withDredgeHooks())
                .start();
    }

    /**
     * HiveServer2's settings beyond Dredge's installation.
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
        hiveServer.kill();
        hiveServer = null;
        startHiveServer();
    }

    @AfterAll
    public void stopHiveServer()
    {
        if (hiveServer != null) {
            hiveServer.close();
        }
    }
}
