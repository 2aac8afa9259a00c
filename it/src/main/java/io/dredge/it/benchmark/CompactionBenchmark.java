package io.dredge.it.benchmark;

import com.google.common.io.MoreFiles;
import io.dredge.it.DredgeQueryRunner;
import io.dredge.it.LakeMetastore;
import io.dredge.it.LocalDataFiles;
import io.dredge.it.QuietLogging;
import io.dredge.it.ThriftMetastoreServer;
import io.dredge.it.demo.DemoLake;
import io.trino.Session;
import io.trino.testing.DistributedQueryRunner;
import io.trino.testing.MaterializedRow;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;

import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static java.lang.String.format;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * {@code bin/dredge-benchmark compaction [--iceberg]}: {@code compact_table} (with checksum and with count
 * verification) against Trino's own {@code ALTER TABLE ... EXECUTE optimize}, each on an identical copy of a table
 * shaped like {@code demo.events} but 10x larger, in the same run. Prints each time and the ratios to the native
 * rewrite. A Hive table by default (targets: checksum at most 2.0x, count at most 1.3x); with {@code --iceberg}, an
 * Iceberg table (targets: checksum at most 1.5x, count at most 1.1x).
 */
public final class CompactionBenchmark
{
    private static final int ROWS = 3_000_000;
    // DemoLake writes each bucket of event_id as a file; a bucket (event_id mod 300) and a partition (event_id mod 3)
    // go together, so each partition holds 100 files, 300 in all
    private static final int BUCKETS = 300;
    private static final int DEFAULT_ROUNDS = 3;
    private static final int DEFAULT_WARMUPS = 1;
    private static final String SOURCE = "events";
    private static final String COLUMNS = "event_id, user_id, event_type, payload, amount, event_time, event_date";

    private CompactionBenchmark() {}

    public static void main(String[] args)
            throws Exception
    {
        PrintStream console = new PrintStream(new FileOutputStream(FileDescriptor.out), true, UTF_8);
        List<String> arguments = List.of(args);
        boolean trace = arguments.contains("--trace");
        int rounds = arguments.contains("--rounds") ? Integer.parseInt(arguments.get(arguments.indexOf("--rounds") + 1)) : DEFAULT_ROUNDS;
        // a coordinator that has run for a while has compiled the code paths all three contenders take
        int warmups = arguments.contains("--warmup") ? Integer.parseInt(arguments.get(arguments.indexOf("--warmup") + 1)) : DEFAULT_WARMUPS;
        QuietLogging.apply("io.dredge");
        Path directory = Files.createTempDirectory("dredge-compaction-benchmark");
        try (ThriftMetastoreServer server = ThriftMetastoreServer.start(directory)) {
            LakeMetastore metastore = new LakeMetastore.ThriftMetastore(server.uri(), server.warehouse());
            try (DistributedQueryRunner queryRunner = DredgeQueryRunner.builder(metastore).build()) {
                DemoLake lake = new DemoLake(queryRunner, metastore, "bench");
                lake.createSchema();
                TableKind kind = arguments.contains("--iceberg")
                        ? new IcebergTables(new HiveTables(queryRunner, lake, server.warehouse(), "events_files"))
                        : new HiveTables(queryRunner, lake, server.warehouse(), SOURCE);
                kind.createSource(console);
                run(console, queryRunner, kind, rounds, warmups, trace);
            }
        }
        finally {
            MoreFiles.deleteRecursively(directory, ALLOW_INSECURE);
        }
    }

    private static void run(PrintStream console, DistributedQueryRunner queryRunner, TableKind kind, int rounds, int warmups, boolean trace)
            throws IOException
    {
        List<Object> expected = fingerprint(queryRunner, kind, SOURCE);
        Object sourceFiles = fileCount(queryRunner, kind, SOURCE);
        long[] nativeNanos = new long[warmups + rounds];
        long[] checksumNanos = new long[warmups + rounds];
        long[] countNanos = new long[warmups + rounds];
        for (int round = 0; round < warmups + rounds; round++) {
            Instant roundStart = Instant.now();
            String nativeCopy = kind.copy("native_" + round);
            String checksumCopy = kind.copy("checksum_" + round);
            String countCopy = kind.copy("count_" + round);
            List<String> copies = List.of(nativeCopy, checksumCopy, countCopy);
            // the copies are comparable only if they start from the same files
            List<Object> filesBefore = copies.stream().map(copy -> fileCount(queryRunner, kind, copy)).toList();
            int current = round;
            List<Runnable> contenders = new ArrayList<>(List.of(
                    () -> nativeNanos[current] = time(() -> kind.optimize(nativeCopy)),
                    () -> checksumNanos[current] = time(() -> compactTable(queryRunner, checksumCopy, "checksum")),
                    () -> countNanos[current] = time(() -> compactTable(queryRunner, countCopy, "count"))));
            // a different contender goes first in each round, so that none always runs right after the copying
            Collections.rotate(contenders, -round);
            contenders.forEach(Runnable::run);
            for (String copy : copies) {
                if (!fingerprint(queryRunner, kind, copy).equals(expected)) {
                    throw new IllegalStateException("%s does not hold the original rows after compaction".formatted(copy));
                }
            }
            if (trace) {
                printStatements(console, queryRunner, roundStart);
            }
            List<Object> filesAfter = copies.stream().map(copy -> fileCount(queryRunner, kind, copy)).toList();
            console.printf("%s %s: native optimize %.2f s, compact_table checksum %.2f s, count %.2f s (files before: %s; after: %s)%n",
                    round < warmups ? "warm-up round" : "round", round < warmups ? round + 1 : round - warmups + 1, nativeNanos[round] / 1e9, checksumNanos[round] / 1e9, countNanos[round] / 1e9,
                    join(filesBefore), join(filesAfter));
        }
        double nativeSeconds = median(nativeNanos, warmups) / 1e9;
        double checksumSeconds = median(checksumNanos, warmups) / 1e9;
        double countSeconds = median(countNanos, warmups) / 1e9;
        Targets targets = kind.targets();
        console.printf("median of %s rounds after %s warm-up rounds, %s table, %,d rows in %s files:%n", rounds, warmups, kind.catalog(), ROWS, sourceFiles);
        console.printf("  %-48s %.2f s%n", "Trino optimize (%s):".formatted(kind.peerSafety()), nativeSeconds);
        console.printf("  %-48s %.2f s, %.2fx native (target <= %.1fx)%n", "compact_table verify => 'checksum':", checksumSeconds, checksumSeconds / nativeSeconds, targets.checksum());
        console.printf("  %-48s %.2f s, %.2fx native (target <= %.1fx)%n", "compact_table verify => 'count':", countSeconds, countSeconds / nativeSeconds, targets.count());
        // the machine's speed drifts between rounds; contenders of one round ran back to back
        console.printf("  median of the rounds' own ratios: checksum %.2fx, count %.2fx%n",
                medianRatio(checksumNanos, nativeNanos, warmups), medianRatio(countNanos, nativeNanos, warmups));
    }

    /**
     * What differs between the table kinds: how the source table and its identical copies are made, and how Trino
     * compacts one without Dredge. Dredge's {@code compact_table} call is the same for both.
     */
    private sealed interface TableKind
            permits HiveTables, IcebergTables
    {
        String catalog();

        /**
         * Creates the table that the copies are made from.
         */
        void createSource(PrintStream console)
                throws IOException;

        /**
         * Creates an identical copy of that table with the given name, and returns the name.
         */
        String copy(String name)
                throws IOException;

        void optimize(String table);

        /**
         * What the peer leaves out, for the printed summary.
         */
        String peerSafety();

        Targets targets();
    }

    private record Targets(double checksum, double count) {}

    /**
     * A Hive table of DemoLake's small files, and copies of those files under new tables.
     */
    private record HiveTables(DistributedQueryRunner queryRunner, DemoLake lake, Path warehouse, String source)
            implements TableKind
    {
        private HiveTables
        {
            requireNonNull(queryRunner, "queryRunner is null");
            requireNonNull(lake, "lake is null");
            requireNonNull(warehouse, "warehouse is null");
            requireNonNull(source, "source is null");
        }

        @Override
        public String catalog()
        {
            return DredgeQueryRunner.HIVE_CATALOG;
        }

        @Override
        public void createSource(PrintStream console)
                throws IOException
        {
            console.printf("creating hive.bench.%s: %,d rows in 3 partitions, %s buckets written as separate files%n", source, ROWS, BUCKETS);
            lake.createHiveTable(source, List.of("event_date"), ROWS, BUCKETS);
        }

        /**
         * The same small files under a new table.
         */
        @Override
        public String copy(String name)
                throws IOException
        {
            queryRunner.execute(format("CREATE TABLE hive.bench.%s (LIKE hive.bench.%s INCLUDING PROPERTIES)", name, source));
            Path sourceDirectory = warehouse.resolve("bench").resolve(source);
            Path target = warehouse.resolve("bench").resolve(name);
            for (Path file : LocalDataFiles.list(sourceDirectory)) {
                Path destination = target.resolve(sourceDirectory.relativize(file).toString());
                Files.createDirectories(destination.getParent());
                Files.copy(file, destination);
            }
            queryRunner.execute(format("CALL hive.system.sync_partition_metadata('bench', '%s', 'ADD')", name));
            return name;
        }

        @Override
        public void optimize(String table)
        {
            Session session = Session.builder(queryRunner.getDefaultSession())
                    .setCatalogSessionProperty(catalog(), "non_transactional_optimize_enabled", "true")
                    .build();
            queryRunner.execute(session, format("ALTER TABLE hive.bench.%s EXECUTE optimize(file_size_threshold => '128MB')", table));
        }

        @Override
        public String peerSafety()
        {
            return "no verification, no rollback";
        }

        @Override
        public Targets targets()
        {
            return new Targets(2.0, 1.3);
        }
    }

    /**
     * Iceberg tables made of the Hive variant's files: each is a copy of those files that Iceberg's {@code migrate}
     * takes over, as an existing Hive table becomes an Iceberg table, so every copy starts from exactly the same
     * files. Writing each copy anew (one CTAS, many writers) left 118 to 359 files in copies meant to be equal: rows
     * reach whichever writer asks first. Registering the source's own files is no option: Dredge refuses tables that
     * share a location.
     */
    private record IcebergTables(HiveTables files)
            implements TableKind
    {
        private IcebergTables
        {
            requireNonNull(files, "files is null");
        }

        @Override
        public String catalog()
        {
            return DredgeQueryRunner.ICEBERG_CATALOG;
        }

        @Override
        public void createSource(PrintStream console)
                throws IOException
        {
            files.createSource(console);
            console.printf("migrating a copy of its files to iceberg.bench.%s; each copy is made the same way%n", SOURCE);
            copy(SOURCE);
        }

        @Override
        public String copy(String name)
                throws IOException
        {
            files.copy(name);
            files.queryRunner().execute(format("CALL iceberg.system.migrate(schema_name => 'bench', table_name => '%s')", name));
            return name;
        }

        @Override
        public void optimize(String table)
        {
            files.queryRunner().execute(format("ALTER TABLE iceberg.bench.%s EXECUTE optimize", table));
        }

        @Override
        public String peerSafety()
        {
            return "atomic commit, no verification";
        }

        @Override
        public Targets targets()
        {
            return new Targets(1.5, 1.1);
        }
    }

    private static void compactTable(DistributedQueryRunner queryRunner, String table, String verify)
    {
        queryRunner.execute(format("CALL dredge.system.compact_table(schema_name => 'bench', table_name => '%s', verify => '%s')", table, verify));
    }

    /**
     * {@code --trace}: every statement the round's procedures sent to the engine, with its start and duration,
     * so that the time between them (metastore, file system, journal) shows too.
     */
    private static void printStatements(PrintStream console, DistributedQueryRunner queryRunner, Instant since)
    {
        for (MaterializedRow row : queryRunner.execute(format("""
                SELECT format_datetime(created, 'HH:mm:ss.SSS'), date_diff('millisecond', created, "end"), substr(regexp_replace(query, '\\s+', ' '), 1, 110)
                FROM system.runtime.queries
                WHERE created >= from_iso8601_timestamp('%s') AND (source = 'dredge' OR query LIKE 'CALL dredge%%' OR query LIKE 'ALTER TABLE%%optimize%%')
                ORDER BY created
                """, since)).getMaterializedRows()) {
            console.printf("    %s %6s ms  %s%n", row.getField(0), row.getField(1), row.getField(2));
        }
    }

    private static List<Object> fingerprint(DistributedQueryRunner queryRunner, TableKind kind, String table)
    {
        MaterializedRow row = queryRunner.execute(format("SELECT count(*), to_hex(checksum(ROW(%s))) FROM %s.bench.%s", COLUMNS, kind.catalog(), table)).getMaterializedRows().get(0);
        return row.getFields();
    }

    private static Object fileCount(DistributedQueryRunner queryRunner, TableKind kind, String table)
    {
        return queryRunner.execute(format("SELECT count(DISTINCT \"$path\") FROM %s.bench.%s", kind.catalog(), table)).getOnlyValue();
    }

    private static String join(List<Object> values)
    {
        return String.join(", ", values.stream().map(String::valueOf).toList());
    }

    private static long time(Runnable action)
    {
        long start = System.nanoTime();
        action.run();
        return System.nanoTime() - start;
    }

    private static double medianRatio(long[] values, long[] baseline, int skipped)
    {
        return median(IntStream.range(skipped, values.length).mapToDouble(round -> (double) values[round] / baseline[round]).toArray());
    }

    private static double median(long[] values, int skipped)
    {
        return median(Arrays.stream(values, skipped, values.length).asDoubleStream().toArray());
    }

    private static double median(double[] values)
    {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}
