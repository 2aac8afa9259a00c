package io.dredge.it;

import io.trino.Session;
import io.trino.metastore.HiveMetastore;
import io.trino.metastore.HiveMetastoreFactory;
import io.trino.metastore.Table;
import io.trino.plugin.hive.HiveConnector;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.DistributedQueryRunner;
import io.trino.testing.MaterializedRow;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.AfterAll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

import static com.google.common.collect.Iterables.getOnlyElement;
import static io.trino.plugin.hive.metastore.MetastoreUtil.buildInitialPrivilegeSet;
import static java.lang.String.format;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Dredge query runner over a real thrift metastore. A class that needs settings of its own ({@link #configure})
 * gets a runner and metastore that live as long as the class; the others share one per JVM ({@link SharedCluster}),
 * each in schemas of its own. Subclasses add what their runner needs beyond it.
 */
public abstract class AbstractTestWithThriftMetastore
        extends AbstractTestQueryFramework
{
    private Path directory;
    private ThriftMetastoreServer server;
    private LakeMetastore metastore;
    private DistributedQueryRunner queryRunner;
    private boolean shared;
    private Set<String> schemasBefore = Set.of();

    @Override
    protected final QueryRunner createQueryRunner()
            throws Exception
    {
        if (!overrides(AbstractTestWithThriftMetastore.class, "configure", DredgeQueryRunner.Builder.class, Path.class)) {
            SharedCluster cluster = SharedCluster.get();
            shared = true;
            directory = cluster.directory();
            server = cluster.server();
            metastore = new LakeMetastore.ThriftMetastore(server.uri(), server.warehouse());
            queryRunner = cluster.queryRunner();
            schemasBefore = cluster.schemas();
            return cluster.queryRunnerForClass();
        }
        directory = Files.createTempDirectory("dredge-" + getClass().getSimpleName());
        server = ThriftMetastoreServer.start(directory, metastoreProperties(directory));
        metastore = new LakeMetastore.ThriftMetastore(server.uri(), server.warehouse());
        queryRunner = configure(DredgeQueryRunner.builder(metastore), directory).build();
        return queryRunner;
    }

    /**
     * Whether this class, or one between it and {@code base}, declares the method {@code name}: a class that
     * changes a setting needs servers of its own.
     */
    protected final boolean overrides(Class<?> base, String name, Class<?>... parameterTypes)
    {
        for (Class<?> type = getClass(); type != base; type = type.getSuperclass()) {
            try {
                type.getDeclaredMethod(name, parameterTypes);
                return true;
            }
            catch (NoSuchMethodException e) {
                // not this one
            }
        }
        return false;
    }

    /**
     * Whether this class uses the JVM's shared metastore and query runner.
     */
    protected boolean sharesCluster()
    {
        return shared;
    }

    /**
     * The query runner itself (the framework's {@code getDistributedQueryRunner} does not reach a shared one).
     */
    protected DistributedQueryRunner queryRunner()
    {
        return queryRunner;
    }

    /**
     * The runner's settings beyond the metastore; {@code directory} is the class's own, for files such as access
     * control rules. A class that overrides this gets a metastore and runner of its own.
     */
    protected DredgeQueryRunner.Builder configure(DredgeQueryRunner.Builder builder, Path directory)
            throws IOException
    {
        return builder;
    }

    /**
     * More settings of the metastore of a class with settings of its own ({@link #configure}), asked for before it
     * starts, with the class's directory.
     */
    protected Map<String, String> metastoreProperties(Path directory)
            throws IOException
    {
        return Map.of();
    }

    /**
     * The metastore's directory (its data and log), the class's own unless it shares the cluster.
     */
    protected Path directory()
    {
        return directory;
    }

    /**
     * The backup repository of a shared cluster (both engines' {@code dredge.backup-location}); a class with settings
     * of its own that backs up puts its repository here too.
     */
    protected Path backupRepository()
    {
        return directory.resolve("backups");
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
     * The directory of a table created in a schema of {@link #createSchema}.
     */
    protected Path tableDirectory(String schema, String table)
    {
        return warehouse().resolve(schema).resolve(table);
    }

    /**
     * The Hive catalog's own metastore client, for layouts that SQL cannot make (a partition stored differently from
     * its table).
     */
    protected HiveMetastore hiveMetastore()
    {
        return ((HiveConnector) queryRunner.getCoordinator().getConnector("hive")).getInjector()
                .getInstance(HiveMetastoreFactory.class)
                .createMetastore(Optional.empty());
    }

    /**
     * Marks a plain table as an insert-only ACID table, as Hive makes them: Trino creates only full ACID tables, which a
     * thrift metastore cannot validate without Hive's ORC classes.
     */
    protected void markInsertOnlyAcid(String schema, String table)
    {
        HiveMetastore hiveMetastore = hiveMetastore();
        Table plain = hiveMetastore.getTable(schema, table).orElseThrow();
        hiveMetastore.replaceTable(schema, table, Table.builder(plain)
                        .setParameter("transactional", "true")
                        .setParameter("transactional_properties", "insert_only")
                        .build(),
                buildInitialPrivilegeSet(plain.getOwner().orElseThrow()),
                Map.of());
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

    // the waits below poll with queries, which take CPU from the engines they wait for: a few polls a second are enough

    /**
     * Waits until an operation of {@code kind} ({@code BACKUP}, {@code COMPACT}) on {@code table} runs at a step that
     * starts with {@code stepPrefix}, as {@code system.operations} shows it; returns its {@code operation_id, step}.
     */
    protected MaterializedRow waitForRunningOperation(String table, String kind, String stepPrefix)
            throws InterruptedException
    {
        for (int attempt = 0; attempt < 100; attempt++) {
            List<MaterializedRow> rows = computeActual(format("SELECT operation_id, step FROM dredge.system.operations WHERE table_name = '%s' AND kind = '%s' AND state = 'RUNNING'", table, kind)).getMaterializedRows();
            if (!rows.isEmpty() && ((String) rows.getFirst().getField(1)).startsWith(stepPrefix)) {
                return rows.getFirst();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no running %s operation on %s".formatted(kind, table));
    }

    /**
     * What a test does to a table while an operation on it is paused.
     */
    @FunctionalInterface
    protected interface Meanwhile
    {
        void run()
                throws Exception;
    }

    /**
     * Runs {@code sql} (a procedure's {@code CALL}) with {@code testing_pause_after} set to {@code pauseAfter}
     * ({@code STEP:seconds}) and, while it is paused, {@code meanwhile}, which waits for the step itself; fails the test
     * when the call had gone on before {@code meanwhile} was done, as the race would not be the one the test means,
     * and else lets the call go on at once.
     * Returns the call's failure, or empty when it succeeded.
     */
    protected Optional<Throwable> callPausedWhile(String pauseAfter, String sql, Meanwhile meanwhile)
            throws Exception
    {
        return callPausedWhile("dredge", pauseAfter, sql, meanwhile);
    }

    /**
     * As {@link #callPausedWhile(String, String, Meanwhile)}, for a call to the Dredge catalog {@code catalog}.
     */
    protected Optional<Throwable> callPausedWhile(String catalog, String pauseAfter, String sql, Meanwhile meanwhile)
            throws Exception
    {
        // the pause ends when the race is done, or else after its seconds
        Path release = Files.createTempDirectory("dredge-pause").resolve("release");
        Session pausing = Session.builder(getSession()).setCatalogSessionProperty(catalog, "testing_pause_after", pauseAfter + ":" + release).build();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<?> call = executor.submit(() -> getQueryRunner().execute(pausing, sql));
            meanwhile.run();
            assertThat(call).as("%s was still paused after %s when the race was done", sql, pauseAfter).isNotDone();
            Files.createFile(release);
            try {
                call.get();
                return Optional.empty();
            }
            catch (ExecutionException e) {
                return Optional.of(e.getCause());
            }
        }
        finally {
            executor.shutdownNow();
        }
    }

    /**
     * Waits up to 20 s for {@code condition}, polling a few times a second.
     */
    protected static void waitUntil(String what, BooleanSupplier condition)
            throws InterruptedException
    {
        for (int attempt = 0; attempt < 100; attempt++) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not after 20 s: " + what);
    }

    /**
     * Kills the running query whose text is {@code sql} (a procedure's {@code CALL}), as any user would.
     */
    protected void killRunningQuery(String sql, String message)
    {
        String queryId = (String) computeActual(format("SELECT query_id FROM system.runtime.queries WHERE state = 'RUNNING' AND query = '%s'", sql.replace("'", "''"))).getOnlyValue();
        assertUpdate(format("CALL system.runtime.kill_query(query_id => '%s', message => '%s')", queryId, message.replace("'", "''")));
    }

    /**
     * The id of a statement of Dredge's (source {@code dredge}), running now, whose text is like {@code pattern}.
     */
    protected String waitForDredgeStatement(String pattern)
            throws InterruptedException
    {
        for (int attempt = 0; attempt < 300; attempt++) {
            List<MaterializedRow> rows = computeActual(format("SELECT query_id FROM system.runtime.queries WHERE source = 'dredge' AND state = 'RUNNING' AND query LIKE '%s'", pattern.replace("'", "''"))).getMaterializedRows();
            if (!rows.isEmpty()) {
                return (String) rows.getFirst().getField(0);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no statement like " + pattern);
    }

    /**
     * The only value of {@code query}, a state, once it is final (not {@code RUNNING} or {@code FINISHING}); fails
     * after a minute. No row counts as not final: a journal record that its operation is rewriting reads as none for
     * a moment.
     */
    protected String settledState(String query)
            throws InterruptedException
    {
        String value = "";
        for (int attempt = 0; attempt < 240; attempt++) {
            List<MaterializedRow> rows = computeActual(query).getMaterializedRows();
            value = rows.isEmpty() ? "(no row)" : (String) getOnlyElement(rows).getField(0);
            if (!rows.isEmpty() && !value.startsWith("RUNNING") && !value.startsWith("FINISHING")) {
                return value;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("still %s after a minute: %s".formatted(value, query));
    }

    /**
     * Statements of Dredge's (source {@code dredge}) not yet finished whose text mentions {@code name}.
     */
    protected Set<Object> unfinishedDredgeStatements(String name)
    {
        return computeActual(format("SELECT query FROM system.runtime.queries WHERE source = 'dredge' AND state NOT IN ('FINISHED', 'FAILED') AND query LIKE '%%%s%%'", name)).getOnlyColumnAsSet();
    }

    @AfterAll
    public void stopMetastore()
            throws Exception
    {
        if (shared) {
            SharedCluster.get().dropSchemasExcept(schemasBefore);
        }
        else if (server != null) {
            server.close();
        }
    }
}
