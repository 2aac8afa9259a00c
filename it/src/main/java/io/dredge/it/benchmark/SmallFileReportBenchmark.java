package io.dredge.it.benchmark;

import io.dredge.it.DredgeQueryRunner;
import io.dredge.it.LakeMetastore;
import io.dredge.it.QuietLogging;
import io.dredge.it.ThriftMetastoreServer;
import io.dredge.it.demo.DemoLake;
import io.trino.hadoop.HadoopNative;
import io.trino.testing.DistributedQueryRunner;
import io.trino.testing.MaterializedRow;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * {@code bin/dredge-benchmark report [thrift|file]}: the small-file report over a Hive table of 100,000 files in
 * 1,000 partitions, against plain recursive listings of the same directory in the same run, with java.nio and
 * with Hadoop's file-system client (what Trino reads these file: locations through). Prints every run's times and
 * ratios, their spread, and two parts of the report's own time: the metastore's partitions and a report query that
 * lists nothing (target: the report at least 0.5x the plain listing in every run). The metastore is a real
 * thrift metastore (default, as production lakes have) or Trino's file metastore.
 */
public final class SmallFileReportBenchmark
{
    private static final int PARTITIONS = 1000;
    private static final int FILES_PER_PARTITION = 100;
    private static final int RUNS = 5;

    private SmallFileReportBenchmark() {}

    public static void main(String[] args)
            throws Exception
    {
        PrintStream console = new PrintStream(new FileOutputStream(FileDescriptor.out), true, UTF_8);
        boolean thrift = args.length == 0 || args[0].equals("thrift");
        QuietLogging.apply("io.dredge");
        Path directory = Files.createTempDirectory("dredge-report-benchmark");
        try (AutoCloseable server = thrift ? ThriftMetastoreServer.start(directory) : () -> {}) {
            LakeMetastore metastore = thrift
                    ? new LakeMetastore.ThriftMetastore(((ThriftMetastoreServer) server).uri(), ((ThriftMetastoreServer) server).warehouse())
                    : new LakeMetastore.FileMetastore(directory);
            run(console, metastore, thrift ? "thrift" : "file");
        }
    }

    private static void run(PrintStream console, LakeMetastore metastore, String metastoreName)
            throws Exception
    {
        Path warehouse = metastore.warehouse();
        try (DistributedQueryRunner queryRunner = DredgeQueryRunner.builder(metastore).build()) {
            console.printf("creating bench.many_files: %s partitions x %s files, %s metastore%n", PARTITIONS, FILES_PER_PARTITION, metastoreName);
            new DemoLake(queryRunner, metastore, "bench").createSchema();
            Path table = createTable(queryRunner, warehouse);

            long[] listingNanos = new long[RUNS];
            long[] hadoopNanos = new long[RUNS];
            long[] reportNanos = new long[RUNS];
            long[] partitionsNanos = new long[RUNS];
            long[] emptyReportNanos = new long[RUNS];
            long files = 0;
            // every contender is warmed the same way, twice (file-system caches, JIT), then each run starts with a
            // different one, so that none always reads what another has just brought into the page cache
            for (int warmup = 0; warmup < 2; warmup++) {
                plainListing(table);
                hadoopListing(table);
                report(queryRunner, "many_files");
            }
            console.printf("run  Files.walk  Hadoop listFiles  report   report/walk  report/Hadoop   (metastore partitions, empty report)%n");
            for (int run = 0; run < RUNS; run++) {
                long reported = 0;
                long hadoopFiles = 0;
                for (int turn = 0; turn < 3; turn++) {
                    switch ((run + turn) % 3) {
                        case 0 -> {
                            long start = System.nanoTime();
                            files = plainListing(table);
                            listingNanos[run] = System.nanoTime() - start;
                        }
                        case 1 -> {
                            long start = System.nanoTime();
                            hadoopFiles = hadoopListing(table);
                            hadoopNanos[run] = System.nanoTime() - start;
                        }
                        default -> {
                            long start = System.nanoTime();
                            reported = report(queryRunner, "many_files");
                            reportNanos[run] = System.nanoTime() - start;
                        }
                    }
                }
                if (reported != files || hadoopFiles != files) {
                    throw new IllegalStateException("report counted %s files, the listings %s and %s".formatted(reported, files, hadoopFiles));
                }
                // where the report's time goes besides listing: the metastore's partitions, and a report query that lists nothing
                long start = System.nanoTime();
                queryRunner.execute("SELECT count(*) FROM hive.bench.\"many_files$partitions\"");
                partitionsNanos[run] = System.nanoTime() - start;
                start = System.nanoTime();
                report(queryRunner, "no_such_table");
                emptyReportNanos[run] = System.nanoTime() - start;
                console.printf("%3d  %9.3f s  %14.3f s  %6.3f s  %10.2fx  %12.2fx    (%.3f s, %.3f s)%n", run + 1,
                        listingNanos[run] / 1e9, hadoopNanos[run] / 1e9, reportNanos[run] / 1e9,
                        (double) listingNanos[run] / reportNanos[run], (double) hadoopNanos[run] / reportNanos[run],
                        partitionsNanos[run] / 1e9, emptyReportNanos[run] / 1e9);
            }
            double[] walkRatios = ratios(listingNanos, reportNanos);
            double[] hadoopRatios = ratios(hadoopNanos, reportNanos);
            console.printf("files: %s in %s partitions, %s runs, %s metastore%n", files, PARTITIONS, RUNS, metastoreName);
            console.printf("report / java.nio listing: median %.2fx, min %.2fx, max %.2fx (target >= 0.5x in every run)%n", median(walkRatios), min(walkRatios), max(walkRatios));
            console.printf("report / Hadoop listing:   median %.2fx, min %.2fx, max %.2fx%n", median(hadoopRatios), min(hadoopRatios), max(hadoopRatios));
            console.printf("median times: Files.walk %.3f s, Hadoop %.3f s, report %.3f s (%,.0f files/s); metastore partitions %.3f s, empty report %.3f s%n",
                    median(listingNanos) / 1e9, median(hadoopNanos) / 1e9, median(reportNanos) / 1e9, files / (median(reportNanos) / 1e9),
                    median(partitionsNanos) / 1e9, median(emptyReportNanos) / 1e9);
        }
    }

    /**
     * The rate of the report against the peer's in each run: {@code peer time / report time}.
     */
    private static double[] ratios(long[] peerNanos, long[] reportNanos)
    {
        double[] ratios = new double[peerNanos.length];
        for (int run = 0; run < ratios.length; run++) {
            ratios[run] = (double) peerNanos[run] / reportNanos[run];
        }
        return ratios;
    }

    private static Path createTable(DistributedQueryRunner queryRunner, Path warehouse)
            throws IOException
    {
        queryRunner.execute("CREATE TABLE hive.bench.seed (id bigint)");
        queryRunner.execute("INSERT INTO hive.bench.seed VALUES 1, 2, 3");
        Path seed;
        try (Stream<Path> paths = Files.list(warehouse.resolve("bench").resolve("seed"))) {
            seed = paths.filter(path -> !path.getFileName().toString().startsWith(".")).findFirst().orElseThrow();
        }
        queryRunner.execute("CREATE TABLE hive.bench.many_files (id bigint, part integer) WITH (partitioned_by = ARRAY['part'])");
        Path table = warehouse.resolve("bench").resolve("many_files");
        // copies of one real data file: writing 100,000 files through inserts would take hours
        for (int partition = 0; partition < PARTITIONS; partition++) {
            Path directory = Files.createDirectories(table.resolve("part=" + partition));
            for (int file = 0; file < FILES_PER_PARTITION; file++) {
                Files.copy(seed, directory.resolve("file-" + file));
            }
        }
        queryRunner.execute("CALL hive.system.sync_partition_metadata('bench', 'many_files', 'ADD')");
        return table;
    }

    private static long plainListing(Path table)
            throws IOException
    {
        AtomicLong bytes = new AtomicLong();
        try (Stream<Path> paths = Files.walk(table)) {
            return paths.filter(Files::isRegularFile)
                    // as Hive reads a table: nothing below a name starting with "." (Trino's metastore files)
                    .filter(path -> !table.relativize(path).toString().startsWith(".") && !path.getFileName().toString().startsWith("."))
                    .peek(path -> bytes.addAndGet(path.toFile().length()))
                    .count();
        }
    }

    /**
     * The same directory through Hadoop's file-system client, which is how Trino (and so the report) reads the
     * {@code file:} locations of a thrift metastore, and how {@code hadoop fs -ls -R} lists a lake.
     */
    private static long hadoopListing(Path table)
            throws IOException
    {
        // as Trino's HDFS environment does: without the native library, Hadoop forks `ls` for every file's permissions
        HadoopNative.requireHadoopNative();
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(table.toUri());
        FileSystem fileSystem = root.getFileSystem(new Configuration());
        RemoteIterator<LocatedFileStatus> iterator = fileSystem.listFiles(root, true);
        long files = 0;
        while (iterator.hasNext()) {
            // the status carries the length already: listing is the whole cost
            LocatedFileStatus status = iterator.next();
            String relative = table.relativize(Path.of(status.getPath().toUri())).toString();
            if (!relative.startsWith(".") && !status.getPath().getName().startsWith(".")) {
                files++;
            }
        }
        return files;
    }

    private static long report(DistributedQueryRunner queryRunner, String table)
    {
        List<MaterializedRow> rows = queryRunner.execute("""
                SELECT file_count, total_bytes
                FROM dredge.system.small_file_report
                WHERE schema_name = 'bench' AND table_name = '%s' AND partition_name IS NULL
                """.formatted(table)).getMaterializedRows();
        return rows.isEmpty() ? 0 : (long) rows.getFirst().getField(0);
    }

    private static double median(long[] values)
    {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double median(double[] values)
    {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double min(double[] values)
    {
        return Arrays.stream(values).min().orElseThrow();
    }

    private static double max(double[] values)
    {
        return Arrays.stream(values).max().orElseThrow();
    }
}
