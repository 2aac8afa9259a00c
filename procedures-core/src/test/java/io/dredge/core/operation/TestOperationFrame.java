package io.dredge.core.operation;

import io.dredge.core.DredgeException;
import io.dredge.core.files.LocalFileCopier;
import io.dredge.core.journal.CompactionDetails;
import io.dredge.core.journal.OperationDetails;
import io.dredge.core.journal.OperationJournal;
import io.dredge.core.journal.OperationKind;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.OperationState;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.port.SqlEngine;
import io.dredge.core.sql.SqlDialect;
import io.dredge.core.testing.InMemoryMetastore;
import io.dredge.core.testing.NioFileStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;

import static io.dredge.core.DredgeException.Kind.TABLE_BUSY;
import static io.dredge.core.operation.TableLocks.LOCK_PARAMETER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The frame every operation runs in, on in-memory ports that keep real state: what a success, a failure and a
 * simulated crash leave in the journal, on the table and in the process's locks.
 */
class TestOperationFrame
{
    private static final TableReference TABLE = new TableReference("s", "t");

    @TempDir
    Path directory;

    private InMemoryMetastore metastore;
    private MaintenanceContext context;
    private OperationFrame frame;

    @BeforeEach
    void setUp()
    {
        metastore = new InMemoryMetastore();
        metastore.createSchema("s", "file:" + directory.resolve("s"));
        metastore.createTable(new TableDescriptor(TABLE, false, Optional.of("file:" + directory.resolve("s/t")), "PARQUET", List.of("id"), List.of(), List.of(), Map.of()), List.of());
        NioFileStore fileStore = new NioFileStore();
        context = new MaintenanceContext(metastore, fileStore, new NoEngine(), new OperationJournal(fileStore, metastore, Optional.empty()), new TableLocks(),
                Optional.of("hive"), Optional.empty(), "alice", (catalog, size) -> Map.of(), Clock.systemUTC(), FaultInjector.NONE, Executors.newCachedThreadPool(),
                staging -> new LocalFileCopier(fileStore, Runnable::run));
        frame = new OperationFrame(context);
    }

    @Test
    void testSuccessLeavesTheTableFree()
    {
        OperationRecord record = start();
        OperationRecord finished = frame.hold(table(), record, () -> {
            // while the steps run, the table carries the operation's mark and the journal says RUNNING
            assertThat(table().parameter(LOCK_PARAMETER)).contains(record.id());
            assertThat(context.journal().listRunning(TABLE)).extracting(OperationRecord::id).containsExactly(record.id());
            OperationRecord done = record.finished(OperationState.SUCCEEDED, Optional.empty(), context.clock().instant());
            context.journal().save(done);
            return done;
        }, failure -> failure);
        assertThat(finished.state()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(table().parameter(LOCK_PARAMETER)).isEmpty();
        assertThat(context.locks().tryClaim(TABLE, "next")).isEmpty();
    }

    @Test
    void testFailureIsTheOperationsToUndoAndTheTableIsLetGo()
    {
        OperationRecord record = start();
        List<RuntimeException> handled = new ArrayList<>();
        assertThatThrownBy(() -> frame.hold(table(), record, () -> {
            throw new IllegalStateException("disk full");
        }, failure -> {
            handled.add(failure);
            return frame.journalFailed(record).apply(new DredgeException(DredgeException.Kind.UNSAFE, "undone: " + failure.getMessage(), failure));
        })).hasMessage("undone: disk full");
        assertThat(handled).extracting(Throwable::getMessage).containsExactly("disk full");
        assertThat(context.journal().find("s", record.id()).orElseThrow().state()).isEqualTo(OperationState.FAILED);
        assertThat(table().parameter(LOCK_PARAMETER)).isEmpty();
        assertThat(context.journal().listRunning(TABLE)).isEmpty();
        // the next operation runs
        assertThat(frame.hold(table(), start(), () -> "ran", failure -> failure)).isEqualTo("ran");
    }

    @Test
    void testSimulatedCrashLeavesWhatACrashLeavesForRecover()
    {
        OperationRecord record = start();
        List<RuntimeException> handled = new ArrayList<>();
        assertThatThrownBy(() -> frame.hold(table(), record, () -> {
            throw new FaultInjector.InjectedFault("injected fault after WRITTEN 1");
        }, failure -> {
            handled.add(failure);
            return failure;
        })).isInstanceOf(FaultInjector.InjectedFault.class);
        // nothing undone, nothing journaled: the journal says RUNNING and the table keeps its mark, as after kill -9
        assertThat(handled).isEmpty();
        assertThat(context.journal().listRunning(TABLE)).extracting(OperationRecord::id).containsExactly(record.id());
        assertThat(table().parameter(LOCK_PARAMETER)).contains(record.id());
        // the process's own claim went with the "dead" operation: the next one is refused for the unfinished one only
        assertThatThrownBy(() -> frame.hold(table(), start(), () -> "ran", failure -> failure))
                .isInstanceOfSatisfying(DredgeException.class, e -> assertThat(e.kind()).isEqualTo(TABLE_BUSY))
                .hasMessageContaining("unfinished compact operation " + record.id())
                .hasMessageContaining("dredge.system.recover");

        // recover claims the table in this process only, and a crash of recover itself leaves its record RUNNING too
        OperationRecord recover = OperationRecord.start(OperationKind.RECOVER, TABLE, "alice", Optional.empty(), OperationDetails.NONE, context.clock().instant());
        assertThatThrownBy(() -> frame.claim(TABLE, recover, () -> {
            throw new FaultInjector.InjectedFault("injected");
        }, failure -> failure)).isInstanceOf(FaultInjector.InjectedFault.class);
        assertThat(context.journal().find("s", recover.id()).orElseThrow().state()).isEqualTo(OperationState.RUNNING);
        assertThat(context.locks().tryClaim(TABLE, "next")).isEmpty();
    }

    @Test
    void testATableHeldInThisProcessIsRefusedBeforeAnythingRuns()
    {
        assertThat(context.locks().tryClaim(TABLE, "other")).isEmpty();
        List<String> ran = new ArrayList<>();
        assertThatThrownBy(() -> frame.hold(table(), start(), () -> ran.add("steps"), failure -> failure))
                .isInstanceOfSatisfying(DredgeException.class, e -> assertThat(e.kind()).isEqualTo(TABLE_BUSY))
                .hasMessageContaining("held by running operation other");
        assertThatThrownBy(() -> frame.claim(TABLE, start(), () -> ran.add("steps"), failure -> failure))
                .hasMessageContaining("held by running operation other");
        assertThat(ran).isEmpty();
        assertThat(context.journal().list("s")).isEmpty();
    }

    @Test
    void testATableThatIsGoneIsOnlyJournaled()
    {
        metastore.dropTableKeepingData(TABLE);
        OperationRecord record = start();
        String result = frame.holdIfPresent(Optional.empty(), record, () -> {
            assertThat(context.journal().find("s", record.id())).isPresent();
            return "cleaned";
        }, failure -> failure);
        assertThat(result).isEqualTo("cleaned");
        assertThat(context.locks().tryClaim(TABLE, "next")).isEmpty();
    }

    private TableDescriptor table()
    {
        return metastore.getTable(TABLE).orElseThrow();
    }

    private OperationRecord start()
    {
        return OperationRecord.start(OperationKind.COMPACT, TABLE, "alice", Optional.empty(), CompactionDetails.unplanned(), context.clock().instant());
    }

    /**
     * The frame runs no SQL: any statement is a failure of the test.
     */
    private static final class NoEngine
            implements SqlEngine
    {
        @Override
        public SqlDialect dialect()
        {
            return SqlDialect.TRINO;
        }

        @Override
        public List<List<Object>> query(String sql, Map<String, String> sessionProperties)
        {
            throw new AssertionError("the frame ran SQL: " + sql);
        }

        @Override
        public long update(String sql, Map<String, String> sessionProperties)
        {
            throw new AssertionError("the frame ran SQL: " + sql);
        }
    }
}
