package io.dredge.trino.copy;

import com.google.inject.Inject;
import io.trino.plugin.base.classloader.ClassLoaderSafeTableFunctionProcessorProvider;
import io.trino.spi.function.FunctionProvider;
import io.trino.spi.function.table.ConnectorTableFunctionHandle;
import io.trino.spi.function.table.TableFunctionProcessorProvider;

import static java.util.Objects.requireNonNull;

/**
 * The processors of the dredge catalog's table functions ({@code changed_partitions} is scanned as a table).
 */
public class DredgeFunctionProvider
        implements FunctionProvider
{
    private final CopyFilesProcessorProvider copyFiles;

    @Inject
    public DredgeFunctionProvider(CopyFilesProcessorProvider copyFiles)
    {
        this.copyFiles = requireNonNull(copyFiles, "copyFiles is null");
    }

    @Override
    public TableFunctionProcessorProvider getTableFunctionProcessorProvider(ConnectorTableFunctionHandle handle)
    {
        if (handle instanceof CopyFilesHandle) {
            return new ClassLoaderSafeTableFunctionProcessorProvider(copyFiles, getClass().getClassLoader());
        }
        throw new IllegalArgumentException("unknown table function handle: " + handle);
    }
}
