package io.dredge.hive.adapter;

import com.google.common.annotations.VisibleForTesting;
import io.dredge.core.operation.FaultInjector;
import io.dredge.core.port.CallCancellation;
import org.apache.hadoop.hive.ql.DriverState;
import org.apache.hadoop.hive.ql.metadata.Hive;
import org.apache.hadoop.hive.ql.metadata.HiveException;
import org.apache.hadoop.hive.ql.session.SessionState;
import org.apache.hadoop.security.UserGroupInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.security.PrivilegedExceptionAction;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;
import static java.util.concurrent.TimeUnit.MILLISECONDS;

/**
 * One call of a Dredge function that changes tables, by a HiveServer2 statement ({@code SELECT dredge_compact_table(...)}):
 * the function's work runs on a thread of Dredge's own, as the calling session and user, while the statement's thread
 * waits for it and watches the statement.
 *
 * <p>HiveServer2 4.0.1 tells a function nothing when its statement is cancelled. A client's cancel, a query timeout
 * and {@code KILL QUERY} close the statement's driver and interrupt nothing ({@code SQLOperation.cleanup}); closing
 * the statement, or its session, also interrupts the statement's thread. Either cancels the call
 * ({@link CallCancellation#cancel}): the statement the operation runs is cancelled, and the operation fails and is
 * undone. The interrupt never reaches the work: Hive's JDBC driver and Hadoop's file systems fail on an interrupted
 * thread, which would cut the undo short, and could leave its journal record half written.
 *
 * <p>The driver is watched only when the function runs inside it, as with Hive's defaults
 * ({@code hive.fetch.task.caching=true}: the fetch task that calls the function runs with the statement). Without
 * caching the function runs when the client fetches the results, after the statement has finished, and nothing
 * cancels it.
 */
public final class HiveCall
{
    private static final Logger log = LoggerFactory.getLogger(HiveCall.class);
    private static final long WATCH_MILLIS = 100;

    private final String function;
    private final CallCancellation cancellation;
    private final Optional<DriverState> driver;
    private final FaultInjector faults;
    private volatile boolean cancelled;
    // what the work needs of the calling thread, as HiveServer2 hands a statement to its background thread
    private final SessionState session;
    private final Hive hive;
    private final UserGroupInformation user;
    private final ClassLoader classLoader;
    private final Map<String, String> logContext;

    @VisibleForTesting
    HiveCall(String function, SessionState session, Optional<DriverState> driver)
            throws IOException
    {
        this.function = requireNonNull(function, "function is null");
        this.session = requireNonNull(session, "session is null");
        this.driver = requireNonNull(driver, "driver is null");
        this.cancellation = new CallCancellation(CallCancellation.Signal.NONE, HiveRuntime.get().cancellation());
        // refused before anything starts when the session asks for a fault this HiveServer2 does not take
        this.faults = HiveFaults.of(HiveRuntime.get().faultInjectionEnabled(), session.getConf(), () -> cancelled);
        this.hive = Hive.getThreadLocal();
        this.user = UserGroupInformation.getCurrentUser();
        this.classLoader = Thread.currentThread().getContextClassLoader();
        this.logContext = MDC.getCopyOfContextMap();
    }

    /**
     * The call of {@code function} by the statement whose thread this is, in its session.
     */
    public static HiveCall ofStatement(String function)
            throws HiveException
    {
        SessionState session = SessionState.get();
        if (session == null) {
            throw new HiveException(function + " runs in HiveServer2's session only");
        }
        try {
            return new HiveCall(function, session, runningDriver());
        }
        catch (IOException e) {
            throw new HiveException("%s cannot tell who called it: %s".formatted(function, e.getMessage()), e);
        }
    }

    /**
     * The state of the driver that runs this thread's statement, when the function runs inside it: Hive keeps it
     * in a thread local that {@code Driver.runInternal} sets as it starts, and that only then is this statement's.
     */
    private static Optional<DriverState> runningDriver()
    {
        boolean insideDriver = StackWalker.getInstance().walk(frames -> frames.anyMatch(frame ->
                frame.getClassName().equals("org.apache.hadoop.hive.ql.Driver") && frame.getMethodName().equals("runInternal")));
        if (!insideDriver) {
            return Optional.empty();
        }
        DriverState state = DriverState.getDriverState();
        // one closed already is not the driver running the function
        return closed(state) ? Optional.empty() : Optional.of(state);
    }

    /**
     * Whether HiveServer2 has closed the driver: a statement is closed by its cancel, its timeout, its close and its
     * session's; a driver closed while it executes is also aborted.
     */
    static boolean closed(DriverState state)
    {
        state.lock();
        try {
            return state.isAborted() || state.isClosed() || state.isDestroyed();
        }
        finally {
            state.unlock();
        }
    }

    /**
     * The call's statements are cancelled with it (see {@link io.dredge.core.port.JdbcSqlEngine}).
     */
    public CallCancellation cancellation()
    {
        return cancellation;
    }

    /**
     * The test-only faults the session asks for ({@link HiveFaults}); none on a HiveServer2 that does not take them.
     */
    public FaultInjector faults()
    {
        return faults;
    }

    /**
     * Something a call does, which fails with a {@link HiveException} or an unchecked exception.
     */
    @FunctionalInterface
    public interface Work<T>
    {
        T run()
                throws HiveException;
    }

    /**
     * Runs {@code work} on a thread of Dredge's own, as the calling session and user, and waits for it to end: when
     * the statement is cancelled meanwhile, the call is cancelled and still waited for, so that its undo finishes
     * before the statement does. An interrupt of this thread is kept for the caller.
     */
    public <T> T run(Work<T> work)
            throws HiveException
    {
        Future<T> result = HiveRuntime.get().calls().submit(() -> runAsCaller(work));
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get(WATCH_MILLIS, MILLISECONDS);
                }
                catch (TimeoutException e) {
                    if (driver.isPresent() && closed(driver.get())) {
                        cancel("HiveServer2 cancelled the statement that called %s (a client's cancel, a query timeout, KILL QUERY, or the statement or its session closed)".formatted(function));
                    }
                }
                catch (InterruptedException e) {
                    interrupted = true;
                    cancel("HiveServer2 interrupted the statement that called %s (the statement or its session closed)".formatted(function));
                }
            }
        }
        catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof UndeclaredThrowableException undeclared ? undeclared.getCause() : e.getCause();
            if (cause instanceof HiveException hiveException) {
                throw hiveException;
            }
            if (cause instanceof RuntimeException runtimeException) {
                throw runtimeException;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            if (cause instanceof IOException ioException) {
                throw new UncheckedIOException(ioException.getMessage(), ioException);
            }
            throw new HiveException(cause);
        }
        finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void cancel(String reason)
    {
        if (!cancelled) {
            cancelled = true;
            log.info("Dredge: {}: cancelling its operation", reason);
        }
        cancellation.cancel(reason);
    }

    private <T> T runAsCaller(Work<T> work)
            throws IOException, InterruptedException
    {
        Thread thread = Thread.currentThread();
        ClassLoader previousClassLoader = thread.getContextClassLoader();
        thread.setContextClassLoader(classLoader);
        SessionState.setCurrentSessionState(session);
        Hive.set(hive);
        if (logContext != null) {
            MDC.setContextMap(logContext);
        }
        try {
            return user.doAs((PrivilegedExceptionAction<T>) work::run);
        }
        finally {
            MDC.clear();
            // as HiveServer2's background threads leave a session: its Hive object is the session's to close
            Hive.closeCurrent();
            SessionState.detachSession();
            thread.setContextClassLoader(previousClassLoader);
        }
    }
}
