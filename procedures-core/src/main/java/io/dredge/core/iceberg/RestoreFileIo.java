package io.dredge.core.iceberg;

import org.apache.iceberg.RewriteTablePathUtil;
import org.apache.iceberg.inmemory.InMemoryOutputFile;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import static com.google.common.base.Preconditions.checkState;
import static java.util.Objects.requireNonNull;

/**
 * What a restore reads Iceberg files through: a path below the source table location, as the backed-up metadata names
 * files, is read where the backup holds that file; files iceberg-core writes stay in memory until the restore has
 * fixed them up and writes them itself.
 */
final class RestoreFileIo
        implements FileIO
{
    private final FileIO store;
    private final String sourceLocation;
    private final Function<String, String> backupLocation;
    private final Map<String, InMemoryOutputFile> written = new HashMap<>();

    /**
     * @param backupLocation where the backup holds the file of each path relative to the source location
     */
    RestoreFileIo(FileIO store, String sourceLocation, Function<String, String> backupLocation)
    {
        this.store = requireNonNull(store, "store is null");
        this.sourceLocation = requireNonNull(sourceLocation, "sourceLocation is null");
        this.backupLocation = requireNonNull(backupLocation, "backupLocation is null");
    }

    @Override
    public InputFile newInputFile(String path)
    {
        return store.newInputFile(inBackup(path));
    }

    @Override
    public InputFile newInputFile(String path, long length)
    {
        return store.newInputFile(inBackup(path), length);
    }

    @Override
    public OutputFile newOutputFile(String path)
    {
        InMemoryOutputFile output = new InMemoryOutputFile(path);
        checkState(written.putIfAbsent(path, output) == null, "%s written twice", path);
        return output;
    }

    /**
     * The content iceberg-core wrote for {@code path}.
     */
    byte[] writtenContent(String path)
    {
        InMemoryOutputFile output = written.remove(path);
        checkState(output != null, "nothing was written for %s", path);
        return output.toByteArray();
    }

    @Override
    public void deleteFile(String path)
    {
        throw new UnsupportedOperationException("a restore deletes nothing through iceberg-core: " + path);
    }

    private String inBackup(String path)
    {
        // throws for a path outside the source location: the backup refused such tables, so this is a bug
        String relativePath = RewriteTablePathUtil.relativize(path, sourceLocation);
        return requireNonNull(backupLocation.apply(relativePath), () -> "the backup holds no file " + relativePath);
    }
}
