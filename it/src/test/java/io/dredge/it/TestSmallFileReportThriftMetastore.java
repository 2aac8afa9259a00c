package io.dredge.it;

import org.junit.jupiter.api.AfterAll;

import java.nio.file.Path;

/**
 * The report over a real thrift Hive metastore, as production lakes run it.
 */
class TestSmallFileReportThriftMetastore
        extends AbstractTestSmallFileReport
{
    private ThriftMetastoreServer server;

    @Override
    protected LakeMetastore createMetastore(Path directory)
            throws Exception
    {
        server = ThriftMetastoreServer.start(directory);
        return new LakeMetastore.ThriftMetastore(server.uri(), server.warehouse());
    }

    @AfterAll
    public void stopMetastore()
    {
        if (server != null) {
            server.close();
        }
    }
}
