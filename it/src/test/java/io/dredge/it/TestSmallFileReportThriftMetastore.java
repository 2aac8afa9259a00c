package io.dredge.it;

import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.AfterAll;

import java.nio.file.Path;
import java.util.Set;

/**
 * The report over a real thrift Hive metastore, as production lakes run it: the fork's shared one, whose other
 * classes' tables the report lists too.
 */
class TestSmallFileReportThriftMetastore
        extends AbstractTestSmallFileReport
{
    private SharedCluster cluster;
    private Set<String> schemasBefore = Set.of();

    @Override
    protected LakeMetastore createMetastore(Path directory)
            throws Exception
    {
        cluster = SharedCluster.get();
        return new LakeMetastore.ThriftMetastore(cluster.server().uri(), cluster.server().warehouse());
    }

    @Override
    protected QueryRunner createQueryRunner(LakeMetastore metastore)
    {
        schemasBefore = cluster.schemas();
        return cluster.queryRunnerForClass();
    }

    @AfterAll
    public void dropSchemas()
    {
        if (cluster != null) {
            cluster.dropSchemasExcept(schemasBefore);
        }
    }
}
