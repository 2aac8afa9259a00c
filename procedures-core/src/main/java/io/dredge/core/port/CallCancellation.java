package io.dredge.core.port;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;
import static java.util.concurrent.TimeUnit.MILLISECONDS;

/**
 * The statements an engine runs for one call (a Trino {@code CALL}, a Hive function's statement) belong to that call:
 * once the call is cancelled, the statement running is cancelled with {@link Statement#cancel()} and fails with
 * {@link StatementCancelledException}, which the operation's failure path undoes as it would any other failure.
 *
 * <p>Three things say that the call is cancelled: the call's own {@link Signal} (Trino does not interrupt a procedure's
 * thread when its query is killed, so its adapter asks the cluster for the {@code CALL}'s state), {@link #cancel} (Hive's
 * adapter watches the calling statement from another thread), and an interrupt of the thread that runs the statement.
 * While a statement runs, the thread and {@link #cancel} are looked at every {@value #TICK_MILLIS} ms, and the signal 1,
 * 3 and 7 seconds after the statement started, then every {@value #MAX_SIGNAL_SPACING_SECONDS} seconds (a Trino signal
 * is a query); and all three before each statement starts, but the signal only when the call has not been known to
 * run (made, or said so by the signal) within the last second: asking it costs about as much as a short statement,
 * and an operation runs several in a row.
 *
 * <p>A cancellation is delivered once, as an interrupt is: the statements running when it is seen fail, or else the
 * next one to start; the statements after that run to their end unwatched, for the operation's undo needs the engine.
 * A caller that would start more work after an operation failed asks {@link #delivered()} first.
 */
public final class CallCancellation
{
    private static final Logger log = LoggerFactory.getLogger(CallCancellation.class);

    static final long TICK_MILLIS = 250;
    static final long MAX_SIGNAL_SPACING_SECONDS = 8;
    private static final long FIRST_SIGNAL_SPACING_NANOS = Duration.ofSeconds(1).toNanos();
    private static final long SIGNAL_FRESH_NANOS = Duration.ofSeconds(1).toNanos();

    private final Signal signal;
    private final ScheduledExecutorService scheduler;
    private final AtomicReference<String> reason = new AtomicReference<>();
    private final AtomicBoolean delivered = new AtomicBoolean();
    private volatile boolean byInterrupt;
    private volatile boolean signalFailureLogged;
    // when the call was last known to run (System.nanoTime()): made, or said so by the signal
    private volatile long runningSaidAt;

    /**
     * Made when the call starts, which it is known to be running then.
     *
     * @param scheduler watches running statements; its owner shuts it down
     */
    public CallCancellation(Signal signal, ScheduledExecutorService scheduler)
    {
        this.signal = requireNonNull(signal, "signal is null");
        this.scheduler = requireNonNull(scheduler, "scheduler is null");
        this.runningSaidAt = System.nanoTime();
    }

    /**
     * Whether the call that runs an engine's statements has been cancelled.
     */
    @FunctionalInterface
    public interface Signal
    {
        /**
         * A call that is not known to be cancelled; its statements are cancelled only when their thread is interrupted.
         */
        Signal NONE = Optional::empty;

        /**
         * Why the call was cancelled (for example {@code "the CALL was killed: ..."}); empty while it runs, or when
         * that cannot be told now. Called from the watching thread as well as the caller's: must be thread safe.
         */
        Optional<String> cancelled();
    }

    /**
     * Something that executes {@code statement}.
     */
    @FunctionalInterface
    public interface StatementWork<T>
    {
        T run(Statement statement)
                throws SQLException;
    }

    /**
     * Cancels the call, for an adapter that learns of it otherwise than through its {@link Signal} (from a thread of
     * its own): the statement running is cancelled at the watcher's next look, or else the next one refused, as for
     * the signal. The first reason given stays.
     */
    public void cancel(String reason)
    {
        this.reason.compareAndSet(null, requireNonNull(reason, "reason is null"));
    }

    /**
     * Why the call was cancelled, once a statement has failed or been refused for it.
     */
    public Optional<String> delivered()
    {
        return delivered.get() ? Optional.ofNullable(reason.get()) : Optional.empty();
    }

    /**
     * Runs {@code work} on {@code statement}, and cancels the statement when the call is cancelled meanwhile. An
     * interrupt of the calling thread that cancels the statement is cleared, as {@link InterruptedException} clears
     * the interrupt it reports: the operation's undo that follows must not be cut short by it.
     *
     * @throws StatementCancelledException when the call was cancelled before or while the statement ran
     */
    public <T> T run(Statement statement, StatementWork<T> work)
            throws SQLException
    {
        if (delivered.get()) {
            return work.run(statement);
        }
        check();
        if (delivered.get()) {
            return work.run(statement);
        }
        Watch watch = new Watch(statement, Thread.currentThread());
        ScheduledFuture<?> ticks = scheduler.scheduleWithFixedDelay(watch::tick, TICK_MILLIS, TICK_MILLIS, MILLISECONDS);
        try {
            return work.run(statement);
        }
        catch (SQLException | RuntimeException e) {
            Optional<String> why = watch.cancelledFor();
            if (why.isPresent()) {
                delivered.set(true);
                clearInterrupt();
                throw new StatementCancelledException(why.get(), e);
            }
            throw e;
        }
        finally {
            ticks.cancel(false);
            watch.finished();
        }
    }

    /**
     * Fails as the next statement would when the call has been cancelled and the cancellation is not yet delivered:
     * for work that runs no statement, before it makes what it did final.
     *
     * @throws StatementCancelledException when the call was cancelled
     */
    public void check()
    {
        check(!signalFresh());
    }

    /**
     * As {@link #check()}, but asks the signal whenever it was last asked: for the last look before an operation
     * makes its work final, where a call killed within the last second would otherwise go unseen (its statements
     * may all have ended before any watcher asked).
     *
     * @throws StatementCancelledException when the call was cancelled
     */
    public void checkNow()
    {
        check(true);
    }

    private void check(boolean askSignal)
    {
        if (delivered.get()) {
            return;
        }
        Optional<String> cancelled = cancelledNow(Thread.currentThread(), askSignal);
        if (cancelled.isPresent() && delivered.compareAndSet(false, true)) {
            clearInterrupt();
            throw new StatementCancelledException(cancelled.get(), null);
        }
    }

    /**
     * Why the call is cancelled, when it is known or seen now: an interrupt of {@code thread}, or the signal (asked
     * when {@code askSignal}).
     */
    private Optional<String> cancelledNow(Thread thread, boolean askSignal)
    {
        if (reason.get() != null) {
            return Optional.of(reason.get());
        }
        if (thread.isInterrupted()) {
            if (reason.compareAndSet(null, "the thread running the call's statements (%s) was interrupted".formatted(thread.getName()))) {
                byInterrupt = true;
            }
            return Optional.of(reason.get());
        }
        if (askSignal) {
            Optional<String> cancelled = askSignal();
            if (cancelled.isPresent()) {
                reason.compareAndSet(null, cancelled.get());
                return Optional.of(reason.get());
            }
        }
        return Optional.empty();
    }

    private void clearInterrupt()
    {
        if (byInterrupt) {
            Thread.interrupted();
        }
    }

    private boolean signalFresh()
    {
        return System.nanoTime() - runningSaidAt < SIGNAL_FRESH_NANOS;
    }

    private Optional<String> askSignal()
    {
        try {
            long askedAt = System.nanoTime();
            Optional<String> cancelled = signal.cancelled();
            if (cancelled.isEmpty()) {
                runningSaidAt = askedAt;
            }
            return cancelled;
        }
        catch (RuntimeException e) {
            // the call runs on: a signal that cannot be read now is asked again later
            if (!signalFailureLogged) {
                signalFailureLogged = true;
                log.warn("cannot tell whether the call was cancelled; its statements run on if it is", e);
            }
            return Optional.empty();
        }
    }

    /**
     * One running statement, looked at by the scheduler.
     */
    private final class Watch
    {
        private final Statement statement;
        private final Thread thread;
        private final long startedAt = System.nanoTime();
        private long signalSpacing = FIRST_SIGNAL_SPACING_NANOS;
        private long nextSignalAt = startedAt + FIRST_SIGNAL_SPACING_NANOS;
        private volatile boolean finished;
        private volatile String cancelledFor;

        private Watch(Statement statement, Thread thread)
        {
            this.statement = statement;
            this.thread = thread;
        }

        // on the scheduler's thread, never two at once for one watch (fixed delay)
        void tick()
        {
            if (finished || cancelledFor != null || delivered.get()) {
                return;
            }
            long now = System.nanoTime();
            boolean askSignal = now >= nextSignalAt;
            if (askSignal) {
                signalSpacing = Math.min(signalSpacing * 2, Duration.ofSeconds(MAX_SIGNAL_SPACING_SECONDS).toNanos());
                nextSignalAt = now + signalSpacing;
            }
            Optional<String> cancelled = askSignal || thread.isInterrupted() || reason.get() != null
                    ? cancelledNow(thread, askSignal)
                    : Optional.empty();
            if (cancelled.isEmpty() || finished) {
                return;
            }
            cancelledFor = cancelled.get();
            log.info("cancelling a statement of a cancelled call ({}), {} ms after it started", cancelledFor, (now - startedAt) / 1_000_000);
            try {
                statement.cancel();
            }
            catch (SQLException | RuntimeException e) {
                // the statement may have finished meanwhile (then the next one is refused); if not, the next look tries again
                log.debug("could not cancel a statement", e);
                cancelledFor = null;
            }
        }

        Optional<String> cancelledFor()
        {
            return Optional.ofNullable(cancelledFor);
        }

        void finished()
        {
            finished = true;
        }
    }

    /**
     * A statement that did not run, or was cancelled while it ran, because the call that ran it was cancelled.
     */
    public static final class StatementCancelledException
            extends RuntimeException
    {
        StatementCancelledException(String reason, Throwable cause)
        {
            super("cancelled: " + reason, cause);
        }
    }
}
