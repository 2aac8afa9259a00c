package io.dredge.it;

import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.AfterAll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.String.format;

/**
 * One Dredge query runner per test class over a real thrift metastore that lives as long as the class. Subclasses
 * add what their runner needs beyond it.
 */
public abstract class AbstractTestWithThriftMetastore
        extends AbstractTestQueryFramework
{
    private Path directory;
    private ThriftMetastoreServer server;
    private LakeMetastore metastore;

    @Override
    protected final QueryRunner createQueryRunner()
            throws Exception
    {
        directory = Files.createTempDirectory("dredge-" + getClass().getSimpleName());
        server = ThriftMetastoreServer.start(directory);
        metastore = new LakeMetastore.ThriftMetastore(server.uri(), server.warehouse());
        return configure(DredgeQueryRunner.builder(metastore), directory).build();
    }

    /**
     * The runner's settings beyond the metastore; {@code directory} is the class's own, for files such as access
     * control rules.
     */
    protected DredgeQueryRunner.Builder configure(DredgeQueryRunner.Builder builder, Path directory)
            throws IOException
    {
        return builder;
    }

    /**
     * The class's own directory: the metastore's data and log, and whatever else the class keeps.
     */
    protected Path directory()
    {
        return directory;
    }

    /**
     * The metastore's thrift URI, for other clients of the same metastore (HiveServer2).
     */
    protected String metastoreUri()
    {
        return server.uri();
    }

    /**
     * The directory that holds every schema's data (the metastore's warehouse).
     */
    protected Path warehouse()
    {
        return server.warehouse();
    }

    /**
     * Where a schema's data lives in the warehouse, as the metastore spells locations.
     */
    protected String schemaLocation(String schema)
    {
        return metastore.schemaLocation(schema).orElseThrow();
    }

    /**
     * A Hive schema whose data lives in the metastore's warehouse.
     */
    protected void createSchema(String schema)
    {
        assertUpdate(format("CREATE SCHEMA hive.%s WITH (location = '%s')", schema, schemaLocation(schema)));
    }

    @AfterAll
    public void stopMetastore()
    {
        if (server != null) {
            server.close();
        }
    }
}
