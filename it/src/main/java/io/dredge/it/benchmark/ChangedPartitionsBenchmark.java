package io.dredge.it.benchmark;

import io.dredge.it.DredgeQueryRunner;
import io.dredge.it.LakeMetastore;
import io.dredge.it.LocalDataFiles;
import io.dredge.it.QuietLogging;
import io.dredge.it.ThriftMetastoreServer;
import io.trino.testing.DistributedQueryRunner;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * {@code bin/dredge-benchmark changes}: {@code changed_partitions} on an Iceberg table of 10,000 partitions of which
 * 10 changed since the start snapshot (in 10 commits, then a compaction of one of them), against reading the whole
 * table's partitions from its metadata ({@code "$partitions"}, what a pipeline diffs without it), in the same run.
 * With {@code --hive}: on a Hive table of 10,000 partitions of which 10 of the newest 100 received a file since a
 * token, against the report's listing of the whole table; then the same answer filtered to the newest 100 partitions,
 * which lists only those. Prints every run, the medians and the ratios.
 */
public final class ChangedPartitionsBenchmark
{
    private static final int PARTITIONS = 10_000;
    private static final int CHANGED = 10;
    private static final int RUNS = 5;
    // one writer keeps a file open per partition: more at once exceed the open-file limit
    private static final int PARTITIONS_PER_INSERT = 1000;

    private ChangedPartitionsBenchmark() {}

    public static void main(String[] args)
            throws Exception
    {
        PrintStream console = new PrintStream(new FileOutputStream(FileDescriptor.out), true, UTF_8);
        QuietLogging.apply("io.dredge");
        Path directory = Files.createTempDirectory("dredge-changes-benchmark");
        try (ThriftMetastoreServer server = ThriftMetastoreServer.start(directory)) {
            LakeMetastore metastore = new LakeMetastore.ThriftMetastore(server.uri(), server.warehouse());
            try (DistributedQueryRunner queryRunner = DredgeQueryRunner.builder(metastore)
                    .addIcebergProperty("iceberg.max-partitions-per-writer", String.valueOf(PARTITIONS_PER_INSERT))
                    .build()) {
                if (List.of(args).contains("--hive")) {
                    runHive(console, queryRunner, metastore);
                }
                else {
                    run(console, queryRunner, metastore);
                }
            }
        }
    }

    private static void run(PrintStream console, DistributedQueryRunner queryRunner, LakeMetastore metastore)
    {
        console.printf("creating iceberg.bench.wide: %,d partitions, one file each%n", PARTITIONS);
        queryRunner.execute("CREATE SCHEMA iceberg.bench" + metastore.schemaLocation("bench").map(location -> " WITH (location = '%s')".formatted(location)).orElse(""));
        queryRunner.execute("CREATE TABLE iceberg.bench.wide (id bigint, p integer) WITH (partitioning = ARRAY['p'])");
        for (int first = 0; first < PARTITIONS; first += PARTITIONS_PER_INSERT) {
            queryRunner.execute("INSERT INTO iceberg.bench.wide SELECT x, CAST(x AS integer) FROM UNNEST(sequence(%s, %s)) t(x)".formatted(first, first + PARTITIONS_PER_INSERT - 1));
        }
        long start = (long) queryRunner.execute("SELECT snapshot_id FROM iceberg.bench.\"wide$snapshots\" ORDER BY committed_at DESC LIMIT 1").getOnlyValue();
        for (int change = 0; change < CHANGED; change++) {
            queryRunner.execute("INSERT INTO iceberg.bench.wide VALUES (%s, %s)".formatted(PARTITIONS + change, change * (PARTITIONS / CHANGED)));
        }
        queryRunner.execute("CALL dredge.system.compact_table(schema_name => 'bench', table_name => 'wide', partition_filter => 'p = 0')");

        String changes = "SELECT count(*) FROM TABLE(dredge.system.changed_partitions(schema_name => 'bench', table_name => 'wide', since_snapshot => %s))".formatted(start);
        String whole = "SELECT count(*) FROM iceberg.bench.\"wide$partitions\"";
        long changedCount = (long) queryRunner.execute(changes).getOnlyValue();
        long wholeCount = (long) queryRunner.execute(whole).getOnlyValue();
        if (changedCount != CHANGED || wholeCount != PARTITIONS) {
            throw new IllegalStateException("expected %s changed of %s partitions, found %s of %s".formatted(CHANGED, PARTITIONS, changedCount, wholeCount));
        }
        double[] medians = compare(console, queryRunner, changes, whole, "\"$partitions\"");
        console.printf("%,d partitions, %s changed in %s commits and a compaction (not reported); median changed_partitions %.3f s, \"$partitions\" %.3f s, ratio %.2fx%n",
                PARTITIONS, CHANGED, CHANGED, medians[0], medians[1], medians[0] / medians[1]);
    }

    /**
     * The partitions are one partition's directory copied (a file copy, not a write: writing 10,000 partitions through
     * the test metastore takes longer than the benchmark) and registered with {@code sync_partition_metadata}.
     */
    private static void runHive(PrintStream console, DistributedQueryRunner queryRunner, LakeMetastore metastore)
            throws IOException
    {
        console.printf("creating hive.bench_hive.wide: %,d partitions, one file each%n", PARTITIONS);
        queryRunner.execute("CREATE SCHEMA hive.bench_hive" + metastore.schemaLocation("bench_hive").map(location -> " WITH (location = '%s')".formatted(location)).orElse(""));
        queryRunner.execute("CREATE TABLE hive.bench_hive.wide (id bigint, p integer) WITH (partitioned_by = ARRAY['p'], format = 'PARQUET')");
        queryRunner.execute("INSERT INTO hive.bench_hive.wide VALUES (0, 0)");
        Path table = metastore.warehouse().resolve("bench_hive").resolve("wide");
        List<Path> seed = LocalDataFiles.list(table.resolve("p=0"));
        for (int partition = 1; partition < PARTITIONS; partition++) {
            Path directory = Files.createDirectories(table.resolve("p=" + partition));
            for (Path file : seed) {
                Files.copy(file, directory.resolve(file.getFileName()));
            }
        }
        long start = System.nanoTime();
        queryRunner.execute("CALL hive.system.sync_partition_metadata('bench_hive', 'wide', 'ADD')");
        console.printf("registered the partitions in %.1f s%n", (System.nanoTime() - start) / 1e9);
        String token = (String) queryRunner.execute("SELECT max(resume_token) FROM TABLE(dredge.system.changed_partitions(schema_name => 'bench_hive', table_name => 'wide', since => TIMESTAMP '2000-01-01 00:00:00 UTC'))").getOnlyValue();
        // late data in the newest 1% of the partitions, which a pipeline's filter names
        int recent = PARTITIONS - PARTITIONS / 100;
        for (int change = 0; change < CHANGED; change++) {
            Path directory = table.resolve("p=" + (recent + change * (PARTITIONS / 100 / CHANGED)));
            for (Path file : seed) {
                Files.copy(file, directory.resolve("late-" + file.getFileName()));
            }
        }

        String changes = "SELECT count(*) FROM TABLE(dredge.system.changed_partitions(schema_name => 'bench_hive', table_name => 'wide', since_token => '%s'))".formatted(token);
        String filtered = changes + " WHERE p >= " + recent;
        String whole = "SELECT sum(file_count) FROM dredge.system.small_file_report WHERE schema_name = 'bench_hive' AND table_name = 'wide' AND partition_name IS NOT NULL";
        long changedCount = (long) queryRunner.execute(changes).getOnlyValue();
        long filteredCount = (long) queryRunner.execute(filtered).getOnlyValue();
        long wholeCount = (long) queryRunner.execute(whole).getOnlyValue();
        if (changedCount != CHANGED || filteredCount != CHANGED || wholeCount != PARTITIONS + CHANGED) {
            throw new IllegalStateException("expected %s changed partitions and %s files, found %s (%s filtered) and %s".formatted(CHANGED, PARTITIONS + CHANGED, changedCount, filteredCount, wholeCount));
        }
        double[] medians = compare(console, queryRunner, changes, whole, "small_file_report");
        double[] filteredMedians = compare(console, queryRunner, filtered, whole, "small_file_report");
        console.printf("Hive: %,d partitions, %s with a late file; median changed_partitions (from a token) %.3f s, the report's listing of the table %.3f s, ratio %.2fx%n",
                PARTITIONS, CHANGED, medians[0], medians[1], medians[0] / medians[1]);
        console.printf("Hive, filtered to p >= %s (%,d partitions, pushed down): median changed_partitions %.3f s, the report's listing of the table %.3f s, ratio %.2fx%n",
                recent, PARTITIONS / 100, filteredMedians[0], filteredMedians[1], filteredMedians[0] / filteredMedians[1]);
    }

    /**
     * Both queries warmed the same way, then {@link #RUNS} runs, each started with a different one; prints every run
     * and returns the two medians in seconds.
     */
    private static double[] compare(PrintStream console, DistributedQueryRunner queryRunner, String changes, String peer, String peerName)
    {
        for (int warmup = 0; warmup < 2; warmup++) {
            time(queryRunner, changes);
            time(queryRunner, peer);
        }
        long[] changesNanos = new long[RUNS];
        long[] peerNanos = new long[RUNS];
        console.printf("run  changed_partitions  %s  ratio%n", peerName);
        for (int run = 0; run < RUNS; run++) {
            if (run % 2 == 0) {
                changesNanos[run] = time(queryRunner, changes);
                peerNanos[run] = time(queryRunner, peer);
            }
            else {
                peerNanos[run] = time(queryRunner, peer);
                changesNanos[run] = time(queryRunner, changes);
            }
            console.printf("%3d  %16.3f s  %" + (peerName.length() - 2) + ".3f s  %5.2fx%n", run + 1, changesNanos[run] / 1e9, peerNanos[run] / 1e9, (double) changesNanos[run] / peerNanos[run]);
        }
        return new double[] {median(changesNanos) / 1e9, median(peerNanos) / 1e9};
    }

    private static long time(DistributedQueryRunner queryRunner, String sql)
    {
        long start = System.nanoTime();
        queryRunner.execute(sql);
        return System.nanoTime() - start;
    }

    private static double median(long[] values)
    {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2.0;
    }
}
