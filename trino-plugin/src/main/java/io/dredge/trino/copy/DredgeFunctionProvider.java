package io.dredge.trino.copy;

import com.google.inject.Inject;
import io.dredge.trino.changes.ChangedPartitionsHandle;
import io.dredge.trino.changes.ChangedPartitionsProcessorProvider;
import io.trino.plugin.base.classloader.ClassLoaderSafeTableFunctionProcessorProvider;
import io.trino.spi.function.FunctionProvider;
import io.trino.spi.function.table.ConnectorTableFunctionHandle;
import io.trino.spi.function.table.TableFunctionProcessorProvider;

import static java.util.Objects.requireNonNull;

/**
 * The processors of the dredge catalog's table functions.
 */
public class DredgeFunctionProvider
        implements FunctionProvider
{
    private final CopyFilesProcessorProvider copyFiles;
    private final ChangedPartitionsProcessorProvider changedPartitions;

    @Inject
    public DredgeFunctionProvider(CopyFilesProcessorProvider copyFiles, ChangedPartitionsProcessorProvider changedPartitions)
    {
        this.copyFiles = requireNonNull(copyFiles, "copyFiles is null");
        this.changedPartitions = requireNonNull(changedPartitions, "changedPartitions is null");
    }

    @Override
    public TableFunctionProcessorProvider getTableFunctionProcessorProvider(ConnectorTableFunctionHandle handle)
    {
        if (handle instanceof CopyFilesHandle) {
            return new ClassLoaderSafeTableFunctionProcessorProvider(copyFiles, getClass().getClassLoader());
        }
        if (handle instanceof ChangedPartitionsHandle) {
            return new ClassLoaderSafeTableFunctionProcessorProvider(changedPartitions, getClass().getClassLoader());
        }
        throw new IllegalArgumentException("unknown table function handle: " + handle);
    }
}
