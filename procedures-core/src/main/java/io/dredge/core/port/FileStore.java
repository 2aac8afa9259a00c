package io.dredge.core.port;

import io.dredge.core.model.StoredFile;
import io.dredge.core.model.TableFile;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.google.common.collect.ImmutableList.toImmutableList;

/**
 * The file system that holds table data: HDFS, an object store or local disk, reached through the host
 * engine's own file-system configuration. Locations are URIs as the metastore stores them.
 */
public interface FileStore
{
    /**
     * Every file under {@code location}, recursively, with absolute paths, sizes and modification times; hidden
     * files included (callers decide what counts as data). An absent location has no files.
     */
    List<StoredFile> listStoredFiles(String location)
            throws IOException;

    /**
     * As {@link #listStoredFiles}, without the times.
     */
    default List<TableFile> listFilesRecursively(String location)
            throws IOException
    {
        return listStoredFiles(location).stream()
                .map(file -> new TableFile(file.path(), file.sizeBytes()))
                .collect(toImmutableList());
    }

    long length(String path)
            throws IOException;

    SeekableInput newInput(String path)
            throws IOException;

    /**
     * The whole content of a small file, or empty when it does not exist.
     */
    Optional<byte[]> readFile(String path)
            throws IOException;

    /**
     * Opens a new file for writing, creating its parent directories where the file system has them; fails if the
     * file exists.
     */
    OutputStream create(String path)
            throws IOException;

    /**
     * Writes a small file, replacing any file of that name. On object stores the replacement is atomic; on
     * other file systems a reader may see the old or the new content, never a mix with other writers.
     */
    void writeFile(String path, byte[] content)
            throws IOException;

    /**
     * Moves a file; where the file system cannot rename (object stores) it copies, then deletes the source.
     * Fails if the target exists.
     */
    void moveFile(String source, String target)
            throws IOException;

    /**
     * Renames a directory with everything below it in one step, where the file system can (local disk, HDFS): a
     * reader sees all of its files at one location or the other, never some at each. Returns false, having changed
     * nothing, where it cannot (object stores) or when {@code target} exists.
     */
    boolean renameDirectory(String source, String target)
            throws IOException;

    /**
     * Deletes one file; a missing file is not an error.
     */
    void deleteFile(String path)
            throws IOException;

    /**
     * Deletes a directory and everything below it; a missing directory is not an error.
     */
    void deleteDirectory(String location)
            throws IOException;

    /**
     * The row count each file's own metadata records (the footers of ORC and Parquet files, which the engine's
     * {@code count(*)} reads too), for files of the given storage format. A file whose format keeps no row count, or
     * that cannot be read as that format, is left out of the result.
     */
    Map<String, Long> footerRowCounts(String storageFormat, Collection<TableFile> files);
}
