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
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static java.lang.String.format;
import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * {@code bin/dredge-benchmark backup [--rounds N]}: {@code backup_table} and {@code restore_table} of a Hive table of
 * over 1 GB in over 1,000 Parquet files and of one of 4,000 small files, against a plain {@code cp -r} of the table
 * directory (and, for the large one, a single-threaded Java copy) in the same run. Every measure runs once to warm up
 * and then {@code N} times (default 3); each run, the median and the spread are printed. Targets: a full backup at
 * {@code verify => 'files'} and a restore of it at least 0.5x the rate of {@code cp -r}; a full backup at
 * {@code verify => 'rows'} at most 1.2x the engine's count-and-checksum scan alone (the backup's own query, run on its
 * own); an incremental backup of the unchanged table 0 bytes in under 1 s.
 */
public final class BackupBenchmark
{
    private static final int PARTITIONS = 8;
    private static final int MIN_FILES = 1_000;
    private static final long MIN_BYTES = 1L << 30;
    private static final int SMALL_FILES = 4_000;
    private static final String FIGURES = "count(*), to_hex(checksum(ROW(id, payload, part)))";

    private BackupBenchmark() {}

    public static void main(String[] args)
            throws Exception
    {
        int rounds = args.length == 2 && args[0].equals("--rounds") ? Integer.parseInt(args[1]) : 3;
        PrintStream console = new PrintStream(new FileOutputStream(FileDescriptor.out), true, UTF_8);
        QuietLogging.apply("io.dredge");
        Path directory = Files.createTempDirectory("dredge-backup-benchmark");
        try (ThriftMetastoreServer server = ThriftMetastoreServer.start(directory)) {
            LakeMetastore metastore = new LakeMetastore.ThriftMetastore(server.uri(), server.warehouse());
            Path repository = Files.createDirectories(directory.resolve("backups"));
            try (DistributedQueryRunner queryRunner = DredgeQueryRunner.builder(metastore)
                    .addDredgeProperty("dredge.backup-location", "file:" + repository)
                    .build()) {
                run(console, queryRunner, metastore, directory, rounds);
            }
        }
        finally {
            MoreFiles.deleteRecursively(directory, ALLOW_INSECURE);
        }
    }

    private static void run(PrintStream console, DistributedQueryRunner queryRunner, LakeMetastore metastore, Path directory, int rounds)
            throws Exception
    {
        DemoLake lake = new DemoLake(queryRunner, metastore, "bench");
        lake.createSchema();
        queryRunner.execute(format("CREATE SCHEMA hive.bench_restored WITH (location = '%s')", metastore.schemaLocation("bench_restored").orElseThrow()));
        Path table = createTable(queryRunner, metastore.warehouse(), "events", 10_000, MIN_FILES, MIN_BYTES);
        Path small = createTable(queryRunner, metastore.warehouse(), "small", 20, SMALL_FILES, 0);

        for (Path source : List.of(table, small)) {
            String name = source.getFileName().toString();
            List<Path> files = LocalDataFiles.list(source);
            long bytes = files.stream().mapToLong(BackupBenchmark::size).sum();
            List<Object> expected = figures(queryRunner, "hive.bench." + name);
            double megabytes = bytes / 1e6;
            console.printf("%nbench.%s: %,d files in %s partitions, %,d bytes (%.2f GB), %,d rows; %s rounds after one warm-up round%n",
                    name, files.size(), PARTITIONS, bytes, bytes / 1e9, expected.getFirst(), rounds);

            Runs cp = measure(rounds, round -> {
                long nanos = time(() -> cpRecursive(source, directory.resolve("cp-copy")));
                deleteRecursively(directory.resolve("cp-copy"));
                return nanos;
            });
            console.printf("  cp -r                          %s %8.1f MB/s%n", cp.describe(), megabytes / cp.medianSeconds());
            if (source == table) {
                Runs java = measure(rounds, round -> {
                    long nanos = time(() -> javaCopy(source, files, directory.resolve("java-copy")));
                    deleteRecursively(directory.resolve("java-copy"));
                    return nanos;
                });
                console.printf("  Java Files.copy, 1 thread      %s %8.1f MB/s  %.2fx cp -r%n", java.describe(), megabytes / java.medianSeconds(), java.speedAgainst(cp));
            }

            // each round a full backup into a repository of its own, restored, then dropped with its restored table
            List<Long> restoreNanos = new ArrayList<>();
            Instant[] lastBackup = new Instant[2];
            Instant[] lastRestore = new Instant[2];
            Runs backup = measure(rounds, round -> {
                String backupName = "%s_files_%s".formatted(name, round);
                lastBackup[0] = Instant.now();
                long started = System.nanoTime();
                queryRunner.execute(format("CALL dredge.system.backup_table(schema_name => 'bench', table_name => '%s', backup_name => '%s', location => 'file:%s')",
                        name, backupName, directory.resolve("repository-" + backupName)));
                long backupNanos = System.nanoTime() - started;
                lastBackup[1] = Instant.now();
                List<Object> copied = backupFigures(queryRunner, backupName);
                if (!copied.get(1).equals(copied.get(2))) {
                    throw new IllegalStateException("backup %s was not full: %s".formatted(backupName, copied));
                }
                lastRestore[0] = Instant.now();
                restoreNanos.add(time(() -> queryRunner.execute(format("CALL dredge.system.restore_table(backup_name => '%s', schema_name => 'bench_restored', table_name => '%s')", backupName, backupName))));
                lastRestore[1] = Instant.now();
                if (!figures(queryRunner, "hive.bench_restored." + backupName).equals(expected)) {
                    throw new IllegalStateException("the restored table does not hold the original rows");
                }
                queryRunner.execute("DROP TABLE hive.bench_restored." + backupName);
                queryRunner.execute(format("CALL dredge.system.drop_backup(backup_name => '%s')", backupName));
                return backupNanos;
            });
            // the warm-up round's restore is not counted
            Runs restore = new Runs(restoreNanos.subList(1, restoreNanos.size()));
            console.printf("  backup_table, verify 'files'   %s %8.1f MB/s  %.2fx cp -r (target >= 0.5x)%n", backup.describe(), megabytes / backup.medianSeconds(), backup.speedAgainst(cp));
            printParts(console, queryRunner, "last backup", lastBackup[0], lastBackup[1], megabytes, cp);
            console.printf("  restore_table, verify 'files'  %s %8.1f MB/s  %.2fx cp -r (target >= 0.5x)%n", restore.describe(), megabytes / restore.medianSeconds(), restore.speedAgainst(cp));
            printParts(console, queryRunner, "last restore", lastRestore[0], lastRestore[1], megabytes, cp);
        }

        // verify 'rows' against the engine's scan alone: the backup's own count-and-checksum query, run on its own
        String[] scanQuery = new String[1];
        Runs rowsBackup = measure(rounds, round -> {
            String backupName = "events_rows_" + round;
            Instant started = Instant.now();
            long nanos = time(() -> queryRunner.execute(format("CALL dredge.system.backup_table(schema_name => 'bench', table_name => 'events', backup_name => '%s', location => 'file:%s', verify => 'rows')",
                    backupName, directory.resolve("repository-" + backupName))));
            scanQuery[0] = (String) queryRunner.execute(format("""
                    SELECT query FROM system.runtime.queries
                    WHERE created >= from_iso8601_timestamp('%s') AND source = 'dredge' AND query LIKE 'SELECT "$partition", count(*)%%'""", started)).getOnlyValue();
            queryRunner.execute(format("CALL dredge.system.drop_backup(backup_name => '%s')", backupName));
            return nanos;
        });
        Runs scan = measure(rounds, round -> time(() -> queryRunner.execute(scanQuery[0])));
        console.printf("%nbench.events at verify 'rows':%n");
        console.printf("  the engine's count and checksum scan alone  %s%n", scan.describe());
        console.printf("  backup_table, verify 'rows'                 %s  %.2fx the scan (target <= 1.2x)%n", rowsBackup.describe(), rowsBackup.medianSeconds() / scan.medianSeconds());

        queryRunner.execute("CALL dredge.system.backup_table(schema_name => 'bench', table_name => 'events', backup_name => 'base')");
        long[] copiedBytes = new long[1];
        Instant[] lastIncremental = new Instant[2];
        Runs incremental = measure(rounds, round -> {
            String backupName = "incremental_" + round;
            lastIncremental[0] = Instant.now();
            long nanos = time(() -> queryRunner.execute(format("CALL dredge.system.backup_table(schema_name => 'bench', table_name => 'events', backup_name => '%s')", backupName)));
            lastIncremental[1] = Instant.now();
            copiedBytes[0] = Math.max(copiedBytes[0], (long) backupFigures(queryRunner, backupName).get(1));
            return nanos;
        });
        console.printf("incremental backup_table of the unchanged table: %s, at most %,d data bytes copied (target: 0 bytes in under 1 s)%n", incremental.describe(), copiedBytes[0]);
        printParts(console, queryRunner, "last incremental backup", lastIncremental[0], lastIncremental[1], 0, null);
        long verifyNanos = time(() -> queryRunner.execute("CALL dredge.system.verify_backup(backup_name => 'base')"));
        console.printf("verify_backup (re-reads every file): %.2f s%n", verifyNanos / 1e9);

        // one more file in one partition: the next backup copies that file and reads that partition's footers only
        Files.copy(LocalDataFiles.list(table).getFirst(), table.resolve("part=0").resolve("file-added.parquet"));
        Instant onePartitionStart = Instant.now();
        long onePartitionNanos = time(() -> queryRunner.execute("CALL dredge.system.backup_table(schema_name => 'bench', table_name => 'events', backup_name => 'one_partition')"));
        Instant onePartitionEnd = Instant.now();
        console.printf("incremental backup_table after one file was added to one of %s partitions: %.2f s, %,d data bytes copied%n",
                PARTITIONS, onePartitionNanos / 1e9, backupFigures(queryRunner, "one_partition").get(1));
        printParts(console, queryRunner, "that backup", onePartitionStart, onePartitionEnd, 0, null);
    }

    /**
     * One warm-up run (round 0) and then {@code rounds} runs of {@code action}, each returning the time it measured.
     */
    private static Runs measure(int rounds, Round action)
    {
        List<Long> nanos = new ArrayList<>();
        for (int round = 0; round <= rounds; round++) {
            long measured = action.run(round);
            if (round > 0) {
                nanos.add(measured);
            }
        }
        return new Runs(nanos);
    }

    @FunctionalInterface
    private interface Round
    {
        /**
         * @return the nanoseconds the round measured
         */
        long run(int round);
    }

    private static void deleteRecursively(Path directory)
    {
        try {
            MoreFiles.deleteRecursively(directory, ALLOW_INSECURE);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Where a procedure's time went: the statements it sent to the engine (the {@code copy_files} query that copies
     * the files, the queries that count rows and checksums), and the rest (listing, checksums of source files read on
     * the coordinator, metastore, manifest, journal).
     */
    private static void printParts(PrintStream console, DistributedQueryRunner queryRunner, String name, Instant since, Instant until, double megabytes, Runs cp)
    {
        MaterializedRow row = queryRunner.execute(format("""
                SELECT
                    coalesce(sum(date_diff('millisecond', created, "end")) FILTER (WHERE query LIKE '%%copy_files%%'), 0),
                    coalesce(sum(date_diff('millisecond', created, "end")) FILTER (WHERE query NOT LIKE '%%copy_files%%'), 0)
                FROM system.runtime.queries
                WHERE created >= from_iso8601_timestamp('%s') AND created < from_iso8601_timestamp('%s') AND source = 'dredge'
                """, since, until)).getMaterializedRows().getFirst();
        double totalSeconds = Duration.between(since, until).toNanos() / 1e9;
        double copySeconds = ((Number) row.getField(0)).longValue() / 1e3;
        double figuresSeconds = ((Number) row.getField(1)).longValue() / 1e3;
        console.printf("      %s, where the time went: copy_files queries %.2f s%s, row queries %.2f s, the rest %.2f s%n",
                name, copySeconds,
                copySeconds > 0 && cp != null ? " (%.1f MB/s, %.2fx cp -r)".formatted(megabytes / copySeconds, cp.medianSeconds() / copySeconds) : "",
                figuresSeconds, totalSeconds - copySeconds - figuresSeconds);
    }

    /**
     * Table {@code bench.<name>}: copies of one real Parquet file of {@code seedRows} rows, at least {@code minFiles}
     * of them and at least {@code minBytes} in all, spread over the partitions: writing that many files through
     * inserts would take far longer than the benchmark itself.
     */
    private static Path createTable(DistributedQueryRunner queryRunner, Path warehouse, String name, int seedRows, int minFiles, long minBytes)
            throws IOException
    {
        // hex digests barely compress, so a modest number of rows makes a file of over a megabyte
        queryRunner.execute(format("""
                CREATE TABLE hive.bench.seed_%s WITH (format = 'PARQUET') AS
                SELECT id, to_hex(sha512(to_utf8(CAST(id AS varchar)))) AS payload
                FROM UNNEST(sequence(1, %s)) t(id)
                """, name, seedRows));
        Path seed = LocalDataFiles.list(warehouse.resolve("bench").resolve("seed_" + name)).getFirst();
        long seedBytes = Files.size(seed);
        int filesPerPartition = (int) Math.ceilDiv(Math.max(minFiles, Math.ceilDiv(minBytes, seedBytes)), PARTITIONS);
        queryRunner.execute(format("CREATE TABLE hive.bench.%s (id bigint, payload varchar, part integer) WITH (format = 'PARQUET', partitioned_by = ARRAY['part'])", name));
        Path table = warehouse.resolve("bench").resolve(name);
        for (int partition = 0; partition < PARTITIONS; partition++) {
            Path partitionDirectory = Files.createDirectories(table.resolve("part=" + partition));
            for (int file = 0; file < filesPerPartition; file++) {
                Files.copy(seed, partitionDirectory.resolve("file-%04d.parquet".formatted(file)));
            }
        }
        queryRunner.execute(format("CALL hive.system.sync_partition_metadata('bench', '%s', 'ADD')", name));
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
