package io.dredge.core.journal;

import io.dredge.core.model.TableReference;
import io.dredge.core.testing.InMemoryMetastore;
import io.dredge.core.testing.NioFileStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The journal finds its records however {@code dredge.journal-location} spells its directory: the listing of a
 * directory spells it its own way, and only the files directly in it are the journal's (other catalogs' journals lie
 * below it).
 */
public class TestOperationJournalLocations
{
    @ParameterizedTest
    @ValueSource(strings = {"file:%s", "file:%s/", "file://%s", "file://%s/", "%s", "%s/", "file:%s//", "%s//"})
    public void testRunningRecordIsFoundWhateverTheSpelling(String spelling)
            throws Exception
    {
        Path directory = Files.createDirectories(Files.createTempDirectory("dredge-journal-spelling").resolve("journal"));
        InMemoryMetastore metastore = new InMemoryMetastore();
        String root = spelling.formatted(directory.toAbsolutePath());
        TableReference table = new TableReference("sales", "events");
        OperationRecord record = OperationRecord.start(OperationKind.COMPACT, table, "alice", Optional.empty(), CompactionDetails.unplanned(), Instant.parse("2026-12-07T12:00:00Z"));
        new OperationJournal(new NioFileStore(), metastore, Optional.of(root)).save(record);
        // another catalog's journal below this one is not this journal's
        Files.createDirectories(directory.resolve("catalog-0123456789abcdef"));
        Files.copy(directory.resolve(record.id() + ".json"), directory.resolve("catalog-0123456789abcdef").resolve("20261207_120000_ffffffff.json"));

        OperationJournal again = new OperationJournal(new NioFileStore(), metastore, Optional.of(root));
        assertThat(again.listRunning(table)).extracting(OperationRecord::id).containsExactly(record.id());
        assertThat(again.listAll()).extracting(OperationRecord::id).containsExactly(record.id());
    }
}
