package io.dredge.core.operation;

import com.google.common.util.concurrent.Uninterruptibles;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import static com.google.common.base.Throwables.throwIfUnchecked;

/**
 * Two steps of one operation that wait on different systems (a statement running on the engine's cluster, a
 * metastore call), run at the same time: the main step on the calling thread, the other on an executor the caller's
 * owner shuts down. Both always run to their end before this returns, so neither is left half done behind the
 * caller's back; the main step's failure wins, the other's is attached to it.
 */
public final class Beside
{
    private Beside() {}

    public static <T> T run(Supplier<T> main, Runnable beside, Executor executor)
    {
        // the engine's and the metastore's clients load classes through the caller's (plugin) class loader
        ClassLoader classLoader = Thread.currentThread().getContextClassLoader();
        CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(classLoader);
            try {
                beside.run();
            }
            finally {
                thread.setContextClassLoader(previous);
            }
        }, executor);
        T result;
        try {
            result = main.get();
        }
        catch (RuntimeException | Error e) {
            failure(other).ifPresent(e::addSuppressed);
            throw e;
        }
        failure(other).ifPresent(failure -> {
            throwIfUnchecked(failure);
            throw new IllegalStateException(failure);
        });
        return result;
    }

    private static Optional<Throwable> failure(CompletableFuture<Void> other)
    {
        try {
            Uninterruptibles.getUninterruptibly(other);
            return Optional.empty();
        }
        catch (ExecutionException e) {
            return Optional.of(e.getCause());
        }
    }
}
