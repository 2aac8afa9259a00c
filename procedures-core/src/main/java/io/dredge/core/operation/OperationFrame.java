package io.dredge.core.operation;

import io.dredge.core.DredgeException;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.OperationState;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;

import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import static io.dredge.core.DredgeException.Kind.TABLE_BUSY;
import static java.util.Objects.requireNonNull;

/**
 * What every operation shares around its own steps: the table is taken (the operation journaled {@code RUNNING}
 * and the table marked for other engines), the steps run, and the table is let go whatever happens. A failure is
 * the operation's to undo and journal ({@link Failure}); a simulated crash (an injected fault) leaves the journal
 * and the table's mark exactly as the death of the process would, so that {@code recover} finds it, whatever the
 * operation.
 */
public final class OperationFrame
{
    /**
     * Undoes what an operation did before it failed and journals the failure; returns the exception the caller
     * sees (usually the failure itself).
     */
    @FunctionalInterface
    public interface Failure
            extends UnaryOperator<RuntimeException> {}

    private final MaintenanceContext context;
    private final OperationGuard guard;

    public OperationFrame(MaintenanceContext context)
    {
        this.context = requireNonNull(context, "context is null");
        this.guard = new OperationGuard(context);
    }

    /**
     * Runs {@code steps} holding {@code table} for {@code record}'s operation: refused, with nothing changed, when
     * another operation holds the table or left it unfinished.
     */
    public <T> T hold(TableDescriptor table, OperationRecord record, Supplier<T> steps, Failure failure)
    {
        guard.acquire(table, record);
        return run(table.table(), record, steps, failure, true);
    }

    /**
     * As {@link #hold}, for an operation on a table that may be gone (its mark and lock went with it): then the
     * operation is only journaled.
     */
    public <T> T holdIfPresent(Optional<TableDescriptor> table, OperationRecord record, Supplier<T> steps, Failure failure)
    {
        if (table.isPresent()) {
            return hold(table.get(), record, steps, failure);
        }
        context.journal().save(record);
        return run(record.table(), record, steps, failure, false);
    }

    /**
     * Runs {@code steps} with the table claimed in this process only: for {@code recover}, which must run while
     * the table carries the mark of the operation it recovers, and which another live operation of this process
     * must not race.
     */
    public <T> T claim(TableReference table, OperationRecord record, Supplier<T> steps, Failure failure)
    {
        Optional<String> holder = context.locks().tryClaim(table, record.id());
        if (holder.isPresent()) {
            throw new DredgeException(TABLE_BUSY, "table %s is held by running operation %s, which is not interrupted: nothing to recover".formatted(table, holder.get()));
        }
        try {
            context.journal().save(record);
            return steps.get();
        }
        catch (FaultInjector.InjectedFault e) {
            // a simulated crash: the journal keeps saying RUNNING, for the next recover
            throw e;
        }
        catch (RuntimeException e) {
            throw failure.apply(e);
        }
        finally {
            context.locks().release(table, record.id());
        }
    }

    /**
     * The usual {@link Failure}: nothing to undo, the operation journaled {@code FAILED} with the error.
     */
    public Failure journalFailed(OperationRecord record)
    {
        return e -> {
            context.journal().save(record.finished(OperationState.FAILED, Optional.of(String.valueOf(e.getMessage())), context.clock().instant()));
            return e;
        };
    }

    private <T> T run(TableReference table, OperationRecord record, Supplier<T> steps, Failure failure, boolean held)
    {
        boolean crashed = false;
        try {
            return steps.get();
        }
        catch (FaultInjector.InjectedFault e) {
            crashed = true;
            throw e;
        }
        catch (RuntimeException e) {
            throw failure.apply(e);
        }
        finally {
            if (held && crashed) {
                // a simulated crash leaves the journal and the table's mark as a crash would, for recover
                context.locks().release(table, record.id());
            }
            else if (held) {
                guard.release(table, record.id());
            }
        }
    }
}
