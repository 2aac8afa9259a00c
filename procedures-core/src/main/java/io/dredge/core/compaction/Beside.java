package io.dredge.core.compaction;

import com.google.common.util.concurrent.Uninterruptibles;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static com.google.common.base.Throwables.throwIfUnchecked;

/**
 * Two steps of one operation that wait on different systems (a statement running on the engine's cluster, a
 * metastore call), run at the same time: the main step on the calling thread, the other on a thread beside it.
 * Both always run to their end before this returns, so neither is left half done behind the caller's back; the
 * main step's failure wins, the other's is attached to it.
 */
final class Beside
{
    private Beside() {}

    static <T> T run(Supplier<T> main, Runnable beside, String threadName)
    {
        AtomicReference<Throwable> besideFailure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                beside.run();
            }
            catch (Throwable e) {
                besideFailure.set(e);
            }
        }, threadName);
        // the engine's and the metastore's clients load classes through the caller's (plugin) class loader
        thread.setContextClassLoader(Thread.currentThread().getContextClassLoader());
        thread.setDaemon(true);
        thread.start();
        T result;
        try {
            result = main.get();
        }
        catch (RuntimeException | Error e) {
            Uninterruptibles.joinUninterruptibly(thread);
            if (besideFailure.get() != null) {
                e.addSuppressed(besideFailure.get());
            }
            throw e;
        }
        Uninterruptibles.joinUninterruptibly(thread);
        Throwable failure = besideFailure.get();
        if (failure != null) {
            throwIfUnchecked(failure);
            throw new IllegalStateException(failure);
        }
        return result;
    }
}
