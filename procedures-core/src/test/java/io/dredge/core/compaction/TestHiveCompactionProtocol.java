package io.dredge.core.compaction;

import io.dredge.core.DredgeException;
import io.dredge.core.Units;
import io.dredge.core.files.LocalFileCopier;
import io.dredge.core.journal.OperationJournal;
import io.dredge.core.journal.OperationKind;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.OperationState;
import io.dredge.core.journal.PartitionRecord;
import io.dredge.core.journal.PartitionState;
import io.dredge.core.model.HiveColumn;
import io.dredge.core.model.HiveStorage;
import io.dredge.core.model.HiveTableDefinition;
import io.dredge.core.model.PartitionDescriptor;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.operation.FaultInjector;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.operation.ProtocolStep;
import io.dredge.core.operation.TableLocks;
import io.dredge.core.report.SmallFilePolicy;
import io.dredge.core.testing.InMemoryMetastore;
import io.dredge.core.testing.NioFileStore;
import io.dredge.core.testing.TextTableEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.dredge.core.DredgeException.Kind.TABLE_BUSY;
import static io.dredge.core.operation.TableLocks.LOCK_PARAMETER;
import static io.dredge.core.testing.TextTableEngine.FIELD_SEPARATOR;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Hive compaction protocol on the fast tier: an in-memory metastore, local files and {@link TextTableEngine},
 * which really rewrites and verifies a text table. A crash after each step, and every refusal, each with what is left
 * of the table, the journal and Dredge's own tables. {@code TestHiveCompactionRecovery} and {@code TestHiveCompaction}
 * (module {@code it}) keep one case of each kind on a real Trino.
 */
class TestHiveCompactionProtocol
{
    private static final TableReference TABLE = new TableReference("s", "t");
    private static final List<String> DAYS = List.of("a", "b", "c");
    private static final int FILES_PER_PARTITION = 3;
    private static final CompactionOptions DEFAULT_OPTIONS = new CompactionOptions(Optional.empty(), SmallFilePolicy.DEFAULT, Verification.CHECKSUM, false);

    @TempDir
    Path directory;

    private final NioFileStore fileStore = new NioFileStore();
    private final TableLocks locks = new TableLocks();
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private InMemoryMetastore metastore;
    private TextTableEngine engine;

    @BeforeEach
    void setUp()
            throws IOException
    {
        metastore = new InMemoryMetastore();
        metastore.createSchema("s", location("s"));
        engine = new TextTableEngine(metastore, "hive");
        createTable(TABLE, Map.of());
    }

    @AfterEach
    void tearDown()
    {
        executor.shutdownNow();
    }

    /**
     * As {@code TestHiveCompactionRecovery#testEveryCrashPointLeavesOriginalRowsAndRecovers}, which keeps two of these
     * crash points on a real engine.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PLANNED:1", "WRITTEN:1", "VERIFIED:1", "PARTITION_SWAPPED:1", "PARTITION_SWAPPED:2", "BEFORE_COMPLETION:1"})
    void testEveryCrashPointLeavesOriginalRowsAndRecovers(String crashPoint)
            throws IOException
    {
        ProtocolStep step = ProtocolStep.valueOf(crashPoint.split(":")[0]);
        int count = Integer.parseInt(crashPoint.split(":")[1]);
        List<String> rows = rows(TABLE);
        Set<String> files = dataFiles(TABLE);
        Set<String> filesInTableDirectory = filesBelow(tableDirectory());

        assertThatThrownBy(() -> compact(FaultInjector.failAt(step, count)))
                .isInstanceOf(FaultInjector.InjectedFault.class)
                .hasMessage("injected fault after %s %s".formatted(step, count));
        assertThat(rows(TABLE)).as("rows after a crash at %s", crashPoint).isEqualTo(rows);
        OperationRecord crashed = onlyCompaction();
        assertThat(crashed.state()).isEqualTo(OperationState.RUNNING);
        assertThat(metastore.getTable(TABLE).orElseThrow().parameter(LOCK_PARAMETER)).contains(crashed.id());
        // the journal keeps a marker beside each running operation's record: starting an operation reads those only
        Path marker = journalDirectory().resolve(crashed.id() + ".running");
        assertThat(marker).exists();
        // a journal from before markers: the first check marks its running operations itself
        Files.delete(marker);
        Files.delete(journalDirectory().resolve("running-markers"));

        assertThatThrownBy(() -> compact(FaultInjector.NONE))
                .isInstanceOfSatisfying(DredgeException.class, e -> assertThat(e.kind()).isEqualTo(TABLE_BUSY))
                .hasMessageContaining("table s.t has an unfinished compact operation " + crashed.id())
                .hasMessageContaining("run CALL dredge.system.recover(schema_name => 's', table_name => 't')");
        assertThat(marker).exists();
        // before any swap there is nothing to roll back; after one, the compaction is unfinished
        boolean swappedAny = step == ProtocolStep.PARTITION_SWAPPED || step == ProtocolStep.BEFORE_COMPLETION;
        assertThatThrownBy(() -> new Rollback(context(FaultInjector.NONE)).rollback(TABLE, Optional.empty()))
                .hasMessage(swappedAny
                        ? "compaction %s of s.t is unfinished: run recover instead".formatted(crashed.id())
                        : "table s.t has no compaction to roll back");
        assertThat(rows(TABLE)).isEqualTo(rows);

        OperationRecord recover = new Recovery(context(FaultInjector.NONE)).recover(TABLE);
        assertThat(recover.state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(marker).doesNotExist();
        assertThat(metastore.getTable(TABLE).orElseThrow().parameter(LOCK_PARAMETER)).isEmpty();
        assertThat(rows(TABLE)).isEqualTo(rows);
        OperationRecord recovered = onlyCompaction();
        // every partition swapped: recover finishes the compaction, which keeps its backup table until cleanup
        boolean finished = step == ProtocolStep.BEFORE_COMPLETION;
        if (finished) {
            assertThat(recover.step()).isEqualTo("finished compaction " + crashed.id());
            assertThat(recovered.state()).isEqualTo(OperationState.SUCCEEDED);
            assertThat(dredgeTables()).containsExactly(recovered.compaction().backupTable().orElseThrow());
            assertThat(rows(new TableReference("s", recovered.compaction().backupTable().orElseThrow()))).isEqualTo(rows);
            assertThat(dataFiles(TABLE)).hasSize(DAYS.size()).doesNotContainAnyElementsOf(files);
        }
        else {
            assertThat(recover.step()).startsWith("undid compaction " + crashed.id());
            assertThat(recovered.state()).isEqualTo(OperationState.RECOVERED);
            assertThat(recovered.compaction().partitionsIn(PartitionState.RESTORED)).hasSize(step == ProtocolStep.PARTITION_SWAPPED ? count : 0);
            assertThat(dredgeTables()).isEmpty();
            assertThat(dataFiles(TABLE)).isEqualTo(files);
            // nothing of the copy is left behind, not even outside what the table reads
            assertThat(filesBelow(tableDirectory())).isEqualTo(filesInTableDirectory);
        }

        OperationRecord again = compact(FaultInjector.NONE);
        assertThat(again.state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(rows(TABLE)).isEqualTo(rows);
        assertThat(dataFiles(TABLE)).hasSize(DAYS.size());
    }

    @Test
    void testStatementsOfACompaction()
    {
        OperationRecord compacted = compact(FaultInjector.NONE);
        assertThat(compacted.state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(compacted.step()).isEqualTo("compacted 3 of 3 partitions: 9 files -> 3 files");
        String staging = "\"hive\".\"s\".\"t__dredge_%s\"".formatted(compacted.shortId());
        String where = " WHERE (\"day\" IN ('a', 'b', 'c')) AND \"$partition\" IN ('day=a', 'day=b', 'day=c')";
        String rowHash = "combine_hash(combine_hash(coalesce(\"$operator$xx_hash_64\"(\"id\"), 0), coalesce(\"$operator$xx_hash_64\"(\"name\"), 0)), coalesce(\"$operator$xx_hash_64\"(\"day\"), 0))";
        assertThat(engine.statements()).containsExactly(
                "EXPLAIN (TYPE VALIDATE) INSERT INTO \"hive\".\"s\".\"t\" SELECT * FROM \"hive\".\"s\".\"t\" WHERE false",
                "INSERT INTO %s SELECT * FROM \"hive\".\"s\".\"t\"%s".formatted(staging, where),
                "SELECT true, \"$partition\", count(*), checksum(%s) FROM \"hive\".\"s\".\"t\"%s GROUP BY 2 UNION ALL SELECT false, \"$partition\", count(*), checksum(%s) FROM %s%s GROUP BY 2"
                        .formatted(rowHash, where, rowHash, staging, where),
                "CALL \"hive\".system.flush_metadata_cache(schema_name => 's', table_name => 't')");
        assertThat(compacted.compaction().partitions()).extracting(PartitionRecord::state).containsOnly(PartitionState.SWAPPED);
    }

    /**
     * The verification's figures are computed from the rows of both sides: a copy forged between the rewrite and the
     * verification is caught, and its partition keeps its original files.
     */
    @Test
    void testForgedCopyFailsVerificationAndItsPartitionIsLeftAsItWas()
    {
        List<String> rows = rows(TABLE);
        Set<String> files = dataFiles(TABLE);
        // the same ids and the same names, but two names swapped between rows: the counts and each column's values agree
        OperationRecord forged = compact(afterWriting(TABLE, copy -> swapNames(copy.resolve("day=a"))));
        assertThat(forged.state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(forged.step()).endsWith("; skipped day=a (checksum differs between original and rewritten copy)");
        assertThat(rows(TABLE)).isEqualTo(rows);
        assertThat(dataFiles(TABLE)).containsAll(files.stream().filter(file -> file.contains("/day=a/")).toList()).hasSize(FILES_PER_PARTITION + 2);

        // a copy missing a row fails count verification
        TableReference other = new TableReference("s", "u");
        createTable(other, Map.of());
        List<String> otherRows = rows(other);
        OperationRecord shortCopy = new Compaction(context(afterWriting(other, copy -> dropLastLine(copy.resolve("day=b")))))
                .compact(other, new CompactionOptions(Optional.empty(), SmallFilePolicy.DEFAULT, Verification.COUNT, false));
        assertThat(shortCopy.step()).endsWith("; skipped day=b (row count differs: original 300, rewritten 299)");
        assertThat(rows(other)).isEqualTo(otherRows);
    }

    /**
     * An original file rewritten under its name with the same size while the compaction runs (as Hive's
     * {@code INSERT OVERWRITE} may write it): the copy has the old rows, so the partition is not swapped to it.
     */
    @Test
    void testOriginalRewrittenUnderItsNameAndSizeKeepsItsPartition()
    {
        TableReference table = new TableReference("s", "rewritten");
        createTable(table, Map.of());
        Path original = NioFileStore.path(metastore.getTable(table).orElseThrow().location().orElseThrow()).resolve("day=a").resolve("000000_0");
        List<List<String>> rewrittenRows = new ArrayList<>();
        // after the verification read both sides (which would catch it), before the swap
        FaultInjector rewrite = (step, count) -> {
            if (step == ProtocolStep.VERIFIED) {
                try {
                    List<String> lines = new ArrayList<>(Files.readAllLines(original, UTF_8));
                    lines.set(0, "0" + FIELD_SEPARATOR + "name-1");
                    lines.set(1, "1" + FIELD_SEPARATOR + "name-0");
                    long size = Files.size(original);
                    Files.write(original, lines, UTF_8);
                    assertThat(Files.size(original)).isEqualTo(size);
                    rewrittenRows.add(rows(table));
                }
                catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        OperationRecord compacted = new Compaction(context(rewrite)).compact(table, DEFAULT_OPTIONS);
        assertThat(compacted.step()).endsWith("; skipped day=a (files changed during compaction (1 files rewritten since the plan))");
        // the rewrite's rows, not the copy's
        assertThat(rows(table)).isEqualTo(rewrittenRows.get(0));

        // a file of a partition's copy rewritten the same way after the compaction: a rollback would hide it
        String copy = metastore.getPartitions(table, List.of("day=b")).get(0).location();
        try (Stream<Path> files = Files.list(NioFileStore.path(copy))) {
            Path file = files.filter(Files::isRegularFile).filter(path -> !path.getFileName().toString().startsWith(".")).findFirst().orElseThrow();
            List<String> lines = new ArrayList<>(Files.readAllLines(file, UTF_8));
            Collections.reverse(lines);
            Files.write(file, lines, UTF_8);
            // a second later, beyond the file system's coarse clock
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(1)));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThatThrownBy(() -> new Rollback(context(FaultInjector.NONE)).rollback(table, Optional.empty()))
                .hasMessageMatching("day=b of s.rewritten received new data after compaction .* \\(1 files rewritten after it\\): rolling back would hide it; nothing was changed");
    }

    /**
     * As {@code TestHiveCompaction#testBadInputIsRefusedAndChangesNothing} (module {@code it}), without what only
     * Trino's parsing of a {@code CALL} shows (empty names, argument types).
     */
    @Test
    void testBadInputIsRefusedAndChangesNothing()
            throws IOException
    {
        metastore.createTable(new TableDescriptor(new TableReference("s", "t_view"), true, Optional.empty(), "TEXTFILE", List.of("id", "name", "day"), List.of(), List.of(), Map.of()), List.of());
        createTable(new TableReference("s", "footed"), Map.of("skip.footer.line.count", "1"));
        createTable(new TableReference("s", "two_headers"), Map.of("skip.header.line.count", "2"));
        createTable(new TableReference("s", "acid"), Map.of("transactional", "true"));
        metastore.createTable(new TableDescriptor(new TableReference("s", "regex"), false, Optional.of(location("s/regex")), "REGEX", List.of("line"), List.of(), List.of(), Map.of()), List.of());
        List<String> rows = rows(TABLE);
        Set<String> files = filesBelow(directory);

        assertThatThrownBy(() -> compact(new TableReference("s", "nope"))).hasMessage("table s.nope does not exist");
        assertThatThrownBy(() -> compact(new TableReference("nope", "t"))).hasMessage("schema nope does not exist");
        assertThatThrownBy(() -> compact(new TableReference("s", "t_view"))).hasMessageContaining("s.t_view is a view, not a table");
        assertThatThrownBy(() -> compact(new TableReference("s", "t\"; DROP TABLE \"hive\".\"s\".\"t\"; --"))).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> compact(new TableReference("s", "acid"))).hasMessageContaining("s.acid is a transactional (ACID) table");
        assertThatThrownBy(() -> compact(new TableReference("s", "regex"))).hasMessage("s.regex is stored as REGEX, which the engine cannot write");
        assertThatThrownBy(() -> compact(new TableReference("s", "footed")))
                .hasMessageContaining("cannot compact s.footed: its text files have lines to skip (table parameter skip.footer.line.count = 1), and Trino's Hive connector writes no footer lines");
        assertThatThrownBy(() -> compact(new TableReference("s", "two_headers"))).hasMessageContaining("(table parameter skip.header.line.count = 2)");
        // the arguments as compact_table reads them
        assertThatThrownBy(() -> options(Optional.empty(), "huge", 10, "checksum")).hasMessageContaining("target_file_size must be a size like '128MB'");
        assertThatThrownBy(() -> options(Optional.empty(), "0B", 10, "checksum")).hasMessageContaining("target file size must be positive");
        assertThatThrownBy(() -> options(Optional.empty(), "128MB", 0.5, "checksum")).hasMessageContaining("compaction ratio threshold must be a finite number of at least 1");
        assertThatThrownBy(() -> options(Optional.empty(), "128MB", Double.POSITIVE_INFINITY, "checksum")).hasMessageContaining("compaction ratio threshold must be a finite number of at least 1");
        assertThatThrownBy(() -> options(Optional.empty(), "128MB", 10, "md5")).hasMessageContaining("verify must be 'checksum' or 'count'");
        assertThatThrownBy(() -> compact(TABLE, options(Optional.of("day = 'a'); DROP TABLE \"hive\".\"s\".\"t\"; --"), "128MB", 10, "checksum"))).hasMessageContaining("partition_filter must be one SQL expression");
        assertThatThrownBy(() -> compact(TABLE, options(Optional.of("day = 'a') OR (true"), "128MB", 10, "checksum"))).hasMessageContaining("partition_filter must be one SQL expression").hasMessageContaining("unbalanced");
        assertThatThrownBy(() -> compact(TABLE, options(Optional.of("day = 'a' -- and the rest"), "128MB", 10, "checksum"))).hasMessageContaining("it contains a comment");
        // the engine resolves the filter's columns against the partitions table, as Trino does
        assertThatThrownBy(() -> compact(TABLE, options(Optional.of("id = 1"), "128MB", 10, "checksum"))).hasMessageContaining("partition_filter must be a predicate over the partition columns [day] of s.t");
        assertThatThrownBy(() -> new Rollback(context(FaultInjector.NONE)).rollback(TABLE, Optional.empty())).hasMessage("table s.t has no compaction to roll back");
        assertThatThrownBy(() -> Units.duration("soon", "older_than")).hasMessageContaining("older_than must be a number and a unit");
        assertThatThrownBy(() -> new Cleanup(context(FaultInjector.NONE)).cleanup("nope", Optional.empty(), Duration.ZERO, Duration.ZERO)).hasMessage("schema nope does not exist");

        assertThat(rows(TABLE)).isEqualTo(rows);
        assertThat(filesBelow(directory)).isEqualTo(files);
        // a filter is judged once the table is held, so those refusals are journaled, as FAILED; nothing is left running
        assertThat(journal().list("s")).extracting(OperationRecord::state).containsOnly(OperationState.FAILED);
        assertThat(journal().list("s")).extracting(record -> record.error().orElseThrow()).allMatch(error -> error.startsWith("partition_filter must be"));
        assertThat(journal().listRunning(TABLE)).isEmpty();
        assertThat(metastore.getTable(TABLE).orElseThrow().parameter(LOCK_PARAMETER)).isEmpty();
        assertThat(engine.statements()).noneMatch(statement -> statement.startsWith("INSERT"));
    }

    @Test
    void testPartitionFilterAndDryRun()
    {
        List<String> rows = rows(TABLE);
        OperationRecord dryRun = compact(TABLE, new CompactionOptions(Optional.empty(), SmallFilePolicy.DEFAULT, Verification.CHECKSUM, true));
        assertThat(dryRun.state()).isEqualTo(OperationState.PLANNED);
        assertThat(dryRun.step()).isEqualTo("dry run: would compact 3 of 3 partitions, 9 files");
        assertThat(engine.statements()).noneMatch(statement -> statement.startsWith("INSERT"));

        OperationRecord filtered = compact(TABLE, options(Optional.of("day = 'b' OR \"day\" IN ('c') AND NOT day IS NULL"), "128MB", 10, "count"));
        assertThat(filtered.step()).isEqualTo("compacted 2 of 2 partitions: 6 files -> 2 files");
        assertThat(rows(TABLE)).isEqualTo(rows);
        assertThat(dataFiles(TABLE)).hasSize(FILES_PER_PARTITION + 2);
    }

    // ---- the table and the calls

    private void createTable(TableReference table, Map<String, String> parameters)
    {
        String tableLocation = location(table.schemaName() + "/" + table.tableName());
        List<PartitionDescriptor> partitions = new ArrayList<>();
        for (String day : DAYS) {
            String partitionLocation = tableLocation + "/day=" + day;
            partitions.add(new PartitionDescriptor("day=" + day, partitionLocation, "TEXTFILE", Optional.empty()));
            for (int file = 0; file < FILES_PER_PARTITION; file++) {
                StringBuilder lines = new StringBuilder();
                for (int id = file * 100; id < file * 100 + 100; id++) {
                    lines.append(id).append(FIELD_SEPARATOR).append("name-").append(id).append('\n');
                }
                write(NioFileStore.path(partitionLocation).resolve("00000%s_0".formatted(file)), lines.toString());
            }
        }
        HiveStorage text = new HiveStorage("org.apache.hadoop.mapred.TextInputFormat", "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe", Map.of(), Optional.empty());
        HiveTableDefinition definition = new HiveTableDefinition(
                List.of(new HiveColumn("id", "bigint", Optional.empty()), new HiveColumn("name", "string", Optional.empty())),
                List.of(new HiveColumn("day", "string", Optional.empty())),
                text,
                parameters,
                false);
        metastore.createTable(new TableDescriptor(table, false, Optional.of(tableLocation), "TEXTFILE", List.of("id", "name"), List.of("day"), List.of("string"), parameters), partitions, definition);
    }

    private OperationRecord compact(FaultInjector faults)
    {
        return new Compaction(context(faults)).compact(TABLE, DEFAULT_OPTIONS);
    }

    private OperationRecord compact(TableReference table)
    {
        return compact(table, DEFAULT_OPTIONS);
    }

    private OperationRecord compact(TableReference table, CompactionOptions options)
    {
        return new Compaction(context(FaultInjector.NONE)).compact(table, options);
    }

    /**
     * The options as {@code compact_table} makes them of its arguments.
     */
    private static CompactionOptions options(Optional<String> partitionFilter, String targetFileSize, double compactionRatioThreshold, String verify)
    {
        return new CompactionOptions(partitionFilter, new SmallFilePolicy(Units.bytes(targetFileSize, "target_file_size"), compactionRatioThreshold), Verification.parse(verify), false);
    }

    /**
     * One call's context, as an engine makes one per call: its own journal (a journal lives for one call), the
     * process's locks.
     */
    private MaintenanceContext context(FaultInjector faults)
    {
        return new MaintenanceContext(metastore, fileStore, engine, journal(), locks, Optional.of("hive"), Optional.empty(), "alice",
                (catalog, size) -> Map.of(catalog.orElseThrow() + ".target_max_file_size", size + "B"), Clock.systemUTC(), faults, executor,
                staging -> new LocalFileCopier(fileStore, executor));
    }

    private OperationJournal journal()
    {
        return new OperationJournal(fileStore, metastore, Optional.empty());
    }

    /**
     * Changes the staging copy once the rewrite wrote it, before verification.
     */
    private FaultInjector afterWriting(TableReference table, FileChange change)
    {
        return (step, count) -> {
            if (step == ProtocolStep.WRITTEN) {
                OperationRecord running = journal().listRunning(table).stream().findFirst().orElseThrow();
                try {
                    change.apply(NioFileStore.path(running.compaction().stagingLocation().orElseThrow()));
                }
                catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    private interface FileChange
    {
        void apply(Path stagingRoot)
                throws IOException;
    }

    private static void swapNames(Path partition)
            throws IOException
    {
        Path file = onlyFile(partition);
        List<String> lines = new ArrayList<>(Files.readAllLines(file, UTF_8));
        String[] first = lines.get(0).split(FIELD_SEPARATOR);
        String[] second = lines.get(1).split(FIELD_SEPARATOR);
        lines.set(0, first[0] + FIELD_SEPARATOR + second[1]);
        lines.set(1, second[0] + FIELD_SEPARATOR + first[1]);
        Files.write(file, lines, UTF_8);
    }

    private static void dropLastLine(Path partition)
            throws IOException
    {
        Path file = onlyFile(partition);
        List<String> lines = Files.readAllLines(file, UTF_8);
        Files.write(file, lines.subList(0, lines.size() - 1), UTF_8);
    }

    private static Path onlyFile(Path directory)
            throws IOException
    {
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> all = files.toList();
            assertThat(all).hasSize(1);
            return all.get(0);
        }
    }

    // ---- what the table, the journal and the metastore hold

    /**
     * The table's rows as the engine reads them, in a canonical order.
     */
    private List<String> rows(TableReference table)
    {
        return engine.rows(table).stream().map(Object::toString).sorted().toList();
    }

    /**
     * The files the table reads, as {@code "$path"} lists them.
     */
    private Set<String> dataFiles(TableReference table)
    {
        TableDescriptor descriptor = metastore.getTable(table).orElseThrow();
        return metastore.getPartitions(table, metastore.getPartitionNames(descriptor)).stream()
                .flatMap(partition -> {
                    try (Stream<Path> files = Files.list(NioFileStore.path(partition.location()))) {
                        return files.filter(Files::isRegularFile).map(Path::toString).toList().stream();
                    }
                    catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .collect(Collectors.toSet());
    }

    private static Set<String> filesBelow(Path root)
    {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> !file.startsWith(root.resolve("s/.dredge/operations")))
                    .map(Path::toString)
                    .collect(Collectors.toSet());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private OperationRecord onlyCompaction()
    {
        List<OperationRecord> compactions = journal().list(TABLE).stream().filter(record -> record.kind() == OperationKind.COMPACT).toList();
        assertThat(compactions).hasSize(1);
        return compactions.get(0);
    }

    private List<String> dredgeTables()
    {
        return metastore.listTables("s").stream().filter(name -> name.startsWith("t__dredge_")).toList();
    }

    private Path tableDirectory()
    {
        return directory.resolve("s/t");
    }

    private Path journalDirectory()
    {
        return directory.resolve("s/.dredge/operations");
    }

    private String location(String relative)
    {
        return "file:" + directory.resolve(relative);
    }

    private static void write(Path file, String content)
    {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, UTF_8);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
