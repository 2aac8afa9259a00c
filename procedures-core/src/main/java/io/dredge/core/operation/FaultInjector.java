package io.dredge.core.operation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Test hook: stops the protocol at a step as abruptly as a crash would, leaving the journal and the table exactly
 * as they are at that point, for {@code recover} to deal with.
 */
public interface FaultInjector
{
    FaultInjector NONE = (step, count) -> {};
    long RELEASE_POLL_MILLIS = 50;

    /**
     * Called when the protocol reaches {@code step} for the {@code count}-th time; throws {@link InjectedFault} to stop.
     */
    void reached(ProtocolStep step, int count);

    /**
     * Fails at {@code step} once it has been reached {@code count} times.
     */
    static FaultInjector failAt(ProtocolStep step, int count)
    {
        return (reached, reachedCount) -> {
            if (reached == step && reachedCount == count) {
                throw new InjectedFault("injected fault after %s %s".formatted(step, count));
            }
        };
    }

    /**
     * Waits at {@code step} (its first time) for {@code pause}, or until a file appears at {@code release}: a test
     * can then watch and contend with a running operation, and let it go on as soon as it is done.
     */
    static FaultInjector pauseAt(ProtocolStep step, Duration pause, Optional<Path> release)
    {
        return (reached, reachedCount) -> {
            if (reached == step && reachedCount == 1) {
                long deadline = System.nanoTime() + pause.toNanos();
                try {
                    while (System.nanoTime() < deadline && release.map(path -> !Files.exists(path)).orElse(true)) {
                        Thread.sleep(Math.min(RELEASE_POLL_MILLIS, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
                    }
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InjectedFault("interrupted while paused after " + step);
                }
            }
        };
    }

    final class InjectedFault
            extends RuntimeException
    {
        public InjectedFault(String message)
        {
            super(message);
        }
    }
}
