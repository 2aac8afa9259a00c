package io.dredge.hive.adapter;

import io.dredge.core.DredgeException;
import io.dredge.core.operation.FaultInjector;
import io.dredge.core.operation.ProtocolStep;
import org.apache.hadoop.conf.Configuration;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;

import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;
import static java.util.concurrent.TimeUnit.MILLISECONDS;

/**
 * Test-only: a session of a HiveServer2 whose own {@code hive-site.xml} sets {@link #ENABLED} can hold its functions'
 * operations at a protocol step, as Trino's {@code testing_pause_after} does, so that a test can cancel them there.
 * Anywhere else a session that asks for it is refused before anything starts: no user of a real HiveServer2 can hold
 * an operation on purpose.
 */
public final class HiveFaults
{
    /**
     * HiveServer2's {@code hive-site.xml} only, never a session's: whether sessions may ask for {@link #PAUSE_AFTER}.
     */
    public static final String ENABLED = "dredge.testing.fault-injection-enabled";
    /**
     * A session setting, {@code STEP:seconds}: the operation waits after the first time it reaches that step, for that
     * long or until its statement is cancelled.
     */
    public static final String PAUSE_AFTER = "dredge.testing.pause-after";

    private static final long LOOK_MILLIS = 100;

    private HiveFaults() {}

    /**
     * The faults {@code session} asks for.
     *
     * @param enabled whether this HiveServer2 takes them
     * @param cancelled whether the call has been cancelled, which ends a pause
     */
    static FaultInjector of(boolean enabled, Configuration session, BooleanSupplier cancelled)
    {
        String pause = session.getTrimmed(PAUSE_AFTER, "");
        if (pause.isEmpty()) {
            return FaultInjector.NONE;
        }
        if (!enabled) {
            throw new DredgeException(INVALID_ARGUMENT, "%s is a test-only setting, which this HiveServer2 does not take (%s is not set in its hive-site.xml)".formatted(PAUSE_AFTER, ENABLED));
        }
        String[] parts = pause.split(":", 2);
        ProtocolStep step;
        Duration duration;
        try {
            step = ProtocolStep.valueOf(parts[0].strip().toUpperCase(Locale.ROOT));
            duration = Duration.ofSeconds(Long.parseLong(parts[1].strip()));
        }
        catch (RuntimeException e) {
            throw new DredgeException(INVALID_ARGUMENT, "%s must be STEP:seconds with STEP one of %s: %s".formatted(PAUSE_AFTER, List.of(ProtocolStep.values()), pause));
        }
        return (reached, count) -> {
            if (reached == step && count == 1) {
                // the call's thread is never interrupted (see HiveCall): a cancel ends the pause, and the next statement is refused
                long deadline = System.nanoTime() + duration.toNanos();
                while (!cancelled.getAsBoolean() && System.nanoTime() < deadline) {
                    try {
                        MILLISECONDS.sleep(LOOK_MILLIS);
                    }
                    catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        };
    }
}
