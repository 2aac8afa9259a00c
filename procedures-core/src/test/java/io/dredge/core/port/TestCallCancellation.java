package io.dredge.core.port;

import com.google.common.util.concurrent.Uninterruptibles;
import io.dredge.core.port.CallCancellation.StatementCancelledException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class TestCallCancellation
{
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final CountDownLatch cancelled = new CountDownLatch(1);
    private final AtomicInteger cancels = new AtomicInteger();
    private final Statement statement = (Statement) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Statement.class}, (proxy, method, arguments) -> {
        if (method.getName().equals("cancel")) {
            cancels.incrementAndGet();
            cancelled.countDown();
            return null;
        }
        throw new UnsupportedOperationException(method.getName());
    });

    @AfterEach
    public void tearDown()
    {
        scheduler.shutdownNow();
        Thread.interrupted();
    }

    @Test
    public void testStatementOfARunningCallRunsToItsEnd()
            throws SQLException
    {
        CallCancellation cancellation = new CallCancellation(Optional::empty, scheduler);
        assertThat(cancellation.<Long>run(statement, ignored -> {
            Uninterruptibles.sleepUninterruptibly(600, MILLISECONDS);
            return 42L;
        })).isEqualTo(42L);
        assertThat(cancels.get()).isZero();
    }

    @Test
    public void testCancelledCallCancelsItsRunningStatement()
    {
        AtomicReference<Optional<String>> signal = new AtomicReference<>(Optional.empty());
        CallCancellation cancellation = new CallCancellation(signal::get, scheduler);
        assertThatThrownBy(() -> cancellation.run(statement, ignored -> {
            signal.set(Optional.of("the CALL was killed"));
            return blockUntilCancelled();
        }))
                .isInstanceOf(StatementCancelledException.class)
                .hasMessage("cancelled: the CALL was killed")
                .hasCauseInstanceOf(SQLException.class);
        assertThat(cancels.get()).isEqualTo(1);
    }

    @Test
    public void testInterruptCancelsRunningStatement()
    {
        CallCancellation cancellation = new CallCancellation(CallCancellation.Signal.NONE, scheduler);
        Thread caller = Thread.currentThread();
        scheduler.schedule(caller::interrupt, 100, MILLISECONDS);
        assertThatThrownBy(() -> cancellation.run(statement, ignored -> blockUntilCancelled()))
                .isInstanceOf(StatementCancelledException.class)
                .hasMessageContaining("was interrupted");
        // reported by the exception, as InterruptedException reports it: the undo that follows is not cut short
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    public void testCancelFromAnotherThreadCancelsRunningStatement()
            throws SQLException
    {
        CallCancellation cancellation = new CallCancellation(CallCancellation.Signal.NONE, scheduler);
        scheduler.schedule(() -> cancellation.cancel("the statement was closed"), 100, MILLISECONDS);
        long started = System.nanoTime();
        assertThatThrownBy(() -> cancellation.run(statement, ignored -> blockUntilCancelled()))
                .isInstanceOf(StatementCancelledException.class)
                .hasMessage("cancelled: the statement was closed");
        // at the watcher's next look, not the signal's seconds
        assertThat(System.nanoTime() - started).isLessThan(SECONDS.toNanos(1));
        assertThat(cancels.get()).isEqualTo(1);
        assertThat(cancellation.delivered()).contains("the statement was closed");
        // delivered once: the undo's statements run
        assertThat(cancellation.<Integer>run(statement, ignored -> 1)).isEqualTo(1);
    }

    @Test
    public void testCancelBeforeAStatementRefusesIt()
    {
        CallCancellation cancellation = new CallCancellation(CallCancellation.Signal.NONE, scheduler);
        cancellation.cancel("the statement was cancelled");
        cancellation.cancel("a later reason");
        AtomicInteger ran = new AtomicInteger();
        assertThatThrownBy(() -> cancellation.run(statement, ignored -> ran.incrementAndGet()))
                .isInstanceOf(StatementCancelledException.class)
                .hasMessage("cancelled: the statement was cancelled");
        assertThat(ran.get()).isZero();
        assertThat(cancels.get()).isZero();
    }

    @Test
    public void testCheckBetweenStatementsFailsOnceForACancelledCall()
            throws SQLException
    {
        CallCancellation cancellation = new CallCancellation(CallCancellation.Signal.NONE, scheduler);
        cancellation.check();
        cancellation.cancel("the statement was cancelled");
        assertThatThrownBy(cancellation::check)
                .isInstanceOf(StatementCancelledException.class)
                .hasMessage("cancelled: the statement was cancelled");
        // delivered: the undo's checks and statements run
        cancellation.check();
        assertThat(cancellation.<Integer>run(statement, ignored -> 1)).isEqualTo(1);
    }

    @Test
    public void testCheckNowAsksAFreshSignal()
    {
        AtomicInteger asked = new AtomicInteger();
        CallCancellation cancellation = new CallCancellation(() -> {
            asked.incrementAndGet();
            return Optional.of("the CALL was killed");
        }, scheduler);
        // just made, so known to run: check() does not ask, checkNow() does
        cancellation.check();
        assertThat(asked.get()).isZero();
        assertThatThrownBy(cancellation::checkNow)
                .isInstanceOf(StatementCancelledException.class)
                .hasMessage("cancelled: the CALL was killed");
        assertThat(asked.get()).isEqualTo(1);
        cancellation.checkNow();
    }

    @Test
    public void testCancellationIsDeliveredOnceSoThatTheUndoRuns()
            throws SQLException
    {
        CallCancellation cancellation = new CallCancellation(() -> Optional.of("the CALL was killed"), scheduler);
        // killed after it started: the signal is asked before a statement once the start is a second old
        Uninterruptibles.sleepUninterruptibly(1100, MILLISECONDS);
        AtomicInteger ran = new AtomicInteger();
        assertThatThrownBy(() -> cancellation.run(statement, ignored -> ran.incrementAndGet()))
                .isInstanceOf(StatementCancelledException.class)
                .hasMessage("cancelled: the CALL was killed");
        assertThat(ran.get()).isZero();
        assertThat(cancellation.delivered()).contains("the CALL was killed");
        // the operation's undo runs its statements to their end
        assertThat(cancellation.<Integer>run(statement, ignored -> {
            Uninterruptibles.sleepUninterruptibly(1200, MILLISECONDS);
            return ran.incrementAndGet();
        })).isEqualTo(1);
        assertThat(cancels.get()).isZero();
    }

    @Test
    public void testSignalIsAskedBeforeAStatementOnlyWhenTheCallWasLastKnownToRunOverASecondAgo()
            throws SQLException
    {
        AtomicInteger asked = new AtomicInteger();
        AtomicReference<Optional<String>> signal = new AtomicReference<>(Optional.empty());
        CallCancellation cancellation = new CallCancellation(() -> {
            asked.incrementAndGet();
            return signal.get();
        }, scheduler);
        for (int i = 0; i < 3; i++) {
            assertThat(cancellation.<Integer>run(statement, ignored -> 1)).isEqualTo(1);
        }
        // a signal is a query of the engine's: the call runs when it starts, and an answer serves the next second
        assertThat(asked.get()).isZero();
        Uninterruptibles.sleepUninterruptibly(1100, MILLISECONDS);
        assertThat(cancellation.<Integer>run(statement, ignored -> 1)).isEqualTo(1);
        assertThat(cancellation.<Integer>run(statement, ignored -> 1)).isEqualTo(1);
        assertThat(asked.get()).isEqualTo(1);
        signal.set(Optional.of("the CALL was killed"));
        Uninterruptibles.sleepUninterruptibly(1100, MILLISECONDS);
        assertThatThrownBy(() -> cancellation.run(statement, ignored -> 1))
                .isInstanceOf(StatementCancelledException.class)
                .hasMessage("cancelled: the CALL was killed");
        assertThat(asked.get()).isEqualTo(2);
    }

    @Test
    public void testSignalThatCannotBeReadDoesNotCancel()
            throws SQLException
    {
        CallCancellation cancellation = new CallCancellation(() -> {
            throw new IllegalStateException("coordinator unreachable");
        }, scheduler);
        assertThat(cancellation.<Integer>run(statement, ignored -> {
            Uninterruptibles.sleepUninterruptibly(1200, MILLISECONDS);
            return 1;
        })).isEqualTo(1);
        assertThat(cancels.get()).isZero();
    }

    private Object blockUntilCancelled()
            throws SQLException
    {
        // as a driver blocked in a socket read: an interrupt neither wakes nor is cleared by it
        long deadline = System.nanoTime() + SECONDS.toNanos(10);
        while (cancelled.getCount() > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("statement not cancelled");
            }
            LockSupport.parkNanos(MILLISECONDS.toNanos(5));
        }
        throw new SQLException("Query was canceled");
    }
}
