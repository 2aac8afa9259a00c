package io.dredge.it.benchmark;

import io.dredge.it.DredgeQueryRunner;
import io.dredge.it.LakeMetastore;
import io.dredge.it.QuietLogging;
import io.dredge.it.ThriftMetastoreServer;
import io.trino.testing.DistributedQueryRunner;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * {@code bin/dredge-benchmark changes}: {@code changed_partitions} on an Iceberg table of 10,000 partitions of which
 * 10 changed since the start snapshot (in 10 commits, then a compaction of one of them), against reading the whole
 * table's partitions from its metadata ({@code "$partitions"}, what a pipeline diffs without it), in the same run.
 * Prints every run, the medians and the ratio.
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
                run(console, queryRunner, metastore);
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
        // both warmed the same way, then each run starts with a different one
        for (int warmup = 0; warmup < 2; warmup++) {
            time(queryRunner, changes);
            time(queryRunner, whole);
        }
        long[] changesNanos = new long[RUNS];
        long[] wholeNanos = new long[RUNS];
        console.printf("run  changed_partitions  \"$partitions\"  ratio%n");
        for (int run = 0; run < RUNS; run++) {
            if (run % 2 == 0) {
                changesNanos[run] = time(queryRunner, changes);
                wholeNanos[run] = time(queryRunner, whole);
            }
            else {
                wholeNanos[run] = time(queryRunner, whole);
                changesNanos[run] = time(queryRunner, changes);
            }
            console.printf("%3d  %16.3f s  %12.3f s  %5.2fx%n", run + 1, changesNanos[run] / 1e9, wholeNanos[run] / 1e9, (double) changesNanos[run] / wholeNanos[run]);
        }
        console.printf("%,d partitions, %s changed in %s commits and a compaction (not reported); median changed_partitions %.3f s, \"$partitions\" %.3f s, ratio %.2fx%n",
                PARTITIONS, CHANGED, CHANGED, median(changesNanos) / 1e9, median(wholeNanos) / 1e9, median(changesNanos) / median(wholeNanos));
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
