package io.dredge.hive.adapter;

import io.dredge.core.DredgeException;
import io.dredge.core.operation.FaultInjector;
import io.dredge.core.operation.ProtocolStep;
import io.dredge.core.port.CallCancellation;
import io.dredge.core.port.CallCancellation.StatementCancelledException;
import org.apache.hadoop.hive.conf.HiveConf;
import org.apache.hadoop.hive.ql.DriverState;
import org.apache.hadoop.hive.ql.metadata.HiveException;
import org.apache.hadoop.hive.ql.session.SessionState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a Hive function's call does with its statement's cancel, without a HiveServer2: HiveServer2's two ways
 * (the statement's driver closed, its thread interrupted) are made here as HiveServer2 makes them.
 */
public class TestHiveCall
{
    private final SessionState session = new SessionState(new HiveConf());
    private final CountDownLatch statementCancelled = new CountDownLatch(1);
    private final Statement statement = (Statement) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Statement.class}, (proxy, method, arguments) -> {
        if (method.getName().equals("cancel")) {
            statementCancelled.countDown();
            return null;
        }
        throw new UnsupportedOperationException(method.getName());
    });

    @AfterEach
    public void tearDown()
    {
        Thread.interrupted();
    }

    @Test
    public void testInterruptOfTheStatementCancelsTheCallButNeverReachesItsWork()
            throws Exception
    {
        HiveCall call = new HiveCall("dredge_compact_table", session, Optional.empty());
        AtomicReference<SessionState> workSession = new AtomicReference<>();
        AtomicBoolean workInterrupted = new AtomicBoolean();
        AtomicBoolean undone = new AtomicBoolean();
        Thread statementThread = Thread.currentThread();
        CompletableFuture.runAsync(() -> {
            sleepUninterruptibly(300);
            statementThread.interrupt();
        });
        assertThatThrownBy(() -> call.run(() -> {
            workSession.set(SessionState.get());
            try {
                return runStatement(call, ignored -> blockUntilCancelled());
            }
            finally {
                workInterrupted.set(Thread.currentThread().isInterrupted());
                // the undo's statements run, unwatched
                undone.set(runStatement(call, ignored -> true));
            }
        }))
                .isInstanceOf(StatementCancelledException.class)
                .hasMessage("cancelled: HiveServer2 interrupted the statement that called dredge_compact_table (the statement or its session closed)");
        assertThat(workSession.get()).isSameAs(session);
        assertThat(workInterrupted.get()).isFalse();
        assertThat(undone.get()).isTrue();
        // the interrupt stays the statement's
        assertThat(Thread.interrupted()).isTrue();
    }

    @Test
    public void testDriverClosedCancelsTheCall()
            throws Exception
    {
        DriverState driver = new DriverState();
        driver.executing();
        HiveCall call = new HiveCall("dredge_backup_table", session, Optional.of(driver));
        // a client's cancel or a query timeout: HiveServer2 closes the driver on its own thread and interrupts nothing
        CompletableFuture.runAsync(() -> {
            sleepUninterruptibly(300);
            driver.lock();
            try {
                driver.closed();
            }
            finally {
                driver.unlock();
            }
        });
        assertThatThrownBy(() -> call.run(() -> runStatement(call, ignored -> blockUntilCancelled())))
                .isInstanceOf(StatementCancelledException.class)
                .hasMessageStartingWith("cancelled: HiveServer2 cancelled the statement that called dredge_backup_table");
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(HiveCall.closed(driver)).isTrue();
    }

    @Test
    public void testCallThatIsNotCancelledReturnsItsResultAndFailure()
            throws Exception
    {
        DriverState driver = new DriverState();
        driver.executing();
        HiveCall call = new HiveCall("dredge_recover", session, Optional.of(driver));
        assertThat(call.run(() -> "done")).isEqualTo("done");
        assertThatThrownBy(() -> call.run(() -> {
            throw new HiveException("refused");
        })).isInstanceOf(HiveException.class).hasMessage("refused");
        assertThatThrownBy(() -> call.run(() -> {
            throw new DredgeException(DredgeException.Kind.INVALID_ARGUMENT, "bad");
        })).isInstanceOf(DredgeException.class).hasMessage("bad");
        assertThat(call.cancellation().delivered()).isEmpty();
    }

    @Test
    public void testPauseIsRefusedUnlessHiveServerTakesIt()
    {
        HiveConf pausing = new HiveConf();
        pausing.set(HiveFaults.PAUSE_AFTER, "PLANNED:30");
        assertThatThrownBy(() -> HiveFaults.of(false, pausing, () -> false))
                .isInstanceOf(DredgeException.class)
                .hasMessage("dredge.testing.pause-after is a test-only setting, which this HiveServer2 does not take (dredge.testing.fault-injection-enabled is not set in its hive-site.xml)");
        // a session cannot enable them for itself: HiveServer2 reads its own configuration
        pausing.setBoolean(HiveFaults.ENABLED, true);
        assertThatThrownBy(() -> new HiveCall("dredge_compact_table", new SessionState(pausing), Optional.empty()))
                .hasMessageContaining("test-only setting");
        assertThat(HiveFaults.of(false, new HiveConf(), () -> false)).isSameAs(FaultInjector.NONE);
        pausing.set(HiveFaults.PAUSE_AFTER, "PLANNED");
        assertThatThrownBy(() -> HiveFaults.of(true, pausing, () -> false)).hasMessageContaining("must be STEP:seconds");
    }

    @Test
    public void testPauseEndsWhenTheCallIsCancelled()
    {
        HiveConf pausing = new HiveConf();
        pausing.set(HiveFaults.PAUSE_AFTER, "written:30");
        AtomicBoolean cancelled = new AtomicBoolean();
        FaultInjector faults = HiveFaults.of(true, pausing, cancelled::get);
        long started = System.nanoTime();
        faults.reached(ProtocolStep.PLANNED, 1);
        faults.reached(ProtocolStep.WRITTEN, 2);
        assertThat(System.nanoTime() - started).isLessThan(SECONDS.toNanos(1));
        CompletableFuture.runAsync(() -> {
            sleepUninterruptibly(300);
            cancelled.set(true);
        });
        faults.reached(ProtocolStep.WRITTEN, 1);
        assertThat(System.nanoTime() - started).isBetween(SECONDS.toNanos(0) + 300_000_000L, SECONDS.toNanos(5));
    }

    private <T> T runStatement(HiveCall call, CallCancellation.StatementWork<T> work)
            throws HiveException
    {
        try {
            return call.cancellation().run(statement, work);
        }
        catch (SQLException e) {
            throw new HiveException(e);
        }
    }

    private static void sleepUninterruptibly(long millis)
    {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
            catch (InterruptedException ignored) {
                // not this test's interrupt
            }
        }
    }

    private Object blockUntilCancelled()
            throws SQLException
    {
        // as Hive's JDBC driver waiting for its statement: until the statement is cancelled
        try {
            if (!statementCancelled.await(10, SECONDS)) {
                throw new AssertionError("statement not cancelled");
            }
        }
        catch (InterruptedException e) {
            throw new AssertionError("the call's work was interrupted", e);
        }
        throw new SQLException("Query was cancelled");
    }
}
