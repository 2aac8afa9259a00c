package io.dredge.core.changes;

import io.dredge.core.files.LocalFileCopier;
import io.dredge.core.journal.OperationJournal;
import io.dredge.core.model.HiveColumn;
import io.dredge.core.model.HiveStorage;
import io.dredge.core.model.HiveTableDefinition;
import io.dredge.core.model.PartitionDescriptor;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.operation.FaultInjector;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.operation.TableLocks;
import io.dredge.core.testing.InMemoryMetastore;
import io.dredge.core.testing.NioFileStore;
import io.dredge.core.testing.TextTableEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * {@code changed_partitions} on a Hive table with a partition filter, on the fast tier (an in-memory metastore and
 * local files): the token moves on for the partitions the filter takes only, and an answer run again (an engine's
 * retried task) answers from the checkpoint the first run kept. {@code TestChangedPartitions} (module {@code it})
 * runs the filters through SQL on a real Trino.
 */
class TestChangedPartitionsFilters
{
    private static final TableReference TABLE = new TableReference("s", "t");
    private static final PartitionFilter DAY_A = PartitionFilter.of(values -> "a".equals(values.get("day")));

    @TempDir
    Path directory;

    private final NioFileStore fileStore = new NioFileStore();
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private InMemoryMetastore metastore;
    private MaintenanceContext context;

    @BeforeEach
    void setUp()
            throws IOException
    {
        metastore = new InMemoryMetastore();
        metastore.createSchema("s", location("s"));
        String table = location("s/t");
        List<PartitionDescriptor> partitions = List.of(
                new PartitionDescriptor("day=a", table + "/day=a", "TEXTFILE", Optional.empty()),
                new PartitionDescriptor("day=b", table + "/day=b", "TEXTFILE", Optional.empty()));
        write("day=a", "0");
        write("day=b", "0");
        HiveStorage text = new HiveStorage("org.apache.hadoop.mapred.TextInputFormat", "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe", Map.of(), Optional.empty());
        HiveTableDefinition definition = new HiveTableDefinition(List.of(new HiveColumn("id", "bigint", Optional.empty())), List.of(new HiveColumn("day", "string", Optional.empty())), text, Map.of(), false);
        metastore.createTable(new TableDescriptor(TABLE, false, Optional.of(table), "TEXTFILE", List.of("id"), List.of("day"), List.of("string"), Map.of()), partitions, definition);
        context = new MaintenanceContext(metastore, fileStore, new TextTableEngine(metastore, "hive"), new OperationJournal(fileStore, metastore, Optional.empty()), new TableLocks(),
                Optional.of("hive"), Optional.empty(), "alice", (catalog, size) -> Map.of(), Clock.systemUTC(), FaultInjector.NONE, executor,
                staging -> new LocalFileCopier(fileStore, executor));
    }

    @AfterEach
    void tearDown()
    {
        executor.shutdownNow();
    }

    @Test
    void testFilteredAnswerMovesOnForItsPartitionsOnlyAndARetryAnswersTheSame()
            throws IOException
    {
        ChangedPartitions.Plan first = ChangedPartitions.plan(context, TABLE, new ChangeStart.AfterTime(Instant.parse("2000-01-01T00:00:00Z")));
        assertThat(names(ChangedPartitions.changes(context, first, PartitionFilter.ALL))).containsExactly("day=a", "day=b");
        // a first answer's checkpoint holds every partition: it takes no filter
        ChangedPartitions.Plan another = ChangedPartitions.plan(context, TABLE, new ChangeStart.AfterTime(Instant.parse("2000-01-01T00:00:00Z")));
        assertThatThrownBy(() -> ChangedPartitions.changes(context, another, DAY_A)).hasMessageContaining("takes no partition filter");

        write("day=a", "1");
        write("day=b", "1");
        ChangedPartitions.Plan filtered = ChangedPartitions.plan(context, TABLE, new ChangeStart.AfterToken(first.range().resumeToken()));
        List<PartitionChange> answer = ChangedPartitions.changes(context, filtered, DAY_A);
        assertThat(answer).extracting(PartitionChange::partitionName, PartitionChange::filesAdded).containsExactly(tuple("day=a", 1L));
        // a file written after the first run; the engine runs the answer again: the same answer, from the kept listing
        write("day=a", "2");
        assertThat(ChangedPartitions.changes(context, filtered, DAY_A)).isEqualTo(answer);

        // from the filtered answer's token: what the filter left out, and what came after its listing, once each
        ChangedPartitions.Plan next = ChangedPartitions.plan(context, TABLE, new ChangeStart.AfterToken(filtered.range().resumeToken()));
        assertThat(ChangedPartitions.changes(context, next, PartitionFilter.ALL))
                .extracting(PartitionChange::partitionName, PartitionChange::filesAdded)
                .containsExactly(tuple("day=a", 1L), tuple("day=b", 1L));
        ChangedPartitions.Plan last = ChangedPartitions.plan(context, TABLE, new ChangeStart.AfterToken(next.range().resumeToken()));
        assertThat(ChangedPartitions.changes(context, last, PartitionFilter.ALL)).isEmpty();
    }

    private static List<String> names(List<PartitionChange> changes)
    {
        return changes.stream().map(PartitionChange::partitionName).toList();
    }

    private void write(String partition, String file)
            throws IOException
    {
        Path path = directory.resolve("s/t").resolve(partition).resolve("00000" + file + "_0");
        Files.createDirectories(path.getParent());
        Files.writeString(path, file + "\n", UTF_8);
    }

    private String location(String relative)
    {
        return "file:" + directory.resolve(relative);
    }
}
