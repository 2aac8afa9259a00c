package io.dredge.it.benchmark;

import io.dredge.it.DredgeQueryRunner;
import io.dredge.it.LakeMetastore;
import io.dredge.it.QuietLogging;
import io.dredge.it.ThriftMetastoreServer;
import io.dredge.it.demo.DemoLake;
import io.trino.testing.DistributedQueryRunner;
import io.trino.hadoop.HadoopNative;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * {@code bin/dredge-benchmark report [thrift|file]}: the small-file report over a Hive table of 100,000 files in
 * 1,000 partitions, against plain recursive listings of the same directory in the same run, with java.nio and
 * with Hadoop's file-system client (what Trino reads these file: locations through). Prints files per second for
 * each and the ratios (target: the report at least 0.5x the plain listing). The metastore is a real
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
            long files = 0;
            // warm up all three, then alternate so that none gets a warmer cache
            plainListing(table);
            hadoopListing(table);
            report(queryRunner);
            for (int run = 0; run < RUNS; run++) {
                long start = System.nanoTime();
                files = plainListing(table);
                listingNanos[run] = System.nanoTime() - start;

                start = System.nanoTime();
                long hadoopFiles = hadoopListing(table);
                hadoopNanos[run] = System.nanoTime() - start;

                start = System.nanoTime();
                long reported = report(queryRunner);
                reportNanos[run] = System.nanoTime() - start;
                if (reported != files || hadoopFiles != files) {
                    throw new IllegalStateException("report counted %s files, the listings %s and %s".formatted(reported, files, hadoopFiles));
                }
            }
            double listingRate = files / (median(listingNanos) / 1e9);
            double hadoopRate = files / (median(hadoopNanos) / 1e9);
            double reportRate = files / (median(reportNanos) / 1e9);
            console.printf("files: %s in %s partitions, median of %s runs%n", files, PARTITIONS, RUNS);
            console.printf("plain recursive listing, java.nio Files.walk:              %.3f s, %,.0f files/s%n", median(listingNanos) / 1e9, listingRate);
            console.printf("plain recursive listing, Hadoop FileSystem.listFiles:      %.3f s, %,.0f files/s%n", median(hadoopNanos) / 1e9, hadoopRate);
            console.printf("dredge.system.small_file_report (SQL, %s metastore):  %.3f s, %,.0f files/s%n", metastoreName, median(reportNanos) / 1e9, reportRate);
            console.printf("ratio report / java.nio listing: %.2fx (target >= 0.5x)%n", reportRate / listingRate);
            console.printf("ratio report / Hadoop listing:   %.2fx%n", reportRate / hadoopRate);
        }
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

    private static long report(DistributedQueryRunner queryRunner)
    {
        MaterializedRow row = queryRunner.execute("""
                SELECT file_count, total_bytes
                FROM dredge.system.small_file_report
                WHERE schema_name = 'bench' AND table_name = 'many_files' AND partition_name IS NULL
                """).getMaterializedRows().getFirst();
        return (long) row.getField(0);
    }

    private static double median(long[] values)
    {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
