package io.dredge.core.port;

import io.dredge.core.model.TableFile;

import java.io.IOException;
import java.util.List;

/**
 * The file system that holds table data: HDFS, an object store or local disk, reached through the host
 * engine's own file-system configuration. Locations are URIs as the metastore stores them.
 */
public interface FileStore
{
    /**
     * Every file under {@code location}, recursively, with absolute paths; hidden files included (callers
     * decide what counts as data). An absent location has no files.
     */
    List<TableFile> listFilesRecursively(String location)
            throws IOException;

    long length(String path)
            throws IOException;

    SeekableInput newInput(String path)
            throws IOException;
}
