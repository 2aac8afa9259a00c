package io.dredge.hive.adapter;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.dredge.core.operation.TableLocks;
import org.apache.hadoop.hive.conf.HiveConf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * What Dredge keeps for the life of a HiveServer2, for all of its sessions (the jar is on its classpath, so every
 * session's functions and hooks share one of these): the operations running in the process, and the threads that
 * run the functions' operations, run steps beside an operation, copy backup files and compact after writes. It owns them: when HiveServer2 stops,
 * no new work is taken and running work gets a moment to finish before the threads are interrupted; an operation
 * interrupted or killed then is left for {@code recover}, as after a crash.
 */
public final class HiveRuntime
{
    private static final Logger log = LoggerFactory.getLogger(HiveRuntime.class);
    private static final long SHUTDOWN_GRACE_SECONDS = 10;
    private static final HiveRuntime INSTANCE = new HiveRuntime();

    private final TableLocks locks = new TableLocks();
    private final ExecutorService beside = Executors.newCachedThreadPool(daemonThreads("dredge-beside-%s"));
    private final ExecutorService copies = Executors.newFixedThreadPool(4, daemonThreads("dredge-backup-copy-%s"));
    private final ExecutorService compactionsAfterWrites = Executors.newSingleThreadExecutor(daemonThreads("dredge-compact-after-write-%s"));
    private final ScheduledExecutorService cancellation = Executors.newScheduledThreadPool(1, daemonThreads("dredge-cancellation-%s"));
    private final ExecutorService calls = Executors.newCachedThreadPool(daemonThreads("dredge-call-%s"));
    private volatile Boolean faultInjectionEnabled;

    private HiveRuntime()
    {
        Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "dredge-shutdown"));
    }

    public static HiveRuntime get()
    {
        return INSTANCE;
    }

    public TableLocks locks()
    {
        return locks;
    }

    public ExecutorService beside()
    {
        return beside;
    }

    /**
     * HiveServer2 copies backup files itself, a few at a time, whichever session asks.
     */
    public ExecutorService copies()
    {
        return copies;
    }

    public ExecutorService compactionsAfterWrites()
    {
        return compactionsAfterWrites;
    }

    /**
     * Watches the statements a function runs for the cancellation of its call (see {@code CallCancellation}).
     */
    public ScheduledExecutorService cancellation()
    {
        return cancellation;
    }

    /**
     * Runs the functions' operations, each for the statement that called it (see {@link HiveCall}).
     */
    public ExecutorService calls()
    {
        return calls;
    }

    /**
     * Whether this HiveServer2's own configuration ({@code hive-site.xml}, not a session's) takes test-only faults
     * ({@link HiveFaults#ENABLED}); read once.
     */
    public boolean faultInjectionEnabled()
    {
        Boolean enabled = faultInjectionEnabled;
        if (enabled == null) {
            enabled = new HiveConf().getBoolean(HiveFaults.ENABLED, false);
            faultInjectionEnabled = enabled;
        }
        return enabled;
    }

    void shutdown()
    {
        List<ExecutorService> executors = List.of(compactionsAfterWrites, calls, copies, beside, cancellation);
        executors.forEach(ExecutorService::shutdown);
        try {
            for (ExecutorService executor : executors) {
                if (!executor.awaitTermination(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS)) {
                    log.warn("Dredge: work still running when HiveServer2 stopped is interrupted; run recover on its tables");
                    executor.shutdownNow();
                }
            }
        }
        catch (InterruptedException e) {
            executors.forEach(ExecutorService::shutdownNow);
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemonThreads(String nameFormat)
    {
        return new ThreadFactoryBuilder().setDaemon(true).setNameFormat(nameFormat).build();
    }
}
