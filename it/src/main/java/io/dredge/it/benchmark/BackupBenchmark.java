package io.dredge.it.benchmark;

import com.google.common.io.MoreFiles;
import io.dredge.it.DredgeQueryRunner;
import io.dredge.it.LakeMetastore;
import io.dredge.it.LocalDataFiles;
import io.dredge.it.QuietLogging;
import io.dredge.it.ThriftMetastoreServer;
import io.dredge.it.demo.DemoLake;
import io.trino.testing.DistributedQueryRunner;
import io.trino.testing.MaterializedRow;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static java.lang.String.format;
import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * {@code bin/dredge-benchmark backup}: a full {@code backup_table} of a Hive table of over 1 GB in over 1,000 Parquet
 * files, against a plain {@code cp -r} of the table directory and a single-threaded Java copy of its files, in the
 * same run; then an incremental backup of the unchanged table and a restore. Prints each time, MB/s and the ratios to
 * {@code cp -r} (targets: full backup at least 0.8x the rate of {@code cp -r}; the incremental backup copies 0 data
 * bytes in under 2 s), and the statements the backup sent to the engine, so that the time between them shows too.
 */
public final class BackupBenchmark
{
    private static final int PARTITIONS = 8;
    private static final int MIN_FILES = 1_000;
    private static final long MIN_BYTES = 1L << 30;
    private static final String FIGURES = "count(*), to_hex(checksum(ROW(id, payload, part)))";

    private BackupBenchmark() {}

    public static void main(String[] args)
            throws Exception
    {
        PrintStream console = new PrintStream(new FileOutputStream(FileDescriptor.out), true, UTF_8);
        QuietLogging.apply("io.dredge");
        Path directory = Files.createTempDirectory("dredge-backup-benchmark");
        try (ThriftMetastoreServer server = ThriftMetastoreServer.start(directory)) {
            LakeMetastore metastore = new LakeMetastore.ThriftMetastore(server.uri(), server.warehouse());
            Path repository = Files.createDirectories(directory.resolve("backups"));
            try (DistributedQueryRunner queryRunner = DredgeQueryRunner.builder(metastore)
                    .addDredgeProperty("dredge.backup-location", "file:" + repository)
                    .build()) {
                run(console, queryRunner, metastore, directory);
            }
        }
        finally {
            MoreFiles.deleteRecursively(directory, ALLOW_INSECURE);
        }
    }

    private static void run(PrintStream console, DistributedQueryRunner queryRunner, LakeMetastore metastore, Path directory)
            throws Exception
    {
        DemoLake lake = new DemoLake(queryRunner, metastore, "bench");
        lake.createSchema();
        queryRunner.execute(format("CREATE SCHEMA hive.bench_restored WITH (location = '%s')", metastore.schemaLocation("bench_restored").orElseThrow()));
        Path table = createTable(queryRunner, metastore.warehouse());
        List<Path> files = LocalDataFiles.list(table);
        long bytes = files.stream().mapToLong(BackupBenchmark::size).sum();
        List<Object> expected = figures(queryRunner, "hive.bench.events");
        console.printf("bench.events: %,d files in %s partitions, %,d bytes (%.2f GB), %,d rows%n", files.size(), PARTITIONS, bytes, bytes / 1e9, expected.getFirst());

        // the table was just written, so every contender reads it from the page cache
        long cpNanos = time(() -> cpRecursive(table, directory.resolve("cp-copy")));
        MoreFiles.deleteRecursively(directory.resolve("cp-copy"), ALLOW_INSECURE);
        long javaNanos = time(() -> javaCopy(table, files, directory.resolve("java-copy")));
        MoreFiles.deleteRecursively(directory.resolve("java-copy"), ALLOW_INSECURE);

        Instant fullStart = Instant.now();
        long fullNanos = time(() -> queryRunner.execute("CALL dredge.system.backup_table(schema_name => 'bench', table_name => 'events', backup_name => 'full')"));
        List<Object> full = backupFigures(queryRunner, "full");
        printStatements(console, queryRunner, fullStart);
        Instant incrementalStart = Instant.now();
        long incrementalNanos = time(() -> queryRunner.execute("CALL dredge.system.backup_table(schema_name => 'bench', table_name => 'events', backup_name => 'incremental')"));
        List<Object> incremental = backupFigures(queryRunner, "incremental");
        long verifyNanos = time(() -> queryRunner.execute("CALL dredge.system.verify_backup(backup_name => 'full')"));
        Instant restoreStart = Instant.now();
        long restoreNanos = time(() -> queryRunner.execute("CALL dredge.system.restore_table(backup_name => 'full', schema_name => 'bench_restored', table_name => 'events')"));
        if (!figures(queryRunner, "hive.bench_restored.events").equals(expected)) {
            throw new IllegalStateException("the restored table does not hold the original rows");
        }

        // one more file in one partition: the next backup copies that file and counts that partition's rows only
        Files.copy(files.getFirst(), table.resolve("part=0").resolve("file-added.parquet"));
        Instant onePartitionStart = Instant.now();
        long onePartitionNanos = time(() -> queryRunner.execute("CALL dredge.system.backup_table(schema_name => 'bench', table_name => 'events', backup_name => 'one_partition')"));
        List<Object> onePartition = backupFigures(queryRunner, "one_partition");
        Instant onePartitionEnd = Instant.now();

        double megabytes = bytes / 1e6;
        console.printf("full copy of %,d files, %.0f MB:%n", files.size(), megabytes);
        console.printf("  cp -r                       %7.2f s  %7.1f MB/s%n", cpNanos / 1e9, megabytes / (cpNanos / 1e9));
        console.printf("  Java Files.copy, 1 thread   %7.2f s  %7.1f MB/s  %.2fx cp -r%n", javaNanos / 1e9, megabytes / (javaNanos / 1e9), (double) cpNanos / javaNanos);
        console.printf("  backup_table (full)         %7.2f s  %7.1f MB/s  %.2fx cp -r (target >= 0.8x), %.2fx Java copy; files %s, bytes copied %,d%n",
                fullNanos / 1e9, megabytes / (fullNanos / 1e9), (double) cpNanos / fullNanos, (double) javaNanos / fullNanos, full.get(0), full.get(1));
        printParts(console, queryRunner, "backup_table (full)", fullStart, incrementalStart, fullNanos, megabytes, cpNanos);
        console.printf("incremental backup_table of the unchanged table: %.2f s, %,d data bytes copied of %,d (target: 0 bytes in under 2 s)%n",
                incrementalNanos / 1e9, incremental.get(1), incremental.get(2));
        printParts(console, queryRunner, "incremental backup_table", incrementalStart, restoreStart, incrementalNanos, megabytes, cpNanos);
        console.printf("verify_backup (re-reads every file):             %.2f s  %7.1f MB/s%n", verifyNanos / 1e9, megabytes / (verifyNanos / 1e9));
        console.printf("restore_table (copy back, create, compare rows): %.2f s  %7.1f MB/s, %.2fx cp -r%n", restoreNanos / 1e9, megabytes / (restoreNanos / 1e9), (double) cpNanos / restoreNanos);
        printParts(console, queryRunner, "restore_table", restoreStart, onePartitionStart, restoreNanos, megabytes, cpNanos);
        console.printf("incremental backup_table after one file was added to one of %s partitions: %.2f s, %,d data bytes copied%n",
                PARTITIONS, onePartitionNanos / 1e9, onePartition.get(1));
        printParts(console, queryRunner, "incremental backup_table, one partition changed", onePartitionStart, onePartitionEnd, onePartitionNanos, megabytes, cpNanos);
    }

    /**
     * Where a procedure's time went: the statements it sent to the engine (the {@code copy_files} query that copies
     * the files, the queries that count rows and checksums), and the rest (listing, checksums of source files read on
     * the coordinator, metastore, manifest, journal).
     */
    private static void printParts(PrintStream console, DistributedQueryRunner queryRunner, String name, Instant since, Instant until, long totalNanos, double megabytes, long cpNanos)
    {
        MaterializedRow row = queryRunner.execute(format("""
                SELECT
                    coalesce(sum(date_diff('millisecond', created, "end")) FILTER (WHERE query LIKE '%%copy_files%%'), 0),
                    coalesce(sum(date_diff('millisecond', created, "end")) FILTER (WHERE query NOT LIKE '%%copy_files%%'), 0)
                FROM system.runtime.queries
                WHERE created >= from_iso8601_timestamp('%s') AND created < from_iso8601_timestamp('%s') AND source = 'dredge'
                """, since, until)).getMaterializedRows().getFirst();
        double copySeconds = ((Number) row.getField(0)).longValue() / 1e3;
        double figuresSeconds = ((Number) row.getField(1)).longValue() / 1e3;
        console.printf("  %s, where the time went: copy_files %.2f s%s, row count and checksum queries %.2f s, the rest %.2f s%n",
                name, copySeconds,
                copySeconds > 0 ? " (%.1f MB/s, %.2fx cp -r)".formatted(megabytes / copySeconds, cpNanos / 1e9 / copySeconds) : "",
                figuresSeconds, totalNanos / 1e9 - copySeconds - figuresSeconds);
    }

    /**
     * Copies of one real Parquet data file of over 1 MB, enough of them for 1 GB in at least 1,000 files, spread over
     * the partitions: writing that many files through inserts would take far longer than the benchmark itself.
     */
    private static Path createTable(DistributedQueryRunner queryRunner, Path warehouse)
            throws IOException
    {
        // hex digests barely compress, so a modest number of rows makes a file of over a megabyte
        queryRunner.execute("""
                CREATE TABLE hive.bench.seed WITH (format = 'PARQUET') AS
                SELECT id, to_hex(sha512(to_utf8(CAST(id AS varchar)))) AS payload
                FROM UNNEST(sequence(1, 10000)) t(id)
                """);
        Path seed = LocalDataFiles.list(warehouse.resolve("bench").resolve("seed")).getFirst();
        long seedBytes = Files.size(seed);
        int filesPerPartition = (int) Math.ceilDiv(Math.max(MIN_FILES, Math.ceilDiv(MIN_BYTES, seedBytes)), PARTITIONS);
        queryRunner.execute("CREATE TABLE hive.bench.events (id bigint, payload varchar, part integer) WITH (format = 'PARQUET', partitioned_by = ARRAY['part'])");
        Path table = warehouse.resolve("bench").resolve("events");
        for (int partition = 0; partition < PARTITIONS; partition++) {
            Path partitionDirectory = Files.createDirectories(table.resolve("part=" + partition));
            for (int file = 0; file < filesPerPartition; file++) {
                Files.copy(seed, partitionDirectory.resolve("file-%04d.parquet".formatted(file)));
            }
        }
        queryRunner.execute("CALL hive.system.sync_partition_metadata('bench', 'events', 'ADD')");
        return table;
    }

    private static void cpRecursive(Path source, Path target)
    {
        try {
            Process process = new ProcessBuilder("cp", "-r", source.toString(), target.toString()).inheritIO().start();
            if (!process.waitFor(1, TimeUnit.HOURS) || process.exitValue() != 0) {
                throw new IllegalStateException("cp -r %s %s failed".formatted(source, target));
            }
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void javaCopy(Path source, List<Path> files, Path target)
    {
        try {
            for (Path file : files) {
                Path destination = target.resolve(source.relativize(file).toString());
                Files.createDirectories(destination.getParent());
                Files.copy(file, destination);
            }
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Every statement the backup sent to the engine, with its start and duration.
     */
    private static void printStatements(PrintStream console, DistributedQueryRunner queryRunner, Instant since)
    {
        console.printf("statements of the full backup:%n");
        for (MaterializedRow row : queryRunner.execute(format("""
                SELECT format_datetime(created, 'HH:mm:ss.SSS'), date_diff('millisecond', created, "end"), substr(regexp_replace(query, '\\s+', ' '), 1, 110)
                FROM system.runtime.queries
                WHERE created >= from_iso8601_timestamp('%s') AND (source = 'dredge' OR query LIKE 'CALL dredge%%')
                ORDER BY created
                """, since)).getMaterializedRows()) {
            console.printf("    %s %6s ms  %s%n", row.getField(0), row.getField(1), row.getField(2));
        }
    }

    private static List<Object> backupFigures(DistributedQueryRunner queryRunner, String backup)
    {
        return queryRunner.execute(format("SELECT files, bytes_copied, bytes FROM dredge.system.backups WHERE backup_name = '%s'", backup)).getMaterializedRows().getFirst().getFields();
    }

    private static List<Object> figures(DistributedQueryRunner queryRunner, String table)
    {
        return queryRunner.execute(format("SELECT %s FROM %s", FIGURES, table)).getMaterializedRows().getFirst().getFields();
    }

    private static long size(Path file)
    {
        try {
            return Files.size(file);
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long time(Runnable action)
    {
        long start = System.nanoTime();
        action.run();
        return System.nanoTime() - start;
    }
}
