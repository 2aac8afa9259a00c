package io.dredge.it.benchmark;

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

import static java.lang.String.format;
import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * {@code bin/dredge-benchmark compaction}: {@code compact_table} (with checksum and with count verification)
 * against Trino's own unprotected {@code ALTER TABLE ... EXECUTE optimize}, each on an identical copy of a table
 * shaped like {@code demo.events} but 10x larger, in the same run. Prints each time and the ratios to the native
 * rewrite (targets: checksum at most 2.0x, count at most 1.3x).
 */
public final class CompactionBenchmark
{
    private static final int ROWS = 3_000_000;
    private static final int FILES_PER_PARTITION = 300;
    private static final int DEFAULT_ROUNDS = 3;
    private static final int DEFAULT_WARMUPS = 1;
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
                console.printf("creating bench.events: %,d rows, 3 partitions x %s files%n", ROWS, FILES_PER_PARTITION);
                lake.createHiveTable("events", List.of("event_date"), ROWS, FILES_PER_PARTITION);
                List<Object> expected = fingerprint(queryRunner, "events");

                Session optimizeSession = Session.builder(queryRunner.getDefaultSession())
                        .setCatalogSessionProperty("hive", "non_transactional_optimize_enabled", "true")
                        .build();
                long[] nativeNanos = new long[warmups + rounds];
                long[] checksumNanos = new long[warmups + rounds];
                long[] countNanos = new long[warmups + rounds];
                for (int round = 0; round < warmups + rounds; round++) {
                    Instant roundStart = Instant.now();
                    String nativeCopy = copy(queryRunner, server.warehouse(), "native_" + round);
                    String checksumCopy = copy(queryRunner, server.warehouse(), "checksum_" + round);
                    String countCopy = copy(queryRunner, server.warehouse(), "count_" + round);
                    int current = round;
                    List<Runnable> contenders = new ArrayList<>(List.of(
                            () -> nativeNanos[current] = time(() -> queryRunner.execute(optimizeSession, format("ALTER TABLE hive.bench.%s EXECUTE optimize(file_size_threshold => '128MB')", nativeCopy))),
                            () -> checksumNanos[current] = time(() -> queryRunner.execute(format("CALL dredge.system.compact_table(schema_name => 'bench', table_name => '%s', verify => 'checksum')", checksumCopy))),
                            () -> countNanos[current] = time(() -> queryRunner.execute(format("CALL dredge.system.compact_table(schema_name => 'bench', table_name => '%s', verify => 'count')", countCopy)))));
                    // a different contender goes first in each round, so that none always runs right after the copying
                    Collections.rotate(contenders, -round);
                    contenders.forEach(Runnable::run);
                    for (String copy : List.of(nativeCopy, checksumCopy, countCopy)) {
                        if (!fingerprint(queryRunner, copy).equals(expected)) {
                            throw new IllegalStateException("%s does not hold the original rows after compaction".formatted(copy));
                        }
                    }
                    if (trace) {
                        printStatements(console, queryRunner, roundStart);
                    }
                    console.printf("%s %s: native optimize %.2f s, compact_table checksum %.2f s, count %.2f s (files after: %s, %s, %s)%n",
                            round < warmups ? "warm-up round" : "round", round < warmups ? round + 1 : round - warmups + 1, nativeNanos[round] / 1e9, checksumNanos[round] / 1e9, countNanos[round] / 1e9,
                            fileCount(queryRunner, nativeCopy), fileCount(queryRunner, checksumCopy), fileCount(queryRunner, countCopy));
                }
                double nativeSeconds = median(nativeNanos, warmups) / 1e9;
                double checksumSeconds = median(checksumNanos, warmups) / 1e9;
                double countSeconds = median(countNanos, warmups) / 1e9;
                console.printf("median of %s rounds after %s warm-up rounds, %,d rows in %s files:%n", rounds, warmups, ROWS, 3 * FILES_PER_PARTITION);
                console.printf("  Trino optimize (no verification, no rollback): %.2f s%n", nativeSeconds);
                console.printf("  compact_table verify => 'checksum':            %.2f s, %.2fx native (target <= 2.0x)%n", checksumSeconds, checksumSeconds / nativeSeconds);
                console.printf("  compact_table verify => 'count':               %.2f s, %.2fx native (target <= 1.3x)%n", countSeconds, countSeconds / nativeSeconds);
                // the machine's speed drifts between rounds; contenders of one round ran back to back
                console.printf("  median of the rounds' own ratios: checksum %.2fx, count %.2fx%n",
                        medianRatio(checksumNanos, nativeNanos, warmups), medianRatio(countNanos, nativeNanos, warmups));
            }
        }
    }

    /**
     * An identical copy of bench.events: the same small files under a new table.
     */
    private static String copy(DistributedQueryRunner queryRunner, Path warehouse, String name)
            throws IOException
    {
        queryRunner.execute(format("CREATE TABLE hive.bench.%s (LIKE hive.bench.events INCLUDING PROPERTIES)", name));
        Path source = warehouse.resolve("bench").resolve("events");
        Path target = warehouse.resolve("bench").resolve(name);
        for (Path file : LocalDataFiles.list(source)) {
            Path destination = target.resolve(source.relativize(file).toString());
            Files.createDirectories(destination.getParent());
            Files.copy(file, destination);
        }
        queryRunner.execute(format("CALL hive.system.sync_partition_metadata('bench', '%s', 'ADD')", name));
        return name;
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

    private static List<Object> fingerprint(DistributedQueryRunner queryRunner, String table)
    {
        MaterializedRow row = queryRunner.execute(format("SELECT count(*), to_hex(checksum(ROW(%s))) FROM hive.bench.%s", COLUMNS, table)).getMaterializedRows().get(0);
        return row.getFields();
    }

    private static Object fileCount(DistributedQueryRunner queryRunner, String table)
    {
        return queryRunner.execute(format("SELECT count(DISTINCT \"$path\") FROM hive.bench.%s", table)).getOnlyValue();
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
