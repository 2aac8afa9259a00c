package io.dredge.core.operation;

import java.time.Duration;

/**
 * Test hook: stops the protocol at a step as abruptly as a crash would, leaving the journal and the table exactly
 * as they are at that point, for {@code recover} to deal with.
 */
public interface FaultInjector
{
    FaultInjector NONE = (step, count) -> {};

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
     * Waits at {@code step} (its first time) for {@code pause}: a test can then watch and contend with a running operation.
     */
    static FaultInjector pauseAt(ProtocolStep step, Duration pause)
    {
        return (reached, reachedCount) -> {
            if (reached == step && reachedCount == 1) {
                try {
                    Thread.sleep(pause.toMillis());
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
